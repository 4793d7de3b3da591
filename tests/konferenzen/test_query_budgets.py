"""Query budgets: every conference page costs the same few queries, few or many meetings.

Each page is measured in a town with 24 meetings and in one with 2 000 meetings (12
conferences, with agenda items, decisions, action items, registrations and wishes) and must
need exactly its budgeted number of queries both times, so the count cannot grow with the data
(no query per meeting, agenda item or action item in a template).
"""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
from quartiere.models import Quartier
from tests.html import assert_headings_in_order

CONFERENCES = 12
MAX_QUERIES = 10

# The exact number of queries each page needs, whatever the number of meetings, and a piece
# of markup that proves the page showed its rows.
BUDGETS = {
    # site settings, next meetings, Quartiere with conference and wish counts, conferences
    # with next date
    "overview": ("/stadtteilkonferenzen/", 4, 'class="kern-card site-card'),
    # site settings, conference, past meetings, upcoming meetings, open action items
    "conference": ("/stadtteilkonferenzen/gross/", 5, 'id="aufgaben-heading"'),
    # site settings, meeting with places, agenda, open items of earlier meetings
    "meeting_upcoming": ("{upcoming}", 4, 'method="post"'),
    # site settings, meeting with places, agenda, decisions, action items
    "meeting_with_minutes": ("{minutes}", 5, 'class="site-decisions"'),
    # site settings, years with counts
    "archive": ("/stadtteilkonferenzen/archiv/", 2, "/stadtteilkonferenzen/archiv/"),
    # site settings, count, page
    "archive_year": ("/stadtteilkonferenzen/archiv/{year}/", 3, 'rel="next"'),
    "archive_year_page_2": ("/stadtteilkonferenzen/archiv/{year}/?page=2", 3, 'rel="prev"'),
}


def build_town(meetings: int) -> dict:
    """`meetings` meetings, fortnightly, across 12 conferences, half of them in the past.

    Every meeting has three agenda items, two action items (one still open) and, if past,
    two decisions and published minutes; the upcoming ones take registrations. Rows are
    bulk-created, so 2 000 meetings take a few seconds.
    """
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    districts = Quartier.objects.bulk_create(
        Quartier(name=f"Stadtteil {n}", slug=f"stadtteil-{n}") for n in range(CONFERENCES)
    )
    neighbourhood = Quartier.objects.create(
        name="Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=districts[0]
    )
    extra = Quartier.objects.bulk_create(
        Quartier(name=f"Ohne Konferenz {n}", slug=f"ohne-{n}") for n in range(5)
    )
    venues = Venue.objects.bulk_create(
        Venue(name=f"Saal {n}", street=f"Straße {n}", postcode="45525", step_free=n % 2 == 0)
        for n in range(4)
    )
    conferences = Conference.objects.bulk_create(
        Conference(
            quartier=neighbourhood if n == 0 else districts[n],
            title=f"Stadtteilkonferenz {n}",
            slug="gross" if n == 0 else f"konferenz-{n}",
            usual_venue=venues[n % 4],
            contact_name="Erika Muster",
            contact_email="sk@hattingen.example",
            is_active=n != CONFERENCES - 1,
        )
        for n in range(CONFERENCES)
    )
    per_conference = meetings // CONFERENCES
    # A day later than a round number of fortnights, so no meeting starts right now.
    first = now - timedelta(days=14 * (per_conference // 2) - 1)
    # One in seven is cancelled; 7 and 12 share no factor, so every conference has some.
    statuses = itertools.cycle([Meeting.Status.PLANNED] * 6 + [Meeting.Status.CANCELLED])
    rows = []
    for n in range(meetings):
        conference = conferences[n % CONFERENCES]
        index = n // CONFERENCES
        starts_at = first + timedelta(days=14 * index, hours=n % CONFERENCES)
        past = starts_at < now
        rows.append(
            Meeting(
                conference=conference,
                slug=f"termin-{index}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                venue=venues[n % 4],
                room="Saal",
                status=Meeting.Status.HELD if past else next(statuses),
                registration_enabled=not past,
                places=30 if not past else None,
                minutes_summary="Es kamen viele." if past else "",
                minutes_published_at=starts_at + timedelta(days=7) if past else None,
            )
        )
    rows = Meeting.objects.bulk_create(rows)
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=p, title=f"Punkt {p}", presenter="N. N.")
        for meeting in rows
        for p in range(3)
    )
    Decision.objects.bulk_create(
        Decision(meeting=meeting, position=p, text=f"Beschluss {p}")
        for meeting in rows
        if meeting.starts_at < now
        for p in range(2)
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            meeting=meeting,
            position=p,
            title=f"Aufgabe {p}",
            responsible="Bauhof",
            due_date=(meeting.starts_at + timedelta(days=30)).date(),
            status=ActionItem.Status.OPEN if p == 0 else ActionItem.Status.DONE,
        )
        for meeting in rows
        for p in range(2)
    )
    upcoming = next(
        m
        for m in rows
        if m.conference_id == conferences[0].pk
        and m.starts_at > now
        and m.status == Meeting.Status.PLANNED
    )
    with_minutes = next(
        m for m in reversed(rows) if m.conference_id == conferences[0].pk and m.starts_at < now
    )
    Registration.objects.bulk_create(
        Registration(
            meeting=upcoming,
            name=f"P {n}",
            email=f"p{n}@example.org",
            status="confirmed",
            token_hash=f"r{n}",
        )
        for n in range(10)
    )
    ConferenceWish.objects.bulk_create(
        ConferenceWish(
            quartier=quartier,
            name=f"W {n}",
            email=f"w{n}@example.org",
            status="confirmed",
            token_hash=f"w{quartier.pk}-{n}",
        )
        for quartier in extra
        for n in range(3)
    )
    busiest = max(Meeting.objects.year_counts(), key=lambda row: row["count"])
    return {
        "upcoming": upcoming.get_absolute_url(),
        "minutes": with_minutes.get_absolute_url(),
        "year": busiest["year"],
    }


