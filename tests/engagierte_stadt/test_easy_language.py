"""Leichte Sprache and sign language as content: the Leichte-Sprache page, the easy-language
version of projects, opportunities and conferences, and self-hosted videos with captions."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from engagierte_stadt.media_files import validate_captions, validate_video
from engagierte_stadt.models import Page
from tests.factories import (
    ConferenceFactory,
    OpportunityFactory,
    PageFactory,
    ProjectFactory,
    login_staff,
)
from tests.html import find_all
from tests.images import image_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MP4 = (FIXTURES / "gebaerden.mp4").read_bytes()
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWillkommen im Portal.\n"
# The start of a real WebM file: the EBML header naming the document type "webm".
WEBM_HEAD = bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d") + b"\0" * 64


def mp4_upload(data=MP4, name="gebaerden.mp4"):
    return SimpleUploadedFile(name, data, content_type="video/mp4")


def vtt_upload(data=VTT, name="untertitel.vtt"):
    return SimpleUploadedFile(name, data, content_type="text/vtt")


@pytest.fixture
def redaktion(db, client):
    user = get_user_model().objects.create_superuser("redaktion", "r@hattingen.example", "x")
    login_staff(client, user)
    return client


def admin_post(client, page: Page, **files):
    data = {
        "slug": page.slug,
        "title": page.title,
        "lead": page.lead,
        "body": page.body,
        "style": page.style,
        **files,
    }
    return client.post(f"/admin/engagierte_stadt/page/{page.pk}/change/", data)


# --- Checking uploads by content ------------------------------------------------------------


def test_real_mp4_and_webm_headers_pass_the_video_check():
    validate_video(mp4_upload())
    validate_video(SimpleUploadedFile("x.webm", WEBM_HEAD, content_type="video/webm"))


@pytest.mark.parametrize(
    "data",
    [
        b"Das ist kein Video, nur Text mit der Endung .mp4",
        image_bytes(fmt="PNG"),
        b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ",  # QuickTime, not MP4
        b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska",  # Matroska, not WebM
    ],
)
def test_fake_video_is_refused_by_content_whatever_its_name(data):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        validate_video(mp4_upload(data))
    assert error.value.code == "not_video"


@pytest.mark.parametrize("data", [b"WEBVTT\n", b"\xef\xbb\xbfWEBVTT - Untertitel\r\n\r\n"])
def test_webvtt_passes_the_caption_check(data):
    validate_captions(vtt_upload(data))


@pytest.mark.parametrize(
    "data", [b"1\n00:00:00,000 --> 00:00:02,000\nSRT\n", b"WEBVTTX\n", b"\xff\xfeW\x00"]
)
def test_other_caption_formats_are_refused(data):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        validate_captions(vtt_upload(data))
    assert error.value.code == "not_webvtt"


# --- The admin form -------------------------------------------------------------------------


def test_admin_refuses_a_fake_video_with_a_german_message_and_stores_nothing(redaktion):
    page = PageFactory(slug=Page.Slug.GEBAERDENSPRACHE, title="Gebärdensprache")
    response = admin_post(
        redaktion,
        page,
        video=mp4_upload(b"%PDF-1.4 ein umbenanntes Dokument", name="video.mp4"),
        video_captions=vtt_upload(),
    )
    assert response.status_code == 200  # the form again, with the message next to the field
    html = response.content.decode()
    assert "Diese Datei ist kein Video im Format MP4 oder WebM." in html
    page.refresh_from_db()
    assert not page.video and not page.video_captions


def test_admin_refuses_a_caption_file_that_is_not_webvtt(redaktion):
    page = PageFactory(slug=Page.Slug.GEBAERDENSPRACHE, title="Gebärdensprache")
    response = admin_post(
        redaktion, page, video=mp4_upload(), video_captions=vtt_upload(b"Hallo", name="x.vtt")
    )
    assert "Diese Datei ist keine Untertitel-Datei im Format WebVTT." in response.content.decode()
    page.refresh_from_db()
    assert not page.video


def test_admin_refuses_a_video_without_captions(redaktion):
    page = PageFactory(slug=Page.Slug.GEBAERDENSPRACHE, title="Gebärdensprache")
    response = admin_post(redaktion, page, video=mp4_upload())
    assert "Ein Video braucht Untertitel." in response.content.decode()
    page.refresh_from_db()
    assert not page.video


def test_admin_stores_video_and_captions_under_random_names(redaktion):
    page = PageFactory(slug=Page.Slug.GEBAERDENSPRACHE, title="Gebärdensprache")
    response = admin_post(
        redaktion,
        page,
        video=mp4_upload(name="Max Mustermann DGS.mp4"),
        video_captions=vtt_upload(name="Max Mustermann.vtt"),
        video_poster=SimpleUploadedFile("poster.png", image_bytes(fmt="PNG", size=(160, 90))),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.video.name.startswith("videos/") and page.video.name.endswith(".mp4")
    assert page.video_captions.name.endswith(".vtt")
    assert "Mustermann" not in page.video.name + page.video_captions.name
    assert page.video_poster


def test_admin_page_list_shows_which_pages_must_be_checked(redaktion):
    PageFactory(slug=Page.Slug.LEICHTE_SPRACHE, title="Leichte Sprache", needs_review=True)
    html = redaktion.get("/admin/engagierte_stadt/page/").content.decode()
    assert "vor Veröffentlichung prüfen lassen" in html
    assert find_all(html, "td", **{"class": "field-needs_review"})


# --- Public pages ---------------------------------------------------------------------------


def test_page_with_video_shows_player_with_german_captions(client, db):
    page = PageFactory(slug=Page.Slug.GEBAERDENSPRACHE, title="Gebärdensprache")
    page.video.save("v.mp4", mp4_upload(), save=False)
    page.video_captions.save("c.vtt", vtt_upload(), save=False)
    page.save()
    html = client.get("/gebaerdensprache/").content.decode()
    (video,) = find_all(html, "video")
    assert "controls" in video
    (source,) = find_all(html, "source")
    assert source["src"] == page.video.url and source["type"] == "video/mp4"
    (track,) = find_all(html, "track")
    assert track["kind"] == "captions" and track["srclang"] == "de" and "default" in track
    assert "werden vorbereitet" not in html


def test_sign_language_page_without_video_says_the_videos_are_being_prepared(client, db):
    PageFactory(slug=Page.Slug.GEBAERDENSPRACHE, title="Gebärdensprache")
    html = client.get("/gebaerdensprache/").content.decode()
    assert "Die Videos in Deutscher Gebärdensprache werden vorbereitet" in html
    assert not find_all(html, "video")


def test_csp_allows_media_from_the_portal_only(client, db):
    csp = client.get("/gebaerdensprache/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["media-src"] == "'self'"


def test_demo_easy_language_page_explains_the_portal_in_large_text(demo, client):
    page = Page.objects.get(slug=Page.Slug.LEICHTE_SPRACHE)
    assert page.needs_review and page.style == Page.Style.EASY
    html = client.get("/leichte-sprache/").content.decode()
    assert find_all(html, "article", **{"class": "site-page site-page--easy"})
    assert 'kern-icon kern-icon--easy-language kern-icon--large" aria-hidden="true"' in html
    for heading in (
        "Was ist dieses Portal?",
        "Wie finde ich etwas?",
        "Wie melde ich mich an?",
        "Wie lösche ich meine Daten?",
        "Ist das Portal barriere-frei?",
    ):
        assert f">{heading}</h2>" in html
    assert 'href="/barrierefreiheit/"' in html
    assert "Diesen Text muss die Stadt" not in html  # no placeholder notice


def test_easy_language_text_keeps_sentences_short(demo):
    """Leichte Sprache: one statement per sentence. A sentence of more than 12 words would be
    a sign of a second statement (the review group decides; this catches slips)."""
    import re

    body = Page.objects.get(slug=Page.Slug.LEICHTE_SPRACHE).body
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", body)
    sentences = [s for s in re.split(r"[.?!:\n]+", text) if s.strip()]
    long = [s for s in sentences if len(re.findall(r"\w+", s)) > 12]
    assert not long, long


@pytest.mark.parametrize("factory", [ProjectFactory, OpportunityFactory, ConferenceFactory])
def test_item_with_easy_language_links_to_it(client, db, factory):
    item = factory(easy_language="Wir treffen uns im Garten.\n\nAlle dürfen kommen.")
    html = client.get(item.get_absolute_url()).content.decode()
    links = [a for a in find_all(html, "a") if a.get("href") == "#leichte-sprache"]
    assert len(links) == 1
    (section,) = find_all(html, "section", id="leichte-sprache")
    assert "In Leichter Sprache</h2>" in html
    assert '<div class="site-prose" lang="de"><p>Wir treffen uns im Garten.</p>' in html


@pytest.mark.parametrize("factory", [ProjectFactory, OpportunityFactory, ConferenceFactory])
def test_item_without_easy_language_has_no_link_and_no_section(client, db, factory):
    item = factory()
    html = client.get(item.get_absolute_url()).content.decode()
    assert "#leichte-sprache" not in html and "In Leichter Sprache" not in html
