"""Public pages of the district conferences: overview with the town's coverage
(`konferenzen.coverage`), a conference, a meeting, the archive. The conference section of the
Quartier page is in `konferenzen.sections`."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from engagierte_stadt import pagecache
from engagierte_stadt.models import SiteSettings
from engagierte_stadt.prepared import Prepared
from engagierte_stadt.viewmixins import BreadcrumbMixin
from konferenzen.coverage import district_coverage
from konferenzen.forms import RegistrationForm
from konferenzen.models import ActionItem, Conference, Decision, Meeting

# How many dates the overview lists, and how many past meetings a conference page lists
# before pointing to the archive.
OVERVIEW_MEETINGS = 8
CONFERENCE_UPCOMING_MEETINGS = 12
CONFERENCE_PAST_MEETINGS = 20
ARCHIVE_PAGE_SIZE = 50
MIN_YEAR, MAX_YEAR = 1900, 2999

# What a row of the action items table shows, with the address of the meeting that agreed it.
ACTION_ITEM_ROW = (
    "title",
    "responsible",
    "due_date",
    "status",
    "done_at",
    "meeting__slug",
    "meeting__starts_at",
    "meeting__conference__slug",
)


# The overview's dates, compiled once per process (engagierte_stadt.prepared).
NEXT_MEETINGS = Prepared(
    lambda p: Meeting.objects.upcoming().for_cards()[:OVERVIEW_MEETINGS], generic=True
)


class OverviewView(BreadcrumbMixin, TemplateView):
    meta_description = _("Dates of the district conferences and which districts have one.")
    template_name = "konferenzen/overview.html"
    page_title = _("District conferences")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            meetings=NEXT_MEETINGS(),
            coverage=district_coverage(),
        )
        return context


# The lists of a conference's and a meeting's page, compiled once per process
# (engagierte_stadt.prepared).
PAST_MEETINGS = Prepared(
    lambda p: Meeting.objects.rows_of_conference(p.conference_id).past()[
        : CONFERENCE_PAST_MEETINGS + 1
    ],
    generic=True,
)
UPCOMING_MEETINGS = Prepared(
    lambda p: Meeting.objects.rows_of_conference(p.conference_id).upcoming()[
        : CONFERENCE_UPCOMING_MEETINGS + 1
    ],
    generic=True,
)
OPEN_ACTION_ITEMS = Prepared(
    lambda p: (
        ActionItem.objects.not_done()
        .of_conference(Conference(pk=p.conference_id))
        .only(*ACTION_ITEM_ROW)
    ),
    generic=True,
)
OPEN_BEFORE = Prepared(
    lambda p: (
        ActionItem.objects.open_before(
            Meeting(conference_id=p.conference_id, starts_at=p.starts_at)
        )
        .select_related("meeting__conference")
        .only(*ACTION_ITEM_ROW)
    ),
    generic=True,
)


class ConferenceDetailView(BreadcrumbMixin, DetailView):
    template_name = "konferenzen/conference_detail.html"
    context_object_name = "conference"
    queryset = Conference.objects.select_related("quartier__parent", "usual_venue")

    def get_breadcrumbs(self):
        return [
            (_("District conferences"), "konferenzen:overview"),
            (self.object.in_language("title"), None),
        ]

    def get_context_data(self, **kwargs):
        conference = self.object
        past = PAST_MEETINGS(conference_id=conference.pk)
        upcoming = UPCOMING_MEETINGS(conference_id=conference.pk)
        for meeting in [*upcoming, *past]:
            meeting.conference = conference  # for its address, without a query each
        kwargs.update(
            upcoming_meetings=upcoming[:CONFERENCE_UPCOMING_MEETINGS],
            more_upcoming_meetings=len(upcoming) > CONFERENCE_UPCOMING_MEETINGS,
            past_meetings=past[:CONFERENCE_PAST_MEETINGS],
            more_past_meetings=len(past) > CONFERENCE_PAST_MEETINGS,
            open_action_items=OPEN_ACTION_ITEMS(conference_id=conference.pk),
            contact=conference.contact(site=SiteSettings.for_request(self.request)),
        )
        return super().get_context_data(**kwargs)


# A meeting's minutes: its decisions and tasks, in their order.
MINUTES_DECISIONS = Prepared(
    lambda p: Decision.objects.filter(meeting_id=p.meeting_id).order_by("position", "pk"),
    generic=True,
)
MINUTES_ACTION_ITEMS = Prepared(
    lambda p: ActionItem.objects.filter(meeting_id=p.meeting_id).order_by("position", "pk"),
    generic=True,
)
MEETING_BY_ADDRESS = Prepared(
    lambda p: Meeting.objects.for_detail().filter(conference__slug=p.conference, slug=p.slug)[:1],
    generic=True,
)


class MeetingDetailView(BreadcrumbMixin, DetailView):
    """A meeting: when and where, agenda, what is still open, registration, minutes.

    `MeetingRegisterView` subclasses it for the POST of the registration form and passes the
    bound form with its errors as `signup_form`.
    """

    template_name = "konferenzen/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return Meeting.objects.for_detail()

    def get_object(self, queryset=None):
        if queryset is not None:
            return pagecache.lookup(
                lambda: get_object_or_404(
                    queryset, conference__slug=self.kwargs["conference"], slug=self.kwargs["slug"]
                )
            )
        return pagecache.lookup(self._find_meeting)

    def _find_meeting(self):
        """The meeting by its conference's address and its own, through a query compiled
        once per process (engagierte_stadt.prepared); no row is a 404."""
        found = MEETING_BY_ADDRESS(conference=self.kwargs["conference"], slug=self.kwargs["slug"])
        if not found:
            raise Http404(_("This page does not exist."))
        return found[0]

    def get_page_title(self):
        return f"{self.object.display_title} – {self.object.conference.in_language('title')}"

    def get_breadcrumbs(self):
        conference = self.object.conference
        return [
            (_("District conferences"), "konferenzen:overview"),
            (conference.in_language("title"), conference.get_absolute_url()),
            (self.object.display_title, None),
        ]

    def get_context_data(self, **kwargs):
        meeting = self.object
        if meeting.accepts_signups and "signup_form" not in kwargs:
            kwargs["signup_form"] = RegistrationForm(
                form_action=reverse(
                    "konferenzen:meeting_register",
                    kwargs={"conference": meeting.conference.slug, "slug": meeting.slug},
                )
                + "#anmelden"
            )
        # Open items from earlier meetings belong on the pages of meetings still to come.
        open_before = []
        if not meeting.is_past:
            open_before = OPEN_BEFORE(
                conference_id=meeting.conference_id, starts_at=meeting.starts_at
            )
        minutes = {}
        if meeting.minutes_published:
            minutes = {
                "decisions": MINUTES_DECISIONS(meeting_id=meeting.pk),
                "action_items": MINUTES_ACTION_ITEMS(meeting_id=meeting.pk),
                "file_size": meeting.minutes_file_size,
            }
        kwargs.update(
            open_before=open_before,
            minutes=minutes,
            # The contact the notice and the mails name too (`Meeting.contact`).
            contact=meeting.contact(site=SiteSettings.for_request(self.request)),
        )
        return super().get_context_data(**kwargs)


class ArchiveIndexView(BreadcrumbMixin, TemplateView):
    template_name = "konferenzen/archive.html"
    page_title = _("Archive of the district conferences")

    def get_breadcrumbs(self):
        return [(_("District conferences"), "konferenzen:overview"), (_("Archive"), None)]

    def get_context_data(self, **kwargs):
        kwargs["years"] = list(Meeting.objects.year_counts())
        return super().get_context_data(**kwargs)


class ArchiveYearView(BreadcrumbMixin, ListView):
    """The meetings of one year, by date; a year without meetings is a 404."""

    template_name = "konferenzen/archive_year.html"
    context_object_name = "meetings"
    paginate_by = ARCHIVE_PAGE_SIZE

    def get_queryset(self):
        if not MIN_YEAR <= self.kwargs["year"] <= MAX_YEAR:
            raise Http404  # no meetings then, and no date arithmetic with odd years
        return Meeting.objects.in_year(self.kwargs["year"]).for_cards().order_by("starts_at", "pk")

    def paginate_queryset(self, queryset, page_size):
        # The paginator's count tells an empty year (ListView's allow_empty would ask again).
        paginated = super().paginate_queryset(queryset, page_size)
        if not paginated[0].count:
            raise Http404(_("There were no meetings in this year."))
        return paginated

    def get_page_title(self):
        return _("District conferences %(year)s") % {"year": self.kwargs["year"]}

    def get_breadcrumbs(self):
        return [
            (_("District conferences"), "konferenzen:overview"),
            (_("Archive"), "konferenzen:archive"),
            (str(self.kwargs["year"]), None),
        ]

    def get_context_data(self, **kwargs):
        kwargs["year"] = self.kwargs["year"]
        return super().get_context_data(**kwargs)
