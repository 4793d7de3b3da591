"""The English portal in Chromium: axe finds nothing, the language switch works without
JavaScript and keeps the page and its filters, and no cookie is stored on the way."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.a11y import assert_accessible

ENGLISH_PAGES = [
    "/en/",
    "/en/mitmachen/?suitable=youth",
    "/en/mitmachen/rauendahl-beete-bepflanzen/",
    "/en/barrierefreiheit/",
]


@pytest.mark.parametrize("path", ENGLISH_PAGES)
def test_english_page_is_english_and_axe_finds_nothing(page: Page, demo_site_readonly, path):
    page.goto(demo_site_readonly + path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page, f"English page {path}")


def test_signup_errors_in_english_pass_axe(page: Page, demo_site, browser_recorder):
    browser_recorder.allowed_console_errors.append(r"status of 422")
    page.goto(demo_site + "/en/mitmachen/rauendahl-beete-bepflanzen/")
    form = page.locator("form[method=post]").first
    form.evaluate("(form) => form.setAttribute('novalidate', '')")  # the server's errors
    form.locator("[type=submit]").click()
    expect(page.locator(".kern-error").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page, "English sign-up form with errors")


def test_switch_without_javascript_keeps_page_and_filters_and_stores_no_cookie(
    browser, demo_site_readonly
):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 568})
    page = context.new_page()
    page.goto(demo_site_readonly + "/mitmachen/?suitable=youth")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    switch = page.get_by_role("navigation", name="Sprache").get_by_role("link", name="English")
    expect(switch).to_be_visible()  # on a phone too, without opening the menu
    switch.click()
    assert page.url == demo_site_readonly + "/en/mitmachen/?suitable=youth"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()
    assert page.url == demo_site_readonly + "/mitmachen/?suitable=youth"
    assert context.cookies() == []
    context.close()
