"""Admin building blocks for every model on the sign-up engine.

Opportunity sign-ups (`quartiere`) and conference registrations (`konferenzen`) are handled the
same way by staff: a list with filters, actions to move up, cancel and erase, a CSV export that
German Excel opens, and an entry form for sign-ups taken by phone or on paper that goes through
the engine (`signup_enter_by_staff`), so places and the waiting list stay right. An app
subclasses `SignupAdminBase` and `StaffSignupFormBase`, names its columns and messages, and
registers the admin. This module imports no app.
"""

import csv
import logging
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from engagierte_stadt import audit
from engagierte_stadt.admin_confirm import confirm_action
from engagierte_stadt.admin_scope import restrict
from engagierte_stadt.models import PersonalDataAccess
from engagierte_stadt.submissions import mails, services
from engagierte_stadt.submissions.capacity import (
    ACTIVE_STATUSES,
    PERSONAL_FIELDS,
    SignupStatus,
    Source,
    normalise_email,
    signup_cancel,
    signup_enter_by_staff,
    signup_erase,
    signup_move_up,
)
from engagierte_stadt.submissions.services import csv_safe
from engagierte_stadt.submissions.targets import Contact

# A CSV column: its heading and how to get the cell from a row.
Column = tuple[str, Callable[[models.Model], object]]


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""


def csv_response(
    *, rows: Iterable, columns: list[Column], filename_stem: str, request, logger, what: str
) -> HttpResponse:
    """A CSV download that German Excel opens as it is: UTF-8 with BOM, semicolons.

    Logs who exported how many `what` (no names, no addresses), and records the export with
    the ids of the rows in the access log (`audit`).
    """
    filename = f"{slugify(filename_stem)}-{timezone.localdate():%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the byte order mark makes Excel read UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([label for label, _value in columns])
    count = 0
    exported: dict[type, list] = {}
    for row in rows:
        writer.writerow([csv_safe(value(row)) for _label, value in columns])
        exported.setdefault(type(row), []).append(row.pk)
        count += 1
    for model, ids in exported.items():
        if audit.holds_personal_data(model):
            audit.access_record(
                request=request, kind=PersonalDataAccess.Kind.EXPORT, model=model, ids=ids
            )
    logger.info("user %s exported %d %s as CSV", request.user.pk, count, what)
    return response


def contact_summary_text(contact: Contact) -> str:
    """The effective contact person for staff: all of it, whose it is, what the public pages
    leave out, and a warning when nobody gets the "new sign-up" mails."""
    if contact.is_empty:
        return gettext(
            "Nobody: no contact person is entered here, above it or in the site settings."
        )
    notes = []
    if contact.source:
        notes.append(gettext("source: %(source)s") % {"source": contact.source})
    hidden = [
        label
        for label, value, shown in (
            (gettext("name"), contact.name, contact.show_name),
            (gettext("e-mail"), contact.email, contact.show_email),
            (gettext("phone"), contact.phone, contact.show_phone),
        )
        if value and not shown
    ]
    if hidden:
        notes.append(gettext("not public: %(parts)s") % {"parts": ", ".join(hidden)})
    if not contact.email:
        notes.append(gettext("no e-mail address, so nobody is told of new sign-ups"))
    return f"{contact.as_text()} ({'; '.join(notes)})" if notes else contact.as_text()


def contact_column(model) -> Column:
    """A CSV column with the contact person of each row's target (its `contact()`, the one its
    page and mails name), looked up once per target."""
    from engagierte_stadt.models import SiteSettings

    site = SimpleLazyObject(SiteSettings.load)  # loaded once, if any target falls back to it
    found: dict[object, str] = {}

    def cell(row) -> str:
        key = getattr(row, f"{model.TARGET_FIELD}_id")
        if key not in found:
            found[key] = row.target.contact(site=site).as_text()
        return found[key]

    return (gettext("Contact person"), cell)


