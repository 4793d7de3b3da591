"""Signing up for a way to help, in Chromium, from finding the offer to moving up.

The "Must show" line of the sign-up issue: find an opportunity → sign up → read the mail from
the outbox → confirm → cancel via the mail link → the next person moves up and is mailed; axe
finds nothing on every step, including the form with errors.

The live server runs in this process (another thread), so the `settings` fixture reaches it
and `django.core.mail.outbox` (locmem backend, tests/settings.py) holds the mails it sends.
Fields and buttons are found by their German label or role, the way a screen reader user
finds them.
"""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from engagierte_stadt.submissions.capacity import SignupStatus
from quartiere.models import Opportunity, Project, Quartier, Signup
from tests.e2e.a11y import assert_accessible, assert_page_basics

MIN_FILL_SECONDS = 1
TITLE = "Protokoll beim Probelauf schreiben"
SLUG = "protokoll-probelauf-e2e"
QUARTIER_NAME = "Welper"

PERSON_A = {
    "name": "Erika Mustermann",
    "email": "erika.mustermann@example.org",
    "phone": "02324 12345",
    "message": "Ich schreibe gern mit der Hand.",
    "needs": "Einen Tisch mit Licht.",
}
PERSON_B = {"name": "Ben Beispiel", "email": "ben.beispiel@example.org"}

LABEL = {
    "name": "Ihr Name",
    "email": "Ihre E-Mail-Adresse",
    "phone": "Ihre Telefonnummer",
    "message": "Ihre Nachricht",
    "needs": "Was brauchen Sie, um mitmachen zu können?",
}
HONEYPOT_LABEL = "Dieses Feld bitte leer lassen"
SEND = "Einverstanden – Anmeldung absenden"  # consent by sending: the button says it
CONSENT = re.compile(r"^Mit dem Absenden stimmen Sie zu, dass Ihre Angaben")
CONFIRM = "Anmeldung bestätigen"
CANCEL = "Anmeldung absagen"
HAS_PLACE = "Sie haben einen Platz"
WAITING_1 = "Sie stehen auf der Warteliste, auf Platz 1"
CANCELLED = "Sie haben Ihre Anmeldung abgesagt"
CHECK_MAIL = "Fast geschafft: Bitte sehen Sie in Ihre E-Mails"
FULLY_BOOKED = "Ausgebucht – wenn Sie sich anmelden, kommen Sie auf die Warteliste."
ERROR_NAME = "Bitte geben Sie Ihren Namen an."
ERROR_EMAIL_MISSING = "Bitte geben Sie Ihre E-Mail-Adresse an."
ERROR_EMAIL_INVALID = "Bitte geben Sie eine gültige E-Mail-Adresse an"

TOKEN = r"[\w-]+"


@pytest.fixture
def fast_form(settings):
    """The minimum fill time down to one second (the live server thread reads the same
    settings object), so the test waits one second instead of three."""
    settings.SIGNUP_MIN_FILL_SECONDS = MIN_FILL_SECONDS
    return MIN_FILL_SECONDS


@pytest.fixture
def offer(demo_site) -> Opportunity:
    """One place, in a Welper project of the demo (so the project's contact is mailed too)."""
    welper = Quartier.objects.get(name=QUARTIER_NAME)
    project = Project.objects.published().filter(quartier=welper).first()
    assert project is not None, "the demo should have a published project in Welper"
    return Opportunity.objects.create(
        project=project,
        quartier=welper,
        title=TITLE,
        slug=SLUG,
        description="Beim Probelauf der Stadtteilkonferenz schreiben Sie mit, was besprochen wird.",
        commitment=Opportunity.Commitment.FLEXIBLE,
        place="Gemeindehaus Welper",
        places=1,
        signup_deadline=timezone.localdate() + timedelta(days=3),
        is_open=True,
        is_published=True,
    )


# --- helpers ---------------------------------------------------------------------------------


def check_page(page: Page, context: str) -> None:
    assert_page_basics(page)
    assert_accessible(page, context)


