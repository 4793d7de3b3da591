"""The Engagement-Finder on a phone (375 × 667), with and without JavaScript.

"Near Welper, a few hours a month, without German" from the home page to an offer's page:
one tap to the finder, four answers, one to see the results, one to open the offer.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible, assert_page_basics

PHONE = {"width": 375, "height": 667}
OFFER = "Kuchen backen für das Erzählcafé"


def find_near_welper(page, base: str, *, check_axe: bool):
    page.goto(base + "/")
    page.get_by_role("link", name="Mitmach-Angebote finden").first.click()  # 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitmach-Angebote finden")
    if check_axe:
        assert_page_basics(page)
        assert_accessible(page, "Finder, Fragen")
    form = page.locator("form.site-finder__form")
    form.get_by_label("Wo?").select_option(label="Welper")  # 2
    form.get_by_label("auch in benachbarten Stadtteilen").check()  # 3
    form.get_by_label("ein paar Stunden im Monat").check()  # 4
    form.get_by_label("ohne Deutschkenntnisse").check()  # 5
    form.get_by_role("button", name="Passende Angebote zeigen").click()  # 6
    expect(page).to_have_url(
        base + "/mitmachen/finden/?stadtteil=welper&nachbarn=on&zeit=monatlich"
        "&passt=ohne-deutsch#ergebnisse"
    )
    results = page.locator("#ergebnisse")
    expect(results.get_by_role("heading", level=2)).to_contain_text("passt zu Ihren Angaben")
    first = results.locator("article").first
    expect(first).to_contain_text(
        "Passt, weil: in Welper · etwa 2 Stunden im Monat · ohne Deutschkenntnisse"
    )
    if check_axe:
        assert_accessible(page, "Finder, Ergebnisse und Alternativen")
    first.get_by_role("link", name=OFFER).click()  # 7
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFER)


@pytest.mark.e2e
def test_phone_finds_an_offer_near_welper_with_and_without_javascript(new_context, demo_site):
    page = new_context(viewport=PHONE).new_page()
    find_near_welper(page, demo_site, check_axe=True)
    no_script = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    find_near_welper(no_script, demo_site, check_axe=False)
