"""Visitor journeys through the demo portal in Chromium, checked with axe-core on every page.

Links and fields are found by their German role and name, the way a screen reader user
finds them.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from engagierte_stadt.models import AccessibilityFeedback
from tests.e2e.a11y import assert_accessible, assert_page_basics, assert_skip_link

PUBLIC_PAGES = [
    "/",
    "/quartiere/",
    "/quartiere/rauendahl/",
    "/quartiere/blankenstein/",
    "/aktuelles/",
    "/aktuelles/hattingen-ist-engagierte-stadt/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/gebaerdensprache/",
    "/kontakt/",
    "/ueber-das-programm/",
    "/projekte/",
    "/mitmachen/",
    "/stadtteilkonferenzen/",
    "/partner/",
]
NOT_FOUND = "/gibt-es-nicht/"


def assert_styled(page: Page) -> None:
    """The portal's style sheets are applied (not a bare HTML page)."""
    styles = page.evaluate(
        """() => ({
            sheets: [...document.styleSheets].map((s) => s.href || "inline"),
            font: getComputedStyle(document.body).fontFamily,
            skip: getComputedStyle(document.querySelector(".skip-link")).position,
        })"""
    )
    sheets = " ".join(styles["sheets"])
    assert "kern.min.css" in sheets and "site.css" in sheets, styles
    assert "Fira Sans" in styles["font"], styles
    assert styles["skip"] == "absolute", styles


def check_page(page: Page, context: str) -> str:
    title = assert_page_basics(page)
    assert_accessible(page, context)
    return title


def script_src(csp: str) -> list[str]:
    for directive in csp.split(";"):
        name, *values = directive.split()
        if name == "script-src":
            return values
    return []


# --- the first journey ---------------------------------------------------------------------


