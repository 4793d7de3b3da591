"""Site search on the Hattingen demo (its own module: the demo stays loaded for the module)."""

import pytest

from tests.engagierte_stadt.test_search import hit_titles, search_page, suggestion

pytestmark = pytest.mark.django_db


def test_repaircafe_suggests_repair_cafe_from_the_demo(client, demo):
    html = search_page(client, "Repaircafe")
    assert suggestion(html) == "Repair-Café"


def test_the_demo_project_about_the_repair_cafe_is_found_under_the_suggestion(client, demo):
    assert "Repair-Café Winz-Baak" in hit_titles(search_page(client, "Repair-Café"))
