"""Error pages are German, styled and keep the site's navigation."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from engagierte_stadt.urls import urlpatterns as site_urlpatterns
from tests.html import find_all, parse


def _raise(exception):
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("kaputt/", _raise(RuntimeError("boom"))),
    path("verboten/", _raise(PermissionDenied())),
    path("unsinn/", _raise(SuspiciousOperation("bad"))),
    *site_urlpatterns,
]
handler400 = "engagierte_stadt.views.bad_request"
handler403 = "engagierte_stadt.views.permission_denied"
handler404 = "engagierte_stadt.views.page_not_found"


@pytest.fixture
def error_client(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/kaputt/", 500, "Bei uns ist etwas schiefgegangen"),
        ("/verboten/", 403, "Diese Seite dürfen Sie nicht öffnen"),
        ("/unsinn/", 400, "Diese Anfrage konnten wir nicht verstehen"),
        ("/gibt-es-nicht/", 404, "Diese Seite gibt es nicht"),
    ],
)
def test_error_page_is_german_and_styled(db, error_client, url, status, heading):
    response = error_client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert parse(html).h1_texts == [heading]
    assert find_all(html, "html")[0]["lang"] == "de"
    assert any("site.css" in (link.get("href") or "") for link in find_all(html, "link"))
    assert 'href="/impressum/"' in html


def test_csrf_failure_explains_what_to_do(db, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/barrierefreiheit/", {"message": "x"})
    assert response.status_code == 403
    assert "Das Formular konnte nicht gesendet werden" in response.content.decode()