def places_summary_text(*, signups, places: int | None) -> str:
    """ "3 of 10 places taken, 7 free, …" for the sign-ups of one target (one query)."""
    counts = signups.aggregate(
        **{status: models.Count("pk", filter=models.Q(status=status)) for status in ACTIVE_STATUSES}
    )
    values = {
        "taken": counts[SignupStatus.CONFIRMED],
        "waiting": counts[SignupStatus.WAITING],
        "unconfirmed": counts[SignupStatus.UNCONFIRMED],
    }
    if places is None:
        return (
            gettext(
                "%(taken)d taken (no limit), %(waiting)d on the waiting list, "
                "%(unconfirmed)d not yet confirmed"
            )
            % values
        )
    values.update(places=places, free=max(places - values["taken"], 0))
    return (
        gettext(
            "%(taken)d of %(places)d places taken, %(free)d free, "
            "%(waiting)d on the waiting list, %(unconfirmed)d not yet confirmed"
        )
        % values
    )


def places_overview_text(*, places: int | None, taken: int, waiting: int) -> str:
    """The short form for a list column: "3 / 10 (+2 waiting)"."""
    if places is None:
        text = gettext("%(taken)s (unlimited)") % {"taken": taken}
    else:
        text = f"{taken} / {places}"
    if waiting:
        text += " " + gettext("(+%(waiting)d waiting)") % {"waiting": waiting}
    return text


def target_signup_links(
    *, list_url: str, add_url: str, target_field: str, target, list_text, add_text
) -> str:
    """The one place for the sign-ups of a target, on its change page: its sign-ups (the list
    filtered to it) and, beside it, the entry of a sign-up by phone or on paper, filled in with
    the target. After saving the entry the admin returns to that filtered list."""
    filtered = urlencode({f"{target_field}__id__exact": target.pk})
    entry = urlencode({target_field: target.pk, "_changelist_filters": filtered})
    return format_html(
        '<a href="{}?{}">{}</a> · <a href="{}?{}">{}</a>',
        list_url,
        filtered,
        list_text,
        add_url,
        entry,
        add_text,
    )


# Help texts of the personal fields in the admin. On the model they would show on the public
# forms too, which have texts of their own for the person filling them in.
STAFF_HELP_TEXTS = {
    "name": _("First and last name, as the person gave it."),
    "email": _("The person's e-mail address; the portal writes to it."),
    "phone": _("With the area code, so that staff can call back."),
    "message": _("What the person wrote or said when signing up. Optional."),
    "needs": _("What the person needs to take part, e.g. step-free access. Optional."),
    "opportunity": _("The offer the person signs up for."),
    "meeting": _("The meeting the person registers for."),
}


def fill_help_texts(form_class, texts):
    """Give the fields of an admin form without a help text the one from `texts`."""
    for name, field in form_class.base_fields.items():
        if not field.help_text and name in texts:
            field.help_text = texts[name]
    return form_class


class StaffSignupFormBase(forms.ModelForm):
    """A sign-up taken by phone or on paper; stored through the engine, confirmed at once.

    A subclass names the model and its fields (the target field first) in `Meta` and the
    message for an address that is already signed up in `duplicate_message`.
    """

    duplicate_message = _("This address is already signed up.")

    source = forms.ChoiceField(
        label=_("source"),
        choices=[(Source.PHONE, Source.PHONE.label), (Source.PAPER, Source.PAPER.label)],
        initial=Source.PHONE,
        widget=forms.RadioSelect,
        help_text=_("How the sign-up reached you."),
    )
    consent = forms.BooleanField(
        label=_("The person agrees that their data is stored for this sign-up."),
        help_text=_(
            "Tell them what the privacy notice (Datenschutz page) says, or hand it to them."
        ),
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data.get("email"))

    def clean(self):
        cleaned = super().clean()
        model = self._meta.model
        email, target = cleaned.get("email"), cleaned.get(model.TARGET_FIELD)
        if email and target:
            taken = model.objects.active().filter(**{model.TARGET_FIELD: target}, email=email)
            if taken.exists():
                self.add_error("email", self.duplicate_message)
        return cleaned


class ReadOnlySignupInline(admin.TabularInline):
    """Who signed up, read-only, on the target's page: status changes go through the actions.

    Shown only to staff with the view permission of the sign-up model (Django checks it),
    and only the rows of the Quartiere whose personal data they may see: the subclass names
    the way from the sign-up to its Quartier in `quartier_path` (see `admin_scope`).
    """

    quartier_path: str
    # The way from the sign-up to its opportunity, for a partner's contact (see `admin_scope`).
    opportunity_path: str = ""

    fields = ["person", "status", "source", "created_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return restrict(
            queryset,
            request,
            self.quartier_path,
            personal=True,
            opportunity_path=self.opportunity_path,
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("name"))
    def person(self, obj):
        return str(obj)


