"""Admin of the district conferences: venues, conferences, meetings with agenda and minutes,
open action items, registrations and wishes for new conferences."""

import logging

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.admin_confirm import confirm_action
from engagierte_stadt.admin_scope import QuartierScopedAdminMixin
from engagierte_stadt.audit import PersonalDataAdminMixin
from engagierte_stadt.submissions.admin import (
    ReadOnlySignupInline,
    SignupAdminBase,
    StaffSignupFormBase,
    contact_column,
    contact_summary_text,
    csv_response,
    fill_help_texts,
    local_time,
    places_overview_text,
    places_summary_text,
    target_signup_links,
)
from engagierte_stadt.submissions.capacity import SignupStatus, signup_erase
from engagierte_stadt.translation_admin import EnglishVersionAdminMixin
from konferenzen.models import (
    ActionItem,
    AgendaItem,
    Conference,
    ConferenceWish,
    Decision,
    Meeting,
    Registration,
    Venue,
)
from konferenzen.services import (
    meeting_copy_agenda,
    meeting_create_next,
    meeting_publish_minutes,
    meeting_unique_slug,
)

logger = logging.getLogger(__name__)


# --- venues ----------------------------------------------------------------------------------


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "step_free", "accessible_toilet", "induction_loop"]
    list_filter = ["step_free", "accessible_toilet", "induction_loop", "city"]
    search_fields = ["name", "street", "postcode", "city"]
    fieldsets = [
        (None, {"fields": ["name", "street", "postcode", "city"]}),
        (
            _("Accessibility"),
            {"fields": ["step_free", "accessible_toilet", "induction_loop", "accessibility_note"]},
        ),
    ]

    @admin.display(description=_("address"), ordering="street")
    def address(self, obj):
        return obj.address


# --- conferences -----------------------------------------------------------------------------


class MeetingInlineFormSet(forms.BaseInlineFormSet):
    """New meetings get the date as their address, unique within the conference."""

    def clean(self):
        super().clean()
        taken = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            instance, starts_at = form.instance, form.cleaned_data.get("starts_at")
            if instance.pk is None and not instance.slug and starts_at:
                instance.slug = meeting_unique_slug(
                    conference=self.instance,
                    day=timezone.localtime(starts_at).date(),
                    taken=taken,
                )
            if instance.slug:
                taken.add(instance.slug)


class MeetingInline(admin.TabularInline):
    model = Meeting
    formset = MeetingInlineFormSet
    fields = ["starts_at", "title", "status"]
    extra = 0
    show_change_link = True
    ordering = ["-starts_at", "-pk"]
    verbose_name_plural = _("meetings")

    def get_queryset(self, request):
        # Each row names its meeting, and a meeting's name starts with the conference's.
        return super().get_queryset(request).select_related("conference")