def signup_form(page: Page):
    return page.locator("section#anmelden form")


def field(page: Page, name: str):
    return signup_form(page).get_by_label(LABEL[name])  # labels may end in "(optional)"


def wait_out_fill_time(page: Page, shown_at: float) -> None:
    """A person needs a moment to fill in the form; the portal rejects faster posts."""
    remaining = MIN_FILL_SECONDS + 0.3 - (time.monotonic() - shown_at)
    if remaining > 0:
        page.wait_for_timeout(remaining * 1000)


def fill_form(page: Page, person: dict) -> None:
    for name in ("name", "email", "phone", "message", "needs"):
        if name in person:
            field(page, name).fill(person[name])


def thanks_url(base_url: str) -> re.Pattern:
    # The browser carries the form's "#anmelden" over to the redirect (RFC 9110, 10.2.2).
    # It carries the signed reference its code field needs.
    return re.compile(
        rf"^{re.escape(base_url)}/mitmachen/{SLUG}/anmelden/danke/\?ref=[^#]+(#anmelden)?$"
    )


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def wait_for_mail(page: Page, address: str, subject: str, count: int = 1):
    """The newest mail to `address` whose subject starts with `subject` (sent by the live
    server in this process, before its response; the short poll is only a safety margin)."""

    def matching():
        return [m for m in mails_to(address) if m.subject.startswith(subject)]

    waited = 0
    while len(matching()) < count and waited < 3000:
        page.wait_for_timeout(50)
        waited += 50
    found = matching()
    assert len(found) >= count, (
        f"no mail {subject!r} to {address}; the outbox has "
        f"{[(m.to, m.subject) for m in mail.outbox]}"
    )
    return found[-1]


def html_body(message) -> str:
    return next(content for content, kind in message.alternatives if kind == "text/html")


def link_in(message, base_url: str, kind: str) -> str:
    """The personal link of `kind` ("confirm" or "manage") in the text part; the HTML part
    must carry the same one, and it must point at the live server."""
    suffix = "bestaetigen/" if kind == "confirm" else r"(?!bestaetigen)"
    pattern = re.compile(rf"{re.escape(base_url)}/mitmachen/anmeldung/{TOKEN}/{suffix}")
    found = pattern.search(message.body)
    assert found, f"no {kind} link to {base_url} in the mail {message.subject!r}:\n{message.body}"
    assert found.group(0) in html_body(message), f"the HTML part lacks {found.group(0)}"
    return found.group(0)


