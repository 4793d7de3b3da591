"""Page weight: what a visitor's phone downloads, and how often.

Every page describes itself for search engines (meta description), every picture has its
size before it loads (no jumping layout), HTML goes compressed with Django's BREACH padding,
pictures are not compressed twice, and uploads may stay in the browser cache.
"""

import gzip

from django.core.files.base import ContentFile

from engagierte_stadt.models import Article, Page, SiteSettings
from konferenzen.models import Conference, Meeting
from partner.models import Partner
from quartiere.models import Opportunity, Project, Quartier
from tests.html import find_all
from tests.picture_files import encode, picture


def demo_pages() -> list[str]:
    """Every public page type, on demo rows."""
    welper = Quartier.objects.get(slug="welper")
    first = lambda queryset: queryset.order_by("pk").first().get_absolute_url()  # noqa: E731
    return [
        "/",
        "/mitmachen/",
        "/mitmachen/?quartier=welper",
        first(Opportunity.search_queryset()),
        "/projekte/",
        first(Project.search_queryset()),
        "/quartiere/",
        welper.get_absolute_url(),
        "/stadtteilkonferenzen/",
        first(Conference.search_queryset()),
        first(Meeting.search_queryset()),
        "/partner/",
        first(Partner.search_queryset()),
        "/aktuelles/",
        first(Article.search_queryset()),
        *[page.get_absolute_url() for page in Page.objects.all()],
        "/barrierefreiheit/",
        "/mitmachen/finden/?stadtteil=welper&nachbarn=on",
        "/suche/?q=Nachbarn",
    ]


def test_every_public_page_has_one_meta_description(demo, client):
    for url in demo_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        descriptions = find_all(response.content.decode(), "meta", name="description")
        assert len(descriptions) == 1, url
        content = descriptions[0].get("content", "").strip()
        # Search engines show about 160 characters; link previews (branch "sharing") use 200.
        assert 20 <= len(content) <= 200, (url, content)


def test_a_quartier_describes_itself_with_its_teaser(demo, client):
    welper = Quartier.objects.get(slug="welper")
    welper.teaser = "Welper: Nachbarschaft an der Ruhr, mit Bürgerzentrum und Repaircafé."
    welper.save()
    html = client.get(welper.get_absolute_url()).content.decode()
    assert find_all(html, "meta", name="description")[0]["content"] == welper.teaser


def test_every_image_on_the_demo_home_page_has_width_and_height(demo, client):
    images = find_all(client.get("/").content.decode(), "img")
    assert images, "the demo home page shows pictures"
    for image in images:
        assert int(image["width"]) > 0 and int(image["height"]) > 0, image


def test_the_site_logo_gets_a_width_in_proportion_to_its_height(db, client):
    site = SiteSettings.load()
    site.logo_alt = "Logo der Stadt"
    site.logo.save("logo.png", ContentFile(encode(picture((400, 100)), "PNG")))
    html = client.get("/").content.decode()
    (logo,) = find_all(html, "img", alt="Logo der Stadt")
    assert (logo["width"], logo["height"]) == ("224", "56")


def gzip_response(client, url):
    return client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")


def test_html_is_gzip_compressed_for_browsers_that_accept_it(demo, client):
    response = gzip_response(client, "/")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"<!DOCTYPE html>" in gzip.decompress(response.content)
    assert "Content-Encoding" not in client.get("/").headers  # no Accept-Encoding: plain


def test_compressed_pages_carry_random_length_padding_against_breach(demo, client):
    """Django's GZipMiddleware writes 0–99 random bytes as the gzip file name (FNAME flag),
    so the same page compresses to different lengths; plain gzip would give one length."""
    bodies = [gzip_response(client, "/impressum/").content for _ in range(8)]
    assert all(body[3] & gzip.FNAME for body in bodies)
    assert len({len(body) for body in bodies}) > 1
    assert len({gzip.decompress(body) for body in bodies}) == 1


def test_a_form_page_with_a_csrf_token_is_compressed_with_the_padding(demo, client):
    url = Opportunity.search_queryset().order_by("pk").first().get_absolute_url()
    response = gzip_response(client, url)  # the sign-up form sits on the page
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in gzip.decompress(response.content)
    assert response.content[3] & gzip.FNAME


def test_pictures_are_served_uncompressed_with_a_long_cache_lifetime(demo, client, settings):
    project = Project.search_queryset().filter(images__isnull=False).first()
    url = project.images.first().image.url
    assert url.startswith("/media/")
    response = gzip_response(client, url)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert f"max-age={settings.MEDIA_CACHE_SECONDS}" in cache_control
    assert settings.MEDIA_CACHE_SECONDS >= 30 * 24 * 60 * 60


def test_feeds_are_compressed_too(demo, client):
    response = gzip_response(client, "/aktuelles/rss.xml")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert b"<rss" in gzip.decompress(response.content)


def test_every_image_on_every_public_demo_page_has_width_and_height(demo, client):
    """No picture makes the page jump while it loads: each <img> says its size up front."""
    seen = 0
    for url in demo_pages():
        html = client.get(url).content.decode()
        for image in find_all(html, "img"):
            assert image.get("width", "").isdigit() and image.get("height", "").isdigit(), (
                url,
                image,
            )
            seen += 1
    assert seen >= 10, "the demo pages show pictures"


def test_production_serves_static_files_under_hashed_names_for_ever():
    """collectstatic writes hashed, pre-compressed copies; WhiteNoise sends those as
    immutable for ten years and the few unhashed names for a minute."""
    from tests.engagierte_stadt.test_settings import run_settings

    result = run_settings(
        {"DJANGO_SECRET_KEY": "k" * 50},
        "from django.conf import settings; from whitenoise.middleware import WhiteNoiseMiddleware;"
        " from django.contrib.staticfiles.storage import staticfiles_storage as s;"
        " s.hashed_files = {'css/site.css': 'css/site.0123456789ab.css'};"  # as in the manifest
        " m = WhiteNoiseMiddleware(lambda r: None);"
        " print(settings.STORAGES['staticfiles']['BACKEND']);"
        " print(m.immutable_file_test('', '/static/css/site.0123456789ab.css'),"
        " m.immutable_file_test('', '/static/css/site.css'))",
    )
    assert result.returncode == 0, result.stderr
    backend, immutable = result.stdout.strip().splitlines()
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert immutable.split() == ["True", "False"]


def test_the_favicon_comes_inside_the_page(db, client):
    """One request less on a first view: the small SVG icon is a data: URL."""
    from pathlib import Path
    from urllib.parse import unquote

    from django.conf import settings

    (icon,) = find_all(client.get("/").content.decode(), "link", rel="icon")
    assert icon["href"].startswith("data:image/svg+xml,")
    svg = (Path(settings.BASE_DIR) / "static" / "img" / "favicon.svg").read_text().strip()
    assert unquote(icon["href"].removeprefix("data:image/svg+xml,")) == svg
