"""Site search in Chromium: from the header field on the home page to a result, with and
without JavaScript; axe finds nothing on the results, the empty state and "Meinten Sie …?";
no sideways scrolling at 320 px.

Fields and links are found by their German label or role, as a screen reader user finds them.
"""

import re

from django.db import connection
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible, assert_page_basics

RESULT = "Repair-Café Winz-Baak"  # a demo project


def check_page(page: Page, context: str) -> None:
    assert_page_basics(page)
    assert_accessible(page, context)


def search_from_header(page: Page, words: str) -> None:
    field = page.get_by_role("search", name="Portal durchsuchen").get_by_label("Suchbegriff")
    if not field.is_visible():  # on a phone the search sits in the menu with the links
        page.locator(".site-menu__button").click()
    field.fill(words)
    field.press("Enter")
    page.wait_for_url(re.compile(r"/suche/\?q="))


def test_header_search_leads_from_the_home_page_to_a_result(page: Page, demo_site_readonly):
    page.goto(demo_site_readonly + "/")
    search_from_header(page, "Repair-Café")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suche")
    expect(page.get_by_role("status")).to_contain_text("Treffer für „Repair-Café“")
    if connection.vendor == "postgresql":  # highlighting comes from ts_headline
        expect(page.locator(".site-search__snippet mark").first).to_be_visible()
    check_page(page, "search results")

    page.get_by_role("navigation", name="Treffer nach Art filtern").get_by_role(
        "link", name=re.compile(r"^Projekte \(\d+\)$")
    ).click()
    expect(page.get_by_role("link", name=re.compile(r"^Projekte \(")).first).to_have_attribute(
        "aria-current", "page"
    )
    check_page(page, "search results of one kind")

    page.get_by_role("link", name=RESULT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RESULT)


def test_did_you_mean_and_empty_state_are_accessible(page: Page, demo_site_readonly):
    page.goto(demo_site_readonly + "/suche/?q=Repaircafe")
    suggestion = page.get_by_role("link", name="Repair-Café", exact=True)
    expect(suggestion).to_be_visible()
    expect(page.locator("#meinten-sie")).to_contain_text("Meinten Sie")
    check_page(page, "Meinten Sie")

    page.goto(demo_site_readonly + "/suche/?q=Zeppelinlandeplatz")
    expect(
        page.get_by_role("heading", name="Nichts gefunden – versuchen Sie es so")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Ein passendes Mitmach-Angebot finden")).to_have_attribute(
        "href", "/mitmachen/"
    )
    check_page(page, "search without results")


def test_search_works_without_javascript_and_fits_a_small_phone(new_context, demo_site_readonly):
    context = new_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(demo_site_readonly + "/")
    search_from_header(page, "Repaircafe")
    page.get_by_role("link", name="Repair-Café", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Treffer für „Repair-Café“")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the search page scrolls sideways at 320 px"
    page.get_by_role("link", name=RESULT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(RESULT)
