"""Phone first, in Chromium: no page scrolls sideways at 320 px, the first screen of a 375×667
phone shows the page's purpose and main action, the menu and the filters work without
JavaScript, and axe finds nothing on the phone layout.

The pages come from the demo rows (one of each detail page type), not from copied addresses.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from engagierte_stadt.models import Article
from ideen.models import Idea
from konferenzen.models import Conference, Meeting
from partner.models import Partner
from quartiere.models import Opportunity, Project
from tests.e2e.a11y import assert_accessible

NARROW = {"width": 320, "height": 568}
PHONE = {"width": 375, "height": 667}
MENU = "Menü"
MAIN_ACTION = "Finden Sie ein Angebot, das zu Ihnen passt"


def public_pages() -> list[str]:
    """Every public page type of the demo: lists with and without filters, each detail page."""
    meeting = Meeting.objects.upcoming().select_related("conference").first()
    past = Meeting.objects.past().select_related("conference").first()
    return [
        "/",
        "/quartiere/",
        "/quartiere/welper/",
        "/quartiere/rauendahl/",
        "/projekte/",
        "/projekte/?quartier=welper&status=laeuft",
        Project.objects.published().first().get_absolute_url(),
        "/mitmachen/",
        "/mitmachen/?quartier=winz-baak&topic=umwelt-und-klima",
        "/mitmachen/?quartier=gibtsnicht",
        Opportunity.objects.published().open().first().get_absolute_url(),
        "/stadtteilkonferenzen/",
        Conference.objects.active().first().get_absolute_url(),
        meeting.get_absolute_url(),
        past.get_absolute_url(),
        "/stadtteilkonferenzen/archiv/",
        "/partner/",
        "/partner/?kind=verein",
        Partner.objects.published().first().get_absolute_url(),
        "/partner/netzwerk/",
        "/partner/fuer-unternehmen/",
        "/partner/partner-werden/",
        "/aktuelles/",
        Article.objects.published().first().get_absolute_url(),
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
        "/leichte-sprache/",
        "/gebaerdensprache/",
        "/kontakt/",
        "/ueber-das-programm/",
        # the finder, alerts, ideas, search and open data (later additions)
        "/mitmachen/finden/",
        "/mitmachen/finden/?stadtteil=welper&passt=ohne-deutsch&zeit=monatlich",
        "/mitmachen/benachrichtigung/",
        "/ideen/",
        "/ideen/einreichen/",
        Idea.objects.public().first().get_absolute_url(),
        "/suche/?q=garten",
        "/offene-daten/",
        # and the same pages in English
        "/en/",
        "/en/mitmachen/",
        "/en/mitmachen/finden/?stadtteil=welper&zeit=monatlich",
        "/en/stadtteilkonferenzen/",
    ]


def sideways(page: Page) -> dict:
    return page.evaluate(
        """() => ({
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            wider: [...document.querySelectorAll("main *, header *, footer *")]
                .filter((e) => e.checkVisibility() && e.getBoundingClientRect().right
                    > document.documentElement.clientWidth + 0.5)
                .slice(0, 5)
                .map((e) => e.outerHTML.slice(0, 120)),
        })"""
    )


def test_no_page_scrolls_sideways_at_320_px_and_axe_finds_nothing(new_context, demo_site_readonly):
    page = new_context(viewport=NARROW).new_page()
    too_wide = {}
    for path in public_pages():
        response = page.goto(demo_site_readonly + path)
        assert response.status == 200, f"{path} answered {response.status}"
        width = sideways(page)
        if width["scrollWidth"] > width["innerWidth"]:
            too_wide[path] = width
        assert_accessible(page, f"{path} at 320 px")
    assert not too_wide, f"pages wider than 320 px: {too_wide}"


def bottom(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return box["y"] + box["height"]


def test_first_screen_of_the_home_page_shows_the_main_action_and_the_menu(
    new_context, demo_site_readonly
):
    page = new_context(viewport=PHONE).new_page()
    page.goto(demo_site_readonly + "/")
    menu = page.locator("summary", has_text=MENU)
    # The main action: the finder's first questions, whose time buttons show the results.
    finder = page.get_by_role("form", name=MAIN_ACTION)
    expect(menu).to_be_visible()
    expect(finder.get_by_role("heading", name=MAIN_ACTION)).to_be_visible()
    assert bottom(menu) <= PHONE["height"]
    for button in ("Einmalig", "Ein paar Stunden im Monat", "Jede Woche", "Weiß ich noch nicht"):
        action = finder.get_by_role("button", name=button)
        assert bottom(action) <= PHONE["height"], f"{button!r} ends at y={bottom(action)}"
    # The closed menu takes one line: the six links are not on the first screen.
    expect(page.locator("nav.site-nav").get_by_role("link", name="Partner")).to_be_hidden()
    # The logo keeps the page margin.
    logo = page.locator(".site-brand__logo").bounding_box()
    assert logo["x"] >= 12, logo

    menu.click()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    expect(nav.get_by_role("link", name="Stadtteilkonferenzen")).to_be_visible()
    assert_accessible(page, "Startseite mit offenem Menü, 375 px")


def test_phone_menu_and_filters_work_without_javascript(new_context, demo_site_readonly):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(demo_site_readonly + "/")
    page.locator("summary", has_text=MENU).click()
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Mitmachen"
    ).click()
    expect(page).to_have_url(demo_site_readonly + "/mitmachen/")

    # The result count and the first result come before the filters, on the first screen.
    count = page.locator(".site-result-count")
    expect(count).to_contain_text("Angebote gefunden")
    assert bottom(count) <= PHONE["height"]
    quartier = page.get_by_label("Stadtteil/Quartier")
    expect(quartier).to_be_hidden()

    page.locator("summary", has_text="Filter").click()
    quartier.select_option("winz-baak")
    page.get_by_role("button", name="Filtern").click()

    # After filtering the page opens at the results, not at the top.
    expect(page).to_have_url(re.compile(r"/mitmachen/\?.*quartier=winz-baak.*#ergebnisse$"))
    expect(page.locator("summary", has_text="Filter")).to_contain_text("Winz-Baak")
    count_box = count.bounding_box()
    assert 0 <= count_box["y"] < PHONE["height"], count_box
    assert page.evaluate("window.scrollY") > 0


@pytest.mark.parametrize("path", ["/stadtteilkonferenzen/"])
def test_tables_are_stacked_lists_on_a_phone(new_context, demo_site_readonly, path):
    page = new_context(viewport=NARROW).new_page()
    page.goto(demo_site_readonly + path)
    table = page.get_by_role("table", name="Stadtteile und ihre Stadtteilkonferenzen")
    assert table.evaluate("(t) => getComputedStyle(t).display") == "block"
    wish = page.get_by_role("link", name=re.compile("Ich wünsche mir eine Stadtteilkonferenz"))
    box = wish.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], box
