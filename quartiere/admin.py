from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.admin_confirm import confirm_action
from engagierte_stadt.admin_scope import QuartierScopedAdminMixin
from engagierte_stadt.audit import PersonalDataAdminMixin
from engagierte_stadt.images import renditions
from engagierte_stadt.preview import PreviewAdminMixin
from engagierte_stadt.submissions.admin import (
    ReadOnlySignupInline,
    SignupAdminBase,
    StaffSignupFormBase,
    contact_column,
    contact_summary_text,
    local_time,
    places_overview_text,
    places_summary_text,
    target_signup_links,
)
from engagierte_stadt.translation_admin import EnglishVersionAdminMixin
from quartiere.models import (
    AlertSubscription,
    Opportunity,
    Project,
    ProjectImage,
    Publication,
    Quartier,
    QuartierAssignment,
    Signup,
    Skill,
    Topic,
)
from quartiere.services import (
    assignments_end_now,
    assignments_log_lapsed,
    delegable_quartiere,
    delegation_latest_end,
)


@admin.register(Quartier)
class QuartierAdmin(EnglishVersionAdminMixin, QuartierScopedAdminMixin, admin.ModelAdmin):
    quartier_path = "pk"
    list_display = ["name", "kind", "parent", "population"]
    list_filter = ["kind"]
    search_fields = ["name", "teaser", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    filter_horizontal = ["neighbours"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "kind", "parent", "teaser", "description", "population"]},
        ),
        (_("Neighbours"), {"fields": ["neighbours"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "contact_name",
                    "contact_role",
                    "contact_email",
                    "contact_phone",
                    "effective_contact",
                ]
            },
        ),
    ]
    readonly_fields = ["effective_contact"]

    @admin.display(description=_("contact person (effective)"))
    def effective_contact(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Shown after saving.")
        return contact_summary_text(obj.contact())


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


def thumbnail_html(picture):
    if not picture or not picture.image or not (picture.width and picture.height):
        return "–"
    # The smallest card rendition (400 × 225), not the original of up to 3200 px.
    card = renditions(picture.image, picture.width, picture.height, "card")[0]
    return format_html(
        '<img src="{}" alt="{}" width="96" height="54" class="admin-thumbnail">',
        card.url,
        picture.alt_text,
    )


class ProjectImageInline(admin.StackedInline):
    model = ProjectImage
    extra = 1
    fields = ["preview", "image", "alt_text", "caption", "credit", "position"]
    readonly_fields = ["preview"]
    ordering = ["position", "pk"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail_html(obj if obj.pk else None)


class OpportunityInline(admin.StackedInline):
    model = Opportunity
    extra = 0
    fields = ["title", "slug", "commitment", "places", "signup_deadline", "is_open", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(
    EnglishVersionAdminMixin, QuartierScopedAdminMixin, PreviewAdminMixin, admin.ModelAdmin
):
    quartier_path = "quartier"
    # The columns that matter, so that the list fits 1280 px ("featured" is a filter).
    list_display = ["title", "quartier", "status", "publication", "thumbnail"]
    list_filter = ["publication", "status", "featured", "quartier", "topics"]
    search_fields = ["title", "teaser", "description", "contact_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["quartier"]
    filter_horizontal = ["topics"]
    date_hierarchy = "publish_at"
    inlines = [ProjectImageInline, OpportunityInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "quartier", "teaser", "description", "topics"]}),
        (_("Status and dates"), {"fields": ["status", "start_date", "end_date"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "contact_name",
                    "contact_role",
                    "contact_email",
                    "contact_phone",
                    "show_contact_name",
                    "show_contact_email",
                    "show_contact_phone",
                ]
            },
        ),
        Project.EASY_LANGUAGE_FIELDSET,
        (_("Publication"), {"fields": ["publication", "publish_at", "featured"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quartier").prefetch_related("images")

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        images = list(obj.images.all())
        return thumbnail_html(images[0] if images else None)

    @admin.action(description=_("Publish selected projects"))
    def publish(self, request, queryset):
        count = queryset.update(publication=Publication.PUBLISHED)
        self.message_user(
            request, ngettext("%d project published.", "%d projects published.", count) % count
        )

    @admin.action(description=_("Set selected projects back to draft"))
    def unpublish(self, request, queryset):
        count = queryset.update(publication=Publication.DRAFT)
        self.message_user(
            request,
            ngettext("%d project set to draft.", "%d projects set to draft.", count) % count,
        )


class OpportunityAdminForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("weekdays"),
        choices=Opportunity.Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("For regular offers: on which days."),
    )

    class Meta:
        model = Opportunity
        fields = ["weekdays"]  # the admin adds the other fields from its fieldsets


class SignupInline(ReadOnlySignupInline):
    """Who signed up, read-only: status changes go through the sign-up actions."""

    model = Signup
    quartier_path = "opportunity__quartier"
    opportunity_path = "opportunity"
    verbose_name_plural = _("sign-ups")


class AttentionFilter(admin.SimpleListFilter):
    """What the dashboard's to-do list links to: offers whose places or date need a look."""

    title = _("needs attention")
    parameter_name = "handlungsbedarf"

    def lookups(self, request, model_admin):
        return [
            ("voll", _("full")),
            ("fast-voll", _("nearly full")),
            ("vorbei-offen", _("date passed, still open")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "voll":
            return queryset.accepting().full()
        if self.value() == "fast-voll":
            return queryset.accepting().nearly_full()
        if self.value() == "vorbei-offen":
            return queryset.past_but_open()
        return queryset


@admin.register(Opportunity)
class OpportunityAdmin(
    EnglishVersionAdminMixin, QuartierScopedAdminMixin, PreviewAdminMixin, admin.ModelAdmin
):
    quartier_path = "quartier"
    opportunity_path = "pk"  # a partner organisation's contact: their own opportunities
    partner_readonly_fields = ("project", "quartier")
    form = OpportunityAdminForm
    # The columns that matter, so that the list fits 1280 px (the commitment is a filter).
    list_display = ["title", "project", "quartier", "places_overview", "is_open"]
    list_filter = [AttentionFilter, "is_open", "is_published", "commitment", "quartier"]
    search_fields = ["title", "description", "project__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["project", "quartier"]
    filter_horizontal = ["skills", "topics"]
    readonly_fields = ["places_summary", "signup_links", "sequence", "effective_contact"]
    inlines = [SignupInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "project", "quartier", "description", "topics"]}),
        (
            _("Time"),
            {
                "fields": [
                    "commitment",
                    "starts_at",
                    "ends_at",
                    "hours_per_month",
                    "weekdays",
                    "on_weekdays",
                    "in_evenings",
                    "at_weekends",
                    "sequence",
                ]
            },
        ),
        (
            _("Place and places"),
            {"fields": ["place", "places", "places_summary", "signup_deadline", "is_open"]},
        ),
        (
            _("Suitable for"),
            {
                "fields": [
                    "suitable_youth",
                    "suitable_families",
                    "suitable_seniors",
                    "suitable_without_german",
                    "step_free",
                ]
            },
        ),
        (_("Requirements"), {"fields": ["requirements", "skills"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "contact_name",
                    "contact_role",
                    "contact_email",
                    "contact_phone",
                    "show_contact_name",
                    "show_contact_email",
                    "show_contact_phone",
                    "effective_contact",
                ],
                "description": _(
                    "Only for a contact person of this offer's own. Without one, the project's "
                    "contact person is named, else the district's, else the portal's. The "
                    "effective contact person is named on the page, gets the replies of "
                    "volunteers and is told of new sign-ups."
                ),
            },
        ),
        Opportunity.EASY_LANGUAGE_FIELDSET,
        (_("Publication"), {"fields": ["is_published"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("project__quartier", "quartier")
            .annotate_places()
        )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new opportunity has no sign-ups

    def is_public(self, obj) -> bool:
        # An offer of a draft project is not shown either (`OpportunityQuerySet.published`).
        return super().is_public(obj) and (obj.project_id is None or obj.project.is_published)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.has_perm("quartiere.view_signup"):
            return fieldsets
        # Links to the sign-ups only for staff allowed to see personal data.
        return [
            (
                name,
                {**options, "fields": [*options["fields"], "signup_links"]}
                if "places_summary" in options["fields"]
                else options,
            )
            for name, options in fieldsets
        ]

    @admin.display(description=_("places taken"))
    def places_overview(self, obj):
        return places_overview_text(
            places=obj.places, taken=obj.places_taken, waiting=obj.places_waiting
        )

    @admin.display(description=_("places overview"))
    def places_summary(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return places_summary_text(signups=obj.signups.all(), places=obj.places)

    @admin.display(description=_("contact person (effective)"))
    def effective_contact(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Shown after saving.")
        return contact_summary_text(obj.contact())

    @admin.display(description=_("sign-ups"))
    def signup_links(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return target_signup_links(
            list_url=reverse("admin:quartiere_signup_changelist"),
            add_url=reverse("admin:quartiere_signup_add"),
            target_field="opportunity",
            target=obj,
            list_text=gettext("Show and export the sign-ups"),
            add_text=gettext("Enter a sign-up by phone or on paper"),
        )


class StaffSignupForm(StaffSignupFormBase):
    """A sign-up for an opportunity taken by phone or on paper."""

    duplicate_message = _("This address is already signed up for this opportunity.")

    class Meta:
        model = Signup
        fields = ["opportunity", "source", "name", "phone", "email", "message", "needs"]
        help_texts = {
            "email": _(
                "Optional. Without an address no e-mail is sent: call the person if they move "
                "up from the waiting list."
            ),
        }


@admin.register(Signup)
class SignupAdmin(QuartierScopedAdminMixin, SignupAdminBase):
    """Sign-ups for opportunities (shared parts: `engagierte_stadt.submissions.admin`)."""

    quartier_path = "opportunity__quartier"
    personal_data = True
    opportunity_path = "opportunity"  # a partner organisation's contact: their own offers
    staff_form = StaffSignupForm
    full_message = _(
        "The opportunity is full: the person is number %(position)d on the waiting list."
    )
    list_display = ["created_at", "opportunity", "status", "source", "person", "confirmed_at"]
    list_filter = [
        "status",
        "source",
        ("opportunity__quartier", admin.RelatedOnlyFieldListFilter),
        ("opportunity", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["opportunity"]
    search_fields = ["name", "email", "opportunity__title"]
    autocomplete_fields = ["opportunity"]

    def get_queryset(self, request):
        # DESIGN.md: staff see personal data only for the Quartiere they are responsible for;
        # the mixin limits this queryset, where list, change page, actions and export start.
        return super().get_queryset(request).select_related("opportunity__quartier")

    def csv_columns(self):
        return [
            (gettext("Opportunity"), lambda s: s.opportunity.title),
            (
                gettext("District or neighbourhood"),
                lambda s: s.opportunity.quartier.name if s.opportunity.quartier else "",
            ),
            (gettext("Date"), lambda s: local_time(s.opportunity.starts_at)),
            (gettext("Status"), lambda s: s.get_status_display()),
            (gettext("Source"), lambda s: s.get_source_display()),
            (gettext("Name"), lambda s: s.name),
            (gettext("E-mail"), lambda s: s.email),
            (gettext("Phone"), lambda s: s.phone),
            (gettext("Message"), lambda s: s.message),
            (gettext("What they need to take part"), lambda s: s.needs),
            (gettext("Signed up at"), lambda s: local_time(s.created_at)),
            (gettext("Confirmed at"), lambda s: local_time(s.confirmed_at)),
            (gettext("Cancelled at"), lambda s: local_time(s.cancelled_at)),
            contact_column(Signup),
        ]

    def csv_rows(self, queryset):
        return queryset.select_related("opportunity__quartier", "opportunity__project").order_by(
            "opportunity__title", "opportunity_id", "created_at", "pk"
        )


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(QuartierScopedAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """Demand the city can act on: how many people wait for offers, per Stadtteil and topic.

    Never the addresses: the list and the page show the search, the frequency and the status
    only; subscribers manage (and delete) their subscription with their personal link.
    """

    quartier_path = "quartier"
    list_display = ["created_at", "__str__", "quartier", "topic", "frequency", "status"]
    list_filter = [
        "status",
        "frequency",
        ("quartier", admin.RelatedOnlyFieldListFilter),
        ("topic", admin.RelatedOnlyFieldListFilter),
    ]
    fields = ["query", "quartier", "topic", "frequency", "status", "created_at", "last_sent_at"]
    readonly_fields = fields
    change_list_template = "admin/quartiere/alertsubscription/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quartier", "topic")

    def changelist_view(self, request, extra_context=None):
        active = self.get_queryset(request)  # an editor counts their Quartiere
        extra_context = {
            **(extra_context or {}),
            "active_count": active.active().count(),
            "by_quartier": active.counts_by("quartier"),
            "by_topic": active.counts_by("topic"),
        }
        return super().changelist_view(request, extra_context=extra_context)


# --- responsibility for Quartiere and Vertretung ----------------------------------------------


class DelegationForm(forms.ModelForm):
    """An editor hands their rights for one of their Quartiere to a colleague until a date."""

    class Meta:
        model = QuartierAssignment
        fields = ["user", "quartier", "valid_until"]
        labels = {"user": _("colleague")}
        help_texts = {
            "user": _("Who stands in for you. They get your rights for this district."),
            "valid_until": _(
                "Required. From this moment on the colleague's rights lapse by themselves."
            ),
        }

    def __init__(self, *args, delegator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.delegator = delegator
        self.fields["valid_until"].required = True
        self.fields["quartier"].queryset = delegable_quartiere(delegator)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .exclude(pk=delegator.pk)
            .order_by("username")
        )

    def clean(self):
        cleaned = super().clean()
        delegate, quartier = cleaned.get("user"), cleaned.get("quartier")
        valid_until = cleaned.get("valid_until")
        if delegate and quartier and valid_until:
            if valid_until <= timezone.now():
                self.add_error("valid_until", gettext("The end must lie in the future."))
            latest = delegation_latest_end(user=self.delegator, quartier=quartier)
            if latest is not None and valid_until > latest:
                self.add_error(
                    "valid_until",
                    gettext(
                        "Your own responsibility ends on %(date)s; the delegation cannot "
                        "last longer."
                    )
                    % {"date": timezone.localtime(latest).strftime("%d.%m.%Y %H:%M")},
                )
        return cleaned


class AssignmentStateFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "gueltig"

    def lookups(self, request, model_admin):
        return [("ja", _("in force")), ("nein", _("lapsed"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.current()
        if self.value() == "nein":
            return queryset.lapsed()
        return queryset


def end_now_summary(modeladmin, request, queryset) -> list[str]:
    count = queryset.count()
    return [
        ngettext(
            "%d assignment ends now: the person loses the rights for this district at once.",
            "%d assignments end now: the people lose the rights for these districts at once.",
            count,
        )
        % count,
    ]


@admin.register(QuartierAssignment)
class QuartierAssignmentAdmin(admin.ModelAdmin):
    """Who works on which Quartiere. Administration assigns editors (change permission);
    an editor sees their own assignments and hands them on as a Vertretung (add permission),
    which they may end early (delete permission, only their own delegations)."""

    list_display = ["quartier", "user", "valid_until", "delegated_by", "in_force"]
    list_filter = [AssignmentStateFilter, ("quartier", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["quartier", "user", "delegated_by"]
    search_fields = ["user__username", "quartier__name"]
    actions = ["end_now"]

    @staticmethod
    def is_manager(request) -> bool:
        return request.user.has_perm("quartiere.change_quartierassignment")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_manager(request):
            return queryset
        me = request.user.pk
        return queryset.filter(models.Q(user_id=me) | models.Q(delegated_by_id=me))

    def get_fields(self, request, obj=None):
        if self.is_manager(request):
            return ["user", "quartier", "valid_until", "delegated_by"]
        return ["user", "quartier", "valid_until"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not self.is_manager(request):
            form = super().get_form(request, obj, form=DelegationForm, **kwargs)

            class BoundDelegationForm(form):
                def __init__(self, *args, **inner):
                    super().__init__(*args, delegator=request.user, **inner)

            return BoundDelegationForm
        return super().get_form(request, obj, **kwargs)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self.is_manager(request) or obj.delegated_by_id == request.user.pk

    def save_model(self, request, obj, form, change):
        if not change and not self.is_manager(request):
            obj.delegated_by = request.user
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        assignments_log_lapsed()
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id is None and not self.is_manager(request):
            extra_context["title"] = gettext("Hand on your rights (Vertretung)")
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj):
        return obj.is_current()

    @admin.action(description=_("End the selected assignments now"), permissions=["delete"])
    @confirm_action(end_now_summary)
    def end_now(self, request, queryset):
        if not self.is_manager(request):
            queryset = queryset.filter(delegated_by_id=request.user.pk)
        count = assignments_end_now(assignments=list(queryset))
        self.message_user(
            request,
            ngettext("%d assignment ended.", "%d assignments ended.", count) % count,
        )
