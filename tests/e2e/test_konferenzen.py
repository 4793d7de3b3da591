"""The district conferences in Chromium: find, read, register, wish, print.

The "Must show" line of the conference issue: a citizen finds the next conference in
Blankenstein, reads the agenda, registers, confirms; the wish form works; axe finds nothing on
every page, including the print views.

The live server runs in this process (another thread), so the `settings` fixture reaches it and
`django.core.mail.outbox` (locmem backend) holds the mails it sends. Fields, buttons and links
are found by their German label or role, the way a screen reader user finds them; what the
pages should show comes from the demo rows in the database, not from copied numbers.
"""

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from engagierte_stadt.submissions.capacity import SignupStatus
from konferenzen.models import ConferenceWish, Meeting, Registration
from quartiere.models import Quartier, QuartierAssignment
from tests.e2e.a11y import assert_accessible, assert_page_basics
from tests.e2e.staff import log_in_with_code

MIN_FILL_SECONDS = 1
TOKEN = r"[\w-]+"

CONFERENCE_SLUG = "blankenstein"
CONFERENCE_TITLE = "Stadtteilkonferenz Blankenstein"
DISTRICT = "Blankenstein"
# A Stadtteil without a conference in the demo, where people have wished for one already.
WISH_SLUG, WISH_DISTRICT = "niederwenigern", "Niederwenigern"
CANCELLED_CONFERENCE = "hattingen-mitte"

PERSON = {"name": "Erika Mustermann", "email": "erika.mustermann@example.org"}
WISHER = {"name": "Jonas Niederwenigern", "email": "jonas.wunsch@example.org"}

LABEL = {
    "name": "Ihr Name",
    "email": "Ihre E-Mail-Adresse",
    "would_help": "Ich würde bei der Organisation helfen",
}
NAV_LINK = "Stadtteilkonferenzen"
COVERAGE_TABLE = "Stadtteile und ihre Stadtteilkonferenzen"
# Consent by sending: the buttons say it, the statement above them says what is stored.
REGISTER = "Einverstanden – anmelden"
SEND_WISH = "Einverstanden – Wunsch senden"
CONSENT = re.compile(r"^Mit dem Absenden stimmen Sie zu")
ERROR_SUMMARY = "Es gibt ein Problem"
ERROR_NAME = "Bitte geben Sie Ihren Namen an."
ERROR_EMAIL = "Bitte geben Sie Ihre E-Mail-Adresse an."
CHECK_MAIL = "Fast geschafft: Bitte sehen Sie in Ihre E-Mails"
HAS_PLACE = "Sie haben einen Platz"
WISH_COUNTS = "Ihr Wunsch zählt"
STAFF_USER, STAFF_PASSWORD = "quartiersbuero", "Konferenz-2026!x"


@pytest.fixture
def fast_form(settings):
    """The minimum fill time down to one second (the live server thread reads the same
    settings object), so the test waits one second instead of three."""
    settings.SIGNUP_MIN_FILL_SECONDS = MIN_FILL_SECONDS
    return MIN_FILL_SECONDS


@pytest.fixture
def next_meeting(demo_site) -> Meeting:
    """Blankenstein's next meeting in the demo: registration with places, six agenda items."""
    meeting = (
        Meeting.objects.upcoming()
        .filter(conference__slug=CONFERENCE_SLUG)
        .select_related("conference", "venue")
        .order_by("starts_at", "pk")
        .first()
    )
    assert meeting is not None, "the demo should have an upcoming meeting in Blankenstein"
    assert meeting.registration_enabled and meeting.places, "… with registration and places"
    return meeting


# --- helpers ---------------------------------------------------------------------------------


def check_page(page: Page, context: str) -> None:
    assert_page_basics(page)
    assert_accessible(page, context)


def german_date(value, fmt: str = "j. F Y") -> str:
    with translation.override("de"):
        return date_format(timezone.localtime(value), fmt)


def wait_out_fill_time(page: Page, shown_at: float) -> None:
    """A person needs a moment to fill in a form; the portal rejects faster posts."""
    remaining = MIN_FILL_SECONDS + 0.3 - (time.monotonic() - shown_at)
    if remaining > 0:
        page.wait_for_timeout(remaining * 1000)


