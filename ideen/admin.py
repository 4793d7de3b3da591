"""Moderation of ideas in the admin, scoped to the editor's Quartiere.

An idea holds its proposer's address, so only the assignments open it up (`personal_data`).
Staff see an idea once its proposer confirmed it. Its status changes only through
`ideen.services.idea_move`: on the change page ("Next step" with a reason where one is
needed) or with the actions "Publish", "Auf die Tagesordnung" (an agenda item in the next
meeting of the Stadtteil's conference) and "Als Projekt übernehmen" (a draft project); each
step is recorded in the history and mailed to the proposer. The last two steps are actions
only, so an idea on the agenda always has its agenda item and a taken-up idea its project.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.admin_confirm import confirm_action
from engagierte_stadt.admin_scope import QuartierScopedAdminMixin
from engagierte_stadt.audit import PersonalDataAdminMixin
from engagierte_stadt.submissions.admin import ConfirmedByDefaultFilter
from ideen import services
from ideen.models import NEEDS_REASON, Idea, IdeaStatus, IdeaStatusChange


class ModerationFilter(ConfirmedByDefaultFilter):
    """Confirmed ideas by default: unconfirmed ones may come from anyone."""

    confirmed_label = _("confirmed by the proposer")


# Steps that create something (an agenda item, a project): only through their admin actions.
ACTION_ONLY = (IdeaStatus.AGENDA, IdeaStatus.TAKEN_UP)


class IdeaModerationForm(forms.ModelForm):
    """The idea's texts (staff may correct them) and the next step with its reason."""

    move_to = forms.ChoiceField(
        label=_("Next step"),
        required=False,
        help_text=_("The proposer gets an e-mail; the step appears in the public history."),
    )
    move_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed for “not taken up” (shown publicly) and “hidden” (only the proposer reads it)."
        ),
    )

    class Meta:
        model = Idea
        fields = ["title", "description", "helpers", "topic", "picture_alt"]
        # Here and not on the model: the public form has texts for the proposer.
        help_texts = {
            "title": _("The proposer's title; correct only spelling or wording that hurts."),
            "description": _("What and where, as the proposer wrote it."),
            "helpers": _("Who could help, in the proposer's words. Optional."),
            "topic": _("The topic the idea belongs to; the idea list filters by it."),
            "picture_alt": _("What the picture shows, for people who cannot see it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        steps = self.instance.next_statuses() if self.instance.pk else ()
        self.fields["move_to"].choices = [("", _("keep the status"))] + [
            (step.value, IdeaStatus(step).label) for step in steps if step not in ACTION_ONLY
        ]

    def clean(self):
        cleaned = super().clean()
        move_to = cleaned.get("move_to")
        if move_to in NEEDS_REASON and not (cleaned.get("move_reason") or "").strip():
            self.add_error("move_reason", _("Please give a reason: the proposer reads it."))
        return cleaned


class IdeaStatusChangeInline(admin.TabularInline):
    model = IdeaStatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "status", "reason", "public"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _step_summary(what):
    """The confirmation page's text for a moderation step: `what` says what happens to each
    idea (a function of the count)."""

    def summary(modeladmin, request, queryset) -> list[str]:
        count = queryset.count()
        return [
            what(count),
            gettext("Each proposer gets an e-mail; the step appears in the public history."),
            gettext("Ideas for which the step is not possible are skipped."),
        ]

    return summary


@admin.register(Idea)
class IdeaAdmin(QuartierScopedAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    quartier_path = "quartier"
    personal_data = True
    form = IdeaModerationForm
    inlines = [IdeaStatusChangeInline]
    list_display = ["title", "quartier", "status", "would_help", "created_at", "published_at"]
    list_filter = [ModerationFilter, "status", ("quartier", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["quartier"]
    search_fields = ["title", "description"]
    actions = ["publish", "put_on_agenda", "take_up_as_project"]
    fieldsets = [
        (
            _("Moderation"),
            {
                "fields": [
                    "status",
                    "reason",
                    "move_to",
                    "move_reason",
                    "agenda_link",
                    "project_link",
                ]
            },
        ),
        (
            _("The idea"),
            {
                "fields": [
                    "quartier",
                    "topic",
                    "title",
                    "description",
                    "helpers",
                    "would_help",
                    "picture_preview",
                    "picture_alt",
                ]
            },
        ),
        (_("Proposer"), {"fields": ["name", "show_name", "email"]}),
        (
            _("History"),
            {
                "fields": [
                    "consent_at",
                    "created_at",
                    "confirmed_at",
                    "published_at",
                    "decided_at",
                    "purged_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "agenda_link",
        "project_link",
        "status",
        "reason",
        "quartier",
        "would_help",
        "picture_preview",
        "name",
        "show_name",
        "email",
        "consent_at",
        "created_at",
        "confirmed_at",
        "published_at",
        "decided_at",
        "purged_at",
    ]

    def has_add_permission(self, request):
        return False  # ideas come from the public form, confirmed by their proposer

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # hide instead; the proposer is told
        return actions

    @admin.display(description=_("on the agenda of"))
    def agenda_link(self, obj):
        meeting = obj.meeting
        if meeting is None:
            return gettext("Not on an agenda yet: use the action “Put on the agenda”.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:konferenzen_meeting_change", args=[meeting.pk]),
            str(meeting),
        )

    @admin.display(description=_("project"))
    def project_link(self, obj):
        if obj.project_id is None:
            return gettext("No project yet: use the action “Take up as a project”.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:quartiere_project_change", args=[obj.project_id]),
            str(obj.project),
        )

    @admin.display(description=_("picture"))
    def picture_preview(self, obj):
        if not obj.picture:
            return "–"
        return format_html(
            '<img src="{}" alt="{}" height="120" class="admin-thumbnail">',
            obj.picture.url,
            obj.picture_alt,
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        move_to = form.cleaned_data.get("move_to")
        if not move_to:
            return
        try:
            moved = services.idea_move(
                idea=obj, to=move_to, reason=form.cleaned_data.get("move_reason") or ""
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        if moved:
            obj.refresh_from_db()
            self.message_user(
                request,
                gettext("New status: %(status)s. The proposer was told by e-mail.")
                % {"status": obj.get_status_display()},
            )
        else:
            self.message_user(
                request,
                gettext("This step is not possible from the current status."),
                messages.WARNING,
            )

    @admin.action(description=_("Publish (the proposer is told)"), permissions=["change"])
    @confirm_action(
        _step_summary(
            lambda n: (
                ngettext(
                    "%d idea is published on the website.",
                    "%d ideas are published on the website.",
                    n,
                )
                % n
            )
        )
    )
    def publish(self, request, queryset):
        ideas = list(queryset)
        moved = sum(1 for idea in ideas if services.idea_publish(idea=idea))
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%d idea published; the proposer was told.",
                    "%d ideas published; the proposers were told.",
                    moved,
                )
                % moved,
            )
        skipped = len(ideas) - moved
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d idea was skipped: only new or hidden ideas can be published.",
                    "%d ideas were skipped: only new or hidden ideas can be published.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

    @admin.action(
        description=_("Put on the agenda of the next district conference"),
        permissions=["change"],
    )
    @confirm_action(
        _step_summary(
            lambda n: (
                ngettext(
                    "%d idea is put on the agenda of the next meeting of its district conference.",
                    "%d ideas are put on the agenda of the next meeting of their district "
                    "conference.",
                    n,
                )
                % n
            )
        )
    )
    def put_on_agenda(self, request, queryset):
        for idea in queryset:
            try:
                item = services.idea_put_on_next_meeting(idea=idea)
            except services.IdeaStepRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                continue
            self.message_user(
                request,
                gettext("“%(title)s” is now on the agenda of %(meeting)s; the proposer was told.")
                % {"title": idea.title, "meeting": item.meeting},
            )

    @admin.action(description=_("Take up as a project (a draft)"), permissions=["change"])
    @confirm_action(
        _step_summary(
            lambda n: (
                ngettext(
                    "A draft project is created from %d idea.",
                    "A draft project is created from each of %d ideas.",
                    n,
                )
                % n
            )
        )
    )
    def take_up_as_project(self, request, queryset):
        for idea in queryset:
            try:
                project = services.idea_take_up_as_project(idea=idea)
            except services.IdeaStepRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                continue
            self.message_user(
                request,
                format_html(
                    gettext(
                        '“{}” is taken up: the draft project <a href="{}">{}</a> waits '
                        "to be completed and published."
                    ),
                    idea.title,
                    reverse("admin:quartiere_project_change", args=[project.pk]),
                    project.title,
                ),
            )