@pytest.mark.parametrize("size", [120, 2000])
@pytest.mark.parametrize("page", list(BUDGETS))
def test_page_needs_the_same_few_queries_with_many_meetings(db, client, page, size):
    town = build_town(size)
    url, budget, marker = BUDGETS[page]
    url = url.format(**town)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert marker in html
    assert_headings_in_order(html)
    assert len(queries) <= MAX_QUERIES
    assert len(queries) == budget, [q["sql"] for q in queries]


def test_pages_stay_within_budget_with_django_assert(db, client, django_assert_max_num_queries):
    """The same budgets through pytest-django's helper, in the large town only."""
    town = build_town(2000)
    for page, (url, budget, _marker) in BUDGETS.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url.format(**town)).status_code == 200, page


def test_town_for_budgets_has_the_promised_size(db, client):
    town = build_town(2000)
    assert Meeting.objects.count() == 2000
    assert Conference.objects.count() == CONFERENCES
    assert AgendaItem.objects.count() == 6000
    assert ActionItem.objects.not_done().count() == 2000
    # The measured pages show many rows: the big conference has many open items, the next
    # meeting lists the open items of every earlier one, the year page is paginated.
    html = client.get(town["upcoming"]).content.decode()
    assert html.count("Aufgabe 0") > 50
    conference_html = client.get("/stadtteilkonferenzen/gross/").content.decode()
    assert conference_html.count("Aufgabe 0") > 100
    year_html = client.get(f"/stadtteilkonferenzen/archiv/{town['year']}/").content.decode()
    assert 'href="?page=2"' in year_html
    overview = client.get("/stadtteilkonferenzen/").content.decode()
    assert overview.count("3 Menschen wünschen sich eine.") == 5
    assert overview.count("Nächster Termin:") == CONFERENCES - 1  # the inactive one is left out
