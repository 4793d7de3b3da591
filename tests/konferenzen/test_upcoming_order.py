"""Upcoming meetings and the overview cost the same at 20 000 meetings as at 20 (issue #17).

"Upcoming" (`MeetingQuerySet.upcoming`) is read as a range of the start, bounded by the
earliest start of a running meeting; "past" as the range before now. The results stay those
of the old definition (end at or after now, or no end and the start at or after now), which
the first tests check on meetings of every kind. On PostgreSQL each list is checked to be
read from its index from that bound on, without a Sort, and the overview to read the next
meeting only of the conferences it names.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from konferenzen.coverage import CONFERENCES_PER_DISTRICT, district_coverage
from konferenzen.models import Conference, Meeting
from quartiere.models import Quartier
from tests.factories import ConferenceFactory, MeetingFactory, QuartierFactory
from tests.quartiere.test_list_order import explain, needs_postgresql, plan, top_sort

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2027, 3, 9, 18, 30))
HOUR = datetime.timedelta(hours=1)


def old_upcoming(meeting, now=NOW) -> bool:
    """The definition before issue #17, as it was written in `upcoming()`."""
    if meeting.ends_at is not None:
        return meeting.ends_at >= now
    return meeting.starts_at >= now


@pytest.fixture
def meetings():
    """Meetings on every side of now: over, running, ending or beginning exactly now,
    without an end, cancelled, long, and two at the same start (the pk decides)."""
    conference = ConferenceFactory(slug="welper")
    other = ConferenceFactory(slug="blankenstein")
    kinds = {
        "vorbei": (-30 * 24 * HOUR, 2 * HOUR),
        "vorbei-ohne-ende": (-3 * HOUR, None),
        "begonnen-ohne-ende": (-1 * HOUR, None),  # begun without an end: no longer upcoming
        "endet-jetzt": (-2 * HOUR, 2 * HOUR),
        "endete-eben": (-2 * HOUR, 2 * HOUR - datetime.timedelta(seconds=1)),
        "laeuft": (-1 * HOUR, 2 * HOUR),
        "laeuft-lange": (-10 * 24 * HOUR, 20 * 24 * HOUR),
        "beginnt-jetzt-ohne-ende": (0 * HOUR, None),
        "morgen": (24 * HOUR, 2 * HOUR),
        "morgen-ohne-ende": (24 * HOUR, None),
        "naechste-woche": (7 * 24 * HOUR, 2 * HOUR),
    }
    rows = []
    for n, (slug, (start, length)) in enumerate(kinds.items()):
        starts_at = NOW + start
        ends_at = None if length is None else starts_at + length
        rows.append(
            MeetingFactory(
                conference=conference if n % 2 else other,
                slug=slug,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )
    rows.append(
        MeetingFactory(
            conference=conference,
            slug="morgen-abgesagt",
            starts_at=NOW + 24 * HOUR,
            status=Meeting.Status.CANCELLED,
        )
    )
    return rows


def test_upcoming_is_the_old_definition_in_the_lists_order(meetings):
    expected = sorted((m for m in meetings if old_upcoming(m)), key=lambda m: (m.starts_at, m.pk))
    assert [m.slug for m in Meeting.objects.upcoming(NOW)] == [m.slug for m in expected]
    assert "laeuft-lange" in [m.slug for m in expected]  # begun ten days ago, still on
    assert "begonnen-ohne-ende" not in [m.slug for m in expected]


def test_past_is_everything_else_latest_first(meetings):
    expected = sorted(
        (m for m in meetings if not old_upcoming(m)), key=lambda m: (m.starts_at, m.pk)
    )
    assert [m.slug for m in Meeting.objects.past(NOW)] == [m.slug for m in reversed(expected)]


@pytest.mark.parametrize("hours", [-24 * 40, -5, -1.5, 0, 1, 24 * 3, 24 * 30])
def test_upcoming_and_past_split_the_meetings_at_any_time(meetings, hours):
    now = NOW + datetime.timedelta(hours=hours)
    upcoming = [m.slug for m in Meeting.objects.upcoming(now)]
    past = [m.slug for m in Meeting.objects.past(now)]
    assert upcoming == [
        m.slug for m in sorted(meetings, key=lambda m: (m.starts_at, m.pk)) if old_upcoming(m, now)
    ]
    assert sorted(upcoming + past) == sorted(m.slug for m in meetings)


def test_upcoming_chains_with_a_conference(meetings):
    conference = Conference.objects.get(slug="welper")
    expected = [
        m.slug
        for m in sorted(meetings, key=lambda m: (m.starts_at, m.pk))
        if m.conference == conference and old_upcoming(m)
    ]
    assert [m.slug for m in conference.meetings.upcoming(NOW)] == expected


def test_next_meeting_of_a_conference_is_the_first_upcoming_that_takes_place(meetings):
    for conference in Conference.objects.annotate_next_meeting(NOW):
        expected = next(
            m
            for m in sorted(meetings, key=lambda m: (m.starts_at, m.pk))
            if m.conference == conference and old_upcoming(m) and not m.is_cancelled
        )
        assert (conference.next_slug, conference.next_starts_at) == (
            expected.slug,
            expected.starts_at,
        )


def test_without_running_meetings_upcoming_starts_now():
    MeetingFactory(slug="gestern", starts_at=NOW - 24 * HOUR)
    MeetingFactory(slug="morgen", starts_at=NOW + 24 * HOUR)
    assert [m.slug for m in Meeting.objects.upcoming(NOW)] == ["morgen"]
    assert [m.slug for m in Meeting.objects.upcoming(NOW + 48 * HOUR)] == []


# --- The overview names the first conferences of each Stadtteil --------------------------


@pytest.fixture
def many_conferences():
    """A Stadtteil with more conferences than the overview names (some in a neighbourhood,
    one switched off), and one with a single conference."""
    welper = QuartierFactory(slug="welper", name="Welper")
    huenenberg = QuartierFactory(
        slug="huenenberg", name="Hünenberg", parent=welper, kind=Quartier.Kind.NEIGHBOURHOOD
    )
    mitte = QuartierFactory(slug="mitte", name="Mitte")
    for n in range(CONFERENCES_PER_DISTRICT + 3):
        ConferenceFactory(
            slug=f"welper-{n}", title=f"Konferenz {n:02d}", quartier=huenenberg if n % 3 else welper
        )
    ConferenceFactory(slug="welper-aus", title="Konferenz 00a", quartier=welper, is_active=False)
    ConferenceFactory(slug="mitte", title="Konferenz Mitte", quartier=mitte)
    for conference in Conference.objects.all():
        MeetingFactory(conference=conference, slug="bald", starts_at=NOW + 24 * HOUR)


def test_overview_names_the_first_conferences_by_title_and_counts_the_rest(many_conferences):
    rows = {row.district.slug: row for row in district_coverage(NOW)}
    assert [c.slug for c in rows["welper"].conferences] == [
        f"welper-{n}" for n in range(CONFERENCES_PER_DISTRICT)
    ]
    assert rows["welper"].more == 3
    assert [c.next_slug for c in rows["welper"].conferences] == ["bald"] * 5
    assert [c.slug for c in rows["mitte"].conferences] == ["mitte"]
    assert rows["mitte"].more == 0
    assert "huenenberg" not in rows  # a neighbourhood has no row of its own


def test_overview_reads_next_meetings_only_of_the_conferences_it_names(many_conferences):
    with CaptureQueriesContext(connection) as captured:
        district_coverage(NOW)
    # Quartiere with their counts of conferences and of wishes, the named conferences
    assert len(captured) == 2
    conferences = captured.captured_queries[1]["sql"]
    assert "ROW_NUMBER()" in conferences.upper(), conferences


# --- PostgreSQL: each list is read from its index, from the bound on --------------------


def welper_meetings():
    """As the conference page reads its meetings: of the conference object."""
    return Meeting.objects.filter(conference=Conference.objects.get(slug="welper"))


@needs_postgresql
@pytest.mark.parametrize(
    ("name", "queryset"),
    [
        ("home: next meetings", lambda: Meeting.objects.upcoming().for_cards()[:3]),
        ("overview: next dates", lambda: Meeting.objects.upcoming().for_cards()[:8]),
        (
            "conference page: its upcoming meetings",
            lambda: welper_meetings().upcoming()[:13],
        ),
    ],
)
def test_upcoming_reads_the_start_index_from_the_running_meetings_on(meetings, name, queryset):
    text = plan(queryset())
    # The bound: the running meetings alone, from the GiST index of start to end (the
    # index on the end read an entry for every meeting yet to end).
    assert "Index Scan using meeting_running" in text, f"{name}:\n{text}"
    assert "meeting_end_starts_at" not in text, f"{name}:\n{text}"
    # The list: the start's index from that bound on, not from the oldest meeting.
    bounded = r"Index Cond: \(+(conference_id = \d+\) AND \()?starts_at >= COALESCE\("
    assert re.search(bounded, text), f"{name}:\n{text}"
    assert "Seq Scan on konferenzen_meeting" not in text, f"{name}:\n{text}"
    assert not top_sort(text), f"{name} sorts:\n{text}"


@needs_postgresql
def test_past_reads_the_start_index_backwards_from_now(meetings):
    text = plan(welper_meetings().past()[:21])
    assert "Index Scan Backward using meeting_conference_starts_at" in text, text
    assert "starts_at < " in text.split("Index Cond:")[1].splitlines()[0], text
    assert not top_sort(text), text


@needs_postgresql
def test_next_meeting_per_conference_reads_the_conference_index_from_the_bound(meetings):
    text = plan(Conference.objects.for_lists())
    assert "Index Scan using meeting_running" in text, text
    assert "Index Cond: ((conference_id = konferenzen_conference.id) AND (starts_at >= " in (
        text
    ), text
    assert "Seq Scan on konferenzen_meeting" not in text, text


@needs_postgresql
def test_overview_conferences_query_runs_the_next_meeting_only_for_named_ones(many_conferences):
    with CaptureQueriesContext(connection) as captured:
        district_coverage(NOW)
    text = explain(captured.captured_queries[1]["sql"])
    # The first five of each Stadtteil are picked (the Run Condition stops the window)
    # before the next meetings are looked up.
    assert "Run Condition: (row_number() OVER (?) <= 5)" in text, text
