"""iCalendar feeds, the single-meeting download, the calendar links and the JSON-LD of a
meeting: what a calendar program and a search engine get to see."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from konferenzen.models import Meeting
from quartiere.models import Quartier
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    MeetingFactory,
    QuartierFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
FEED = "/stadtteilkonferenzen/kalender.ics"


def berlin(year, month, day, hour=18, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def next_year():
    return timezone.localdate().year + 1


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def event_of(calendar, meeting):
    return events_by_uid(calendar)[f"{meeting.uid}@testserver"]


@pytest.fixture
def meeting():
    venue = VenueFactory(
        name="Gemeindehaus St. Georg",
        street="Kirchplatz 5",
        postcode="45525",
        step_free=True,
        accessible_toilet=False,
        accessibility_note="Eingang über den Hof.",
    )
    conference = ConferenceFactory(
        title="Stadtteilkonferenz Welper",
        slug="welper",
        quartier=QuartierFactory(name="Welper", slug="welper"),
        usual_venue=venue,
    )
    meeting = MeetingFactory(
        conference=conference,
        title="Frühjahrskonferenz",
        slug="fruehjahr",
        starts_at=berlin(next_year(), 3, 9),
        ends_at=berlin(next_year(), 3, 9, 20),
        room="Großer Saal",
    )
    AgendaItemFactory(meeting=meeting, position=1, title="Begrüßung")
    AgendaItemFactory(meeting=meeting, position=2, title="Spielplatz an der Ruhr")
    return meeting


# --- the feed as a whole ---------------------------------------------------------------------


def test_feed_is_a_valid_calendar_with_name_and_time_zone(client, meeting):
    calendar = fetch(client, FEED)

    assert calendar["VERSION"] == "2.0"
    assert "Stadtteilkonferenzen" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Stadtteilkonferenzen Hattingen"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Berlin"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    # Every TZID the events use is defined in the file itself.
    assert calendar.get_missing_tzids() == set()
    assert len(calendar.walk("VEVENT")) == 1


def test_empty_feed_is_still_a_valid_calendar(client):
    calendar = fetch(client, FEED)

    assert calendar.walk("VEVENT") == []
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_event_carries_everything_a_calendar_shows(client, meeting):
    event = event_of(fetch(client, FEED), meeting)
    page = "https://testserver/stadtteilkonferenzen/welper/fruehjahr/"

    assert str(event["SUMMARY"]) == "Stadtteilkonferenz Welper: Frühjahrskonferenz"
    assert str(event["LOCATION"]) == (
        "Gemeindehaus St. Georg, Großer Saal, Kirchplatz 5, 45525 Hattingen"
    )
    description = str(event["DESCRIPTION"])
    assert "1. Begrüßung\n2. Spielplatz an der Ruhr" in description
    assert "Stufenloser Zugang" in description
    assert "Eingang über den Hof." in description
    assert "Einfach vorbeikommen" in description
    assert page in description
    assert str(event["URL"]) == page
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["DTSTAMP"].dt == meeting.updated_at.replace(microsecond=0)
    assert event["LAST-MODIFIED"].dt == meeting.updated_at.replace(microsecond=0)


def test_times_are_berlin_wall_clock_in_winter_and_summer(client, meeting):
    winter = MeetingFactory(
        conference=meeting.conference, slug="winter", starts_at=berlin(next_year(), 1, 12)
    )
    summer = MeetingFactory(
        conference=meeting.conference, slug="sommer", starts_at=berlin(next_year(), 7, 13)
    )
    response = client.get(FEED)
    calendar = Calendar.from_ical(response.content)
    text = response.content.decode()

    year = next_year()
    assert f"DTSTART;TZID=Europe/Berlin:{year}0112T180000" in text
    assert f"DTSTART;TZID=Europe/Berlin:{year}0713T180000" in text
    winter_start = event_of(calendar, winter).start
    summer_start = event_of(calendar, summer).start
    assert (winter_start.hour, winter_start.utcoffset()) == (18, timedelta(hours=1))
    assert (summer_start.hour, summer_start.utcoffset()) == (18, timedelta(hours=2))
    # The same instants in UTC: 17:00 in winter, 16:00 in summer.
    assert winter_start == datetime(year, 1, 12, 17, tzinfo=ZoneInfo("UTC"))
    assert summer_start == datetime(year, 7, 13, 16, tzinfo=ZoneInfo("UTC"))
    assert event_of(calendar, winter).end.hour == 20


def test_meeting_without_end_lasts_two_hours_in_the_calendar(client, meeting):
    open_end = MeetingFactory(
        conference=meeting.conference,
        slug="offen",
        starts_at=berlin(next_year(), 5, 4, 19),
        ends_at=None,
    )
    event = event_of(fetch(client, FEED), open_end)

    assert event.end - event.start == timedelta(hours=2)


def test_moved_meeting_keeps_its_uid_and_gets_a_higher_sequence(client, meeting):
    before = event_of(fetch(client, FEED), meeting)

    moved = Meeting.objects.get(pk=meeting.pk)
    moved.starts_at = berlin(next_year(), 3, 16, 19)
    moved.ends_at = berlin(next_year(), 3, 16, 21)
    moved.save()
    after = event_of(fetch(client, FEED), meeting)

    assert after["UID"] == before["UID"] == f"{meeting.uid}@testserver"
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.start == berlin(next_year(), 3, 16, 19)


def test_cancelled_meeting_stays_in_the_feed_as_cancelled(client, meeting):
    cancelled = Meeting.objects.get(pk=meeting.pk)
    cancelled.status = Meeting.Status.CANCELLED
    cancelled.save()

    event = event_of(fetch(client, FEED), meeting)

    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]).startswith("Abgesagt: ")
    assert "abgesagt" in str(event["DESCRIPTION"])


def test_held_meeting_is_confirmed(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)

    assert str(event_of(fetch(client, FEED), meeting)["STATUS"]) == "CONFIRMED"


def test_registration_meeting_asks_people_to_register(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(registration_enabled=True)

    description = str(event_of(fetch(client, FEED), meeting)["DESCRIPTION"])

    assert "Bitte melden Sie sich" in description
    assert "Einfach vorbeikommen" not in description


def test_feed_reaches_one_year_back(client, meeting):
    now = timezone.now()
    recent = MeetingFactory(slug="neulich", starts_at=now - timedelta(days=300), ends_at=None)
    old = MeetingFactory(slug="lange-her", starts_at=now - timedelta(days=400), ends_at=None)

    uids = events_by_uid(fetch(client, FEED))

    assert f"{recent.uid}@testserver" in uids
    assert f"{meeting.uid}@testserver" in uids
    assert f"{old.uid}@testserver" not in uids


def test_events_are_in_date_order(client, meeting):
    earlier = MeetingFactory(slug="frueher", starts_at=berlin(next_year(), 2, 1))
    later = MeetingFactory(slug="spaeter", starts_at=berlin(next_year(), 6, 1))

    uids = [str(e["UID"]) for e in fetch(client, FEED).walk("VEVENT")]

    assert uids == [f"{m.uid}@testserver" for m in (earlier, meeting, later)]


# --- per conference and per Quartier ---------------------------------------------------------


def test_conference_feed_has_only_its_meetings_and_its_name(client, meeting):
    other = MeetingFactory(slug="anderswo")

    calendar = fetch(client, reverse("konferenzen:conference_feed", kwargs={"slug": "welper"}))

    assert str(calendar["X-WR-CALNAME"]) == "Stadtteilkonferenz Welper"
    assert set(events_by_uid(calendar)) == {f"{meeting.uid}@testserver"}
    assert f"{other.uid}@testserver" not in events_by_uid(calendar)


def test_quartier_feed_includes_its_neighbourhoods_but_not_other_districts(client, meeting):
    welper = Quartier.objects.get(slug="welper")
    neighbourhood = QuartierFactory(
        name="Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=welper
    )
    inside = MeetingFactory(conference=ConferenceFactory(quartier=neighbourhood), slug="innen")
    elsewhere = MeetingFactory(conference=ConferenceFactory(), slug="aussen")

    calendar = fetch(client, reverse("konferenzen:quartier_feed", kwargs={"slug": "welper"}))

    assert str(calendar["X-WR-CALNAME"]) == "Stadtteilkonferenzen Welper"
    assert set(events_by_uid(calendar)) == {
        f"{meeting.uid}@testserver",
        f"{inside.uid}@testserver",
    }
    assert f"{elsewhere.uid}@testserver" not in events_by_uid(calendar)


def test_neighbourhood_feed_does_not_include_its_district(client, meeting):
    welper = Quartier.objects.get(slug="welper")
    neighbourhood = QuartierFactory(
        slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=welper
    )
    inside = MeetingFactory(conference=ConferenceFactory(quartier=neighbourhood), slug="innen")

    calendar = fetch(client, reverse("konferenzen:quartier_feed", kwargs={"slug": "rauendahl"}))

    assert set(events_by_uid(calendar)) == {f"{inside.uid}@testserver"}


@pytest.mark.parametrize(
    "url",
    [
        "/stadtteilkonferenzen/gibt-es-nicht/kalender.ics",
        "/stadtteilkonferenzen/quartier/gibt-es-nicht/kalender.ics",
        "/stadtteilkonferenzen/welper/gibt-es-nicht/termin.ics",
        "/stadtteilkonferenzen/gibt-es-nicht/fruehjahr/termin.ics",
    ],
)
def test_unknown_conference_quartier_or_meeting_is_404(client, meeting, url):
    assert client.get(url).status_code == 404


# --- single meeting --------------------------------------------------------------------------


def test_meeting_download_is_an_attachment_with_one_event(client, meeting):
    url = reverse("konferenzen:meeting_ics", kwargs={"conference": "welper", "slug": "fruehjahr"})
    MeetingFactory(conference=meeting.conference, slug="andere")

    response = client.get(url)
    calendar = Calendar.from_ical(response.content)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="stadtteilkonferenz-welper-{next_year()}-03-09.ics"'
    )
    assert list(events_by_uid(calendar)) == [f"{meeting.uid}@testserver"]
    assert calendar.get_missing_tzids() == set()


def test_filename_does_not_repeat_the_word_stadtteilkonferenz(client):
    meeting = MeetingFactory(
        conference=ConferenceFactory(slug="stadtteilkonferenz-blankenstein"),
        slug="herbst",
        starts_at=berlin(next_year(), 10, 6),
    )
    url = reverse(
        "konferenzen:meeting_ics",
        kwargs={"conference": meeting.conference.slug, "slug": "herbst"},
    )

    disposition = client.get(url)["Content-Disposition"]

    assert disposition == (
        f'attachment; filename="stadtteilkonferenz-blankenstein-{next_year()}-10-06.ics"'
    )


def test_meeting_download_works_for_old_meetings_too(client):
    old = MeetingFactory(slug="alt", starts_at=timezone.now() - timedelta(days=800), ends_at=None)
    url = reverse(
        "konferenzen:meeting_ics", kwargs={"conference": old.conference.slug, "slug": "alt"}
    )

    calendar = fetch(client, url)

    assert list(events_by_uid(calendar)) == [f"{old.uid}@testserver"]
    assert calendar.get_missing_tzids() == set()


# --- HTTP behaviour --------------------------------------------------------------------------


def test_feed_may_be_cached_for_15_minutes(client, meeting):
    response = client.get(FEED)

    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"public", "max-age=900"} <= directives


def test_unchanged_feed_answers_304_to_its_etag_and_changes_after_an_edit(client, meeting):
    first = client.get(FEED)
    etag = first["ETag"]

    assert client.get(FEED, HTTP_IF_NONE_MATCH=etag).status_code == 304

    changed = Meeting.objects.get(pk=meeting.pk)
    changed.room = "Kleiner Saal"
    changed.save()
    again = client.get(FEED, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 200
    assert "Kleiner Saal" in str(event_of(Calendar.from_ical(again.content), meeting)["LOCATION"])


def test_feed_refuses_post(client, meeting):
    assert client.post(FEED).status_code == 405


def test_feed_text_is_escaped_not_broken(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(title="Treffen; Ideen, Pläne & mehr")

    event = event_of(fetch(client, FEED), meeting)

    assert str(event["SUMMARY"]) == "Stadtteilkonferenz Welper: Treffen; Ideen, Pläne & mehr"


# --- query budgets ---------------------------------------------------------------------------


@pytest.fixture
def many_meetings():
    welper = QuartierFactory(slug="welper-viele", name="Welper")
    conferences = [ConferenceFactory(quartier=welper) for _ in range(3)]
    year = next_year()
    for number in range(60):
        meeting = MeetingFactory(
            conference=conferences[number % 3],
            slug=f"termin-{number}",
            starts_at=berlin(year, 1 + number % 12, 1 + number % 28),
            venue=VenueFactory() if number % 2 else None,
        )
        for position in range(3):
            AgendaItemFactory(meeting=meeting, position=position)
    return conferences


@pytest.mark.parametrize(
    "url",
    [
        FEED,
        "/stadtteilkonferenzen/quartier/welper-viele/kalender.ics",
        "CONFERENCE",
    ],
)
def test_feeds_need_a_constant_number_of_queries(
    client, many_meetings, django_assert_max_num_queries, url
):
    if url == "CONFERENCE":
        url = reverse("konferenzen:conference_feed", kwargs={"slug": many_meetings[0].slug})
    # The settings or the Quartier or the conference, the meetings, their agendas.
    with django_assert_max_num_queries(3):
        response = client.get(url)

    assert len(Calendar.from_ical(response.content).walk("VEVENT")) >= 20


def test_meeting_download_needs_two_queries(client, meeting, django_assert_max_num_queries):
    url = reverse("konferenzen:meeting_ics", kwargs={"conference": "welper", "slug": "fruehjahr"})

    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


# --- calendar links on the meeting page ------------------------------------------------------


def test_calendar_links_offer_the_download_and_the_subscription(meeting):
    html = render_to_string("konferenzen/includes/meeting_calendar.html", {"meeting": meeting})

    assert 'href="/stadtteilkonferenzen/welper/fruehjahr/termin.ics"' in html
    assert "In meinen Kalender eintragen (.ics)" in html
    assert 'href="webcal://testserver/stadtteilkonferenzen/welper/kalender.ics"' in html
    assert "Alle Termine dieser Stadtteilkonferenz abonnieren" in html
    # The https address to copy, for calendars that do not open webcal links.
    assert "https://testserver/stadtteilkonferenzen/welper/kalender.ics" in html


def test_cancelled_meeting_offers_no_download_but_the_subscription(meeting):
    meeting.status = Meeting.Status.CANCELLED

    html = render_to_string("konferenzen/includes/meeting_calendar.html", {"meeting": meeting})

    assert "termin.ics" not in html
    assert "abonnieren" in html


def test_calendar_links_lead_to_working_calendars(client, meeting):
    html = render_to_string("konferenzen/includes/meeting_calendar.html", {"meeting": meeting})
    download = re.search(r'href="(/[^"]+termin\.ics)"', html).group(1)
    feed = re.search(r"https://testserver(/\S+kalender\.ics)", html).group(1)

    assert fetch(client, download).walk("VEVENT")
    assert fetch(client, feed).walk("VEVENT")


# --- JSON-LD ---------------------------------------------------------------------------------


def jsonld_of(meeting) -> tuple[str, dict]:
    html = render_to_string("konferenzen/includes/meeting_jsonld.html", {"meeting": meeting})
    match = re.fullmatch(
        r'\s*<script type="application/ld\+json">(.*?)</script>\s*', html, flags=re.S
    )
    assert match, html
    return html, json.loads(match.group(1))


def test_jsonld_describes_the_meeting_as_a_schema_org_event(meeting):
    _html, data = jsonld_of(Meeting.objects.get(pk=meeting.pk))
    year = next_year()

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Stadtteilkonferenz Welper: Frühjahrskonferenz"
    assert data["startDate"] == f"{year}-03-09T18:00:00+01:00"
    assert data["endDate"] == f"{year}-03-09T20:00:00+01:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Gemeindehaus St. Georg, Großer Saal",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Kirchplatz 5",
            "postalCode": "45525",
            "addressLocality": "Hattingen",
            "addressCountry": "DE",
        },
    }
    assert data["organizer"] == {"@type": "Organization", "name": "Stadt Hattingen"}
    assert "Begrüßung" in data["description"]
    assert data["url"] == "https://testserver/stadtteilkonferenzen/welper/fruehjahr/"


def test_jsonld_summer_date_has_summer_offset(meeting):
    meeting.starts_at = berlin(next_year(), 7, 13)
    meeting.ends_at = berlin(next_year(), 7, 13, 20)

    _html, data = jsonld_of(meeting)

    assert data["startDate"].endswith("T18:00:00+02:00")


def test_jsonld_of_cancelled_meeting_says_cancelled(meeting):
    meeting.status = Meeting.Status.CANCELLED

    _html, data = jsonld_of(meeting)

    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_jsonld_title_with_script_end_tag_does_not_break_out(meeting):
    meeting.title = '</script><script>alert("x")</script><!--'

    html, data = jsonld_of(meeting)

    # One closing tag only: the block's own. The title arrives intact inside the JSON.
    assert html.lower().count("</script") == 1
    assert "<script>" not in html
    assert "<!--" not in html
    assert data["name"] == 'Stadtteilkonferenz Welper: </script><script>alert("x")</script><!--'


def test_jsonld_without_venue_names_the_place_still(meeting):
    meeting.venue = None
    meeting.room = ""

    _html, data = jsonld_of(meeting)

    assert data["location"] == {"@type": "Place", "name": "Welper"}
