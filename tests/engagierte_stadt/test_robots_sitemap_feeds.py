"""robots.txt, sitemap.xml and the feeds: what crawlers and feed readers get."""

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.utils import timezone

from engagierte_stadt.models import Article
from quartiere.models import Publication
from tests.factories import (
    ArticleFactory,
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    PageFactory,
    ProjectFactory,
    QuartierFactory,
    TopicFactory,
)
from tests.partner.factories import PartnerFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_robots_txt_keeps_crawlers_out_of_admin_search_and_personal_links(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in (
        "/admin/",
        "/suche/",
        "/meine-daten/",
        "/mitmachen/anmeldung/",
        "/stadtteilkonferenzen/anmeldung/",
        "/stadtteilkonferenzen/mein-wunsch/",
        "/partner/bewerbung/",
    ):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert not any(line in ("Disallow: /", "Disallow: /mitmachen/") for line in lines)


def sitemap_locations(client) -> dict[str, str | None]:
    """Every address in the sitemap (through its index) with its lastmod."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    found = {}
    for section in index.iter(f"{SITEMAP}loc"):
        path = section.text.removeprefix("http://testserver")
        response = client.get(path)
        assert response.status_code == 200, path
        for url in ET.fromstring(response.content).iter(f"{SITEMAP}url"):
            lastmod = url.find(f"{SITEMAP}lastmod")
            loc = url.find(f"{SITEMAP}loc").text.removeprefix("http://testserver")
            found[loc] = lastmod.text if lastmod is not None else None
    return found


def test_sitemap_lists_every_published_object_with_lastmod_and_nothing_unpublished(client):
    later = timezone.now() + timezone.timedelta(days=2)
    quartier = QuartierFactory(slug="welper")
    published = [
        ProjectFactory(quartier=quartier),
        OpportunityFactory(),
        ConferenceFactory(),
        MeetingFactory(),
        PartnerFactory(),
        ArticleFactory(),
        PageFactory(slug="impressum"),
    ]
    draft = ProjectFactory(publication=Publication.DRAFT)
    hidden = [
        draft,
        ProjectFactory(publish_at=later),
        OpportunityFactory(is_published=False),
        OpportunityFactory(project=draft),
        PartnerFactory(is_published=False),
        ArticleFactory(status=Article.Status.DRAFT),
        ArticleFactory(publish_at=later),
    ]
    found = sitemap_locations(client)
    for item in published:
        url = item.get_absolute_url()
        assert url in found, url
        assert found[url] == timezone.localdate(item.updated_at).isoformat()
    for item in hidden:
        assert item.get_absolute_url() not in found
    for path in (
        "/",
        "/quartiere/",
        "/projekte/",
        "/mitmachen/",
        "/aktuelles/",
        "/quartiere/welper/",
    ):
        assert path in found


def test_sitemap_has_a_constant_query_budget(client, django_assert_max_num_queries):
    for _ in range(30):
        MeetingFactory()
        OpportunityFactory()
    # The index: per section of rows (Quartiere + 8 searchable kinds) its count and its newest
    # change; the section of list pages needs none.
    with django_assert_max_num_queries(2 + 2 * 8):
        client.get("/sitemap.xml")
    for section in ("termine", "mitmachen"):
        with django_assert_max_num_queries(3):  # the count and one page of rows
            response = client.get(f"/sitemap-{section}.xml")
        assert response.content.decode().count("<url>") >= 30


def test_news_feeds_parse_and_carry_only_published_articles(client):
    ArticleFactory(title="Frühlingsfest am Rathaus", teaser="Alle sind eingeladen.")
    ArticleFactory(title="Noch geheim", status=Article.Status.DRAFT)
    for path, version in (("/aktuelles/rss.xml", "rss20"), ("/aktuelles/atom.xml", "atom10")):
        feed = feedparser.parse(client.get(path).content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == version
        assert feed.feed.title == "Aktuelles"
        assert [entry.title for entry in feed.entries] == ["Frühlingsfest am Rathaus"]
        assert feed.entries[0].link.endswith("/aktuelles/neuigkeit-0/") or "/aktuelles/" in (
            feed.entries[0].link
        )


def test_opportunity_feed_is_narrowed_by_quartier_and_topic(client):
    welper = QuartierFactory(name="Welper", slug="welper")
    garden = TopicFactory(name="Garten", slug="garten")
    in_welper = ProjectFactory(quartier=welper, topics=[garden])
    OpportunityFactory(title="Beete gießen", project=in_welper)
    OpportunityFactory(title="Vorlesen in Blankenstein")
    OpportunityFactory(title="Versteckt", project=in_welper, is_published=False)
    everything = feedparser.parse(client.get("/mitmachen/rss.xml").content)
    assert not everything.bozo
    assert everything.feed.title == "Neue Mitmach-Angebote"
    assert {entry.title for entry in everything.entries} == {
        "Beete gießen",
        "Vorlesen in Blankenstein",
    }
    narrowed = feedparser.parse(
        client.get("/mitmachen/atom.xml?quartier=welper&topic=garten").content
    )
    assert not narrowed.bozo
    assert narrowed.feed.title == "Neue Mitmach-Angebote – Welper – Garten"
    assert [entry.title for entry in narrowed.entries] == ["Beete gießen"]
    assert client.get("/mitmachen/rss.xml?quartier=gibt-es-nicht").status_code == 404


def test_every_page_announces_the_feeds(client):
    html = client.get("/").content.decode()
    links = re.findall(
        r'<link rel="alternate" type="application/(rss|atom)\+xml" title="([^"]*)" href="([^"]*)">',
        html,
    )
    assert ("rss", "Aktuelles (RSS)", "/aktuelles/rss.xml") in links
    assert ("atom", "Neue Mitmach-Angebote (Atom)", "/mitmachen/atom.xml") in links


XHTML = "{http://www.w3.org/1999/xhtml}"


def test_sitemap_lists_each_page_in_both_languages_with_hreflang_alternates(client):
    project = ProjectFactory(quartier=QuartierFactory(slug="welper"))
    german = project.get_absolute_url()
    entries = {}
    index = ET.fromstring(client.get("/sitemap.xml").content)
    for section in index.iter(f"{SITEMAP}loc"):
        urlset = ET.fromstring(client.get(section.text.removeprefix("http://testserver")).content)
        for url in urlset.iter(f"{SITEMAP}url"):
            loc = url.find(f"{SITEMAP}loc").text.removeprefix("http://testserver")
            entries[loc] = {
                link.get("hreflang"): link.get("href").removeprefix("http://testserver")
                for link in url.iter(f"{XHTML}link")
            }
    alternates = {"de": german, "en": "/en" + german, "x-default": german}
    assert entries[german] == alternates
    assert entries["/en" + german] == alternates
    assert entries["/en/"] == {"de": "/", "en": "/en/", "x-default": "/"}
    assert client.get("/en" + german).status_code == 200


def test_feeds_in_english_under_en_with_english_links(client):
    ArticleFactory(title="Frühlingsfest am Rathaus")
    OpportunityFactory(title="Beete gießen")
    for path, title in (
        ("/en/aktuelles/rss.xml", "News"),
        ("/en/aktuelles/atom.xml", "News"),
        ("/en/mitmachen/rss.xml", "New opportunities"),
        ("/en/mitmachen/atom.xml", "New opportunities"),
    ):
        feed = feedparser.parse(client.get(path).content)
        assert not feed.bozo, (path, feed.bozo_exception)
        assert feed.feed.title == title, path
        assert feed.feed.language == "en", path
        assert "/en/" in feed.feed.link, path
        assert feed.entries and all("/en/" in entry.link for entry in feed.entries), path
    german = feedparser.parse(client.get("/aktuelles/rss.xml").content)
    assert german.feed.language == "de" and "/en/" not in german.entries[0].link


def test_english_pages_announce_the_english_feeds(client):
    html = client.get("/en/").content.decode()
    links = re.findall(r'type="application/(?:rss|atom)\+xml" title="([^"]*)" href="([^"]*)"', html)
    assert ("News (RSS)", "/en/aktuelles/rss.xml") in links
    assert ("New opportunities (Atom)", "/en/mitmachen/atom.xml") in links
