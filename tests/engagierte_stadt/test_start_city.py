"""`manage.py start_city`: another town's empty portal, with no trace of Hattingen."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import get_resolver

from engagierte_stadt.models import Page, SiteSettings
from engagierte_stadt.urlwords import _routes, _Variable
from quartiere.models import Quartier
from tests.factories import QuartierFactory

DISTRICTS_CSV = """name;art;gehoert_zu;kurztext
Altstadt;Stadtteil;;Rund um den Marktplatz
Südviertel;Stadtteil;;
Am Mühlenbach;Quartier;Südviertel;Das Quartier am Bach
"""
# Routes that are no page for visitors: the health check answers 503 until the jobs ran,
# the favicon redirects to the static file.
NOT_PAGES = {"healthz", None}


@pytest.fixture
def districts(tmp_path):
    path = tmp_path / "stadtteile.csv"
    path.write_text(DISTRICTS_CSV, encoding="utf-8-sig")  # as Excel saves it
    return path


def start_city(districts, city="Musterstadt", **options):
    out = io.StringIO()
    call_command("start_city", city, str(districts), stdout=out, **options)
    return out.getvalue()


def public_pages() -> list[str]:
    """Every address of the URLconf without a parameter, outside the admin, plus every
    Stadtteil's page and every editable page."""
    paths = [
        "/" + "/".join(route.segments)
        for route in _routes(get_resolver())
        if not any(isinstance(segment, _Variable) for segment in route.segments)
        and route.segments[0] != "admin"
        and route.name not in NOT_PAGES
    ]
    paths += [quartier.get_absolute_url() for quartier in Quartier.objects.all()]
    paths += [page.get_absolute_url() for page in Page.objects.all()]
    return sorted(set(paths))


def test_every_public_page_of_a_new_town_renders_without_hattingen(db, client, districts):
    start_city(districts)
    pages = public_pages()
    assert "/quartiere/altstadt/" in pages and "/impressum/" in pages
    assert len(pages) > 25
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "hattingen" not in response.content.decode().lower(), path
    home = client.get("/").content.decode()
    assert "Engagierte Stadt Musterstadt" in home
    assert "Ein Angebot der Stadt Musterstadt" in home


def test_stadtteile_and_quartiere_come_from_the_csv(db, districts):
    out = start_city(districts)
    assert "3 Stadtteile and Quartiere" in out
    sued = Quartier.objects.get(slug="suedviertel")
    assert sued.name == "Südviertel" and sued.kind == Quartier.Kind.DISTRICT
    bach = Quartier.objects.get(slug="am-muehlenbach")
    assert bach.kind == Quartier.Kind.NEIGHBOURHOOD and bach.parent == sued
    assert Quartier.objects.get(slug="altstadt").teaser == "Rund um den Marktplatz"
    assert SiteSettings.load().city_name == "Musterstadt"
    impressum = Page.objects.get(slug="impressum")
    assert "Platzhalter" in impressum.body
    assert set(Page.objects.values_list("slug", flat=True)) == set(Page.Slug.values)


def test_start_city_refuses_a_portal_that_has_content(db, districts):
    QuartierFactory(name="Welper")
    with pytest.raises(CommandError, match="already has content"):
        start_city(districts)
    assert not SiteSettings.objects.exists()


@pytest.mark.parametrize(
    "csv_text, message",
    [
        ("stadtteil\nAltstadt\n", "at least 'name'"),
        ("name,art\nAltstadt,Dorf\n", "'art' must be"),
        ("name,gehoert_zu\nAm Bach,Nirgendwo\n", "not a Stadtteil of the file"),
        ("name,slug\nAltstadt,altstadt\nNeustadt,altstadt\n", "line 3"),
    ],
)
def test_a_bad_csv_is_refused_with_its_line(db, tmp_path, csv_text, message):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        start_city(path)
    assert not Quartier.objects.exists()
