"""Public pages of the district conferences: overview, conference, meeting, archive."""

import re
from datetime import datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from konferenzen.models import ActionItem, ConferenceWish, Meeting
from quartiere.models import Quartier
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConferenceFactory,
    DecisionFactory,
    MeetingFactory,
    QuartierFactory,
    VenueFactory,
)
from tests.html import assert_headings_in_order, find_all, parse


def at(year, month, day, hour=18, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def days(n, hour=18):
    """A time `n` days from now (negative: ago) at `hour` local time."""
    moment = timezone.localtime() + timedelta(days=n)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def text(html: str) -> str:
    """The visible text, tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def wish(quartier, n, status="confirmed"):
    ConferenceWish.objects.bulk_create(
        ConferenceWish(
            quartier=quartier,
            name=f"Person {quartier.pk}-{i}-{status}",
            email=f"p{quartier.pk}-{i}-{status}@example.org",
            status=status,
            token_hash=f"{quartier.pk}-{i}-{status}",
        )
        for i in range(n)
    )


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# --- overview ------------------------------------------------------------------------------


def test_overview_lists_next_dates_across_town_with_cancelled_marked(db, client):
    welper = ConferenceFactory(quartier=QuartierFactory(name="Welper"), title="SK Welper")
    winz = ConferenceFactory(quartier=QuartierFactory(name="Winz-Baak"), title="SK Winz-Baak")
    MeetingFactory(conference=welper, starts_at=days(3), slug="bald")
    MeetingFactory(
        conference=winz, starts_at=days(5), slug="abgesagt", status=Meeting.Status.CANCELLED
    )
    MeetingFactory(conference=winz, starts_at=days(-30), slug="vorbei")
    html = get(client, "/stadtteilkonferenzen/")
    assert parse(html).h1_texts == ["Stadtteilkonferenzen"]
    assert_headings_in_order(html)
    cards = re.findall(r'<article class="kern-card site-card[^"]*">.*?</article>', html, re.S)
    assert len(cards) == 2  # the past meeting is not a next date
    assert "SK Welper" in cards[0] and "abgesagt" not in cards[0]
    assert "SK Winz-Baak" in cards[1] and "abgesagt" in cards[1]
    assert f'href="/stadtteilkonferenzen/{welper.slug}/bald/"' in cards[0]


def test_overview_shows_at_most_eight_dates_in_order(db, client):
    conference = ConferenceFactory()
    for n in range(10, 0, -1):
        MeetingFactory(conference=conference, starts_at=days(n), slug=f"termin-{n}")
    html = get(client, "/stadtteilkonferenzen/")
    slugs = re.findall(rf'href="/stadtteilkonferenzen/{conference.slug}/(termin-\d+)/"', html)
    assert slugs[:8] == [f"termin-{n}" for n in range(1, 9)]
    assert "termin-9" not in html


def test_overview_cards_say_whether_to_register(db, client):
    MeetingFactory(starts_at=days(2), registration_enabled=True, slug="mit")
    MeetingFactory(starts_at=days(3), registration_enabled=False, slug="ohne")
    html = text(get(client, "/stadtteilkonferenzen/"))
    assert "Anmeldung erforderlich" in html
    assert "einfach vorbeikommen" in html


def test_overview_shows_venue_and_german_date_and_time(db, client):
    venue = VenueFactory(name="Bürgerzentrum Holschentor")
    MeetingFactory(
        starts_at=at(2099, 3, 10, 18), ends_at=at(2099, 3, 10, 20), venue=venue, slug="m"
    )
    html = text(get(client, "/stadtteilkonferenzen/"))
    assert "Bürgerzentrum Holschentor" in html
    assert "Dienstag, 10. März 2099, 18:00 bis 20:00 Uhr" in html


def test_overview_without_any_conference_lists_districts_and_explains(db, client):
    QuartierFactory(name="Blankenstein", slug="blankenstein")
    html = get(client, "/stadtteilkonferenzen/")
    assert "Zurzeit stehen keine Termine fest" in html
    assert "Noch keine Stadtteilkonferenz" in html
    assert 'href="/stadtteilkonferenzen/wunsch/blankenstein/"' in html


def test_overview_links_archive_and_calendar_feed(db, client):
    html = get(client, "/stadtteilkonferenzen/")
    links = {a["href"]: a for a in find_all(html, "a")}
    assert "/stadtteilkonferenzen/archiv/" in links
    assert "/stadtteilkonferenzen/kalender.ics" in links
    assert "Alle Termine abonnieren (iCal)" in html


def coverage_rows(html: str) -> dict[str, str]:
    """District name -> the text of its row in the coverage table."""
    table = re.search(r'<table class="kern-table site-coverage site-stack">.*?</table>', html, re.S)
    assert table, "coverage table missing"
    rows = re.findall(r"<tr class=\"kern-table__row\">(.*?)</tr>", table.group(0), re.S)
    found = {}
    for row in rows:
        header = re.search(r'<th class="kern-table__header" scope="row">(.*?)</th>', row, re.S)
        if header:
            found[text(header.group(1)).strip()] = text(row)
    return found


def test_coverage_lists_every_district_with_its_state(db, client):
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    rauendahl = QuartierFactory(
        name="Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=mitte
    )
    welper = QuartierFactory(name="Welper", slug="welper")
    holthausen = QuartierFactory(name="Holthausen", slug="holthausen")
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    QuartierFactory(name="Niederbonsfeld", slug="niederbonsfeld")
    # Rauendahl's conference counts for Hattingen-Mitte and is named there.
    sk_rauendahl = ConferenceFactory(
        quartier=rauendahl, title="Stadtteilkonferenz Rauendahl", slug="rauendahl"
    )
    MeetingFactory(conference=sk_rauendahl, starts_at=at(2099, 3, 10), slug="m1")
    MeetingFactory(conference=sk_rauendahl, starts_at=at(2099, 6, 9), slug="m2")
    # The next date skips a cancelled meeting; a conference without dates says so.
    sk_welper = ConferenceFactory(quartier=welper, title="Stadtteilkonferenz Welper", slug="w")
    MeetingFactory(
        conference=sk_welper,
        starts_at=at(2099, 1, 13),
        slug="abgesagt",
        status=Meeting.Status.CANCELLED,
    )
    MeetingFactory(conference=sk_welper, starts_at=at(2099, 2, 17), slug="februar")
    ConferenceFactory(quartier=holthausen, title="Stadtteilkonferenz Holthausen", slug="h")
    # An inactive conference does not count; only confirmed wishes do.
    ConferenceFactory(quartier=blankenstein, is_active=False, slug="alt")
    wish(blankenstein, 3)
    wish(blankenstein, 2, status="unconfirmed")
    wish(blankenstein, 1, status="cancelled")

    rows = coverage_rows(get(client, "/stadtteilkonferenzen/"))

    assert set(rows) == {
        "Hattingen-Mitte",
        "Welper",
        "Holthausen",
        "Blankenstein",
        "Niederbonsfeld",
    }
    assert "Stadtteilkonferenz Rauendahl (in Rauendahl)" in rows["Hattingen-Mitte"]
    assert "Nächster Termin: Dienstag, 10. März 2099, 18:00 Uhr" in rows["Hattingen-Mitte"]
    assert "Nächster Termin: Dienstag, 17. Februar 2099, 18:00 Uhr" in rows["Welper"]
    assert "Nächster Termin folgt" in rows["Holthausen"]
    assert "Noch keine Stadtteilkonferenz – 3 Menschen wünschen sich eine." in rows["Blankenstein"]
    assert "Ich wünsche mir eine Stadtteilkonferenz in Blankenstein" in rows["Blankenstein"]
    assert "Noch keine Stadtteilkonferenz" in rows["Niederbonsfeld"]
    assert "wünsch" in rows["Niederbonsfeld"] and "Menschen" not in rows["Niederbonsfeld"]
    for row in ("Hattingen-Mitte", "Welper", "Holthausen"):
        assert "Noch keine" not in rows[row]


def test_coverage_links_conference_next_meeting_and_wish_form(db, client):
    welper = QuartierFactory(name="Welper", slug="welper")
    QuartierFactory(name="Blankenstein", slug="blankenstein")
    conference = ConferenceFactory(quartier=welper, slug="sk-welper")
    MeetingFactory(conference=conference, starts_at=at(2099, 2, 17), slug="februar")
    html = get(client, "/stadtteilkonferenzen/")
    hrefs = {a["href"] for a in find_all(html, "a")}
    assert "/stadtteilkonferenzen/sk-welper/" in hrefs
    assert "/stadtteilkonferenzen/sk-welper/februar/" in hrefs
    assert "/stadtteilkonferenzen/wunsch/blankenstein/" in hrefs
    assert "/stadtteilkonferenzen/wunsch/welper/" not in hrefs


def test_coverage_counts_one_wish_in_the_singular_and_wishes_of_neighbourhoods(db, client):
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    rauendahl = QuartierFactory(
        name="Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=mitte
    )
    welper = QuartierFactory(name="Welper", slug="welper")
    wish(mitte, 1)
    wish(rauendahl, 1)
    wish(welper, 1)
    rows = coverage_rows(get(client, "/stadtteilkonferenzen/"))
    assert "2 Menschen wünschen sich eine." in rows["Hattingen-Mitte"]
    assert "1 Mensch wünscht sich eine." in rows["Welper"]
    assert "Rauendahl" not in rows  # a neighbourhood is no row of its own


@override_settings(CARDS_CHECK=False)
def test_coverage_table_is_kept_but_shows_every_change_at_once(db, client):
    """The table is rendered once per content (`coverage_table`): with the memo as in
    production, a renamed conference, a moved date, a new wish and the language show at
    once, and a change back brings the earlier table back."""
    welper = QuartierFactory(name="Welper", slug="welper")
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    conference = ConferenceFactory(quartier=welper, title="SK Welper", slug="sk-welper")
    meeting = MeetingFactory(conference=conference, starts_at=at(2099, 2, 17), slug="februar")
    before = coverage_rows(get(client, "/stadtteilkonferenzen/"))
    assert "SK Welper" in before["Welper"] and "17. Februar 2099" in before["Welper"]

    # Each change alone is a new table.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(2099, 3, 3), ends_at=None)
    rows = coverage_rows(get(client, "/stadtteilkonferenzen/"))
    assert "3. März 2099" in rows["Welper"] and "Februar" not in rows["Welper"]
    wish(blankenstein, 2)
    rows = coverage_rows(get(client, "/stadtteilkonferenzen/"))
    assert "2 Menschen wünschen sich eine." in rows["Blankenstein"]
    conference.title = "Stadtteilkonferenz Welper"
    conference.save()
    rows = coverage_rows(get(client, "/stadtteilkonferenzen/"))
    assert "Stadtteilkonferenz Welper" in rows["Welper"]

    english = coverage_rows(get(client, "/en/stadtteilkonferenzen/"))
    assert "Stadtteilkonferenz Welper" in english["Welper"]  # the German title, marked
    conference.title_en = "District conference Welper"
    conference.save()
    english = coverage_rows(get(client, "/en/stadtteilkonferenzen/"))
    assert "District conference Welper" in english["Welper"]
    assert "2 people wish for one." in english["Blankenstein"]

    conference.title = "SK Welper"
    conference.save()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(2099, 2, 17), ends_at=meeting.ends_at)
    ConferenceWish.objects.all().delete()
    assert coverage_rows(get(client, "/stadtteilkonferenzen/")) == before


def test_coverage_table_has_caption_and_header_cells(db, client):
    QuartierFactory(name="Welper")
    html = get(client, "/stadtteilkonferenzen/")
    table = re.search(
        r'<table class="kern-table site-coverage site-stack">.*?</table>', html, re.S
    ).group(0)
    assert "<caption" in table
    assert len(find_all(table, "th", scope="col")) == 2
    assert find_all(table, "th", scope="row")


# --- conference page ----------------------------------------------------------------------


@pytest.fixture
def conference(db):
    welper = QuartierFactory(name="Welper", slug="welper")
    return ConferenceFactory(
        quartier=welper,
        title="Stadtteilkonferenz Welper",
        slug="welper",
        description="Wir reden über **Welper**.",
        organiser="Stadt Hattingen, Quartiersentwicklung",
        contact_name="Erika Muster",
        contact_email="sk-welper@hattingen.example",
        contact_phone="02324 123",
        usual_venue=VenueFactory(name="Gemeindehaus Welper", street="Marxstraße 1"),
        rhythm="viermal im Jahr",
    )


def test_conference_page_shows_its_facts(client, conference):
    html = get(client, "/stadtteilkonferenzen/welper/")
    assert parse(html).h1_texts == ["Stadtteilkonferenz Welper"]
    assert_headings_in_order(html)
    assert "<strong>Welper</strong>" in html
    page = text(html)
    for fact in (
        "Stadt Hattingen, Quartiersentwicklung",
        "viermal im Jahr",
        "Gemeindehaus Welper, Marxstraße 1, 45525 Hattingen",
        "Erika Muster",
    ):
        assert fact in page
    hrefs = {a["href"] for a in find_all(html, "a")}
    assert "/quartiere/welper/" in hrefs
    assert "mailto:sk-welper@hattingen.example" in hrefs
    assert "/stadtteilkonferenzen/welper/kalender.ics" in hrefs
    assert "trifft sich nicht mehr" not in page


def test_conference_page_splits_upcoming_and_past_with_minutes_links(client, conference):
    MeetingFactory(conference=conference, starts_at=days(10), slug="naechste")
    MeetingFactory(
        conference=conference,
        starts_at=days(-20),
        slug="mit-protokoll",
        status=Meeting.Status.HELD,
        minutes_summary="Gut besucht.",
        minutes_published_at=timezone.now() - timedelta(days=1),
    )
    MeetingFactory(conference=conference, starts_at=days(-40), slug="ohne-protokoll")
    MeetingFactory(
        conference=conference,
        starts_at=days(-60),
        slug="protokoll-kommt",
        minutes_summary="Noch nicht.",
        minutes_published_at=timezone.now() + timedelta(days=1),
    )
    html = get(client, "/stadtteilkonferenzen/welper/")
    upcoming, past = html.split('id="frueher-heading"')
    assert "/stadtteilkonferenzen/welper/naechste/" in upcoming
    assert "/stadtteilkonferenzen/welper/naechste/" not in past
    minutes_links = [a["href"] for a in find_all(past, "a") if a["href"].endswith("#protokoll")]
    assert minutes_links == ["/stadtteilkonferenzen/welper/mit-protokoll/#protokoll"]
    assert "/stadtteilkonferenzen/welper/ohne-protokoll/" in past
    assert "/stadtteilkonferenzen/welper/protokoll-kommt/" in past


def test_conference_page_lists_open_action_items_only(client, conference):
    earlier = MeetingFactory(conference=conference, starts_at=days(-30), slug="frueher")
    ActionItemFactory(
        meeting=earlier,
        title="Bank am Spielplatz aufstellen",
        responsible="Bauhof",
        due_date=datetime(2099, 5, 1).date(),
        status=ActionItem.Status.IN_PROGRESS,
    )
    ActionItemFactory(meeting=earlier, title="Flyer drucken", status=ActionItem.Status.DONE)
    ActionItemFactory(
        meeting=MeetingFactory(starts_at=days(-30), slug="andere"), title="Fremde Aufgabe"
    )
    html = get(client, "/stadtteilkonferenzen/welper/")
    section = html.split('id="aufgaben-heading"')[1].split("</section>")[0]
    page = text(section)
    assert "Bank am Spielplatz aufstellen" in page
    assert "Bauhof" in page and "1. Mai 2099" in page and "in Arbeit" in page
    assert "Flyer drucken" not in page
    assert "Fremde Aufgabe" not in page
    assert 'href="/stadtteilkonferenzen/welper/frueher/"' in section


def test_conference_without_dates_or_open_items_says_so(client, conference):
    html = get(client, "/stadtteilkonferenzen/welper/")
    assert "Der nächste Termin steht noch nicht fest." in html
    assert 'id="aufgaben-heading"' not in html
    assert_headings_in_order(html)


def test_inactive_conference_says_it_no_longer_meets(client, conference):
    conference.is_active = False
    conference.save()
    html = get(client, "/stadtteilkonferenzen/welper/")
    assert "Diese Stadtteilkonferenz trifft sich nicht mehr" in html


def test_conference_page_links_the_archive_when_there_are_many_past_meetings(client, conference):
    for n in range(1, 23):
        MeetingFactory(conference=conference, starts_at=days(-7 * n), slug=f"m{n}")
    html = get(client, "/stadtteilkonferenzen/welper/")
    past = html.split('id="frueher-heading"')[1]
    assert len(re.findall(r'href="/stadtteilkonferenzen/welper/m\d+/"', past)) == 20
    assert 'href="/stadtteilkonferenzen/archiv/"' in past


def test_conference_page_shows_the_next_twelve_dates_and_points_to_the_calendar(client, conference):
    """However many dates are planned, the page stays the same size."""
    for n in range(1, 16):
        MeetingFactory(conference=conference, starts_at=days(7 * n), slug=f"k{n}")
    html = get(client, "/stadtteilkonferenzen/welper/")
    upcoming = html.split('id="termine-heading"')[1].split("</section>")[0]
    slugs = re.findall(r'href="/stadtteilkonferenzen/welper/(k\d+)/"', upcoming)
    assert slugs == [f"k{n}" for n in range(1, 13)]
    assert "Das sind die nächsten 12 Termine; alle späteren stehen im Kalender." in text(upcoming)


def test_coverage_names_five_conferences_per_district_and_links_the_rest(db, client):
    welper = QuartierFactory(name="Welper", slug="welper")
    for n in range(1, 8):
        ConferenceFactory(quartier=welper, title=f"Runde {n}", slug=f"runde-{n}")
    html = get(client, "/stadtteilkonferenzen/")
    row = coverage_rows(html)["Welper"]
    assert [f"Runde {n}" in row for n in range(1, 8)] == [True] * 5 + [False] * 2
    assert "2 weitere Stadtteilkonferenzen in Welper" in row
    assert 'href="/quartiere/welper/">2 weitere' in html


def test_unknown_conference_is_404(db, client):
    get(client, "/stadtteilkonferenzen/gibt-es-nicht/", status=404)


# --- meeting page -------------------------------------------------------------------------


def meeting_url(meeting):
    return f"/stadtteilkonferenzen/{meeting.conference.slug}/{meeting.slug}/"


def test_meeting_page_shows_when_where_and_accessibility(client, conference):
    venue = VenueFactory(
        name="Gemeindehaus Welper",
        street="Marxstraße 1",
        step_free=True,
        accessible_toilet=False,
        induction_loop=True,
        accessibility_note="Eingang auf der Rückseite.",
    )
    meeting = MeetingFactory(
        conference=conference,
        starts_at=at(2099, 3, 10, 18),
        ends_at=at(2099, 3, 10, 20, 30),
        slug="2099-03-10",
        venue=venue,
        room="Großer Saal",
        childcare=True,
    )
    html = get(client, meeting_url(meeting))
    assert parse(html).h1_texts == ["Stadtteilkonferenz Welper: 10. März 2099"]
    assert_headings_in_order(html)
    page = text(html)
    assert "Dienstag, 10. März 2099, 18:00 bis 20:30 Uhr" in page
    assert "Gemeindehaus Welper" in page and "Marxstraße 1, 45525 Hattingen" in page
    assert "Raum: Großer Saal" in page
    access = re.search(r'<ul class="site-access-list">(.*?)</ul>', html, re.S).group(1)
    items = [text(li).strip() for li in re.findall(r"<li>(.*?)</li>", access, re.S)]
    assert len(items) == 4
    assert "Eingang auf der Rückseite." in items
    assert not any("Toilette" in item for item in items)
    hrefs = {a["href"] for a in find_all(html, "a")}
    assert "/stadtteilkonferenzen/welper/2099-03-10/aushang/" in hrefs
    assert "Aushang drucken" in page


def test_meeting_page_has_breadcrumbs_to_overview_and_conference(client, conference):
    meeting = MeetingFactory(conference=conference, starts_at=at(2099, 3, 10), slug="m")
    html = get(client, meeting_url(meeting))
    nav = re.search(r'<nav class="site-breadcrumbs".*?</nav>', html, re.S).group(0)
    assert [a["href"] for a in find_all(nav, "a")] == [
        "/",
        "/stadtteilkonferenzen/",
        "/stadtteilkonferenzen/welper/",
    ]
    assert "10. März 2099" in text(nav)


def test_meeting_page_lists_agenda_in_order(client, conference):
    meeting = MeetingFactory(conference=conference, starts_at=days(7), slug="m")
    AgendaItemFactory(meeting=meeting, position=2, title="Verschiedenes", presenter="")
    AgendaItemFactory(
        meeting=meeting,
        position=1,
        title="Neue Bänke im Park",
        presenter="Erika Muster",
        minutes_planned=20,
        description="Wo sollen sie stehen?",
    )
    html = get(client, meeting_url(meeting))
    agenda = re.search(r'<ol class="site-agenda">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r"<h3[^>]*>([^<]+)</h3>", agenda) == ["Neue Bänke im Park", "Verschiedenes"]
    page = text(agenda)
    assert "Vorgestellt von Erika Muster · 20 Minuten" in page
    assert "Wo sollen sie stehen?" in page
    assert_headings_in_order(html)


def test_cancelled_meeting_shows_an_alert_at_the_top(client, conference):
    meeting = MeetingFactory(
        conference=conference,
        starts_at=days(7),
        slug="m",
        status=Meeting.Status.CANCELLED,
        registration_enabled=True,
    )
    html = get(client, meeting_url(meeting))
    main = html.split('id="inhalt"')[1]
    first_section = main.index('class="site-section"')
    alert = main.index("kern-alert--danger")
    assert alert < first_section
    assert "Dieser Termin ist abgesagt" in text(main[alert:first_section])
    assert "abgesagt" in text(main[:first_section])
    assert "<form" not in main  # no registration for a cancelled meeting (header: search)


def test_held_meeting_says_so(client, conference):
    meeting = MeetingFactory(
        conference=conference, starts_at=days(-7), slug="m", status=Meeting.Status.HELD
    )
    html = get(client, meeting_url(meeting))
    assert "stattgefunden" in text(html)
    assert "Das Protokoll wird hier veröffentlicht" in html


def test_open_items_of_the_last_meeting_show_on_the_next_until_done(client, conference):
    last = MeetingFactory(conference=conference, starts_at=days(-30), slug="letzte")
    nxt = MeetingFactory(conference=conference, starts_at=days(30), slug="naechste")
    done_later = ActionItemFactory(meeting=last, title="Spielplatz prüfen", responsible="Bauhof")
    ActionItemFactory(meeting=last, title="Zweite Aufgabe", status=ActionItem.Status.IN_PROGRESS)
    ActionItemFactory(meeting=last, title="Schon erledigt", status=ActionItem.Status.DONE)
    ActionItemFactory(meeting=nxt, title="Neue Aufgabe der nächsten")

    html = get(client, meeting_url(nxt))
    section = html.split('id="offen-heading"')[1].split("</section>")[0]
    assert "Offen aus der letzten Konferenz" in html
    page = text(section)
    assert "Spielplatz prüfen" in page and "Bauhof" in page and "Zweite Aufgabe" in page
    assert "Schon erledigt" not in page and "Neue Aufgabe der nächsten" not in page
    assert 'href="/stadtteilkonferenzen/welper/letzte/"' in section

    done_later.status = ActionItem.Status.DONE
    done_later.save()
    html = get(client, meeting_url(nxt))
    assert "Spielplatz prüfen" not in html
    assert "Zweite Aufgabe" in html


def test_past_meeting_does_not_list_open_items_of_earlier_ones(client, conference):
    first = MeetingFactory(conference=conference, starts_at=days(-60), slug="erste")
    second = MeetingFactory(conference=conference, starts_at=days(-30), slug="zweite")
    ActionItemFactory(meeting=first, title="Noch offen")
    html = get(client, meeting_url(second))
    assert "Offen aus der letzten Konferenz" not in html
    assert "Noch offen" not in html


def test_meeting_with_registration_shows_the_form(client, conference):
    meeting = MeetingFactory(
        conference=conference, starts_at=days(7), slug="m", registration_enabled=True, places=20
    )
    response = client.get(meeting_url(meeting))
    form = response.context["signup_form"]
    assert form.helper.form_action == "/stadtteilkonferenzen/welper/m/anmelden/#anmelden"
    assert response.context["meeting"].free_places == 20
    html = response.content.decode()
    assert 'id="anmelden"' in html
    assert "einfach vorbei" not in html
    assert "Anmeldung erforderlich" in html


def test_meeting_without_registration_says_just_come(client, conference):
    meeting = MeetingFactory(conference=conference, starts_at=days(7), slug="m")
    response = client.get(meeting_url(meeting))
    assert "signup_form" not in response.context
    html = response.content.decode()
    section = html.split('id="anmelden"')[1].split("</section>")[0]
    assert "Keine Anmeldung nötig – kommen Sie einfach vorbei." in section


def test_meeting_page_keeps_a_bound_form_passed_in(rf, conference):
    """The registration view subclasses the page and passes its form with errors."""
    from konferenzen.forms import RegistrationForm
    from konferenzen.views import MeetingDetailView

    meeting = MeetingFactory(
        conference=conference, starts_at=days(7), slug="m", registration_enabled=True
    )
    view = MeetingDetailView()
    view.setup(rf.get("/"), conference="welper", slug="m")
    view.object = view.get_object()
    bound = RegistrationForm({"name": ""})
    context = view.get_context_data(object=view.object, signup_form=bound)
    assert context["signup_form"] is bound
    assert context["meeting"] == meeting


def held_with_minutes(conference, **fields):
    """A meeting two weeks ago whose minutes were published an hour ago."""
    return MeetingFactory(
        conference=conference,
        starts_at=days(-14),
        slug="m",
        status=Meeting.Status.HELD,
        minutes_published_at=timezone.now() - timedelta(hours=1),
        **fields,
    )


def test_meeting_shows_published_minutes_with_decisions_and_action_items(
    client, conference, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = held_with_minutes(conference, minutes_summary="Es kamen **40** Menschen.")
    meeting.minutes_file.save("protokoll.pdf", ContentFile(b"%PDF-1.4\n" + b"x" * 2048))
    DecisionFactory(meeting=meeting, position=2, text="Zweiter Beschluss")
    DecisionFactory(meeting=meeting, position=1, text="Erster Beschluss")
    ActionItemFactory(
        meeting=meeting,
        title="Bänke bestellen",
        responsible="Bauhof",
        status=ActionItem.Status.DONE,
        done_at=datetime(2099, 1, 5).date(),
    )
    html = get(client, meeting_url(meeting))
    minutes = html.split('id="protokoll"')[1].split("</section>")[0]
    assert "Es kamen <strong>40</strong> Menschen." in minutes
    link = next(a for a in find_all(minutes, "a") if a["href"].endswith(".pdf"))
    assert link["href"].startswith("/media/")
    assert "(PDF, 2,0 KB)" in text(minutes)
    decisions = re.search(r'<ol class="site-decisions">(.*?)</ol>', minutes, re.S).group(1)
    assert text(decisions).split() == ["Erster", "Beschluss", "Zweiter", "Beschluss"]
    assert "Bänke bestellen" in minutes and "erledigt" in text(minutes)
    assert_headings_in_order(html)


def test_a_meeting_page_with_minutes_compiles_no_query_on_its_second_request(
    client, conference, settings, compiled_queries
):
    """Issue #17: the minutes' decisions and tasks were queries built and compiled on every
    request; now they are compiled once, like the rest of the meeting page's queries."""
    settings.PAGE_CACHE = False
    meeting = held_with_minutes(conference)
    DecisionFactory(meeting=meeting, position=2, text="Zweiter Beschluss")
    DecisionFactory(meeting=meeting, position=1, text="Erster Beschluss")
    ActionItemFactory(meeting=meeting, title="Bänke bestellen")
    first = get(client, meeting_url(meeting))
    compiled_queries.clear()
    again = get(client, meeting_url(meeting))
    assert again == first
    assert first.index("Erster Beschluss") < first.index("Zweiter Beschluss")
    assert "Bänke bestellen" in again
    assert compiled_queries == []


def test_unpublished_minutes_stay_hidden(client, conference):
    meeting = MeetingFactory(
        conference=conference,
        starts_at=days(-14),
        slug="m",
        minutes_summary="Geheimer Entwurf",
        minutes_published_at=timezone.now() + timedelta(days=2),
    )
    DecisionFactory(meeting=meeting, text="Entwurf eines Beschlusses")
    html = get(client, meeting_url(meeting))
    assert "Geheimer Entwurf" not in html and "Entwurf eines Beschlusses" not in html


def test_meeting_of_another_conference_is_404(client, conference):
    other = ConferenceFactory(slug="andere")
    MeetingFactory(conference=other, starts_at=days(7), slug="m")
    get(client, "/stadtteilkonferenzen/welper/m/", status=404)
    get(client, "/stadtteilkonferenzen/andere/m/")


# --- archive --------------------------------------------------------------------------------


def test_archive_lists_years_newest_first_with_counts(db, client):
    conference = ConferenceFactory()
    for n, start in enumerate([at(2024, 3, 5), at(2024, 9, 3), at(2025, 2, 4), at(2022, 6, 1)]):
        MeetingFactory(conference=conference, starts_at=start, slug=f"m{n}")
    html = get(client, "/stadtteilkonferenzen/archiv/")
    assert_headings_in_order(html)
    years = re.findall(r'href="/stadtteilkonferenzen/archiv/(\d+)/"', html)
    assert years == ["2025", "2024", "2022"]
    page = text(html)
    assert "2025 (1 Termin)" in page and "2024 (2 Termine)" in page


def test_archive_year_lists_meetings_by_date_with_minutes(db, client):
    welper = ConferenceFactory(title="SK Welper", slug="welper")
    winz = ConferenceFactory(title="SK Winz", slug="winz")
    MeetingFactory(conference=winz, starts_at=at(2024, 9, 3), slug="herbst")
    MeetingFactory(
        conference=welper,
        starts_at=at(2024, 3, 5),
        slug="fruehjahr",
        minutes_published_at=at(2024, 3, 20),
        minutes_summary="Protokoll",
    )
    MeetingFactory(conference=welper, starts_at=at(2025, 1, 7), slug="anderes-jahr")
    html = get(client, "/stadtteilkonferenzen/archiv/2024/")
    assert parse(html).h1_texts == ["Stadtteilkonferenzen im Jahr 2024"]
    assert_headings_in_order(html)
    meetings = re.findall(r'href="(/stadtteilkonferenzen/[a-z]+/[a-z-]+/)"', html)
    assert meetings == [
        "/stadtteilkonferenzen/welper/fruehjahr/",
        "/stadtteilkonferenzen/winz/herbst/",
    ]
    assert "anderes-jahr" not in html
    assert 'href="/stadtteilkonferenzen/welper/fruehjahr/#protokoll"' in html
    assert "herbst/#protokoll" not in html
    assert "SK Welper" in html and "SK Winz" in html


def test_archive_year_without_meetings_is_404(db, client):
    MeetingFactory(starts_at=at(2024, 3, 5))
    get(client, "/stadtteilkonferenzen/archiv/2023/", status=404)
    get(client, "/stadtteilkonferenzen/archiv/99999/", status=404)
    get(client, "/stadtteilkonferenzen/archiv/0/", status=404)


def test_archive_year_is_paginated_by_fifty(db, client):
    conference = ConferenceFactory(slug="sk")
    Meeting.objects.bulk_create(
        Meeting(conference=conference, starts_at=at(2024, 1, 1) + timedelta(days=n), slug=f"m{n}")
        for n in range(60)
    )
    first = get(client, "/stadtteilkonferenzen/archiv/2024/")
    assert len(re.findall(r'href="/stadtteilkonferenzen/sk/m\d+/"', first)) == 50
    assert 'href="?page=2"' in first
    second = get(client, "/stadtteilkonferenzen/archiv/2024/?page=2")
    assert len(re.findall(r'href="/stadtteilkonferenzen/sk/m\d+/"', second)) == 10
    assert parse(first).title != parse(second).title
    get(client, "/stadtteilkonferenzen/archiv/2024/?page=3", status=404)


def test_empty_archive_says_so(db, client):
    html = get(client, "/stadtteilkonferenzen/archiv/")
    assert "Noch keine Termine" in html
    assert_headings_in_order(html)


@pytest.mark.parametrize(
    "url",
    [
        "/stadtteilkonferenzen/",
        "/stadtteilkonferenzen/welper/",
        "/stadtteilkonferenzen/welper/m/",
        "/stadtteilkonferenzen/archiv/",
        "/stadtteilkonferenzen/archiv/2099/",
    ],
)
def test_every_page_has_one_h1_headings_in_order_and_its_own_title(client, conference, url):
    meeting = MeetingFactory(conference=conference, starts_at=at(2099, 3, 10), slug="m")
    AgendaItemFactory(meeting=meeting)
    ActionItemFactory(meeting=MeetingFactory(conference=conference, starts_at=days(-9), slug="x"))
    QuartierFactory(name="Blankenstein")
    html = get(client, url)
    assert_headings_in_order(html)
    assert find_all(html, "html")[0]["lang"] == "de"
    assert parse(html).title.strip()