def sign_up_and_confirm(page: Page, base_url: str, person: dict, expected_heading: str):
    """Fill in the form on the offer's page (already open), confirm from the mail; returns the
    confirmation request mail."""
    shown_at = time.monotonic()
    fill_form(page, person)
    wait_out_fill_time(page, shown_at)
    signup_form(page).get_by_role("button", name=SEND).click()
    expect(page).to_have_url(thanks_url(base_url))
    expect(page.get_by_role("status")).to_contain_text(CHECK_MAIL)
    request = wait_for_mail(page, person["email"], f"Bitte bestätigen Sie Ihre Anmeldung: {TITLE}")

    page.goto(link_in(request, base_url, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bestätigen Sie Ihre Anmeldung")
    expect(page.get_by_role("main")).to_contain_text(f"Angemeldet als: {person['name']}")
    page.get_by_role("button", name=CONFIRM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(expected_heading)
    return request


# --- the journey -----------------------------------------------------------------------------


def test_find_sign_up_confirm_cancel_and_the_next_person_moves_up(
    page: Page, demo_site, offer, fast_form, new_context, browser_recorder
):
    # --- Person A finds the offer from /mitmachen/ ---
    page.goto(demo_site + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Mitmachen", exact=True
    ).click()
    expect(page).to_have_url(demo_site + "/mitmachen/")
    filters = page.get_by_role("form", name="Angebote filtern")
    filters.get_by_label("Stadtteil/Quartier").select_option(label=QUARTIER_NAME)
    filters.get_by_role("button", name="Filtern").click()
    expect(page).to_have_url(re.compile(r"/mitmachen/\?.*quartier=welper"))
    results = page.locator(".site-results")
    for _ in range(10):  # through the pages of results until the offer shows up
        page.wait_for_load_state("load")
        if results.get_by_role("link", name=TITLE, exact=True).count():
            break
        page.get_by_role("navigation", name="Seiten").get_by_role(
            "link", name="Nächste Seite"
        ).click()
    results.get_by_role("link", name=TITLE, exact=True).click()
    expect(page).to_have_url(demo_site + offer.get_absolute_url())
    shown_at = time.monotonic()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    signup = page.locator("section#anmelden")
    expect(signup).to_contain_text("1 von 1 Platz frei.")
    check_page(page, "Angebot mit Anmeldeformular")

    # --- the empty form: the error summary takes the focus ---
    wait_out_fill_time(page, shown_at)  # otherwise the post counts as a bot's
    signup_form(page).get_by_role("button", name=SEND).click()
    expect(page).to_have_url(re.compile(rf"/mitmachen/{SLUG}/anmelden/#anmelden$"))
    expect(page).to_have_title(re.compile(rf"^Fehler: {TITLE} – "))
    summary = page.get_by_role("alert").filter(has_text="Es gibt ein Problem")
    expect(summary).to_be_focused()
    for label, message in [
        (LABEL["name"], ERROR_NAME),
        (LABEL["email"], ERROR_EMAIL_MISSING),
    ]:
        expect(summary.get_by_role("link", name=f"{label}")).to_contain_text(message)
    expect(field(page, "name")).to_have_attribute("aria-invalid", "true")
    expect(field(page, "email")).to_have_attribute("aria-invalid", "true")
    # Consent is no field to get wrong: the statement stays above the button it describes.
    expect(signup_form(page).get_by_role("button", name=SEND)).to_have_accessible_description(
        CONSENT
    )
    assert not Signup.objects.exists() and not mail.outbox
    assert_accessible(page, "Anmeldeformular mit Fehlern (leer abgeschickt)")
    assert_page_basics(page)

    # --- half filled in, with a broken address: what was typed stays ---
    shown_at = time.monotonic()
    for name in ("name", "phone", "message", "needs"):
        field(page, name).fill(PERSON_A[name])
    field(page, "email").fill("erika.mustermann@")
    wait_out_fill_time(page, shown_at)
    signup_form(page).get_by_role("button", name=SEND).click()
    summary = page.get_by_role("alert").filter(has_text="Es gibt ein Problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link", name=LABEL["email"])).to_contain_text(ERROR_EMAIL_INVALID)
    for name in ("name", "phone", "message", "needs"):
        expect(field(page, name)).to_have_value(PERSON_A[name])
        expect(field(page, name)).not_to_have_attribute("aria-invalid", "true")
    expect(field(page, "email")).to_have_value("erika.mustermann@")
    assert_accessible(page, "Anmeldeformular mit Fehlern (Eingaben behalten)")
    # The summary's link leads to the field.
    summary.get_by_role("link", name=LABEL["email"]).click()
    expect(field(page, "email")).to_be_focused()
    assert not Signup.objects.exists() and not mail.outbox

    # --- sent: "please check your mail" ---
    field(page, "email").fill(PERSON_A["email"])
    signup_form(page).get_by_role("button", name=SEND).click()
    expect(page).to_have_url(thanks_url(demo_site))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bitte bestätigen Sie Ihre Anmeldung")
    expect(page.get_by_role("status")).to_contain_text(CHECK_MAIL)
    expect(page.get_by_role("status")).to_contain_text(TITLE)
    check_page(page, "Bitte E-Mails ansehen")
    stored = Signup.objects.get(email=PERSON_A["email"])
    assert stored.status == SignupStatus.UNCONFIRMED
    assert (stored.name, stored.phone, stored.needs) == (
        PERSON_A["name"],
        PERSON_A["phone"],
        PERSON_A["needs"],
    )

    # --- the mail and the confirmation link: GET shows a button, POST confirms ---
    request_a = wait_for_mail(
        page, PERSON_A["email"], f"Bitte bestätigen Sie Ihre Anmeldung: {TITLE}"
    )
    assert f"Hallo {PERSON_A['name']}," in request_a.body
    page.goto(link_in(request_a, demo_site, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bestätigen Sie Ihre Anmeldung")
    check_page(page, "Anmeldung bestätigen")
    stored.refresh_from_db()
    assert stored.status == SignupStatus.UNCONFIRMED, "opening the link alone must not confirm"
    page.get_by_role("button", name=CONFIRM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HAS_PLACE)
    expect(page.get_by_role("status")).to_contain_text(HAS_PLACE)
    expect(page.get_by_role("status")).to_contain_text(
        f"Ihre Anmeldung für „{TITLE}“ ist bestätigt"
    )
    check_page(page, "Bestätigt: Platz")
    stored.refresh_from_db()
    assert stored.status == SignupStatus.CONFIRMED
    result_a = wait_for_mail(page, PERSON_A["email"], f"Sie haben einen Platz: {TITLE}")

    # --- Person B, in a browser of their own: the offer is full, B waits ---
    context_b = new_context()
    page_b = context_b.new_page()
    page_b.goto(demo_site + offer.get_absolute_url())
    expect(page_b.locator("section#anmelden")).to_contain_text(FULLY_BOOKED)
    check_page(page_b, "Angebot ausgebucht")
    request_b = sign_up_and_confirm(page_b, demo_site, PERSON_B, WAITING_1)
    expect(page_b.get_by_role("status")).to_contain_text(WAITING_1)
    check_page(page_b, "Bestätigt: Warteliste")
    wait_for_mail(page_b, PERSON_B["email"], f"Warteliste, Platz 1: {TITLE}")
    assert Signup.objects.get(email=PERSON_B["email"]).status == SignupStatus.WAITING

    # --- A opens the personal link from the mail, sees what is stored, cancels ---
    manage_a = link_in(result_a, demo_site, "manage")
    assert manage_a == link_in(request_a, demo_site, "manage")
    page.goto(manage_a)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Anmeldung")
    stored_region = page.get_by_role("region", name="Was wir gespeichert haben")
    for key, value in [
        ("Name", PERSON_A["name"]),
        ("E-Mail", PERSON_A["email"]),
        ("Telefon", PERSON_A["phone"]),
        ("Ihre Nachricht", PERSON_A["message"]),
        ("Status", HAS_PLACE),
    ]:
        item = stored_region.locator(".kern-description-list-item").filter(
            has=page.locator("dt", has_text=re.compile(rf"^{re.escape(key)}$"))
        )
        expect(item.locator("dd"), key).to_have_text(value)
    expect(stored_region).to_contain_text(PERSON_A["needs"])
    check_page(page, "Meine Anmeldung (Platz)")

    page.get_by_role("button", name=CANCEL).click()
    # Asked once more before anything happens.
    expect(page.get_by_role("heading", level=1)).to_have_text("Wollen Sie wirklich absagen?")
    assert Signup.objects.get(email=PERSON_A["email"]).status == SignupStatus.CONFIRMED
    check_page(page, "Absagen: Rückfrage")
    page.get_by_role("button", name="Ja, absagen").click()
    expect(page).to_have_url(manage_a)
    expect(page.get_by_role("status")).to_contain_text(CANCELLED)
    expect(page.get_by_role("button", name=CANCEL)).to_have_count(0)
    check_page(page, "Meine Anmeldung (abgesagt)")
    wait_for_mail(page, PERSON_A["email"], f"Abgesagt: {TITLE}")

    # --- B moved up and is told so, with the same personal link as before ---
    moved = wait_for_mail(
        page_b, PERSON_B["email"], f"Sie sind nachgerückt und haben jetzt einen Platz: {TITLE}"
    )
    assert f"Hallo {PERSON_B['name']}," in moved.body
    assert "Gute Nachricht: Jemand hat abgesagt, und Sie sind von der Warteliste" in moved.body
    assert "derselbe wie in unseren früheren E-Mails" in moved.body
    assert Signup.objects.get(email=PERSON_B["email"]).status == SignupStatus.CONFIRMED
    page_b.goto(link_in(moved, demo_site, "manage"))
    expect(page_b.get_by_role("heading", level=1)).to_have_text("Ihre Anmeldung")
    expect(page_b.get_by_role("status")).to_contain_text(HAS_PLACE)
    expect(page_b.get_by_role("region", name="Was wir gespeichert haben")).to_contain_text(
        PERSON_B["name"]
    )
    expect(page_b.get_by_role("button", name=CANCEL)).to_be_visible()
    check_page(page_b, "Meine Anmeldung (nachgerückt)")

    # The link from B's first mail is the same one, and it still works.
    assert link_in(request_b, demo_site, "manage") == link_in(moved, demo_site, "manage")
    response = page_b.goto(link_in(request_b, demo_site, "manage"))
    assert response.status == 200, response.status
    expect(page_b.get_by_role("status")).to_contain_text(HAS_PLACE)


# --- the honeypot ----------------------------------------------------------------------------


def test_honeypot_is_invisible_and_out_of_reach_for_keyboards_and_screen_readers(
    page: Page, demo_site, offer
):
    page.goto(demo_site + offer.get_absolute_url())
    form = signup_form(page)
    honeypot = form.locator("input[name=website]")
    expect(honeypot).to_have_count(1)  # it is there, for bots …
    expect(honeypot).to_be_hidden()  # … but not for people
    assert honeypot.bounding_box() is None
    expect(honeypot).to_have_attribute("tabindex", "-1")
    expect(honeypot).to_have_attribute("autocomplete", "off")

    # Not in the accessibility tree: role queries skip it unless hidden ones are asked for.
    expect(form.get_by_role("textbox", name=HONEYPOT_LABEL)).to_have_count(0)
    expect(form.get_by_role("textbox", name=HONEYPOT_LABEL, include_hidden=True)).to_have_count(1)
    assert HONEYPOT_LABEL not in form.aria_snapshot()
    cdp = page.context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    exposed = [
        node
        for node in tree
        if not node.get("ignored") and HONEYPOT_LABEL in str(node.get("name", {}).get("value", ""))
    ]
    assert not exposed, f"the honeypot is in the accessibility tree: {exposed}"
    assert any(
        not node.get("ignored") and node.get("name", {}).get("value") == LABEL["name"]
        for node in tree
    ), "sanity check: the name field should be in the accessibility tree"

    # Keyboard walk through the whole form, forwards and back: the honeypot never gets focus.
    focused_element = """() => {
        const el = document.activeElement;
        return el ? (el.name || el.id || el.getAttribute("href") || el.tagName) : null;
    }"""
    field(page, "name").focus()
    forwards = [page.evaluate(focused_element)]
    for _ in range(20):
        page.keyboard.press("Tab")
        forwards.append(page.evaluate(focused_element))
        if forwards[-1] == "send":
            break
    assert forwards == [
        "name",
        "email",
        "phone",
        "message",
        "needs",
        "/datenschutz/",
        "send",
    ], forwards
    backwards = [forwards[-1]]
    for _ in range(20):
        page.keyboard.press("Shift+Tab")
        backwards.append(page.evaluate(focused_element))
        if backwards[-1] == "name":
            break
    assert backwards == list(reversed(forwards)), backwards
    assert "website" not in forwards + backwards

    # Programmatic focus does not reach it either (display: none).
    honeypot.evaluate("(el) => el.focus()")
    assert page.evaluate(focused_element) != "website"
    check_page(page, "Angebot mit Honigtopf")
