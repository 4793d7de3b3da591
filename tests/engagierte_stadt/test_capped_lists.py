"""The filtered lists count only up to a limit (engagierte_stadt/pagination.py, issue #17):
beyond it they say "Mehr als …" and page on without a last page; below it nothing changes."""

import re

import pytest

from engagierte_stadt.pagination import CappedCountList
from partner.views import DirectoryView
from quartiere.views import ProjectListView
from tests.factories import ProjectFactory
from tests.partner.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="kern-title"><a [^>]*>([^<]+)</a>', html)


def pagination(html: str) -> str:
    return re.search(r'<nav class="site-pagination".*?</nav>', html, re.S)[0]


def test_projects_beyond_the_limit_say_more_than_and_page_on(client, monkeypatch):
    for number in range(5):
        ProjectFactory(title=f"Projekt {number}", slug=f"projekt-{number}")
    monkeypatch.setattr(CappedCountList, "count_limit", 3)
    monkeypatch.setattr(ProjectListView, "paginate_by", 2)
    pages = [client.get("/projekte/", {"page": n}) for n in (1, 2, 3)]
    assert [page.status_code for page in pages] == [200, 200, 200]
    html = [page.content.decode() for page in pages]
    for number, page in enumerate(html, start=1):
        assert 'role="status">Mehr als 3 Projekte gefunden</p>' in page
        assert f'<span aria-current="page">Seite {number}</span>' in pagination(page)
        assert " von " not in pagination(page)
    assert [t for page in html for t in titles(page)] == [f"Projekt {n}" for n in range(5)]
    assert 'rel="next"' in pagination(html[1]) and 'rel="next"' not in pagination(html[2])
    assert client.get("/projekte/", {"page": 4}).status_code == 404


def test_projects_below_the_limit_are_counted_exactly(client, monkeypatch):
    for number in range(3):
        ProjectFactory(title=f"Projekt {number}", slug=f"projekt-{number}")
    monkeypatch.setattr(CappedCountList, "count_limit", 3)
    monkeypatch.setattr(ProjectListView, "paginate_by", 2)
    html = client.get("/projekte/", {"page": 2}).content.decode()
    assert 'role="status">3 Projekte gefunden</p>' in html
    assert '<span aria-current="page">Seite 2 von 2</span>' in html


def test_partners_beyond_the_limit_say_more_than(client, monkeypatch):
    for number in range(4):
        PartnerFactory(name=f"Verein {number}", slug=f"verein-{number}")
    monkeypatch.setattr(CappedCountList, "count_limit", 2)
    monkeypatch.setattr(DirectoryView, "paginate_by", 3)
    first = client.get("/partner/").content.decode()
    assert 'role="status">Mehr als 2 Partner gefunden</p>' in first
    assert 'href="?page=2" rel="next"' in first
    assert client.get("/partner/", {"page": 2}).status_code == 200
    assert client.get("/partner/", {"page": 3}).status_code == 404


def test_the_capped_count_is_one_query_that_stops_at_the_limit(django_assert_num_queries):
    for number in range(4):
        ProjectFactory(title=f"Projekt {number}", slug=f"projekt-{number}")
    from quartiere.models import Project

    listing = CappedCountList(Project.objects.order_by("title"))
    listing.count_limit = 2
    with django_assert_num_queries(1) as captured:
        assert listing.count() == 3
    assert "LIMIT 3" in captured.captured_queries[0]["sql"]