def _not_touched(count: int) -> list[str]:
    if not count:
        return []
    return [
        ngettext(
            "%d selected entry is not affected and stays as it is.",
            "%d selected entries are not affected and stay as they are.",
            count,
        )
        % count
    ]


def move_up_summary(modeladmin, request, queryset) -> list[str]:
    waiting = queryset.filter(status=SignupStatus.WAITING).count()
    return [
        ngettext(
            "%d person moves up from the waiting list and gets a place.",
            "%d people move up from the waiting list and get a place.",
            waiting,
        )
        % waiting,
        gettext("Each of them gets an e-mail (people without an address: please call them)."),
        *_not_touched(queryset.count() - waiting),
    ]


def cancel_summary(modeladmin, request, queryset) -> list[str]:
    active = queryset.filter(status__in=ACTIVE_STATUSES).count()
    return [
        ngettext("%d sign-up will be cancelled.", "%d sign-ups will be cancelled.", active)
        % active,
        gettext(
            "The people whose sign-up is cancelled get no e-mail from the portal: please tell "
            "them yourself."
        ),
        gettext(
            "Places that become free go to the first people on the waiting list; they get an "
            "e-mail."
        ),
        *_not_touched(queryset.count() - active),
    ]


def erase_summary(modeladmin, request, queryset) -> list[str]:
    count = queryset.filter(purged_at__isnull=True).count()
    return [
        ngettext(
            "The personal data (name, e-mail, phone, message) of %d sign-up will be deleted "
            "for good.",
            "The personal data (name, e-mail, phone, message) of %d sign-ups will be deleted "
            "for good.",
            count,
        )
        % count,
        gettext(
            "Active sign-ups are cancelled first; places that become free go to the first "
            "people on the waiting list, who get an e-mail. An anonymous row stays for the "
            "figures."
        ),
        *_not_touched(queryset.count() - count),
    ]


