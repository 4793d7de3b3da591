"""A dated opportunity as a calendar event: /mitmachen/<slug>/termin.ics and the page's link."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from quartiere.models import Opportunity
from tests.factories import OpportunityFactory
from tests.html import find_all

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
ICS = "/mitmachen/ufer-aufraeumen/termin.ics"
PAGE = "https://testserver/mitmachen/ufer-aufraeumen/"


def berlin(month, day, hour, minute=0):
    return datetime(timezone.localdate().year + 1, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def dated():
    return OpportunityFactory(
        title="Ufer aufräumen; Müll sammeln",
        slug="ufer-aufraeumen",
        description="Wir sammeln Müll am **Ruhrufer**.",
        commitment=Opportunity.Commitment.ONCE,
        starts_at=berlin(7, 13, 10),
        ends_at=berlin(7, 13, 14),
        place="Treffpunkt Ruhrbrücke, Welper",
    )


def fetch(client, url=ICS):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def the_event(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def reloaded(opportunity):
    return Opportunity.objects.get(pk=opportunity.pk)


# --- the file -------------------------------------------------------------------------------


def test_download_is_one_event_with_the_opportunitys_data(client, dated):
    response = client.get(ICS)
    calendar = Calendar.from_ical(response.content)
    event = the_event(calendar)

    assert response["Content-Disposition"] == (
        f'attachment; filename="ufer-aufraeumen-{dated.starts_at:%Y}-07-13.ics"'
    )
    assert str(event["UID"]) == f"{dated.uid}@testserver"
    assert str(event["SUMMARY"]) == "Ufer aufräumen; Müll sammeln"
    assert str(event["LOCATION"]) == "Treffpunkt Ruhrbrücke, Welper"
    assert str(event["URL"]) == PAGE
    description = str(event["DESCRIPTION"])
    assert "Wir sammeln Müll am **Ruhrufer**." in description and PAGE in description
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    # Imported into the user's own calendar, not opened as a calendar of its own.
    assert "X-WR-CALNAME" not in calendar and "METHOD" not in calendar


@pytest.mark.parametrize(
    ("start", "offset"),
    [(berlin(1, 15, 18, 30), timedelta(hours=1)), (berlin(7, 13, 10), timedelta(hours=2))],
)
def test_times_are_berlin_wall_clock_with_the_time_zone_in_the_file(client, dated, start, offset):
    Opportunity.objects.filter(pk=dated.pk).update(starts_at=start, ends_at=None)

    calendar = fetch(client)
    event = the_event(calendar)

    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt == start
    assert event["DTSTART"].dt.utcoffset() == offset
    assert (event["DTSTART"].dt.hour, event["DTSTART"].dt.minute) == (start.hour, start.minute)
    # Without an end, two hours.
    assert event["DTEND"].dt == start + timedelta(hours=2)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()


def test_uid_stays_and_sequence_rises_when_the_date_moves(client, dated):
    before = the_event(fetch(client))

    moved = reloaded(dated)
    moved.starts_at = berlin(7, 20, 10)
    moved.ends_at = berlin(7, 20, 14)
    moved.save()
    after = the_event(fetch(client))

    assert str(after["UID"]) == str(before["UID"]) == f"{dated.uid}@testserver"
    assert after["SEQUENCE"] == 1 > before["SEQUENCE"]
    assert after["DTSTART"].dt == berlin(7, 20, 10)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("place", "Gemeindehaus Welper"),
        ("title", "Ruhrufer aufräumen"),
        ("ends_at", berlin(7, 13, 16)),
        ("is_open", False),
    ],
)
def test_place_title_end_or_closing_raise_the_sequence(dated, field, value):
    opportunity = reloaded(dated)
    setattr(opportunity, field, value)
    opportunity.save()

    assert reloaded(dated).sequence == 1


def test_other_changes_keep_the_sequence(dated):
    opportunity = reloaded(dated)
    opportunity.description = "Neuer Text."
    opportunity.places = 12
    opportunity.save()
    opportunity.save()

    assert reloaded(dated).sequence == 0


def test_sequence_is_saved_with_update_fields_too(dated):
    opportunity = reloaded(dated)
    opportunity.place = "Gemeindehaus Welper"
    opportunity.save(update_fields=["place"])

    assert reloaded(dated).sequence == 1


def test_closed_opportunity_says_so_but_stays_confirmed(client, dated):
    # Opportunities have no cancelled state: closing the sign-up is no cancellation.
    Opportunity.objects.filter(pk=dated.pk).update(is_open=False)

    event = the_event(fetch(client))

    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Für dieses Angebot ist keine Anmeldung mehr möglich." in str(event["DESCRIPTION"])


def test_every_opportunity_has_its_own_uid(dated):
    other = OpportunityFactory(commitment=Opportunity.Commitment.ONCE, starts_at=berlin(8, 1, 9))

    assert other.uid and other.uid != dated.uid


@pytest.mark.parametrize(
    "kind",
    ["flexible", "regular_with_first_date", "unpublished", "unknown"],
)
def test_no_calendar_without_a_one_off_date_or_for_hidden_ones(client, dated, kind):
    if kind == "flexible":
        Opportunity.objects.filter(pk=dated.pk).update(
            commitment=Opportunity.Commitment.FLEXIBLE, starts_at=None, ends_at=None
        )
    elif kind == "regular_with_first_date":
        Opportunity.objects.filter(pk=dated.pk).update(commitment=Opportunity.Commitment.REGULAR)
    elif kind == "unpublished":
        Opportunity.objects.filter(pk=dated.pk).update(is_published=False)
    url = "/mitmachen/gibt-es-nicht/termin.ics" if kind == "unknown" else ICS

    assert client.get(url).status_code == 404


def test_unchanged_download_is_the_same_file_and_answers_304_to_its_etag(client, dated):
    first = client.get(ICS)

    assert client.get(ICS).content == first.content
    assert client.get(ICS, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_download_refuses_post(client, dated):
    assert client.post(ICS).status_code == 405


def test_route_name(dated):
    assert reverse("quartiere:opportunity_ics", kwargs={"slug": dated.slug}) == ICS
    assert dated.get_calendar_url() == ICS


def test_download_needs_one_query(client, dated, django_assert_num_queries):
    # The opportunity (with the check that its project is published).
    with django_assert_num_queries(1):
        assert client.get(ICS).status_code == 200


# --- the link on the page -------------------------------------------------------------------


def page(client, opportunity) -> str:
    return client.get(opportunity.get_absolute_url()).content.decode()


def calendar_links(html) -> list[str]:
    return [a["href"] for a in find_all(html, "a") if a.get("href", "").endswith("termin.ics")]


def test_page_of_a_dated_opportunity_links_its_calendar_file(client, dated):
    html = page(client, dated)

    assert calendar_links(html) == [ICS]
    assert "In meinen Kalender eintragen (.ics)" in html
    assert client.get(ICS).status_code == 200


def test_page_without_date_or_after_the_date_has_no_calendar_link(client, dated):
    undated = OpportunityFactory()
    Opportunity.objects.filter(pk=dated.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=None
    )

    assert calendar_links(page(client, undated)) == []
    assert calendar_links(page(client, dated)) == []