def test_journey_home_quartier_article_impressum(page: Page, demo_site_readonly):
    page.goto(demo_site_readonly + "/")

    # Keyboard first: the very first Tab reaches the skip link, Enter moves focus into main.
    assert_skip_link(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#inhalt$"))
    assert page.evaluate("document.activeElement.closest('main#inhalt') !== null"), (
        "after Enter on the skip link the focus should be in main#inhalt, "
        f"it is on {page.evaluate('document.activeElement.outerHTML.slice(0, 120)')}"
    )
    check_page(page, "Startseite")

    main_nav = page.locator("nav.site-nav")
    main_nav.get_by_role("link", name="Quartiere", exact=True).click()
    expect(page).to_have_url(demo_site_readonly + "/quartiere/")
    check_page(page, "Stadtteile")

    page.get_by_role("main").get_by_role("link", name="Rauendahl", exact=True).click()
    expect(page).to_have_url(demo_site_readonly + "/quartiere/rauendahl/")
    expect(page.locator("h1")).to_contain_text("Rauendahl")
    check_page(page, "Quartier Rauendahl")

    main_nav.get_by_role("link", name="Aktuelles", exact=True).click()
    expect(page).to_have_url(demo_site_readonly + "/aktuelles/")
    check_page(page, "Aktuelles")

    page.get_by_role("link", name=re.compile("Hattingen ist jetzt")).click()
    expect(page).to_have_url(demo_site_readonly + "/aktuelles/hattingen-ist-engagierte-stadt/")
    expect(page.locator("h1")).to_contain_text("Hattingen ist jetzt")
    check_page(page, "Artikel")

    page.locator("footer").get_by_role("link", name="Impressum", exact=True).click()
    expect(page).to_have_url(demo_site_readonly + "/impressum/")
    expect(page.locator("h1")).to_contain_text("Impressum")
    check_page(page, "Impressum")


# --- every public page ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, NOT_FOUND])
def test_public_page(page: Page, demo_site_readonly, browser_recorder, path):
    expected_status = 404 if path == NOT_FOUND else 200
    if expected_status == 404:
        # Chromium logs the document's own 404 as a console error; that one is expected.
        browser_recorder.allowed_console_errors.append(r"status of 404 \(Not Found\)")

    response = page.goto(demo_site_readonly + path)

    assert response.status == expected_status, f"{path} answered {response.status}"
    csp = response.headers.get("content-security-policy", "")
    assert script_src(csp), f"{path}: no script-src in the CSP header {csp!r}"
    assert "'unsafe-inline'" not in script_src(csp), f"{path}: script-src allows inline: {csp}"
    assert_styled(page)
    check_page(page, path)


def test_titles_are_unique(page: Page, demo_site_readonly):
    titles, broken = {}, {}
    for path in PUBLIC_PAGES:
        response = page.goto(demo_site_readonly + path)
        if not response.ok:
            broken[path] = response.status
            continue
        titles.setdefault(page.title().strip(), []).append(path)
    duplicates = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert not duplicates, f"pages share a <title>: {duplicates}"
    assert not broken, f"pages that did not answer 200, their titles unchecked: {broken}"


# --- the feedback form of the accessibility statement --------------------------------------


def test_accessibility_feedback_form(page: Page, demo_site, settings):
    # The form has the engine's minimum fill time; a browser test types faster than people.
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    page.goto(demo_site + "/barrierefreiheit/")
    form = page.locator("form.site-form")
    submit = form.get_by_role("button", name="Nachricht senden")

    # Empty: the server answers with an error summary that links to the field.
    submit.click()
    page.wait_for_load_state("load")
    summary = page.get_by_role("alert")
    expect(summary.first, "an error summary (role=alert) after an empty submit").to_be_visible()
    expect(summary.first, "the error summary takes the focus after the reload").to_be_focused()
    expect(summary.first).to_contain_text("Es gibt ein Problem")
    field_link = summary.locator('a[href="#id_message"]')
    expect(field_link, "the error summary links to the message field").to_have_count(1)
    message_field = page.locator("#id_message")
    expect(message_field).to_have_attribute("aria-invalid", "true")
    described_by = (message_field.get_attribute("aria-describedby") or "").split()
    described = " ".join(page.locator(f"#{ident}").inner_text() for ident in described_by if ident)
    assert described.strip(), "the message field's error is not tied to it by aria-describedby"
    assert AccessibilityFeedback.objects.count() == 0
    assert_accessible(page, "Barrierefreiheit, Formular mit Fehlern")

    field_link.click()
    expect(message_field, "the summary link moves focus to the field").to_be_focused()

    # Filled in: stored, mailed, and a success message.
    text = "Im Kontrastmodus ist der Menüpunkt Partner kaum zu lesen."
    page.get_by_label("Auf welche Barriere sind Sie gestoßen?").fill(text)
    page.get_by_label("Auf welcher Seite?").fill("/partner/")
    submit.click()
    expect(page).to_have_url(re.compile(r"/barrierefreiheit/#rueckmeldung$"))
    status = page.get_by_role("status")
    expect(status).to_contain_text("Vielen Dank. Ihre Nachricht wurde an die Redaktion geschickt.")
    assert_accessible(page, "Barrierefreiheit, nach dem Absenden")

    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == text
    assert feedback.page_url == "/partner/"
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    sent = mail.outbox[0]
    assert sent.to == ["engagement@hattingen.example"]
    assert text in sent.body


# --- cookies ---------------------------------------------------------------------------------


def test_no_cookies_without_a_form(page: Page, demo_site_readonly):
    for path in ["/", "/quartiere/rauendahl/", "/aktuelles/hattingen-ist-engagierte-stadt/"]:
        page.goto(demo_site_readonly + path)
        assert page.context.cookies() == [], f"{path} set {page.context.cookies()}"

    page.goto(demo_site_readonly + "/barrierefreiheit/")
    names = sorted(cookie["name"] for cookie in page.context.cookies())
    assert names == ["csrftoken"], f"the feedback form page set {names}"
