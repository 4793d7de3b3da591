"""The conference section on the Quartier page (registered through quartiere/sections.py)."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from konferenzen.models import ConferenceWish, Meeting
from quartiere import sections
from quartiere.models import Quartier
from tests.factories import ConferenceFactory, MeetingFactory, QuartierFactory
from tests.html import assert_headings_in_order, find_all


def at(year, month, day, hour=18):
    return timezone.make_aware(datetime(year, month, day, hour))


def section_of(client, slug) -> str:
    response = client.get(f"/quartiere/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert_headings_in_order(html)
    found = re.search(r'<section[^>]*aria-labelledby="konferenz-heading">.*?</section>', html, re.S)
    assert found, "conference section missing"
    return re.sub(r"\s+", " ", found.group(0))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def wish(quartier, n, status="confirmed"):
    ConferenceWish.objects.bulk_create(
        ConferenceWish(
            quartier=quartier,
            name=f"Person {i}",
            email=f"{quartier.slug}-{status}-{i}@example.org",
            status=status,
            token_hash=f"{quartier.slug}-{status}-{i}",
        )
        for i in range(n)
    )


@pytest.fixture
def town(db):
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    rauendahl = QuartierFactory(
        name="Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=mitte
    )
    welper = QuartierFactory(name="Welper", slug="welper")
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    return {"mitte": mitte, "rauendahl": rauendahl, "welper": welper, "blank": blankenstein}


def test_section_is_registered_for_the_quartier_page():
    names = [s.template_name for s in sections._registry["quartier"]]
    assert names.count("konferenzen/includes/quartier_section.html") == 1


def test_quartier_with_a_conference_shows_it_with_the_next_date(client, town):
    conference = ConferenceFactory(
        quartier=town["welper"], title="Stadtteilkonferenz Welper", slug="sk-welper"
    )
    MeetingFactory(
        conference=conference,
        starts_at=at(2099, 1, 13),
        slug="abgesagt",
        status=Meeting.Status.CANCELLED,
    )
    MeetingFactory(conference=conference, starts_at=at(2099, 2, 17), slug="februar")
    MeetingFactory(conference=conference, starts_at=timezone.now() - timedelta(days=9), slug="alt")
    section = section_of(client, "welper")
    assert "Stadtteilkonferenz Welper" in section
    assert "Nächster Termin: Dienstag, 17. Februar 2099, 18:00 Uhr" in text(section)
    hrefs = [a["href"] for a in find_all(section, "a")]
    assert "/stadtteilkonferenzen/sk-welper/" in hrefs
    assert "/stadtteilkonferenzen/sk-welper/februar/" in hrefs
    assert "Noch keine Stadtteilkonferenz" not in section
    assert not any("/wunsch/" in href for href in hrefs)


def test_conference_without_dates_says_next_date_follows(client, town):
    ConferenceFactory(quartier=town["welper"], slug="sk-welper")
    assert "Nächster Termin folgt" in section_of(client, "welper")


def test_district_shows_the_conference_of_its_neighbourhood(client, town):
    ConferenceFactory(
        quartier=town["rauendahl"], title="Stadtteilkonferenz Rauendahl", slug="sk-rauendahl"
    )
    section = section_of(client, "hattingen-mitte")
    assert "Stadtteilkonferenz Rauendahl (in Rauendahl)" in text(section)
    # …and the neighbourhood its own, without naming itself again.
    section = section_of(client, "rauendahl")
    assert "Stadtteilkonferenz Rauendahl" in section and "(in Rauendahl)" not in section


def test_neighbourhood_shows_the_conference_of_its_district(client, town):
    ConferenceFactory(quartier=town["mitte"], title="Stadtteilkonferenz Mitte", slug="sk-mitte")
    section = section_of(client, "rauendahl")
    assert "Stadtteilkonferenz Mitte (in Hattingen-Mitte)" in text(section)
    assert "Noch keine Stadtteilkonferenz" not in section


def test_quartier_without_conference_counts_confirmed_wishes_and_links_the_wish_form(client, town):
    wish(town["blank"], 3)
    wish(town["blank"], 4, status="unconfirmed")
    wish(town["blank"], 2, status="cancelled")
    wish(town["welper"], 5)
    section = section_of(client, "blankenstein")
    assert "Noch keine Stadtteilkonferenz – 3 Menschen wünschen sich eine." in text(section)
    link = next(a for a in find_all(section, "a") if "/wunsch/" in a["href"])
    assert link["href"] == "/stadtteilkonferenzen/wunsch/blankenstein/"
    assert "Ich wünsche mir eine Stadtteilkonferenz in Blankenstein" in section


def test_quartier_without_conference_or_wishes_invites_the_first(client, town):
    section = section_of(client, "blankenstein")
    assert "Noch keine Stadtteilkonferenz" in section
    assert "Menschen" not in section and "Mensch " not in section
    assert 'href="/stadtteilkonferenzen/wunsch/blankenstein/"' in section


def test_inactive_conference_does_not_count(client, town):
    ConferenceFactory(quartier=town["blank"], slug="alt", is_active=False, title="Alte SK")
    wish(town["blank"], 1)
    section = section_of(client, "blankenstein")
    assert "Alte SK" not in section
    assert "1 Mensch wünscht sich eine." in text(section)


@pytest.mark.parametrize("with_conference", [True, False])
def test_section_costs_the_same_queries_with_many_meetings_and_wishes(db, client, with_conference):
    """One query with a conference (conferences with the next date), two without (and the
    wishes), whatever the number of meetings and wishes."""
    welper = QuartierFactory(name="Welper", slug="welper")
    counts = []
    for size in (2, 300):
        if with_conference:
            conference = ConferenceFactory(quartier=welper, slug=f"sk-{size}")
            Meeting.objects.bulk_create(
                Meeting(
                    conference=conference,
                    slug=f"m{n}",
                    starts_at=timezone.now() + timedelta(days=n - size // 2),
                )
                for n in range(size)
            )
        else:
            ConferenceWish.objects.bulk_create(
                ConferenceWish(
                    quartier=welper,
                    name="W",
                    email=f"w{size}-{n}@example.org",
                    status="confirmed",
                    token_hash=f"{size}-{n}",
                )
                for n in range(size)
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/quartiere/welper/").status_code == 200
        counts.append(len(queries))
        section = [q["sql"] for q in queries if "konferenzen_" in q["sql"]]
        assert len(section) == (1 if with_conference else 2), section
    assert counts[0] == counts[1]


def test_the_section_shows_at_most_five_conferences_and_says_there_are_more(client, town):
    # Four conferences: all shown, nothing more to say.
    for number in range(4):
        ConferenceFactory(quartier=town["welper"], title=f"Konferenz {number}", slug=f"k-{number}")
    section = section_of(client, "welper")
    assert text(section).count("Nächster Termin") == 4
    assert "weitere Konferenzen" not in section
    # Five: still all. Seven: the first five by title, and a pointer to the overview, with as
    # many queries as with five.
    ConferenceFactory(quartier=town["welper"], title="Konferenz 4", slug="k-4")
    with CaptureQueriesContext(connection) as five:
        section = section_of(client, "welper")
    assert text(section).count("Nächster Termin") == 5
    assert "weitere Konferenzen" not in section
    ConferenceFactory(quartier=town["welper"], title="Konferenz 5", slug="k-5")
    ConferenceFactory(quartier=town["welper"], title="Konferenz 6", slug="k-6")
    with CaptureQueriesContext(connection) as seven:
        section = section_of(client, "welper")
    shown = re.findall(r">Konferenz (\d)</a>", section)
    assert shown == ["0", "1", "2", "3", "4"]
    assert (
        "Für diesen Bereich treffen sich weitere Konferenzen; die Übersicht aller Stadtteile "
        "nennt sie." in text(section)
    )
    assert len(seven) == len(five)