class SignupAdminBase(audit.PersonalDataAdminMixin, admin.ModelAdmin):
    """Sign-ups with personal data: only for staff with the sign-up permissions.

    Status changes only through the engine (actions and the staff form), never by editing a
    row, so the places and the waiting list stay right. A subclass sets `staff_form`,
    `full_message` and `csv_columns()`; the fieldsets come from the model's `TARGET_FIELD`.
    """

    staff_form: type[StaffSignupFormBase]
    # Shown after a staff entry that landed on the waiting list; `%(position)d` is its place.
    full_message = _("It is full: the person is number %(position)d on the waiting list.")
    csv_filename_stem = _("sign-ups")
    personal_fields = list(PERSONAL_FIELDS)
    actions = ["move_up", "cancel_signups", "erase_personal_data", "export_csv"]

    @property
    def target_field(self) -> str:
        return self.model.TARGET_FIELD

    HISTORY_FIELDS = ["consent_at", "created_at", "confirmed_at", "cancelled_at", "purged_at"]

    def get_fieldsets(self, request, obj=None):
        """The staff entry form for a new row; the stored sign-up with its history otherwise."""
        target = self.target_field
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            target,
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
        return [
            (None, {"fields": [target, "status", "waiting_position", "source"]}),
            (_("Personal data"), {"fields": self.personal_fields}),
            (_("History"), {"fields": self.HISTORY_FIELDS}),
        ]

    def get_changeform_initial_data(self, request):
        """The entry form opened from a list filtered to one target starts with that target."""
        initial = super().get_changeform_initial_data(request)
        initial.pop("_changelist_filters", None)
        if self.target_field not in initial:
            filters = dict(parse_qsl(request.GET.get("_changelist_filters", "")))
            target = filters.get(f"{self.target_field}__id__exact")
            if target:
                initial[self.target_field] = target
        return initial

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.staff_form
        return fill_help_texts(super().get_form(request, obj, **kwargs), STAFF_HELP_TEXTS)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = [
            self.target_field,
            "status",
            "waiting_position",
            "source",
            *self.HISTORY_FIELDS,
            *self.readonly_fields,
        ]
        if obj.purged_at:
            return [*readonly, *self.personal_fields]
        return readonly

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

    # --- mails (after the commit, so nothing goes out for a change that was rolled back) ---

    # Mails after staff actions have no request behind them: links are built from SITE_URL.
    def send_moved_up(self, signups) -> None:
        services.notify_moved_up(signups, base_url=settings.SITE_URL)

    def send_entered_by_staff(self, signup, token: str) -> None:
        if signup.email:
            mails.mail_signup_entered_by_staff(
                signup=signup, token=token, base_url=settings.SITE_URL
            )

    def notify_moved_up(self, moved):
        if moved:
            transaction.on_commit(lambda: self.send_moved_up(moved))

    # --- saving and deleting -------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            # Only the personal fields are editable here; status stays with the engine.
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        result = signup_enter_by_staff(
            model=self.model,
            target=data[self.target_field],
            name=data["name"],
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            message=data.get("message", ""),
            needs=data.get("needs", ""),
            source=data["source"],
        )
        obj.pk = result.signup.pk
        obj.refresh_from_db()
        if obj.status == SignupStatus.WAITING:
            self.message_user(
                request,
                self.full_message % {"position": obj.waiting_position()},
                messages.WARNING,
            )
        else:
            self.message_user(request, gettext("The person has a place."))
        if result.created and obj.email:
            transaction.on_commit(lambda: self.send_entered_by_staff(result.signup, result.token))

    def delete_model(self, request, obj):
        moved = signup_cancel(model=self.model, signup=obj)
        super().delete_model(request, obj)
        self.notify_moved_up(moved)

    # --- actions -------------------------------------------------------------------------

    @admin.action(description=_("Move up from the waiting list"), permissions=["change"])
    @confirm_action(move_up_summary)
    def move_up(self, request, queryset):
        moved = [
            signup
            for signup in queryset.filter(status=SignupStatus.WAITING)
            if signup_move_up(model=self.model, signup=signup)
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
    @confirm_action(cancel_summary)
    def cancel_signups(self, request, queryset):
        cancelled, moved = set(), []
        for signup in queryset.filter(status__in=ACTIVE_STATUSES):
            moved += signup_cancel(model=self.model, signup=signup)
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
    @confirm_action(erase_summary)
    def erase_personal_data(self, request, queryset):
        moved, erased = [], set()
        for signup in queryset.filter(purged_at__isnull=True):
            # Cancel first, so whoever moves up gets told; erasing keeps the anonymous row.
            moved += signup_cancel(model=self.model, signup=signup)
            signup_erase(model=self.model, signup=signup)
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

    def csv_columns(self) -> list[Column]:
        raise NotImplementedError

    def csv_rows(self, queryset):
        return queryset

    @admin.action(description=_("Export selected sign-ups as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return csv_response(
            rows=self.csv_rows(queryset),
            columns=self.csv_columns(),
            filename_stem=str(self.csv_filename_stem),
            request=request,
            # The app's own logger (`quartiere.admin`, `konferenzen.admin`).
            logger=logging.getLogger(type(self).__module__),
            what="sign-ups",
        )


class ConfirmedByDefaultFilter(admin.SimpleListFilter):
    """A list of entries that staff review shows the confirmed ones by default: unconfirmed ones
    may come from anyone. "nicht bestätigt oder abgelaufen" and "alle" on request. A subclass
    names who confirmed in `confirmed_label`; the model's queryset offers `confirmed()`."""

    title = _("confirmation")
    parameter_name = "bestaetigt"
    confirmed_label = _("confirmed")

    def lookups(self, request, model_admin):
        return [("nein", _("not confirmed or expired")), ("alle", _("all"))]

    def choices(self, changelist):
        value = self.value()
        yield {
            "selected": value is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": self.confirmed_label,
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "alle":
            return queryset
        if self.value() == "nein":
            model = queryset.model
            return queryset.filter(status__in=[model.UNCONFIRMED_STATUS, model.EXPIRED_STATUS])
        return queryset.confirmed()