@admin.register(Conference)
class ConferenceAdmin(EnglishVersionAdminMixin, QuartierScopedAdminMixin, admin.ModelAdmin):
    quartier_path = "quartier"
    list_display = ["title", "quartier", "is_active", "meeting_count", "next_meeting"]
    list_filter = ["is_active", ("quartier", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "description", "quartier__name", "organiser", "contact_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["quartier", "usual_venue"]
    readonly_fields = ["meeting_links", "effective_contact"]
    inlines = [MeetingInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "quartier", "description", "is_active"]}),
        (_("Meetings"), {"fields": ["rhythm", "usual_venue", "meeting_links"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "organiser",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "effective_contact",
                ],
                "description": _(
                    "Without a contact person here, the district's contact person is named "
                    "for the conference and its meetings, else the portal's."
                ),
            },
        ),
        Conference.EASY_LANGUAGE_FIELDSET,
    ]

    def get_queryset(self, request):
        now = timezone.now()
        upcoming = Meeting.objects.filter(
            conference=models.OuterRef("pk"),
            starts_at__gte=now,
            status=Meeting.Status.PLANNED,
        ).order_by("starts_at")
        return (
            super()
            .get_queryset(request)
            .select_related("quartier")
            .annotate(
                meetings_total=models.Count("meetings", distinct=True),
                next_starts_at=models.Subquery(upcoming.values("starts_at")[:1]),
            )
        )

    @admin.display(description=_("meetings"), ordering="meetings_total")
    def meeting_count(self, obj):
        return obj.meetings_total

    @admin.display(description=_("next meeting"), ordering="next_starts_at")
    def next_meeting(self, obj):
        return local_time(obj.next_starts_at) or "–"

    @admin.display(description=_("contact person (effective)"))
    def effective_contact(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Shown after saving.")
        return contact_summary_text(obj.contact())

    @admin.display(description=_("add a meeting"))
    def meeting_links(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save the conference first; then you can add its meetings.")
        return format_html(
            '<a href="{}?conference={}">{}</a> · <a href="{}?conference__id__exact={}">{}</a>',
            reverse("admin:konferenzen_meeting_add"),
            obj.pk,
            gettext("Add a meeting with all details"),
            reverse("admin:konferenzen_meeting_changelist"),
            obj.pk,
            gettext("All meetings of this conference"),
        )


# --- meetings --------------------------------------------------------------------------------


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["position", "title", "description", "presenter", "minutes_planned"]
    ordering = ["position", "pk"]
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class DecisionInline(admin.TabularInline):
    model = Decision
    fields = ["position", "text", "agenda_item"]
    ordering = ["position", "pk"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def get_formset(self, request, obj=None, **kwargs):
        # The agenda items to choose from are this meeting's (kept on the request: the
        # inline is shared between requests).
        request.decision_meeting = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            meeting = getattr(request, "decision_meeting", None)
            kwargs["queryset"] = (
                AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk")
                if meeting is not None
                else AgendaItem.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ActionItemForm(forms.ModelForm):
    """Marking an action item done fills in today as the day it was done."""

    class Meta:
        model = ActionItem
        fields = ["position", "title", "responsible", "due_date", "status", "done_at"]

    def clean(self):
        cleaned = super().clean()
        done = cleaned.get("status") == ActionItem.Status.DONE
        if "done_at" in self.fields:
            if done and not cleaned.get("done_at"):
                cleaned["done_at"] = timezone.localdate()
        elif done and not self.instance.done_at:
            # The list edits only the status; the day goes straight onto the row.
            self.instance.done_at = timezone.localdate()
        return cleaned


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    form = ActionItemForm
    fields = ["position", "title", "responsible", "due_date", "status", "done_at"]
    ordering = ["position", "pk"]
    extra = 0


class RegistrationInline(ReadOnlySignupInline):
    model = Registration
    quartier_path = "meeting__conference__quartier"
    verbose_name_plural = _("registrations")


class MeetingAdminForm(forms.ModelForm):
    """The address may stay empty: then the date is used (made unique in the conference)."""

    class Meta:
        model = Meeting
        fields = ["slug"]  # the admin adds the other fields from its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Part of the web address. Leave empty to use the date (2027-03-09). It stays "
                "the same when the meeting moves, so printed notices keep working."
            )

    def clean(self):
        cleaned = super().clean()
        starts_at, conference = cleaned.get("starts_at"), cleaned.get("conference")
        if "slug" in self.fields and not cleaned.get("slug") and starts_at and conference:
            cleaned["slug"] = meeting_unique_slug(
                conference=conference,
                day=timezone.localtime(starts_at).date(),
                exclude_pk=self.instance.pk,
            )
        return cleaned


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Meeting.objects.datetimes("starts_at", "year", order="DESC")
        return [(str(moment.year), str(moment.year)) for moment in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.in_year(int(self.value()))
        return queryset


class MinutesFilter(admin.SimpleListFilter):
    title = _("minutes")
    parameter_name = "minutes"

    def lookups(self, request, model_admin):
        return [
            ("published", _("published")),
            ("missing", _("held, not yet published")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "published":
            return queryset.filter(minutes_published_at__lte=timezone.now())
        if self.value() == "missing":
            return queryset.minutes_missing()
        return queryset


class AgendaFilter(admin.SimpleListFilter):
    """Planned meetings of the next two weeks without an agenda (the dashboard links here)."""

    title = _("agenda")
    parameter_name = "tagesordnung"

    def lookups(self, request, model_admin):
        return [("fehlt", _("missing in the next two weeks"))]

    def queryset(self, request, queryset):
        if self.value() == "fehlt":
            return queryset.without_agenda_soon()
        return queryset


@admin.register(Meeting)
class MeetingAdmin(EnglishVersionAdminMixin, QuartierScopedAdminMixin, admin.ModelAdmin):
    quartier_path = "conference__quartier"
    form = MeetingAdminForm
    list_display = [
        "starts_at",
        "conference",
        "title",
        "status",
        "places_overview",
        "minutes_state",
    ]
    list_display_links = ["starts_at", "title"]
    list_filter = [
        ("conference", admin.RelatedOnlyFieldListFilter),
        "status",
        YearFilter,
        "registration_enabled",
        MinutesFilter,
        AgendaFilter,
    ]
    list_select_related = ["conference"]
    search_fields = ["title", "slug", "conference__title", "conference__quartier__name"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-pk"]
    autocomplete_fields = ["conference", "venue"]
    readonly_fields = [
        "venue_accessibility",
        "places_summary",
        "registration_links",
        "sequence",
        "effective_contact",
    ]
    inlines = [AgendaItemInline, DecisionInline, ActionItemInline, RegistrationInline]
    actions = ["copy_agenda", "create_next", "publish_minutes"]
    fieldsets = [
        (None, {"fields": ["conference", "title", "slug", "status"]}),
        (
            _("When and where"),
            {"fields": ["starts_at", "ends_at", "venue", "room", "sequence"]},
        ),
        (
            _("Accessibility services"),
            {"fields": ["venue_accessibility", "sign_language_on_request", "childcare"]},
        ),
        (
            _("Registration and places"),
            {"fields": ["registration_enabled", "places", "places_summary"]},
        ),
        (
            _("Contact"),
            {
                "fields": ["effective_contact"],
                "description": _(
                    "Named on the meeting page and the notice, gets the replies and is told of "
                    "new registrations: the contact person of the district conference, else "
                    "of the district, else of the portal. Change it there."
                ),
            },
        ),
        (
            _("Minutes"),
            {
                "fields": ["minutes_summary", "minutes_file", "minutes_published_at"],
                "description": _(
                    "After the meeting: a short summary for the web page and the minutes as a "
                    "PDF file. Decisions and action items are entered below. Nothing is shown "
                    "before the time of publication."
                ),
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("conference__quartier", "venue")
            .annotate_places()
        )

    def get_inlines(self, request, obj):
        if obj is None:
            return [AgendaItemInline]  # a new meeting has no minutes and no registrations yet
        return self.inlines

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not request.user.has_perm("konferenzen.view_registration"):
            return fieldsets
        # Links to the registrations only for staff allowed to see personal data.
        return [
            (
                name,
                {**options, "fields": [*options["fields"], "registration_links"]}
                if "places_summary" in options["fields"]
                else options,
            )
            for name, options in fieldsets
        ]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        conference_id = initial.get("conference")
        if conference_id and "venue" not in initial:
            conference = Conference.objects.filter(pk=conference_id).first()
            if conference is not None and conference.usual_venue_id:
                initial["venue"] = conference.usual_venue_id
        return initial

    @admin.display(description=_("places taken"))
    def places_overview(self, obj):
        if not obj.registration_enabled:
            return "–"
        return places_overview_text(
            places=obj.places, taken=obj.places_taken, waiting=obj.places_waiting
        )

    @admin.display(description=_("minutes"), ordering="minutes_published_at")
    def minutes_state(self, obj):
        if obj.minutes_published:
            return gettext("published")
        if obj.minutes_published_at:
            return gettext("from %(date)s") % {"date": local_time(obj.minutes_published_at)}
        return "–"

    @admin.display(description=_("the venue offers"))
    def venue_accessibility(self, obj):
        if obj is None or obj.venue is None:
            return "–"
        venue = obj.venue
        labels = [
            Venue._meta.get_field(field).verbose_name
            for field in ("step_free", "accessible_toilet", "induction_loop")
            if getattr(venue, field)
        ]
        text = ", ".join(str(label) for label in labels) or gettext("no accessibility details")
        change_url = reverse("admin:konferenzen_venue_change", args=[venue.pk])
        return format_html('{} (<a href="{}">{}</a>)', text, change_url, gettext("edit venue"))

    @admin.display(description=_("contact person (effective)"))
    def effective_contact(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Shown after saving.")
        return contact_summary_text(obj.contact())

    @admin.display(description=_("places overview"))
    def places_summary(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        if not obj.registration_enabled:
            return gettext("Registration is switched off: everyone can simply come along.")
        return places_summary_text(signups=obj.registrations.all(), places=obj.places)

    @admin.display(description=_("registrations"))
    def registration_links(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return target_signup_links(
            list_url=reverse("admin:konferenzen_registration_changelist"),
            add_url=reverse("admin:konferenzen_registration_add"),
            target_field="meeting",
            target=obj,
            list_text=gettext("Show and export the registrations"),
            add_text=gettext("Enter a registration by phone or on paper"),
        )

    # --- actions ---------------------------------------------------------------------------

    @admin.action(
        description=_("Take over the agenda of the previous meeting"), permissions=["change"]
    )
    def copy_agenda(self, request, queryset):
        copied, without = 0, []
        for meeting in queryset.order_by("starts_at", "pk"):
            count = meeting_copy_agenda(meeting=meeting)
            if count:
                copied += count
                self.message_user(
                    request,
                    ngettext(
                        "%(meeting)s: %(count)d agenda item taken over.",
                        "%(meeting)s: %(count)d agenda items taken over.",
                        count,
                    )
                    % {"meeting": meeting, "count": count},
                )
            else:
                without.append(meeting)
        if without:
            self.message_user(
                request,
                gettext("No earlier meeting with an agenda for: %(meetings)s")
                % {"meetings": "; ".join(str(meeting) for meeting in without)},
                messages.WARNING,
            )

    @admin.action(
        description=_("Plan the next meeting with this agenda"), permissions=["add", "change"]
    )
    def create_next(self, request, queryset):
        created = [meeting_create_next(meeting=meeting) for meeting in queryset]
        for meeting in created:
            self.log_addition(request, meeting, [{"added": {}}])
        if len(created) == 1:
            [meeting] = created
            self.message_user(
                request,
                gettext(
                    "The next meeting is planned for %(date)s with %(count)d agenda items. "
                    "Please check the date, the room and the agenda."
                )
                % {"date": local_time(meeting.starts_at), "count": meeting.agenda_items.count()},
            )
            return HttpResponseRedirect(
                reverse("admin:konferenzen_meeting_change", args=[meeting.pk])
            )
        self.message_user(
            request,
            ngettext(
                "%d next meeting planned. Please check their dates, rooms and agendas.",
                "%d next meetings planned. Please check their dates, rooms and agendas.",
                len(created),
            )
            % len(created),
        )
        return None

    @admin.action(description=_("Publish the minutes"), permissions=["change"])
    def publish_minutes(self, request, queryset):
        published, problems = 0, []
        for meeting in queryset:
            try:
                published += meeting_publish_minutes(meeting=meeting)
            except ValidationError as error:
                problems.extend(error.messages)
        if published:
            self.message_user(
                request,
                ngettext("%d set of minutes published.", "%d sets of minutes published.", published)
                % published,
            )
        elif not problems:
            self.message_user(
                request, gettext("The selected minutes were published already."), messages.INFO
            )
        for problem in problems:
            self.message_user(request, problem, messages.WARNING)


# --- action items ----------------------------------------------------------------------------


class ActionStatusFilter(admin.SimpleListFilter):
    """Open and in-progress items by default: what still needs doing."""

    title = _("status")
    parameter_name = "status"
    ALL = "alle"

    def lookups(self, request, model_admin):
        return ActionItem.Status.choices

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("not done yet"),
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == str(value),
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }
        yield {
            "selected": self.value() == self.ALL,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": _("All"),
        }

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset.not_done()
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("overdue")), ("no", _("not overdue"))]

    def queryset(self, request, queryset):
        overdue = models.Q(due_date__lt=timezone.localdate()) & ~models.Q(
            status=ActionItem.Status.DONE
        )
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


@admin.register(ActionItem)
class ActionItemAdmin(QuartierScopedAdminMixin, admin.ModelAdmin):
    """Action items of all conferences: by default those not done yet, oldest due first."""

    quartier_path = "meeting__conference__quartier"
    form = ActionItemForm
    # Few columns, so that the list fits 1280 px beside the navigation and the filters: the
    # meeting names its conference, the due date says when it is overdue; the day an item was
    # done is on its page.
    list_display = ["title", "meeting_link", "responsible", "due", "status"]
    list_editable = ["status"]
    list_filter = [
        ActionStatusFilter,
        ("meeting__conference", admin.RelatedOnlyFieldListFilter),
        OverdueFilter,
    ]
    list_select_related = ["meeting__conference"]
    search_fields = ["title", "responsible", "meeting__conference__title"]
    autocomplete_fields = ["meeting"]
    ordering = [models.F("due_date").asc(nulls_last=True), "meeting__starts_at", "position"]
    fields = ["meeting", "position", "title", "responsible", "due_date", "status", "done_at"]

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", ActionItemForm)
        return super().get_changelist_form(request, **kwargs)

    @admin.display(description=_("meeting"), ordering="meeting__starts_at")
    def meeting_link(self, obj):
        return format_html(
            '{}<br><a href="{}">{}</a>',
            obj.meeting.conference.title,
            reverse("admin:konferenzen_meeting_change", args=[obj.meeting_id]),
            obj.meeting.display_title,
        )

    @admin.display(description=_("due by"), ordering="due_date")
    def due(self, obj):
        if not obj.due_date:
            return "–"
        day = date_format(obj.due_date, "j. F Y")
        if obj.due_date < timezone.localdate() and not obj.is_done:
            return format_html('{} <strong class="es-overdue">{}</strong>', day, gettext("overdue"))
        return day


# --- registrations ---------------------------------------------------------------------------


class RegisteredMeetingFilter(admin.RelatedOnlyFieldListFilter):
    """The meetings that have registrations, newest first, named in one query."""

    def field_choices(self, field, request, model_admin):
        meeting_ids = model_admin.get_queryset(request).values("meeting_id")
        meetings = (
            Meeting.objects.filter(pk__in=meeting_ids)
            .select_related("conference")
            .order_by("-starts_at", "-pk")
        )
        return [(meeting.pk, str(meeting)) for meeting in meetings]


class StaffRegistrationForm(StaffSignupFormBase):
    """A registration for a meeting taken by phone or on paper."""

    duplicate_message = _("This address is already registered for this meeting.")

    class Meta:
        model = Registration
        fields = ["meeting", "source", "name", "phone", "email", "message", "needs"]
        help_texts = {
            "email": _(
                "Optional. Without an address no e-mail is sent: call the person if they move "
                "up from the waiting list."
            ),
        }


@admin.register(Registration)
class RegistrationAdmin(QuartierScopedAdminMixin, SignupAdminBase):
    """Registrations for meetings (shared parts: `engagierte_stadt.submissions.admin`)."""

    quartier_path = "meeting__conference__quartier"
    personal_data = True
    staff_form = StaffRegistrationForm
    full_message = _("The meeting is full: the person is number %(position)d on the waiting list.")
    csv_filename_stem = _("registrations")
    list_display = ["created_at", "meeting", "status", "source", "person", "confirmed_at"]
    list_filter = [
        "status",
        "source",
        ("meeting__conference__quartier", admin.RelatedOnlyFieldListFilter),
        ("meeting__conference", admin.RelatedOnlyFieldListFilter),
        ("meeting", RegisteredMeetingFilter),
    ]
    list_select_related = ["meeting__conference"]
    search_fields = ["name", "email", "meeting__title", "meeting__conference__title"]
    autocomplete_fields = ["meeting"]

    def get_queryset(self, request):
        # As with opportunity sign-ups: the registration permissions decide who sees them.
        return super().get_queryset(request).select_related("meeting__conference__quartier")

    def csv_columns(self):
        return [
            (gettext("District conference"), lambda r: r.meeting.conference.title),
            (
                gettext("District or neighbourhood"),
                lambda r: r.meeting.conference.quartier.name,
            ),
            (gettext("Meeting"), lambda r: r.meeting.display_title),
            (gettext("Date and time"), lambda r: local_time(r.meeting.starts_at)),
            (gettext("Status"), lambda r: r.get_status_display()),
            (gettext("Source"), lambda r: r.get_source_display()),
            (gettext("Name"), lambda r: r.name),
            (gettext("E-mail"), lambda r: r.email),
            (gettext("Phone"), lambda r: r.phone),
            (gettext("Message"), lambda r: r.message),
            (gettext("What they need to take part"), lambda r: r.needs),
            (gettext("Signed up at"), lambda r: local_time(r.created_at)),
            (gettext("Confirmed at"), lambda r: local_time(r.confirmed_at)),
            (gettext("Cancelled at"), lambda r: local_time(r.cancelled_at)),
            contact_column(Registration),
        ]

    def csv_rows(self, queryset):
        return queryset.select_related("meeting__conference__quartier").order_by(
            "meeting__starts_at", "meeting_id", "created_at", "pk"
        )

    @admin.action(description=_("Export selected registrations as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return super().export_csv(request, queryset)


# --- wishes for a conference -----------------------------------------------------------------


WISH_HELP_TEXTS = {
    "name": _("The name the person gave. Delete it with the action when they ask."),
    "email": _("Where the portal writes to the person; delete it with the action when they ask."),
    "would_help": _("The person offered to help organise the conference."),
}


def wish_erase_summary(modeladmin, request, queryset) -> list[str]:
    count = queryset.filter(purged_at__isnull=True).count()
    return [
        ngettext(
            "The name and e-mail address of %d wish will be deleted for good.",
            "The names and e-mail addresses of %d wishes will be deleted for good.",
            count,
        )
        % count,
        gettext("The wishes stay counted for their district, without a name."),
    ]


@admin.register(ConferenceWish)
class ConferenceWishAdmin(QuartierScopedAdminMixin, PersonalDataAdminMixin, admin.ModelAdmin):
    """People asking for a conference in their Quartier. They come in through the public form
    (double opt-in); staff read, export and, on request, delete them here."""

    quartier_path = "quartier"
    personal_data = True
    list_display = ["created_at", "quartier", "person", "would_help", "status", "confirmed_at"]
    list_filter = [
        ("quartier", admin.RelatedOnlyFieldListFilter),
        "would_help",
        "status",
    ]
    list_select_related = ["quartier"]
    search_fields = ["name", "email", "quartier__name"]
    actions = ["export_csv", "erase_personal_data"]
    fieldsets = [
        (None, {"fields": ["quartier", "status", "would_help"]}),
        (_("Personal data"), {"fields": ["name", "email"]}),
        (
            _("History"),
            {"fields": ["consent_at", "created_at", "confirmed_at", "cancelled_at", "purged_at"]},
        ),
    ]
    readonly_fields = [
        "quartier",
        "status",
        "consent_at",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "purged_at",
    ]

    def has_add_permission(self, request):
        return False  # wishes need the person's own confirmation by e-mail

    def get_form(self, request, obj=None, **kwargs):
        return fill_help_texts(super().get_form(request, obj, **kwargs), WISH_HELP_TEXTS)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.purged_at:
            return [*self.readonly_fields, "name", "email", "would_help"]
        return self.readonly_fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # erase instead: the anonymous count stays
        return actions

    @admin.display(description=_("name"), ordering="name")
    def person(self, obj):
        return str(obj)

    @admin.action(
        description=_("Export the confirmed wishes of the selection as CSV"), permissions=["view"]
    )
    def export_csv(self, request, queryset):
        rows = (
            queryset.filter(status=SignupStatus.CONFIRMED)
            .select_related("quartier")
            .order_by("quartier__name", "confirmed_at", "pk")
        )
        columns = [
            (gettext("District or neighbourhood"), lambda w: w.quartier.name),
            (gettext("Name"), lambda w: w.name),
            (gettext("E-mail"), lambda w: w.email),
            (gettext("Would help organise it"), lambda w: gettext("yes") if w.would_help else ""),
            (gettext("Confirmed at"), lambda w: local_time(w.confirmed_at)),
            contact_column(ConferenceWish),
        ]
        return csv_response(
            rows=rows,
            columns=columns,
            filename_stem=gettext("wishes for a district conference"),
            request=request,
            logger=logger,
            what="conference wishes",
        )

    @admin.action(
        description=_("Delete personal data of selected wishes now"), permissions=["change"]
    )
    @confirm_action(wish_erase_summary)
    def erase_personal_data(self, request, queryset):
        count = 0
        for wish in queryset.filter(purged_at__isnull=True):
            signup_erase(model=ConferenceWish, signup=wish)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Personal data of %d wish deleted.", "Personal data of %d wishes deleted.", count
            )
            % count,
        )
