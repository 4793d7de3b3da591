"""The "Offene Daten" page in Chromium: reached from the footer, axe finds nothing, the
field tables fit a small phone, and its links lead to the files."""

import json

from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible, assert_page_basics


def test_open_data_page_from_the_footer_is_accessible(page: Page, demo_site_readonly):
    page.goto(demo_site_readonly + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Offene Daten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offene Daten")
    expect(page.get_by_role("heading", name="Lizenz")).to_be_visible()
    expect(
        page.get_by_text("Datenlizenz Deutschland – Namensnennung – Version 2.0")
    ).to_be_visible()
    assert_page_basics(page)
    assert_accessible(page, "Offene Daten")

    response = page.request.get(
        page.get_by_role("link", name="Projekte als JSON").get_attribute("href")
    )
    assert response.ok and json.loads(response.body())["data"]


def test_open_data_page_fits_a_small_phone(new_context, demo_site_readonly):
    context = new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(demo_site_readonly + "/offene-daten/")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the open data page scrolls sideways at 320 px"
    page.screenshot(path="/tmp/opendata-320.png", full_page=True)
    assert_accessible(page, "Offene Daten at 320 px")
