"""District conferences (Stadtteilkonferenzen): one series per Quartier, its meetings with
agenda, minutes, decisions and action items, registrations and wishes for new conferences."""

import uuid
from datetime import timedelta

from django.contrib.postgres.fields import DateTimeRangeField
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.documents import random_pdf_name, validate_pdf
from engagierte_stadt.formats import date_text
from engagierte_stadt.models import EasyLanguageMixin
from engagierte_stadt.prepared import PreparedPrefetch, query_now
from engagierte_stadt.search import SearchableModel
from engagierte_stadt.sharing import ShareableMixin
from engagierte_stadt.submissions.capacity import (
    SignupBase,
    SignupQuerySet,
    annotate_places,
)
from engagierte_stadt.submissions.counters import PlaceCounters
from engagierte_stadt.submissions.targets import Contact
from engagierte_stadt.translations import TranslatableMixin, english_version
from engagierte_stadt.urlwords import PublicAddressMixin
from quartiere.models import Quartier


class Venue(models.Model):
    """A place where meetings are held, with what it offers for accessibility.

    Step-free access, toilet and induction loop belong to the building, so they are entered
    once here; interpreting and childcare are arranged per meeting (see `Meeting`).
    """

    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. “Gemeindehaus Welper”."))
    street = models.CharField(
        _("street and number"), max_length=200, help_text=_("Street and house number.")
    )
    postcode = models.CharField(
        _("postcode"), max_length=10, help_text=_("Five digits, e.g. 45525.")
    )
    city = models.CharField(
        _("town"), max_length=100, default="Hattingen", help_text=_("The town, e.g. Hattingen.")
    )
    step_free = models.BooleanField(
        _("step-free access"),
        default=False,
        help_text=_("Tick if the entrance and the room can be reached without steps."),
    )
    accessible_toilet = models.BooleanField(
        _("accessible toilet"),
        default=False,
        help_text=_("Tick if there is a wheelchair-accessible toilet."),
    )
    induction_loop = models.BooleanField(
        _("induction loop for hearing aids"),
        default=False,
        help_text=_("Tick if the room has an induction loop for hearing aids."),
    )
    accessibility_note = models.TextField(
        _("notes on accessibility"),
        blank=True,
        help_text=_("For example: entrance at the back, ramp, lift to the first floor."),
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"


class ConferenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_quartier(self, quartier):
        """Conferences of the Quartier and of the Quartiere inside it."""
        return self.filter(models.Q(quartier=quartier) | models.Q(quartier__parent=quartier))

    def around(self, quartier):
        """Conferences meeting for the Quartier: its own, its neighbourhoods' and, for a
        neighbourhood, its district's."""
        if quartier.parent_id is None:
            return self.in_quartier(quartier)
        return self.filter(
            models.Q(quartier=quartier)
            | models.Q(quartier__parent=quartier)
            | models.Q(quartier_id=quartier.parent_id)
        )

    def covering(self, quartier):
        """The active conferences that meet for the Quartier's Stadtteil, the closest first:
        the Quartier's own, then its district's, then those of the district's neighbourhoods
        (a neighbourhood's conference counts for its district, as on the overview)."""
        district_id = quartier.parent_id or quartier.pk
        closest = models.Case(
            models.When(quartier=quartier, then=models.Value(0)),
            models.When(quartier_id=district_id, then=models.Value(1)),
            default=models.Value(2),
        )
        return (
            self.active()
            .filter(
                models.Q(quartier=quartier)
                | models.Q(quartier_id=district_id)
                | models.Q(quartier__parent_id=district_id)
            )
            .annotate(closest=closest)
            .order_by("closest", "title", "pk")
        )

    def active_for(self, quartier):
        """The active conference of the Quartier or, without one, of one of its
        neighbourhoods (by title), or None: then people may wish for one there.

        Like `first()`, it ends the chain and runs one query.
        """
        own_first = models.Case(
            models.When(quartier=quartier, then=models.Value(0)), default=models.Value(1)
        )
        return (
            self.active()
            .in_quartier(quartier)
            .annotate(own_first=own_first)
            .order_by("own_first", "title", "pk")
            .first()
        )

    def for_lists(self, now=None):
        """What the overview and the Quartier page list of a conference: its Quartier and its
        next meeting (`annotate_next_meeting`), by title, in the list's one query. Only the
        columns a list shows (title, address, the Quartier's name)."""
        return (
            self.select_related("quartier")
            .only("quartier", "title", "title_en", "slug", "quartier__name")
            .annotate_next_meeting(now)
            .order_by("title", "pk")
        )

    def annotate_next_meeting(self, now=None):
        """`next_starts_at` and `next_slug` of the next meeting that takes place (None if
        there is none), as subqueries, so a list of conferences stays one query."""
        upcoming = (
            Meeting.objects.upcoming(now)
            .exclude(status=Meeting.Status.CANCELLED)
            .filter(conference=models.OuterRef("pk"))
        )
        return self.annotate(
            next_starts_at=models.Subquery(upcoming.values("starts_at")[:1]),
            next_slug=models.Subquery(upcoming.values("slug")[:1]),
        )


class Conference(
    TranslatableMixin, ShareableMixin, PublicAddressMixin, EasyLanguageMixin, SearchableModel
):
    """The Stadtteilkonferenz of one Quartier: a series of meetings."""

    DETAIL_ROUTE = "konferenzen:conference_detail"

    TRANSLATED_FIELDS = ("title", "description", "rhythm")

    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.PROTECT,
        related_name="conferences",
        help_text=_("The district whose conference this is."),
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("E.g. “Stadtteilkonferenz Welper”.")
    )
    title_en = english_version(title)
    slug = models.SlugField(
        _("address"),
        max_length=150,
        unique=True,
        help_text=_(
            "Part of the web address, e.g. /projekte/sommerfest/. Filled in from the title; "
            "change it only before the page is printed or shared."
        ),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown is allowed.")
    )
    description_en = english_version(description, markdown=True)
    organiser = models.CharField(
        _("organised by"),
        max_length=200,
        blank=True,
        help_text=_("For example: Stadt Hattingen, Quartiersentwicklung, a local association."),
    )
    contact_name = models.CharField(
        _("contact person"),
        max_length=150,
        blank=True,
        help_text=_(
            "The person people can ask. Without one, the contact person of the level above is "
            "named."
        ),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Gets the replies and, for offers and meetings, the news of new sign-ups."),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=50,
        blank=True,
        help_text=_("With the area code, e.g. 02324 204-0."),
    )
    usual_venue = models.ForeignKey(
        Venue,
        verbose_name=_("usual venue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Filled in for new meetings; each meeting can have another."),
    )
    rhythm = models.CharField(
        _("rhythm"),
        max_length=200,
        blank=True,
        help_text=_("In words, for example: four times a year, on a Tuesday evening."),
    )
    rhythm_en = english_version(rhythm)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Switch off when the conference no longer meets.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("district conference")
        verbose_name_plural = _("district conferences")
        ordering = ["title"]

    def __str__(self):
        return self.in_language("title")  # in the active language; the admin is German

    def share_description(self) -> str:
        return self.in_language("description")

    SEARCH_KIND = "konferenzen"
    SEARCH_LABEL = _("District conferences")
    SEARCH_ORDER = 30

    @classmethod
    def search_queryset(cls):
        return cls.objects.all()

    def search_texts(self):
        return {
            "A": [self.title],
            "B": [self.quartier.name, self.organiser],
            "C": [self.description, self.rhythm, self.easy_language],
        }

    def own_contact(self) -> Contact:
        """The contact person entered for the conference (all of it public)."""
        return Contact(
            name=self.contact_name,
            email=self.contact_email,
            phone=self.contact_phone,
            source=_("district conference “%(title)s”") % {"title": self.title},
        )

    def contact(self, site=None) -> Contact:
        """Who to ask about the conference and its meetings, the first of: the conference's
        own contact person, its Quartier's, the portal's (a level counts when it has a name,
        an address or a phone number)."""
        return self.own_contact() or self.quartier.contact(site)


