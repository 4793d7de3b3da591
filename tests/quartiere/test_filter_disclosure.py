"""List pages on a phone: the filters behind a "Filter" disclosure, the results first, and
filtering jumps to the results (the e2e tests check the layout in Chromium)."""

import pytest

from tests.factories import OpportunityFactory, QuartierFactory
from tests.html import parse

LISTS = ["/mitmachen/", "/projekte/", "/partner/"]


@pytest.mark.parametrize("url", LISTS)
def test_filter_form_sends_the_visitor_to_the_results(db, client, url):
    html = client.get(url).content.decode()
    assert 'id="ergebnisse"' in html
    assert f'action="{url}#ergebnisse"' in html
    assert '<summary class="site-filter__button">' in html
    assert '<details class="site-filter">' in html  # closed: the results come first


def test_filter_button_names_the_active_filters(db, client):
    QuartierFactory(name="Welper", slug="welper")
    html = client.get("/mitmachen/?quartier=welper").content.decode()
    summary = html.split('<summary class="site-filter__button">')[1].split("</summary>")[0]
    assert "Filter" in summary and ": Welper" in summary


def test_filter_opens_when_a_value_needs_explaining(db, client):
    OpportunityFactory()
    html = client.get("/mitmachen/?quartier=gibtsnicht").content.decode()
    assert '<details class="site-filter" open>' in html
    assert "Diesen Wert kennen wir nicht" in html
    assert parse(html).h1_texts == ["Mitmachen"]
