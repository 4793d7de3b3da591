"""Every public page: language, title, one h1, skip link, footer links, headers, cookies."""

import re

import pytest

from tests.html import find_all, parse

PUBLIC_URLS = [
    "/",
    "/quartiere/",
    "/quartiere/blankenstein/",
    "/quartiere/rauendahl/",
    "/aktuelles/",
    "/aktuelles/hattingen-ist-engagierte-stadt/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/gebaerdensprache/",
    "/kontakt/",
    "/ueber-das-programm/",
    "/projekte/",
    "/mitmachen/",
    "/stadtteilkonferenzen/",
    "/partner/",
    "/projekte/quartiersentwicklung-im-rauendahl/",
    "/mitmachen/rauendahl-beete-bepflanzen/",
    "/projekte/?quartier=welper&status=laeuft",
    "/mitmachen/?suitable=youth",
]
FORM_URLS = {"/barrierefreiheit/", "/mitmachen/rauendahl-beete-bepflanzen/"}
FOOTER_LINKS = [
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/gebaerdensprache/",
    "/kontakt/",
]


@pytest.fixture
def pages(demo, client):
    return {url: client.get(url) for url in PUBLIC_URLS}


def test_every_public_page_answers_ok(pages):
    assert {url: r.status_code for url, r in pages.items()} == dict.fromkeys(PUBLIC_URLS, 200)


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_page_is_german_with_one_h1_and_skip_link_first(demo, client, url):
    html = client.get(url).content.decode()
    doc = parse(html)
    assert find_all(html, "html")[0]["lang"] == "de"
    assert len(doc.h1_texts) == 1 and doc.h1_texts[0].strip()
    first_link = next(attrs for tag, attrs in doc.elements if tag == "a")
    assert first_link["href"] == "#inhalt"
    assert find_all(html, "main", id="inhalt")
    hrefs = {a.get("href") for a in find_all(html, "a")}
    assert set(FOOTER_LINKS) <= hrefs


def test_every_page_has_its_own_title(pages):
    titles = [parse(r.content.decode()).title.strip() for r in pages.values()]
    assert all(titles)
    assert len(set(titles)) == len(titles), titles


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_csp_forbids_inline_script_and_other_hosts(demo, client, url):
    csp = client.get(url)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_pages_load_nothing_from_other_hosts(pages):
    for url, response in pages.items():
        html = response.content.decode()
        for tag, attr in [("script", "src"), ("link", "href"), ("img", "src")]:
            for attrs in find_all(html, tag):
                if attrs.get("rel") == "canonical" or attrs.get("hreflang"):
                    # The page's own address (in a language), absolute by design, never loaded.
                    assert attrs["href"].startswith("http://testserver/"), (url, attrs)
                    continue
                value = attrs.get(attr) or ""
                assert not value.startswith(("http:", "https:", "//")), (url, value)


def test_anonymous_visitor_gets_no_cookie_on_pages_without_form(pages):
    for url, response in pages.items():
        if url in FORM_URLS:
            continue
        assert not response.cookies, (url, list(response.cookies))


def test_form_page_sets_only_the_csrf_cookie(demo, client):
    response = client.get("/barrierefreiheit/")
    assert list(response.cookies) == ["csrftoken"]


def test_security_headers_are_sent(demo, client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_address_gets_styled_404_page(demo, client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Diese Seite gibt es nicht" in html
    assert find_all(html, "html")[0]["lang"] == "de"
    assert len(parse(html).h1_texts) == 1


def test_main_navigation_marks_current_section(demo, client):
    html = client.get("/quartiere/welper/").content.decode()
    current = find_all(html, "a", aria_current="page")
    assert any(a["href"] == "/quartiere/" for a in current)


def test_known_page_not_yet_written_still_answers(db, client):
    from engagierte_stadt.models import Page

    Page.objects.filter(slug="impressum").delete()  # in case the module's demo is loaded
    response = client.get("/impressum/")
    assert response.status_code == 200
    assert "Diese Seite wird gerade erstellt" in response.content.decode()


def test_footer_shows_contact_from_site_settings(demo, client):
    html = client.get("/").content.decode()
    assert "engagement@hattingen.example" in html


def test_favicon_ico_points_to_the_site_icon(db, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"


def test_machine_readable_times_are_valid_html(db, client):
    """`<time datetime>` carries whole seconds: HTML allows at most three digits of a second
    (the Nu Html Checker refused the six that Django's `date:'c'` writes)."""
    from tests.factories import ArticleFactory, PageFactory

    PageFactory(slug="impressum")
    article = ArticleFactory()
    for url in ("/impressum/", article.get_absolute_url(), "/aktuelles/"):
        html = client.get(url).content.decode()
        stamps = re.findall(r'<time datetime="([^"]*)"', html)
        assert stamps, url
        for stamp in stamps:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp), (url, stamp)