# A meeting this close without an agenda is on the editors' to-do list.
AGENDA_DAYS = 14


# When a meeting is over for the lists: its end, or its start when no end is given (a meeting
# without an end leaves "upcoming" once it has begun). One expression, used alike by
# `upcoming()`, `past()` and the index `meeting_end_starts_at`, so PostgreSQL matches them.
# (`Meeting.end`, for calendars and `is_past`, assumes two hours instead; the lists never did.)
def meeting_end():
    return Coalesce("ends_at", "starts_at")


def running_meetings(now, vendor: str):
    """The meetings that have begun and not ended at `now` (on PostgreSQL one that begins
    at exactly `now` too, which as a bound of `upcoming()` is `now` itself).

    On PostgreSQL as "the time from start to end contains now", which the GiST index
    `meeting_running` (migration 0014) answers from the running meetings alone. Elsewhere
    (SQLite) as two comparisons, answered by `meeting_end_starts_at`: that one reads the
    index entry of every meeting yet to end, 3 700 at 10x the demo data (issue #17).
    """
    if vendor == "postgresql":
        return Meeting.objects.alias(
            during=models.Func(
                "starts_at",
                meeting_end(),
                models.Value("[]"),
                function="TSTZRANGE",
                output_field=DateTimeRangeField(),
            )
        ).filter(during__contains=now)
    return Meeting.objects.alias(end=meeting_end()).filter(end__gte=now, starts_at__lt=now)


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Meetings that have not ended yet (cancelled ones included: people must see that),
        the next first.

        Read as a range of the start: every upcoming meeting begins at or after the earliest
        start of a running one (begun, not ended) or else at or after now. That bound comes
        from the running meetings alone (`running_meetings()`), so the lists read the index on
        the start from there on instead of stepping through every past meeting (issue #17).
        """
        now = now or query_now()
        # MIN of LEAST(start, end), which is the start (no meeting ends before it begins):
        # PostgreSQL answers a MIN of the bare column by walking `meeting_starts_at` from the
        # oldest meeting, but this one from the running meetings alone.
        running_since = (
            running_meetings(now, connections[self.db].vendor)
            .order_by()
            .annotate(
                first=models.Func(
                    Least("starts_at", meeting_end()),
                    function="MIN",
                    output_field=models.DateTimeField(),
                )
            )
            .values("first")
        )
        return (
            self.alias(end=meeting_end())
            .filter(
                end__gte=now,
                starts_at__gte=Coalesce(
                    models.Subquery(running_since),
                    models.Value(now, output_field=models.DateTimeField()),
                ),
            )
            .order_by("starts_at", "pk")
        )

    def ahead(self, now=None):
        """Meetings still to begin that take place (not cancelled), the next first."""
        now = now or query_now()
        return (
            self.filter(starts_at__gt=now)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at", "pk")
        )

    def past(self, now=None):
        """Meetings that have ended (the opposite of `upcoming()`), the latest first. A past
        meeting has begun, too: said here, so the index on the start is read backwards from
        now, not through every upcoming meeting."""
        now = now or query_now()
        return (
            self.alias(end=meeting_end())
            .filter(end__lt=now, starts_at__lt=now)
            .order_by("-starts_at", "-pk")
        )

    def in_quartier(self, quartier):
        return self.filter(
            models.Q(conference__quartier=quartier)
            | models.Q(conference__quartier__parent=quartier)
        )

    def minutes_missing(self, now=None):
        """Held (over and not cancelled) without published minutes."""
        now = now or query_now()
        return (
            self.exclude(minutes_published_at__lte=now)
            .exclude(status=Meeting.Status.CANCELLED)
            .past(now)
        )

    def without_agenda_soon(self, now=None, days: int = AGENDA_DAYS):
        """Planned meetings within the next `days` days that have no agenda item yet."""
        now = now or query_now()
        return self.filter(
            status=Meeting.Status.PLANNED,
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=days),
            agenda_items__isnull=True,
        )

    def in_year(self, year: int):
        return self.filter(starts_at__year=year)

    # What a meeting card (and a row of the meeting table) reads: its schedule and status,
    # whether minutes are out, the conference's title and address, the Quartier's and the
    # venue's names. The rest (search index, minutes, the conference's description) a list
    # would only compile, fetch and build into every row.
    CARD_FIELDS = (
        "conference",
        "title",
        "title_en",
        "slug",
        "starts_at",
        "ends_at",
        "venue",
        "room",
        "status",
        "registration_enabled",
        "minutes_published_at",
        "conference__title",
        "conference__title_en",
        "conference__slug",
        "conference__quartier",
        "conference__quartier__name",
        "venue__name",
    )

    def rows_of_conference(self, conference_id):
        """A conference's own meetings as cards and table rows: the card's columns without
        the conference's (the page has the conference and hands it to each meeting)."""
        return (
            self.filter(conference_id=conference_id)
            .select_related("venue")
            .only(*(name for name in self.CARD_FIELDS if not name.startswith("conference__")))
        )

    def for_cards(self):
        """What a meeting card shows: conference, Quartier and venue, in the list's query."""
        return self.select_related("conference__quartier", "venue").only(*self.CARD_FIELDS)

    def for_detail(self):
        """The meeting page: conference, Quartier, venue, places and agenda, in 2 queries."""
        return (
            self.select_related("conference__quartier", "venue")
            .annotate_places()
            .prefetch_related(_MEETING_AGENDA)
        )

    def year_counts(self):
        """Rows of `year` and `count` (meetings that year), newest year first."""
        from django.db.models.functions import ExtractYear

        return (
            self.annotate(year=ExtractYear("starts_at"))
            .order_by()
            .values("year")
            .annotate(count=models.Count("pk"))
            .order_by("-year")
        )

    def annotate_places(self):
        """`places_taken` (confirmed registrations) and `free_places` (None = unlimited)."""
        return annotate_places(self, Registration)


class Meeting(
    TranslatableMixin, ShareableMixin, PublicAddressMixin, PlaceCounters, SearchableModel
):
    """One date of a conference: when, where, agenda, registration and afterwards minutes.

    The target of registrations (`Registration`): it has the members of `SignupTarget`.
    """

    DETAIL_ROUTE = "konferenzen:meeting_detail"

    class Status(models.TextChoices):
        PLANNED = "geplant", _("planned")
        CANCELLED = "abgesagt", _("cancelled")
        HELD = "stattgefunden", _("held")

    # A change to one of these moves the meeting in calendars (iCalendar SEQUENCE goes up).
    SCHEDULE_FIELDS = ("starts_at", "ends_at", "venue_id", "room", "status", "title")

    TRANSLATED_FIELDS = ("title", "minutes_summary")

    conference = models.ForeignKey(
        Conference,
        verbose_name=_("district conference"),
        on_delete=models.CASCADE,
        related_name="meetings",
        help_text=_("The district conference this meeting belongs to."),
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Optional, for example: Spring conference. Otherwise the date is the title."),
    )
    title_en = english_version(title)
    slug = models.SlugField(
        _("address"),
        max_length=50,
        help_text=_(
            "Part of the web address, usually the date (2027-03-09). It stays the same when the "
            "meeting moves, so printed notices keep working."
        ),
    )
    starts_at = models.DateTimeField(
        _("starts at"), help_text=_("Date and time the meeting begins.")
    )
    ends_at = models.DateTimeField(
        _("ends at"),
        null=True,
        blank=True,
        help_text=_("Optional; shown as “until …” and used in calendar entries."),
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Where it takes place; its accessibility is shown with the meeting."),
    )
    room = models.CharField(
        _("room"), max_length=150, blank=True, help_text=_("Optional, e.g. “Saal im Erdgeschoss”.")
    )
    sign_language_on_request = models.BooleanField(
        _("sign-language interpreting on request"),
        default=False,
        help_text=_("Tick if a sign language interpreter can be booked on request."),
    )
    childcare = models.BooleanField(
        _("childcare"),
        default=False,
        help_text=_("Tick if children are looked after during the meeting."),
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=Status.choices,
        default=Status.PLANNED,
        help_text=_("“Cancelled” keeps the meeting visible, marked as cancelled."),
    )
    registration_enabled = models.BooleanField(
        _("registration"),
        default=False,
        help_text=_("Off: everyone can simply come along. On: people register on the page."),
    )
    places = models.PositiveIntegerField(
        _("number of places"),
        null=True,
        blank=True,
        help_text=_("Only with registration. Leave empty for unlimited."),
    )
    # The step of places (80 / 100 per cent) the contact person was told of; raised by
    # `capacity.signup_notify_fill`, never lowered.
    fill_notified = models.PositiveSmallIntegerField(
        _("contact told at per cent of places"), default=0, editable=False
    )
    minutes_summary = models.TextField(
        _("minutes: summary"), blank=True, help_text=_("Markdown is allowed.")
    )
    minutes_summary_en = english_version(minutes_summary, markdown=True)
    minutes_file = models.FileField(
        _("minutes: PDF file"),
        upload_to=random_pdf_name,
        blank=True,
        validators=[validate_pdf],
        help_text=_("A PDF file of at most 20 MB."),
    )
    minutes_published_at = models.DateTimeField(
        _("minutes published at"),
        null=True,
        blank=True,
        help_text=_("Empty: the minutes are not shown yet."),
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_("Goes up whenever date, place or status change, so calendars update."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "slug"], name="meeting_slug_per_series"),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]
        indexes = [
            # The lists' order (`starts_at`, `pk`) in full, so a page of it needs no sort.
            models.Index(fields=["starts_at", "id"], name="meeting_starts_at"),
            # A conference's next meeting (`annotate_next_meeting`, one subquery per conference
            # on the overview and the Quartier pages): without it PostgreSQL walked all
            # meetings by date for every conference (7.5 s for 200 conferences, 20 000 meetings).
            models.Index(
                fields=["conference", "starts_at", "id"], name="meeting_conference_starts_at"
            ),
            # Where `upcoming()` starts reading on SQLite: the running meetings, by their end,
            # read from the index alone (the start to tell which have begun, `ends_at` so the
            # database sees every column of the expression there). PostgreSQL finds them
            # with the GiST index `meeting_running` (migration 0014, `running_meetings()`).
            models.Index(
                meeting_end(), "starts_at", include=["ends_at"], name="meeting_end_starts_at"
            ),
        ]

    def __str__(self):
        when = date_format(timezone.localtime(self.starts_at), "DATE_FORMAT")
        conference, title = self.conference.in_language("title"), self.in_language("title")
        return f"{conference}: {title or when}"

    def save(self, *args, **kwargs):
        # The meeting's own calendar revision: a subscribed calendar replaces an event only
        # when its SEQUENCE is higher than the one it has.
        loaded = getattr(self, "_loaded_schedule", None)
        if loaded is not None and loaded != self._schedule():
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)
        self._loaded_schedule = self._schedule()

    def url_kwargs(self):
        return {"conference": self.conference.slug, "slug": self.slug}

    def share_description(self) -> str:
        from konferenzen.calendar import agenda_titles  # it imports this module

        titles = agenda_titles(self)
        if titles:
            return _("Agenda: %(items)s") % {"items": "; ".join(titles)}
        return self.conference.in_language("description")

    def structured_data(self, *, site, absolute) -> dict:
        """schema.org Event (`konferenzen.calendar.meeting_event_data`)."""
        from konferenzen.calendar import meeting_event_data  # it imports this module

        return meeting_event_data(self, organiser_fallback=getattr(site, "portal_name", ""))

    SEARCH_KIND = "termine"
    SEARCH_LABEL = _("Conference meetings")
    SEARCH_ORDER = 40

    @classmethod
    def search_queryset(cls):
        return cls.objects.select_related("conference")

    def search_texts(self):
        """Titles, the agenda and – once published – the minutes' summary. Minutes with a
        future publication date become findable with the daily `rebuild_search_index`."""
        agenda = list(self.agenda_items.order_by("position", "pk"))
        return {
            "A": [self.title, self.conference.title],
            "B": [item.title for item in agenda] + [self.venue.name if self.venue_id else ""],
            "C": [item.description for item in agenda]
            + [self.minutes_summary if self.minutes_published else ""],
        }

    def english_search_texts(self):
        """The English title, and the minutes' summary only once published (as in German)."""
        texts = super().english_search_texts()
        if not self.minutes_published and self.minutes_summary_en:
            texts["C"].remove(self.minutes_summary_en)
        return {weight: parts for weight, parts in texts.items() if parts}

    def search_title(self) -> str:
        """As `__str__`, in the page's language."""
        return f"{self.conference.in_language('title')}: {self.display_title}"

    share_title = search_title

    def get_calendar_url(self):
        return reverse(
            "konferenzen:meeting_ics",
            kwargs={"conference": self.conference.slug, "slug": self.slug},
        )

    def calendar_event(self):
        """The meeting as a calendar event (`engagierte_stadt.ical.CalendarTarget`)."""
        from konferenzen.calendar import meeting_calendar_event  # it imports this module

        return meeting_calendar_event(self)

    def clean(self):
        errors = self.address_errors()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The end cannot be before the start.")
        if self.places is not None and not self.registration_enabled:
            errors["places"] = _("Places only count with registration switched on.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_schedule = instance._schedule()
        return instance

    def _schedule(self):
        return tuple(self.__dict__.get(name) for name in self.SCHEDULE_FIELDS)

    @property
    def display_title(self) -> str:
        """Its title in the page's language (`in_language`), else its date."""
        return self.in_language("title") or date_text(
            timezone.localtime(self.starts_at), "DATE_FORMAT"
        )

    @property
    def end(self):
        """The end, or two hours after the start when no end is given."""
        return self.ends_at or self.starts_at + timedelta(hours=2)

    @property
    def place(self) -> str:
        """Where it happens in one line (venue, room, address), for the sign-up mails and pages."""
        if self.venue is None:
            return self.room
        return ", ".join(part for part in (self.venue.name, self.room, self.venue.address) if part)

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_held(self) -> bool:
        """Staff marked it as held (a meeting may also be past without that mark)."""
        return self.status == self.Status.HELD

    def contact(self, site=None) -> Contact:
        """The conference's contact (`Conference.contact`: its own, else the Quartier's, else
        the portal's), on the meeting page, the notice, the attendance list, the mails, the
        admin and the CSV export alike."""
        return self.conference.contact(site)

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def accepts_signups(self) -> bool:
        """Registration is open: switched on, not cancelled and not begun."""
        return self.registration_enabled and self.is_planned and self.starts_at > timezone.now()

    @property
    def minutes_published(self) -> bool:
        return bool(self.minutes_published_at and self.minutes_published_at <= timezone.now())

    @property
    def minutes_file_size(self) -> int | None:
        """The size of the minutes' PDF, or None if there is none or it is missing on disk."""
        if not self.minutes_file:
            return None
        try:
            return self.minutes_file.size
        except OSError:
            return None

    @property
    def accessibility_labels(self) -> list[str]:
        """What the venue and the meeting offer, as short German labels."""
        labels = []
        venue = self.venue
        if venue is not None:
            for field in ("step_free", "accessible_toilet", "induction_loop"):
                if getattr(venue, field):
                    labels.append(Venue._meta.get_field(field).verbose_name)
        for field in ("sign_language_on_request", "childcare"):
            if getattr(self, field):
                labels.append(self._meta.get_field(field).verbose_name)
        return labels


class AgendaItem(models.Model):
    """One item of a meeting's agenda (Tagesordnungspunkt, TOP)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first.")
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("The topic as it appears on the agenda and the notice."),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Optional: a few words on what will be discussed."),
    )
    presenter = models.CharField(
        _("presented by"),
        max_length=150,
        blank=True,
        help_text=_("Optional: who introduces the topic."),
    )
    minutes_planned = models.PositiveSmallIntegerField(
        _("minutes planned"),
        null=True,
        blank=True,
        help_text=_("Optional: planned length in minutes."),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title

    # The agenda is part of the meeting's search text (see engagierte_stadt.search).
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.meeting.update_search_index()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.meeting.update_search_index()
        return result


class Decision(models.Model):
    """A decision recorded in a meeting's minutes."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first.")
    )
    text = models.TextField(
        _("decision"), help_text=_("What the conference decided, as it is to be published.")
    )
    agenda_item = models.ForeignKey(
        "AgendaItem",
        verbose_name=_("on agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        help_text=_("Optional: the agenda item the decision was taken on."),
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.text[:80]


class ActionItemQuerySet(models.QuerySet):
    def not_done(self):
        return self.exclude(status=ActionItem.Status.DONE)

    def open_before(self, meeting):
        """Action items of the same conference from earlier meetings that are not done yet."""
        return (
            self.not_done()
            .filter(
                meeting__conference_id=meeting.conference_id,
                meeting__starts_at__lt=meeting.starts_at,
            )
            .select_related("meeting")
            .order_by("meeting__starts_at", "position", "pk")
        )

    def of_conference(self, conference):
        """The conference's action items, oldest meeting first, each with its meeting."""
        return (
            self.filter(meeting__conference=conference)
            .select_related("meeting__conference")
            .order_by("meeting__starts_at", "position", "pk")
        )


class ActionItem(models.Model):
    """Something a meeting agreed to do: what, who, by when, and how far it is."""

    class Status(models.TextChoices):
        OPEN = "offen", _("open")
        IN_PROGRESS = "in_arbeit", _("in progress")
        DONE = "erledigt", _("done")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="action_items",
        help_text=_("The meeting at which the task was agreed."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first.")
    )
    title = models.CharField(
        _("what"), max_length=300, help_text=_("What is to be done, in one sentence.")
    )
    responsible = models.CharField(
        _("who"),
        max_length=150,
        blank=True,
        help_text=_("Who takes care of it: a person, a group or an office."),
    )
    due_date = models.DateField(
        _("due by"), null=True, blank=True, help_text=_("Until when it should be done. Optional.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        help_text=_("Set to “done” when finished; the day is then filled in."),
    )
    done_at = models.DateField(
        _("done on"),
        null=True,
        blank=True,
        help_text=_("Filled in by itself when the status becomes “done”."),
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_in_progress(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class Registration(SignupBase):
    """A registration for a meeting (Anmeldung zur Konferenz), through the shared engine."""

    TARGET_FIELD = "meeting"
    ROUTES = "konferenzen:registration"
    TARGET_RELATED = ("meeting__conference",)
    KIND_LABEL = _("Registration for a district conference")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="registrations"
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            SignupBase.active_email_constraint("meeting", "registration_one_active_per_email"),
        ]


# How long a wish's personal data is kept at most when no conference comes of it.
WISH_MAX_DAYS = 365


class ConferenceWishQuerySet(SignupQuerySet):
    def in_quartier(self, quartier):
        """Wishes for the Quartier and for the Quartiere inside it."""
        return self.filter(models.Q(quartier=quartier) | models.Q(quartier__parent=quartier))

    def counts_by_quartier(self) -> dict[int, int]:
        """{Quartier id: number of wishes} of this queryset, in one query."""
        return dict(
            self.order_by()
            .values("quartier")
            .annotate(n=models.Count("pk"))
            .values_list("quartier", "n")
        )


class ConferenceWish(SignupBase):
    """ "I wish for a district conference in …": a person asking for one in their Quartier.

    Built on the sign-up engine (double opt-in, personal link, one per address and Quartier,
    purge); the Quartier is its target and has no places. Only the name, the address and
    whether the person would help organise it are asked for.
    """

    TARGET_FIELD = "quartier"
    ROUTES = "konferenzen:wish"
    MAIL_PREFIX = "mail/wish"

    quartier = models.ForeignKey(
        Quartier,
        verbose_name=_("district or neighbourhood"),
        on_delete=models.CASCADE,
        related_name="conference_wishes",
    )
    would_help = models.BooleanField(_("would help organise it"), default=False)

    objects = ConferenceWishQuerySet.as_manager()

    class Meta:
        verbose_name = _("wish for a district conference")
        verbose_name_plural = _("wishes for a district conference")
        ordering = ["created_at", "pk"]
        constraints = [
            SignupBase.active_email_constraint("quartier", "wish_one_active_per_email"),
        ]

    @classmethod
    def target_ended_q(cls, cutoff):
        """A wish has done its work once the Quartier has a conference (founded before the
        cutoff); without one its data is kept at most `WISH_MAX_DAYS` after confirming."""
        fulfilled = models.Q(quartier__conferences__created_at__lt=cutoff)
        stale = models.Q(confirmed_at__lt=cutoff - timedelta(days=WISH_MAX_DAYS))
        return fulfilled | stale


# A meeting page's agenda, made once: its prepared lookup runs it as a query compiled once
# (engagierte_stadt.prepared.PreparedPrefetch).
_MEETING_AGENDA = PreparedPrefetch(
    "agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")
)