def wait_for_mail(page: Page, address: str, subject: str):
    """The newest mail to `address` whose subject starts with `subject` (sent by the live
    server in this process before its response; the short poll is only a safety margin)."""

    def matching():
        return [m for m in mail.outbox if address in m.to and m.subject.startswith(subject)]

    waited = 0
    while not matching() and waited < 3000:
        page.wait_for_timeout(50)
        waited += 50
    found = matching()
    assert found, (
        f"no mail {subject!r} to {address}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    )
    return found[-1]


def html_body(message) -> str:
    return next(content for content, kind in message.alternatives if kind == "text/html")


def confirm_link_in(message, base_url: str, prefix: str) -> str:
    """The confirmation link under `prefix` in the text part; the HTML part carries it too."""
    pattern = re.compile(rf"{re.escape(base_url)}{prefix}{TOKEN}/bestaetigen/")
    found = pattern.search(message.body)
    assert found, f"no confirmation link in the mail {message.subject!r}:\n{message.body}"
    assert found.group(0) in html_body(message), f"the HTML part lacks {found.group(0)}"
    return found.group(0)


def assert_error_state(page: Page, fields: dict[str, str]) -> None:
    """The error summary has the focus and links each field (by its label) with its message;
    the fields are marked invalid."""
    summary = page.get_by_role("alert").filter(has_text=ERROR_SUMMARY)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(len(fields))
    for label, message in fields.items():
        expect(summary.get_by_role("link", name=label)).to_contain_text(message)
        expect(page.get_by_label(label)).to_have_attribute("aria-invalid", "true")


# --- 1. find the next conference in Blankenstein, read the agenda, register, confirm ---------


def test_citizen_finds_blankenstein_reads_agenda_registers_and_confirms(
    page: Page, demo_site, next_meeting, fast_form
):
    meeting = next_meeting
    agenda = list(meeting.agenda_items.order_by("position", "pk").values_list("title", flat=True))
    assert len(agenda) == 6, agenda
    taken = Registration.objects.filter(meeting=meeting, status=SignupStatus.CONFIRMED).count()
    registrations_before = Registration.objects.count()
    day = german_date(meeting.starts_at)

    # --- from the home page through the main navigation to the overview ---
    page.goto(demo_site + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name=NAV_LINK, exact=True
    ).click()
    expect(page).to_have_url(demo_site + "/stadtteilkonferenzen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stadtteilkonferenzen")
    check_page(page, "Übersicht Stadtteilkonferenzen")

    # The coverage table: Blankenstein has its conference and the next date.
    coverage = page.get_by_role("table", name=COVERAGE_TABLE)
    row = coverage.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=DISTRICT, exact=True)
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"Nächster Termin: {german_date(meeting.starts_at, 'l, j. F Y')}")
    row.get_by_role("link", name=CONFERENCE_TITLE, exact=True).click()

    # --- the conference page, its next dates ---
    expect(page).to_have_url(demo_site + meeting.conference.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(CONFERENCE_TITLE)
    check_page(page, "Konferenzseite Blankenstein")
    next_dates = page.get_by_role("region", name="Die nächsten Termine")
    next_dates.get_by_role("link", name=day, exact=True).click()

    # --- the meeting page: the agenda in order ---
    expect(page).to_have_url(demo_site + meeting.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{CONFERENCE_TITLE}: {day}")
    when_where = page.get_by_role("region", name="Wann und wo")
    expect(when_where).to_contain_text(german_date(meeting.starts_at, "l, j. F Y"))
    expect(when_where).to_contain_text(meeting.venue.name)
    agenda_region = page.get_by_role("region", name="Tagesordnung")
    expect(agenda_region.get_by_role("heading", level=2)).to_have_text("Tagesordnung")
    expect(agenda_region.get_by_role("listitem").get_by_role("heading", level=3)).to_have_text(
        agenda
    )
    registration = page.locator("section#anmelden")
    free = meeting.places - taken
    expect(registration).to_contain_text(f"{free} von {meeting.places} Plätzen frei.")
    shown_at = time.monotonic()
    check_page(page, "Termin mit Tagesordnung und Anmeldeformular")

    # --- the empty form: errors, focus on the summary, axe in the error state ---
    form = registration.locator("form")
    wait_out_fill_time(page, shown_at)  # otherwise the post counts as a bot's
    form.get_by_role("button", name=REGISTER, exact=True).click()
    expect(page).to_have_url(re.compile(r"/anmelden/#anmelden$"))
    expect(page).to_have_title(re.compile(rf"^Fehler: {re.escape(day)} – {CONFERENCE_TITLE} – "))
    assert_error_state(
        page,
        {
            LABEL["name"]: ERROR_NAME,
            LABEL["email"]: ERROR_EMAIL,
        },
    )
    expect(
        page.locator("section#anmelden form").get_by_role("button", name=REGISTER, exact=True)
    ).to_have_accessible_description(CONSENT)
    assert Registration.objects.count() == registrations_before and not mail.outbox
    assert_accessible(page, "Anmeldeformular mit Fehlern (leer abgeschickt)")
    assert_page_basics(page)

    # --- filled in and sent: "please check your mail" ---
    shown_at = time.monotonic()
    form = page.locator("section#anmelden form")
    form.get_by_label(LABEL["name"]).fill(PERSON["name"])
    form.get_by_label(LABEL["email"]).fill(PERSON["email"])
    wait_out_fill_time(page, shown_at)
    form.get_by_role("button", name=REGISTER, exact=True).click()
    expect(page).to_have_url(
        re.compile(rf"^{re.escape(demo_site + meeting.get_absolute_url())}anmelden/danke/")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihre Anmeldung")
    expect(page.get_by_role("status")).to_contain_text(CHECK_MAIL)
    expect(page.get_by_role("status")).to_contain_text(f"{CONFERENCE_TITLE}: {day}")
    check_page(page, "Bitte E-Mails ansehen (Anmeldung)")
    stored = Registration.objects.get(email=PERSON["email"])
    assert (stored.meeting_id, stored.name, stored.status) == (
        meeting.pk,
        PERSON["name"],
        SignupStatus.UNCONFIRMED,
    )

    # --- the mail names date and venue and brings the link; GET shows a button ---
    request = wait_for_mail(
        page, PERSON["email"], f"Bitte bestätigen Sie Ihre Anmeldung: {CONFERENCE_TITLE}: {day}"
    )
    assert f"Hallo {PERSON['name']}," in request.body
    assert f"{german_date(meeting.starts_at, 'l, j. F Y, H:i')} Uhr" in request.body, request.body
    assert meeting.place in request.body and meeting.venue.name in request.body, request.body
    assert demo_site + meeting.get_absolute_url() in request.body
    page.goto(confirm_link_in(request, demo_site, "/stadtteilkonferenzen/anmeldung/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bestätigen Sie Ihre Anmeldung")
    expect(page.get_by_role("main")).to_contain_text(f"Angemeldet als: {PERSON['name']}")
    check_page(page, "Anmeldung bestätigen")
    stored.refresh_from_db()
    assert stored.status == SignupStatus.UNCONFIRMED, "opening the link alone must not confirm"

    # --- confirmed: a place is held ---
    page.get_by_role("button", name="Anmeldung bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HAS_PLACE)
    expect(page.get_by_role("status")).to_contain_text(HAS_PLACE)
    expect(page.get_by_role("status")).to_contain_text(
        f"Ihre Anmeldung für „{CONFERENCE_TITLE}: {day}“ ist bestätigt"
    )
    check_page(page, "Anmeldung bestätigt: Platz")
    stored.refresh_from_db()
    assert stored.status == SignupStatus.CONFIRMED and stored.confirmed_at is not None
    wait_for_mail(page, PERSON["email"], f"Sie haben einen Platz: {CONFERENCE_TITLE}")

    # The meeting page now counts one free place less.
    page.goto(demo_site + meeting.get_absolute_url())
    expect(page.locator("section#anmelden")).to_contain_text(
        f"{free - 1} von {meeting.places} Plätzen frei."
    )


# --- 2. wish for a conference where there is none --------------------------------------------


def confirmed_wishes(quartier) -> int:
    return (
        ConferenceWish.objects.confirmed()
        .filter(Q(quartier=quartier) | Q(quartier__parent=quartier))
        .count()
    )


def test_citizen_wishes_for_a_conference_in_niederwenigern_and_confirms(
    page: Page, demo_site, fast_form
):
    quartier = Quartier.objects.get(slug=WISH_SLUG)
    before = confirmed_wishes(quartier)
    assert before > 1, "the demo should have wishes for a conference in Niederwenigern"
    wish_link = f"Ich wünsche mir eine Stadtteilkonferenz in {WISH_DISTRICT}"

    # --- the overview: no conference in Niederwenigern, how many wish for one ---
    page.goto(demo_site + "/stadtteilkonferenzen/")
    row = (
        page.get_by_role("table", name=COVERAGE_TABLE)
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=WISH_DISTRICT, exact=True))
    )
    expect(row).to_contain_text(
        f"Noch keine Stadtteilkonferenz – {before} Menschen wünschen sich eine."
    )
    row.get_by_role("link", name=wish_link, exact=True).click()

    # --- the wish page ---
    expect(page).to_have_url(demo_site + f"/stadtteilkonferenzen/wunsch/{WISH_SLUG}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(wish_link)
    main = page.get_by_role("main")
    expect(main).to_contain_text(
        f"Bisher haben sich {before} Menschen eine Stadtteilkonferenz in {WISH_DISTRICT} gewünscht."
    )
    shown_at = time.monotonic()
    check_page(page, "Wunschformular")

    # --- sent empty: errors, axe in the error state ---
    form = page.locator("section#wunsch form")
    wait_out_fill_time(page, shown_at)
    form.get_by_role("button", name=SEND_WISH).click()
    expect(page).to_have_url(re.compile(rf"/wunsch/{WISH_SLUG}/#wunsch$"))
    expect(page).to_have_title(re.compile(rf"^Fehler: {wish_link} – "))
    assert_error_state(
        page,
        {
            LABEL["name"]: ERROR_NAME,
            LABEL["email"]: ERROR_EMAIL,
        },
    )
    expect(
        page.locator("section#wunsch form").get_by_role("button", name=SEND_WISH)
    ).to_have_accessible_description(CONSENT)
    expect(page.get_by_label(LABEL["would_help"])).not_to_have_attribute("aria-invalid", "true")
    assert not ConferenceWish.objects.filter(email=WISHER["email"]).exists() and not mail.outbox
    assert_accessible(page, "Wunschformular mit Fehlern")
    assert_page_basics(page)

    # --- filled in, "would help" ticked, sent ---
    shown_at = time.monotonic()
    form = page.locator("section#wunsch form")
    form.get_by_label(LABEL["name"]).fill(WISHER["name"])
    form.get_by_label(LABEL["email"]).fill(WISHER["email"])
    form.get_by_label(LABEL["would_help"]).check()
    wait_out_fill_time(page, shown_at)
    form.get_by_role("button", name=SEND_WISH).click()
    expect(page).to_have_url(
        re.compile(rf"^{re.escape(demo_site)}/stadtteilkonferenzen/wunsch/{WISH_SLUG}/danke/")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihren Wunsch")
    expect(page.get_by_role("status")).to_contain_text(CHECK_MAIL)
    expect(page.get_by_role("status")).to_contain_text(f"Stadtteilkonferenz in {WISH_DISTRICT}")
    check_page(page, "Bitte E-Mails ansehen (Wunsch)")
    wish = ConferenceWish.objects.get(email=WISHER["email"])
    assert (wish.quartier_id, wish.would_help, wish.status) == (
        quartier.pk,
        True,
        SignupStatus.UNCONFIRMED,
    )
    assert confirmed_wishes(quartier) == before, "an unconfirmed wish does not count"

    # --- the mail's link: GET shows a button, POST confirms ---
    request = wait_for_mail(
        page,
        WISHER["email"],
        f"Bitte bestätigen Sie Ihren Wunsch: eine Stadtteilkonferenz in {WISH_DISTRICT}",
    )
    assert f"Hallo {WISHER['name']}," in request.body
    page.goto(confirm_link_in(request, demo_site, "/stadtteilkonferenzen/mein-wunsch/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bestätigen Sie Ihren Wunsch")
    expect(page.get_by_role("main")).to_contain_text(f"Gesendet von: {WISHER['name']}")
    check_page(page, "Wunsch bestätigen")
    page.get_by_role("button", name="Wunsch bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(WISH_COUNTS)
    status = page.get_by_role("status")
    expect(status).to_contain_text(
        f"Ihr Wunsch nach einer Stadtteilkonferenz in {WISH_DISTRICT} ist bestätigt."
    )
    expect(status).to_contain_text("Sie würden bei der Organisation helfen")
    check_page(page, "Wunsch bestätigt")
    wish.refresh_from_db()
    assert wish.status == SignupStatus.CONFIRMED
    assert confirmed_wishes(quartier) == before + 1

    # --- the count went up by one, on the overview and on the wish page ---
    page.goto(demo_site + "/stadtteilkonferenzen/")
    row = (
        page.get_by_role("table", name=COVERAGE_TABLE)
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name=WISH_DISTRICT, exact=True))
    )
    expect(row).to_contain_text(f"{before + 1} Menschen wünschen sich eine.")
    row.get_by_role("link", name=wish_link, exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(
        f"Bisher haben sich {before + 1} Menschen eine Stadtteilkonferenz in {WISH_DISTRICT} "
        "gewünscht."
    )


# --- 3. print views, archive, minutes, a cancelled meeting, Quartier pages -------------------


def test_print_views_archive_minutes_cancelled_meeting_and_quartier_pages(
    page: Page, demo_site, next_meeting
):
    meeting = next_meeting
    agenda = list(meeting.agenda_items.order_by("position", "pk").values_list("title", flat=True))

    # --- the notice (Aushang), from the meeting page ---
    page.goto(demo_site + meeting.get_absolute_url())
    page.get_by_role("link", name="Aushang drucken").click()
    expect(page).to_have_url(demo_site + meeting.get_absolute_url() + "aushang/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Stadtteilkonferenz {DISTRICT}")
    expect(page.get_by_role("region", name="Tagesordnung").get_by_role("listitem")).to_have_text(
        agenda
    )
    qr = page.get_by_role("img", name=re.compile(r"^QR-Code mit der Adresse http"))
    expect(qr).to_have_count(1)
    expect(qr).to_be_visible()
    assert qr.evaluate("(el) => el.tagName.toLowerCase()") == "svg"
    # The printed address is the portal's public one (SITE_URL), not the test server's.
    meeting_url = settings.SITE_URL + meeting.get_absolute_url()
    expect(qr).to_have_attribute("aria-label", f"QR-Code mit der Adresse {meeting_url}")
    expect(page.get_by_role("main")).to_contain_text(meeting_url)
    check_page(page, "Aushang")

    # --- the attendance list: staff only; the login comes first ---
    staff = get_user_model().objects.create_user(STAFF_USER, password=STAFF_PASSWORD)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="konferenzen", codename="view_registration")
    )
    # An editor of this conference's Stadtteil (others get a 404: tests/engagierte_stadt/
    # test_admin_scope.py).
    QuartierAssignment.objects.create(user=staff, quartier=meeting.conference.quartier)
    attendance_url = demo_site + meeting.get_absolute_url() + "anwesenheitsliste/"
    page.goto(attendance_url)
    expect(page).to_have_url(re.compile(r"/admin/login/\?next="))
    log_in_with_code(page, staff, STAFF_PASSWORD)
    expect(page).to_have_url(attendance_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anwesenheitsliste")
    names = sorted(
        Registration.objects.filter(meeting=meeting, status=SignupStatus.CONFIRMED).values_list(
            "name", flat=True
        ),
        key=str.lower,
    )
    assert names, "the demo should have confirmed registrations for the meeting"
    registered = page.get_by_role("table", name="Bestätigte Anmeldungen, nach Namen sortiert")
    expect(registered.get_by_role("rowheader")).to_have_text(names)
    check_page(page, "Anwesenheitsliste")

    # --- the archive: index, a year, a past meeting with published minutes ---
    past = (
        Meeting.objects.filter(conference__slug=CONFERENCE_SLUG, minutes_published_at__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    assert past is not None and past.decisions.exists(), "the demo should have minutes"
    decisions = list(past.decisions.order_by("position", "pk").values_list("text", flat=True))
    year = timezone.localtime(past.starts_at).year
    past_day = german_date(past.starts_at)

    page.goto(demo_site + "/stadtteilkonferenzen/")
    page.get_by_role("link", name="Archiv: frühere Termine und Protokolle").click()
    expect(page).to_have_url(demo_site + "/stadtteilkonferenzen/archiv/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archiv der Stadtteilkonferenzen")
    check_page(page, "Archiv")
    page.get_by_role("main").get_by_role("link", name=str(year), exact=True).click()
    expect(page).to_have_url(demo_site + f"/stadtteilkonferenzen/archiv/{year}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Stadtteilkonferenzen im Jahr {year}"
    )
    check_page(page, f"Archiv {year}")
    table = page.get_by_role("table", name=f"Termine im Jahr {year}")
    row = (
        table.get_by_role("row")
        .filter(has=page.get_by_role("link", name=CONFERENCE_TITLE, exact=True))
        .filter(has=page.get_by_role("link", name=past_day, exact=True))
    )
    expect(row).to_have_count(1)
    row.get_by_role("link", name=f"Protokoll vom {past_day}").click()
    expect(page).to_have_url(demo_site + past.get_absolute_url() + "#protokoll")
    minutes = page.get_by_role("region", name="Protokoll")
    expect(minutes.get_by_role("heading", level=2)).to_have_text("Protokoll")
    expect(minutes.get_by_role("heading", name="Beschlüsse", level=3)).to_be_visible()
    expect(minutes.locator("ol.site-decisions > li")).to_have_text(decisions)
    expect(
        minutes.get_by_role("link", name=re.compile(r"^Protokoll herunterladen"))
    ).to_be_visible()
    check_page(page, "Termin mit Protokoll")

    # --- a cancelled meeting ---
    cancelled = Meeting.objects.get(
        conference__slug=CANCELLED_CONFERENCE, status=Meeting.Status.CANCELLED
    )
    page.goto(demo_site + cancelled.get_absolute_url())
    alert = page.get_by_role("status").filter(has_text="Dieser Termin ist abgesagt")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(
        f"Die Stadtteilkonferenz am {german_date(cancelled.starts_at, 'l, j. F Y')} "
        "findet nicht statt."
    )
    expect(page.get_by_role("link", name="In meinen Kalender eintragen (.ics)")).to_have_count(0)
    check_page(page, "Abgesagter Termin")

    # --- Quartier pages: with a conference, and without one ---
    page.goto(demo_site + f"/quartiere/{CONFERENCE_SLUG}/")
    section = page.get_by_role("region", name="Stadtteilkonferenz", exact=True)
    expect(section.get_by_role("link", name=CONFERENCE_TITLE, exact=True)).to_be_visible()
    expect(section).to_contain_text(
        f"Nächster Termin: {german_date(meeting.starts_at, 'l, j. F Y')}"
    )
    check_page(page, "Quartier mit Stadtteilkonferenz")

    page.goto(demo_site + f"/quartiere/{WISH_SLUG}/")
    section = page.get_by_role("region", name="Stadtteilkonferenz", exact=True)
    expect(section).to_contain_text("Noch keine Stadtteilkonferenz")
    expect(
        section.get_by_role(
            "link", name=f"Ich wünsche mir eine Stadtteilkonferenz in {WISH_DISTRICT}"
        )
    ).to_have_attribute("href", f"/stadtteilkonferenzen/wunsch/{WISH_SLUG}/")
    check_page(page, "Quartier ohne Stadtteilkonferenz")


# --- 4. the calendar file ---------------------------------------------------------------------


def test_calendar_link_on_the_meeting_page_answers_with_an_ics_file(
    page: Page, demo_site_readonly, next_meeting
):
    page.goto(demo_site_readonly + next_meeting.get_absolute_url())
    link = page.get_by_role("link", name="In meinen Kalender eintragen (.ics)")
    expect(link).to_have_attribute("download", "")
    href = link.get_attribute("href")
    assert href == next_meeting.get_absolute_url() + "termin.ics", href

    response = page.request.get(demo_site_readonly + href)
    assert response.status == 200, response.status
    assert response.headers["content-type"].startswith("text/calendar"), response.headers
    body = response.text()
    assert body.startswith("BEGIN:VCALENDAR"), body[:200]
    assert "BEGIN:VEVENT" in body
    assert CONFERENCE_TITLE in body.replace("\r\n ", ""), body
