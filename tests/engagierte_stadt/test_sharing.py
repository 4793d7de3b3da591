"""Link previews and structured data: what a messenger or a search engine reads in a page."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.sharing import jsonld_script
from tests.engagierte_stadt.test_robots_sitemap_feeds import sitemap_locations
from tests.factories import ArticleFactory, ProjectFactory
from tests.partner.factories import PartnerFactory
from tests.picture_files import encode, picture

pytestmark = pytest.mark.django_db

BREAKOUT = "Sommerfest </script><script>alert('x')</script><!-- & mehr"

# Pages that are not in the sitemap but public all the same.
EXTRA_PAGES = [
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/leichte-sprache/",
    "/suche/?q=Garten",
    "/offene-daten/",
    "/partner/partner-werden/",
    "/mitmachen/finden/",
    "/partner/fuer-unternehmen/",
    "/partner/netzwerk/",
    "/stadtteilkonferenzen/archiv/",
]


class HeadReader(HTMLParser):
    """The meta and link elements and the JSON-LD blocks of a page's head."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.jsonld: list[str] = []
        self.scripts = 0
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta.setdefault(key, attrs.get("content", ""))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.links["canonical"] = attrs["href"]
        elif tag == "script":
            self.scripts += 1
            if attrs.get("type") == "application/ld+json":
                self._in_jsonld = True
                self.jsonld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data


def read_head(client, path) -> HeadReader:
    response = client.get(path)
    assert response.status_code == 200, path
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def structured(reader) -> list[dict]:
    return [json.loads(block) for block in reader.jsonld]


def types(reader) -> set[str]:
    return {data["@type"] for data in structured(reader)}


@pytest.fixture
def pages(demo, client):
    found = list(sitemap_locations(client)) + EXTRA_PAGES
    assert len(found) > 60  # the demo: projects, opportunities, meetings, partners, …
    return found


def test_every_public_page_has_title_description_url_and_canonical(client, pages):
    for path in pages:
        head = read_head(client, path)
        for key in ("og:title", "og:description", "og:url", "description", "twitter:card"):
            assert head.meta.get(key, "").strip(), f"{path}: no {key}"
        assert head.meta["og:url"].startswith("http://testserver/"), path
        assert head.links["canonical"] == head.meta["og:url"], path
        # The demo has a default picture, so every page has one to share.
        assert head.meta.get("og:image", "").startswith("http://testserver/media/"), path
        for block in structured(head):  # every JSON-LD block of every page parses
            assert block["@context"] == "https://schema.org"


def test_a_page_with_a_picture_shares_a_rendition_of_it(client, pages):
    with_picture = [
        path for path in pages if path.startswith("/projekte/") and path != "/projekte/"
    ]
    assert with_picture
    for path in with_picture:
        head = read_head(client, path)
        image = head.meta.get("og:image", "")
        assert image.startswith("http://testserver/media/"), path
        assert "renditions" in image and image.endswith(".jpg"), image
        assert head.meta["og:image:width"] == "800" and head.meta["og:image:height"] == "450"
        assert head.meta["og:image:alt"]
        assert head.meta["twitter:card"] == "summary_large_image"


def test_a_page_without_picture_shares_the_default_picture_of_the_site_settings(demo, client):
    site = SiteSettings.load()
    assert site.share_image  # the demo has one
    site.share_image = None
    site.save()
    head = read_head(client, "/quartiere/")
    assert "og:image" not in head.meta
    assert head.meta["twitter:card"] == "summary"

    site.share_image_alt = "Blick über die Altstadt"
    site.share_image.save("vorschau.jpg", ContentFile(encode(picture((1600, 900)))))
    head = read_head(client, "/quartiere/")
    assert head.meta["og:image"].startswith("http://testserver/media/")
    assert head.meta["og:image:alt"] == "Blick über die Altstadt"
    assert head.meta["twitter:card"] == "summary_large_image"


def test_detail_pages_carry_their_schema_org_type(demo, client):
    project = ProjectFactory(publication="published")
    partner = PartnerFactory(is_published=True)
    article = ArticleFactory(status="published")
    assert "Project" in types(read_head(client, project.get_absolute_url()))
    assert "Organization" in types(read_head(client, partner.get_absolute_url()))
    news = structured(read_head(client, article.get_absolute_url()))
    assert news[0]["@type"] == "NewsArticle" and news[0]["headline"] == article.title
    opportunity = project.opportunities.create(
        title="Beete gießen", slug="beete-giessen", description="Gießen.", quartier=project.quartier
    )
    posting = structured(read_head(client, opportunity.get_absolute_url()))[0]
    assert posting["@type"] == "JobPosting" and posting["employmentType"] == "VOLUNTEER"


def test_home_page_describes_the_portal_and_its_site_search(demo, client):
    blocks = structured(read_head(client, "/"))
    by_type = {block["@type"]: block for block in blocks}
    assert set(by_type) == {"GovernmentOrganization", "WebSite"}
    action = by_type["WebSite"]["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/suche/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert read_head(client, "/suche/?q=Garten").meta  # the template's address answers


def test_staff_text_with_script_end_tag_cannot_break_out_of_json_ld(demo, client):
    project = ProjectFactory(publication="published", title=BREAKOUT, teaser=BREAKOUT)
    partner = PartnerFactory(is_published=True, name=BREAKOUT, teaser=BREAKOUT)
    article = ArticleFactory(status="published", title=BREAKOUT, teaser=BREAKOUT)
    for obj in (project, partner, article):
        html = client.get(obj.get_absolute_url()).content.decode()
        assert "<script>alert" not in html
        assert "</script><script>" not in html
        head = HeadReader()
        head.feed(html)
        data = structured(head)[0]
        assert BREAKOUT in json.dumps(data, ensure_ascii=False)
        # Only the page's own script elements: site.js and the one JSON-LD block.
        assert head.scripts == 2


def test_jsonld_script_escapes_every_character_that_could_end_the_block():
    html = str(jsonld_script({"name": BREAKOUT}))
    inner = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', html).group(1)
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == {"name": BREAKOUT}


def test_preview_and_meta_description_say_the_same(demo, client):
    head = read_head(client, "/partner/")
    assert head.meta["description"] == head.meta["og:description"]
    assert head.meta["og:description"].startswith("Vereine, Initiativen")
    project = ProjectFactory(publication="published", teaser="Wir **gießen** die Beete.")
    head = read_head(client, project.get_absolute_url())
    assert head.meta["description"] == head.meta["og:description"] == "Wir gießen die Beete."


def test_a_form_about_a_row_is_not_shared_as_the_rows_page(demo, client):
    from quartiere.models import Quartier

    for quartier in Quartier.objects.all():
        path = f"/stadtteilkonferenzen/wunsch/{quartier.slug}/"
        if client.get(path).status_code == 200:
            break
    else:
        pytest.fail("the demo has no Quartier with a wish form")
    head = read_head(client, path)
    assert head.meta["og:url"] == "http://testserver" + path
    assert head.links["canonical"] == "http://testserver" + path
    assert head.meta["og:title"] != quartier.name


def test_default_picture_needs_an_alternative_text(db):
    from django.core.exceptions import ValidationError

    site = SiteSettings.load()
    site.share_image_alt = ""
    site.share_image.save("vorschau.jpg", ContentFile(encode(picture((1600, 900)))), save=False)
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "share_image_alt" in error.value.message_dict
