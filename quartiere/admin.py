import csv
import logging

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.images import renditions
from engagierte_stadt.signups import (
    ACTIVE_STATUSES,
    SignupStatus,
    Source,
    normalise_email,
    signup_cancel,
    signup_enter_by_staff,
    signup_erase,
    signup_move_up,
)
from quartiere import signup_notifications
from quartiere.models import (
    Opportunity,
    Project,
    ProjectImage,
    Publication,
    Quartier,
    Signup,
    Skill,
    Topic,
    signup_count,
)

logger = logging.getLogger(__name__)


@admin.register(Quartier)
class QuartierAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "population"]
    list_filter = ["kind"]
    search_fields = ["name", "teaser", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "kind", "parent", "teaser", "description", "population"]},
        ),
        (
            _("Contact"),
            {"fields": ["contact_name", "contact_role", "contact_email", "contact_phone"]},
        ),
    ]


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
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "quartier", "status", "publication", "featured", "thumbnail"]
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
        (_("Easy language"), {"fields": ["easy_language"]}),
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
    )

    class Meta:
        model = Opportunity
        fields = ["weekdays"]  # the admin adds the other fields from its fieldsets


class SignupInline(admin.TabularInline):
    """Who signed up, read-only: status changes go through the sign-up actions."""

    model = Signup
    fields = ["person", "status", "source", "created_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("sign-ups")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("name"))
    def person(self, obj):
        return str(obj)


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    form = OpportunityAdminForm
    list_display = ["title", "project", "quartier", "commitment", "places_overview", "is_open"]
    list_filter = ["is_open", "is_published", "commitment", "quartier"]
    search_fields = ["title", "description", "project__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["project", "quartier"]
    filter_horizontal = ["skills"]
    readonly_fields = ["places_summary", "signup_links"]
    inlines = [SignupInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "project", "quartier", "description"]}),
        (
            _("Time"),
            {"fields": ["commitment", "starts_at", "ends_at", "hours_per_month", "weekdays"]},
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
        (_("Publication"), {"fields": ["is_published"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("project", "quartier")
            .annotate_places()
            .annotate(places_waiting=signup_count(SignupStatus.WAITING))
        )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new opportunity has no sign-ups

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
        if obj.places is None:
            text = _("%(taken)s (unlimited)") % {"taken": obj.places_taken}
        else:
            text = f"{obj.places_taken} / {obj.places}"
        if obj.places_waiting:
            text += " " + gettext("(+%(waiting)d waiting)") % {"waiting": obj.places_waiting}
        return text

    @admin.display(description=_("places overview"))
    def places_summary(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        counts = obj.signups.aggregate(
            **{
                status: models.Count("pk", filter=models.Q(status=status))
                for status in ACTIVE_STATUSES
            }
        )
        values = {
            "taken": counts[SignupStatus.CONFIRMED],
            "waiting": counts[SignupStatus.WAITING],
            "unconfirmed": counts[SignupStatus.UNCONFIRMED],
        }
        if obj.places is None:
            return (
                gettext(
                    "%(taken)d taken (no limit), %(waiting)d on the waiting list, "
                    "%(unconfirmed)d not yet confirmed"
                )
                % values
            )
        values.update(places=obj.places, free=max(obj.places - values["taken"], 0))
        return (
            gettext(
                "%(taken)d of %(places)d places taken, %(free)d free, "
                "%(waiting)d on the waiting list, %(unconfirmed)d not yet confirmed"
            )
            % values
        )

    @admin.display(description=_("sign-ups"))
    def signup_links(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        signups_url = reverse("admin:quartiere_signup_changelist")
        add_url = reverse("admin:quartiere_signup_add")
        return format_html(
            '<a href="{}?opportunity__id__exact={}">{}</a> · <a href="{}?opportunity={}">{}</a>',
            signups_url,
            obj.pk,
            gettext("Show and export the sign-ups"),
            add_url,
            obj.pk,
            gettext("Enter a sign-up by phone or on paper"),
        )


class StaffSignupForm(forms.ModelForm):
    """A sign-up taken by phone or on paper; stored through the engine, confirmed at once."""

    source = forms.ChoiceField(
        label=_("source"),
        choices=[(Source.PHONE, Source.PHONE.label), (Source.PAPER, Source.PAPER.label)],
        initial=Source.PHONE,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("The person agrees that their data is stored for this sign-up."),
        help_text=_(
            "Tell them what the privacy notice (Datenschutz page) says, or hand it to them."
        ),
    )

    class Meta:
        model = Signup
        fields = ["opportunity", "source", "name", "phone", "email", "message", "needs"]
        help_texts = {
            "email": _(
                "Optional. Without an address no e-mail is sent: call the person if they move "
                "up from the waiting list."
            ),
        }

    def clean_email(self):
        return normalise_email(self.cleaned_data.get("email"))

    def clean(self):
        cleaned = super().clean()
        email, opportunity = cleaned.get("email"), cleaned.get("opportunity")
        if email and opportunity:
            taken = Signup.objects.active().filter(opportunity=opportunity, email=email)
            if taken.exists():
                self.add_error(
                    "email", _("This address is already signed up for this opportunity.")
                )
        return cleaned


def csv_safe(value) -> str:
    """A cell that spreadsheet programs show as text, never run as a formula.

    Names and messages come from a public form; "=HYPERLINK(…)" must stay text.
    """
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    """Sign-ups with personal data: only for staff with the sign-up permissions.

    Status changes only through the engine (actions and the staff form), never by editing a
    row, so the places and the waiting list stay right.
    """

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
    actions = ["move_up", "cancel_signups", "erase_personal_data", "export_csv"]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "opportunity",
                    "source",
                    "name",
                    "phone",
                    "email",
                    "message",
                    "needs",
                    "consent",
                ]
            },
        )
    ]
    fieldsets = [
        (None, {"fields": ["opportunity", "status", "waiting_position", "source"]}),
        (_("Personal data"), {"fields": ["name", "email", "phone", "message", "needs"]}),
        (
            _("History"),
            {
                "fields": [
                    "consent_at",
                    "created_at",
                    "confirmed_at",
                    "cancelled_at",
                    "purged_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "opportunity",
        "status",
        "waiting_position",
        "source",
        "consent_at",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "purged_at",
    ]

    def get_queryset(self, request):
        # DESIGN.md: staff see personal data only for the Quartiere they are responsible for.
        # Until responsibilities per Quartier exist, the sign-up permissions decide; then
        # filter here (list, change page, actions and export all start from this queryset)
        # and in SignupInline.
        return super().get_queryset(request).select_related("opportunity__quartier")

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = StaffSignupForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.purged_at:
            return [*self.readonly_fields, "name", "email", "phone", "message", "needs"]
        return self.readonly_fields

    def get_actions(self, request):
        # Deleting rows would free places without moving anyone up; erase or cancel instead.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("name"), ordering="name")
    def person(self, obj):
        return str(obj)

    @admin.display(description=_("position on the waiting list"))
    def waiting_position(self, obj):
        return obj.waiting_position() or "–"

    def save_model(self, request, obj, form, change):
        if change:
            # Only the personal fields are editable here; status stays with the engine.
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        result = signup_enter_by_staff(
            model=Signup,
            target=data["opportunity"],
            name=data["name"],
            phone=data["phone"],
            email=data["email"],
            message=data["message"],
            needs=data["needs"],
            source=data["source"],
        )
        obj.pk = result.signup.pk
        obj.refresh_from_db()
        if obj.status == SignupStatus.WAITING:
            self.message_user(
                request,
                gettext(
                    "The opportunity is full: the person is number %(position)d on the "
                    "waiting list."
                )
                % {"position": obj.waiting_position()},
                messages.WARNING,
            )
        else:
            self.message_user(request, gettext("The person has a place."))
        if result.created and obj.email:
            transaction.on_commit(
                lambda: signup_notifications.notify_entered_by_staff(result.signup, result.token)
            )

    def delete_model(self, request, obj):
        moved = signup_cancel(model=Signup, signup=obj)
        super().delete_model(request, obj)
        self.notify_moved_up(moved)

    def notify_moved_up(self, moved):
        if moved:
            transaction.on_commit(lambda: signup_notifications.notify_moved_up(moved))

    @admin.action(description=_("Move up from the waiting list"), permissions=["change"])
    def move_up(self, request, queryset):
        moved = [
            signup
            for signup in queryset.filter(status=SignupStatus.WAITING)
            if signup_move_up(model=Signup, signup=signup)
        ]
        for signup in moved:
            signup.refresh_from_db()
        self.notify_moved_up(moved)
        self.message_user(
            request,
            ngettext(
                "%d sign-up moved up from the waiting list.",
                "%d sign-ups moved up from the waiting list.",
                len(moved),
            )
            % len(moved),
        )
        skipped = queryset.count() - len(moved)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d sign-up was not on the waiting list and stays as it is.",
                    "%d sign-ups were not on the waiting list and stay as they are.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

    @admin.action(description=_("Cancel selected sign-ups"), permissions=["change"])
    def cancel_signups(self, request, queryset):
        cancelled, moved = set(), []
        for signup in queryset.filter(status__in=ACTIVE_STATUSES):
            moved += signup_cancel(model=Signup, signup=signup)
            cancelled.add(signup.pk)
        # Someone who moved up and was cancelled in the same go gets no "you moved up" mail.
        moved = [signup for signup in moved if signup.pk not in cancelled]
        self.notify_moved_up(moved)
        self.message_user(
            request,
            ngettext("%d sign-up cancelled.", "%d sign-ups cancelled.", len(cancelled))
            % len(cancelled)
            + " "
            + ngettext(
                "%d person moved up from the waiting list.",
                "%d people moved up from the waiting list.",
                len(moved),
            )
            % len(moved),
        )

    @admin.action(
        description=_("Delete personal data of selected sign-ups now"), permissions=["change"]
    )
    def erase_personal_data(self, request, queryset):
        moved, erased = [], set()
        for signup in queryset.filter(purged_at__isnull=True):
            # Cancel first, so whoever moves up gets told; erasing keeps the anonymous row.
            moved += signup_cancel(model=Signup, signup=signup)
            signup_erase(model=Signup, signup=signup)
            erased.add(signup.pk)
        self.notify_moved_up([signup for signup in moved if signup.pk not in erased])
        count = len(erased)
        self.message_user(
            request,
            ngettext(
                "Personal data of %d sign-up deleted.",
                "Personal data of %d sign-ups deleted.",
                count,
            )
            % count,
        )

    @admin.action(description=_("Export selected sign-ups as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        """A CSV file that German Excel opens as it is: UTF-8 with BOM, semicolons."""
        columns = [
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
        ]
        rows = queryset.select_related("opportunity__quartier").order_by(
            "opportunity__title", "opportunity_id", "created_at", "pk"
        )
        filename = f"{slugify(gettext('sign-ups'))}-{timezone.localdate():%Y-%m-%d}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # the byte order mark makes Excel read UTF-8
        writer = csv.writer(response, delimiter=";")
        writer.writerow([label for label, _value in columns])
        count = 0
        for signup in rows:
            writer.writerow([csv_safe(value(signup)) for _label, value in columns])
            count += 1
        # Who exported how much, for the record; never what (no names, no addresses).
        logger.info("user %s exported %d sign-ups as CSV", request.user.pk, count)
        return response
