"""The printable notice (Aushang) and the staff-only attendance list (Anwesenheitsliste)."""

import re
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import segno
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions.capacity import SignupStatus
from konferenzen.models import Meeting, Registration
from quartiere.models import QuartierAssignment
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    MeetingFactory,
    QuartierFactory,
    VenueFactory,
    login_staff,
)
from tests.html import assert_headings_in_order, find_all, parse

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
PAGE_URL = "https://testserver/stadtteilkonferenzen/welper/fruehjahr/"
NOTICE = "/stadtteilkonferenzen/welper/fruehjahr/aushang/"
ATTENDANCE = "/stadtteilkonferenzen/welper/fruehjahr/anwesenheitsliste/"


def text_of(html: str) -> str:
    """The visible text with tags removed and white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def meeting():
    year = timezone.localdate().year + 1
    venue = VenueFactory(
        name="Gemeindehaus St. Georg",
        street="Kirchplatz 5",
        postcode="45525",
        step_free=True,
        accessible_toilet=False,
        induction_loop=True,
        accessibility_note="Eingang über den Hof.",
    )
    conference = ConferenceFactory(
        title="Stadtteilkonferenz Welper",
        slug="welper",
        quartier=QuartierFactory(name="Welper", slug="welper"),
        usual_venue=venue,
        contact_name="Petra Quartiersbüro",
        contact_email="welper@hattingen.example",
        contact_phone="02324 204-0",
    )
    meeting = MeetingFactory(
        conference=conference,
        title="Frühjahrskonferenz",
        slug="fruehjahr",
        # 2 March of next year; the weekday is checked against Python's own calendar below.
        starts_at=datetime(year, 3, 2, 18, tzinfo=BERLIN),
        ends_at=datetime(year, 3, 2, 20, 30, tzinfo=BERLIN),
        room="Großer Saal",
        childcare=True,
    )
    AgendaItemFactory(meeting=meeting, position=1, title="Begrüßung")
    AgendaItemFactory(meeting=meeting, position=2, title="Spielplatz an der Ruhr")
    return meeting


GERMAN_WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


# --- notice ----------------------------------------------------------------------------------


def test_notice_is_public_and_says_what_where_and_when_in_german(client, meeting):
    response = client.get(NOTICE)
    html = response.content.decode()
    text = text_of(html)
    start = meeting.starts_at.astimezone(BERLIN)
    weekday = GERMAN_WEEKDAYS[start.weekday()]

    assert response.status_code == 200
    assert parse(html).h1_texts == ["Stadtteilkonferenz Welper"]
    assert_headings_in_order(html)
    assert "Herzliche Einladung zur" in text
    assert "Frühjahrskonferenz" in text
    assert f"{weekday}, 2. März {start.year}, 18:00 bis 20:30 Uhr" in text
    assert "Gemeindehaus St. Georg, Großer Saal" in text
    assert "Kirchplatz 5, 45525 Hattingen" in text
    assert "Stufenloser Zugang" in text
    assert "Kinderbetreuung" in text
    assert "Eingang über den Hof." in text
    assert "Tagesordnung" in text
    assert re.search(r"<li>Begrüßung</li>\s*<li>Spielplatz an der Ruhr</li>", html)
    assert "Einfach vorbeikommen!" in text
    assert "Petra Quartiersbüro" in text
    assert "02324 204-0" in text
    assert "welper@hattingen.example" in text
    assert "Strg+P" in text


def test_notice_page_has_title_language_and_skip_link(client, meeting):
    html = client.get(NOTICE).content.decode()
    page = parse(html)

    assert '<html lang="de">' in html
    assert page.title.startswith("Aushang: Frühjahrskonferenz – Stadtteilkonferenz Welper")
    assert find_all(html, "a", href="#inhalt", **{"class": "skip-link"})
    assert find_all(html, "main", id="inhalt")


def test_notice_qr_code_encodes_the_absolute_meeting_address(client, meeting):
    html = client.get(NOTICE).content.decode()
    svgs = find_all(html, "svg", role="img")
    qr = next(svg for svg in svgs if "site-qr__code" in svg.get("class", ""))
    drawn = re.search(r'<svg role="img"[^>]*class="site-qr__code".*?</svg>', html, re.S).group(0)
    expected_path = re.search(
        r'stroke="#000" d="([^"]+)"', segno.make_qr(PAGE_URL, error="m").svg_inline()
    ).group(1)

    # A text alternative for screen readers, and the address printed as text for everyone.
    assert PAGE_URL in qr["aria-label"]
    assert f"<title>QR-Code mit der Adresse {PAGE_URL}</title>" in drawn
    assert f'<span class="site-qr__url">{PAGE_URL}</span>' in html
    # The modules drawn are those of a QR code of exactly this address.
    assert f'd="{expected_path}"' in drawn


def test_notice_keeps_to_the_content_security_policy(client, meeting):
    html = client.get(NOTICE).content.decode()

    assert " style=" not in html
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attrs for attrs in scripts), scripts
    assert find_all(html, "link", rel="stylesheet", href="/static/css/notice.css")


def test_notice_stylesheet_sets_up_a4_and_hides_the_site_around_the_sheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "notice.css").read_text()
    print_block = css[css.index("@media print") :]

    assert re.search(r"@page\s*{\s*size:\s*A4 portrait", css)
    for selector in (".site-header", ".site-footer", ".site-breadcrumbs", ".site-print-hint"):
        assert selector in print_block


def test_notice_with_registration_asks_people_to_register(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(registration_enabled=True, places=30)

    text = text_of(client.get(NOTICE).content.decode())

    assert "Anmeldung: Bitte melden Sie sich vorher an" in text
    assert "Anzahl der Plätze: 30." in text
    assert "Einfach vorbeikommen" not in text


def test_cancelled_notice_says_so_and_invites_nobody(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)

    text = text_of(client.get(NOTICE).content.decode())

    assert "Abgesagt: Dieser Termin fällt aus." in text
    assert "Einfach vorbeikommen" not in text


def test_notice_without_agenda_or_end_says_what_follows(client):
    starts_at = datetime(timezone.localdate().year + 1, 7, 6, 19, tzinfo=BERLIN)
    meeting = MeetingFactory(slug="sommer", starts_at=starts_at, ends_at=None)
    url = reverse(
        "konferenzen:meeting_notice",
        kwargs={"conference": meeting.conference.slug, "slug": "sommer"},
    )

    text = text_of(client.get(url).content.decode())

    assert f"6. Juli {starts_at.year}, ab 19:00 Uhr" in text
    assert "Die Tagesordnung folgt auf der Website." in text


def test_notice_falls_back_to_the_portal_contact(client):
    SiteSettings.objects.create(contact_name="Team Engagierte Stadt", contact_phone="02324 2040")
    conference = ConferenceFactory(
        quartier=QuartierFactory(), contact_name="", contact_email="", contact_phone=""
    )
    MeetingFactory(conference=conference, slug="termin")
    url = reverse(
        "konferenzen:meeting_notice", kwargs={"conference": conference.slug, "slug": "termin"}
    )

    text = text_of(client.get(url).content.decode())

    assert "Team Engagierte Stadt" in text
    assert "02324 2040" in text


def test_unknown_meeting_has_no_notice(client, meeting):
    assert client.get("/stadtteilkonferenzen/welper/gibt-es-nicht/aushang/").status_code == 404


def test_notice_query_budget_with_a_long_agenda(client, meeting, django_assert_max_num_queries):
    for position in range(3, 60):
        AgendaItemFactory(meeting=meeting, position=position)

    # Site settings, the meeting with conference, Quartier and venue, its agenda.
    with django_assert_max_num_queries(3):
        response = client.get(NOTICE)

    assert response.content.decode().count("<li>Tagesordnungspunkt") == 57


# --- attendance list -------------------------------------------------------------------------


def register(meeting, name, status, **extra):
    return Registration.objects.create(
        meeting=meeting,
        name=name,
        email=f"{uuid.uuid4().hex[:8]}@example.org",
        phone="0171 1234567",
        status=status,
        token_hash=uuid.uuid4().hex,
        confirmed_at=timezone.now() if status != SignupStatus.UNCONFIRMED else None,
        **extra,
    )


@pytest.fixture
def registrations(meeting):
    return {
        "confirmed": [
            register(meeting, "Zora Zimmermann", SignupStatus.CONFIRMED),
            register(meeting, "anna Albers", SignupStatus.CONFIRMED),
        ],
        "waiting": [register(meeting, "Willi Warteschlange", SignupStatus.WAITING)],
        "cancelled": register(meeting, "Clara Abgesagt", SignupStatus.CANCELLED),
        "unconfirmed": register(meeting, "Udo Unbestätigt", SignupStatus.UNCONFIRMED),
    }


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("redaktion", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_registration"))
    QuartierAssignment.objects.create(user=user)  # responsible for the whole town
    login_staff(client, user)
    return client


def test_anonymous_visitor_is_sent_to_the_login_and_sees_no_names(client, registrations):
    response = client.get(ATTENDANCE)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "Zimmermann" not in response.content.decode()


def test_logged_in_non_staff_user_sees_no_names(client, registrations):
    client.force_login(User.objects.create_user("buerger", password="x"))  # not staff

    response = client.get(ATTENDANCE)

    assert response.status_code in (302, 403)
    assert "Zimmermann" not in response.content.decode()


def test_staff_without_permission_for_registrations_is_refused(client, registrations):
    login_staff(client, User.objects.create_user("technik", password="x", is_staff=True))

    response = client.get(ATTENDANCE)

    assert response.status_code == 403
    assert "Zimmermann" not in response.content.decode()


def test_staff_sees_confirmed_names_then_the_waiting_list(staff_client, registrations):
    response = staff_client.get(ATTENDANCE)
    html = response.content.decode()
    text = text_of(html)

    assert response.status_code == 200
    assert parse(html).h1_texts == ["Anwesenheitsliste"]
    assert_headings_in_order(html)
    confirmed_part, waiting_part = html.split('id="waiting-heading"')
    # Confirmed ones by name (regardless of case), then the waiting list.
    assert confirmed_part.index("anna Albers") < confirmed_part.index("Zora Zimmermann")
    assert "Willi Warteschlange" in waiting_part
    assert "Willi Warteschlange" not in confirmed_part
    assert "Unterschrift" in text
    assert "Ohne Anmeldung gekommen" in text
    assert "Stadtteilkonferenz Welper" in text


def test_attendance_list_leaves_out_cancelled_and_unconfirmed_people(staff_client, registrations):
    html = staff_client.get(ATTENDANCE).content.decode()

    assert "Clara Abgesagt" not in html
    assert "Udo Unbestätigt" not in html


def test_attendance_list_prints_names_only(staff_client, registrations):
    html = staff_client.get(ATTENDANCE).content.decode()

    assert "@example.org" not in html
    assert "0171" not in html


def test_attendance_list_is_neither_stored_nor_indexed(staff_client, registrations):
    response = staff_client.get(ATTENDANCE)

    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert find_all(response.content.decode(), "meta", name="robots")


def test_attendance_list_of_unknown_meeting_is_404(staff_client, meeting):
    url = "/stadtteilkonferenzen/welper/gibt-es-nicht/anwesenheitsliste/"

    assert staff_client.get(url).status_code == 404


def test_attendance_list_without_registrations_still_has_rows_to_sign(staff_client, meeting):
    html = staff_client.get(ATTENDANCE).content.decode()

    assert "Bisher hat sich niemand angemeldet." in text_of(html)
    assert html.count('class="kern-table__row site-attendance__blank"') == 10


def test_attendance_list_query_budget_with_many_registrations(
    staff_client, meeting, django_assert_max_num_queries
):
    for number in range(120):
        status = SignupStatus.CONFIRMED if number < 100 else SignupStatus.WAITING
        register(meeting, f"Person {number:03d}", status)

    # Session, user, the user's and the groups' permissions, the user's Quartier assignments,
    # site settings, the meeting, the registrations; the device that passed the second factor;
    # the row of the access log that records who opened the list (ids only).
    with django_assert_max_num_queries(10):
        response = staff_client.get(ATTENDANCE)

    html = response.content.decode()
    assert html.count("Person 0") == 100
    assert html.count("Person 1") == 20
