"""A new town's portal from `manage.py start_city`: every HTML page passes axe, in Chromium."""

import io

from django.core.management import call_command
from playwright.sync_api import Page

from tests.e2e.a11y import assert_accessible
from tests.engagierte_stadt.test_start_city import DISTRICTS_CSV, public_pages

NOT_HTML = (".xml", ".ics", ".txt", ".json", ".jsonld", ".csv")


def test_every_page_of_a_new_town_passes_axe(page: Page, transactional_db, live_server, tmp_path):
    csv_path = tmp_path / "stadtteile.csv"
    csv_path.write_text(DISTRICTS_CSV, encoding="utf-8")
    call_command("start_city", "Musterstadt", str(csv_path), stdout=io.StringIO())
    paths = [path for path in public_pages() if not path.endswith(NOT_HTML)]
    assert len(paths) > 20
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "Hattingen" not in page.content(), path
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # data for programs (e.g. the DCAT-AP.de catalogue), not a page
        assert_accessible(page, f"{path} of a new town")
