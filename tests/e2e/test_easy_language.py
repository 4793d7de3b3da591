"""Leichte Sprache and Gebärdensprache in the browser: a sign-language video uploaded in the
admin plays in Chromium with its German captions; both pages pass axe in German and English."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from engagierte_stadt.models import Page as PortalPage
from tests.e2e.a11y import assert_accessible
from tests.e2e.staff import log_in_with_code
from tests.images import image_bytes

# A real 2-second H.264 video (160 × 90, 4 KB), made once with
# `ffmpeg -f lavfi -i testsrc=size=160x90:rate=10:duration=2 -c:v libx264 -profile:v baseline
#  -pix_fmt yuv420p -crf 35 -movflags +faststart gebaerden.mp4`, so CI needs no ffmpeg.
MP4 = Path(__file__).resolve().parent.parent / "fixtures" / "gebaerden.mp4"
VTT = """WEBVTT

00:00.000 --> 00:01.000
Willkommen im Portal der Engagierten Stadt.

00:01.000 --> 00:02.000
Hier finden Sie Angebote zum Mitmachen.
"""
PASSWORD = "Quartier-2026!x"


def test_sign_language_video_uploaded_in_the_admin_plays_with_captions(
    page: Page, demo_site, tmp_path
):
    staff = get_user_model().objects.create_user("redaktion-dgs", password=PASSWORD)
    staff.is_staff = True
    staff.save()
    staff.groups.add(Group.objects.get(name="Redaktion"))
    captions = tmp_path / "untertitel.vtt"
    captions.write_text(VTT, encoding="utf-8")
    poster = tmp_path / "vorschau.png"
    poster.write_bytes(image_bytes(fmt="PNG", size=(320, 180)))
    dgs = PortalPage.objects.get(slug=PortalPage.Slug.GEBAERDENSPRACHE)

    # Before the city's videos exist, the page says so.
    page.goto(demo_site + "/gebaerdensprache/")
    notice = page.get_by_text("Die Videos in Deutscher Gebärdensprache werden vorbereitet")
    expect(notice).to_be_visible()
    assert_accessible(page, "Gebärdensprache ohne Video")

    page.goto(demo_site + "/admin/")
    log_in_with_code(page, staff, PASSWORD)
    page.goto(demo_site + f"/admin/engagierte_stadt/page/{dgs.pk}/change/")
    page.set_input_files("#id_video", str(MP4))
    page.set_input_files("#id_video_captions", str(captions))
    page.set_input_files("#id_video_poster", str(poster))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Gebärdensprache")

    page.goto(demo_site + "/gebaerdensprache/")
    video = page.locator("video")
    expect(video).to_be_visible()
    expect(page.get_by_text("werden vorbereitet")).to_have_count(0)
    # Muted, because Chromium plays without a click only what makes no sound.
    state = page.evaluate(
        """async () => {
            const video = document.querySelector("video");
            video.muted = true;
            await video.play();
            await new Promise((resolve) => {
                const check = () => video.currentTime > 0.3 ? resolve() : setTimeout(check, 50);
                check();
            });
            const track = video.textTracks[0];
            await new Promise((resolve) => {
                const check = () => (track.cues?.length ? resolve() : setTimeout(check, 50));
                check();
            });
            return {
                playing: !video.paused && video.currentTime > 0,
                error: video.error && video.error.code,
                width: video.videoWidth,
                tracks: Array.from(video.textTracks).map((t) => ({
                    kind: t.kind, language: t.language, mode: t.mode, cues: t.cues.length,
                })),
            };
        }"""
    )
    assert state["playing"] and state["error"] is None and state["width"] == 160, state
    assert state["tracks"] == [{"kind": "captions", "language": "de", "mode": "showing", "cues": 2}]
    assert_accessible(page, "Gebärdensprache mit Video")
    page.screenshot(path="/tmp/gebaerdensprache-video.png")

    page.goto(demo_site + "/en/gebaerdensprache/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("video track[kind=captions][srclang=de]")).to_have_count(1)
    assert_accessible(page, "Gebärdensprache mit Video, englisch")


@pytest.mark.parametrize(
    "path", ["/leichte-sprache/", "/en/leichte-sprache/", "/en/gebaerdensprache/"]
)
def test_easy_language_and_sign_language_pages_pass_axe(page: Page, demo_site_readonly, path):
    page.goto(demo_site_readonly + path)
    expect(page.locator("h1 .kern-icon")).to_have_count(1)
    assert_accessible(page, path)


def test_easy_language_page_has_large_text_and_fits_a_small_phone(new_context, demo_site_readonly):
    context = new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(demo_site_readonly + "/leichte-sprache/")
    expect(page.get_by_role("heading", name="Wie lösche ich meine Daten?")).to_be_visible()
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.site-prose p')).fontSize)"
    )
    assert size >= 21  # 1.375 rem: larger than the 18 px of other pages' text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="/tmp/leichte-sprache-320.png")
