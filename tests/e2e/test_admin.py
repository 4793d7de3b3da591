"""City staff work in the Django admin under the portal's strict Content-Security-Policy."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from engagierte_stadt.models import Article
from tests.e2e.a11y import assert_accessible, assert_page_basics
from tests.e2e.staff import log_in_with_code
from tests.images import image_bytes


def test_staff_member_publishes_news_with_photo_in_the_admin(page: Page, demo_site, tmp_path):
    staff = get_user_model().objects.create_user("redakteurin", password="Quartier-2026!x")
    staff.is_staff = True
    staff.save()
    staff.groups.add(Group.objects.get(name="Redaktion"))
    photo = tmp_path / "sommerfest.jpg"
    photo.write_bytes(image_bytes(size=(800, 450)))

    page.goto(demo_site + "/admin/")
    log_in_with_code(page, staff, "Quartier-2026!x")
    page.goto(demo_site + "/admin/engagierte_stadt/article/add/")
    # Typing the title fills in the address: the admin's own JavaScript runs under the CSP.
    page.locator("#id_title").press_sequentially("Sommerfest in Welper")
    expect(page.locator("#id_slug")).to_have_value("sommerfest-in-welper")
    page.fill("#id_teaser", "Nachbarinnen und Nachbarn feiern gemeinsam.")
    page.fill("#id_body", "Am Samstag feiert **Welper** sein Sommerfest.")
    page.set_input_files("#id_photo", str(photo))
    page.fill("#id_photo_alt", "Lange Tafel mit Menschen unter Bäumen")
    page.fill("#id_photo_credit", "Foto: Stadt Hattingen")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Sommerfest in Welper")

    article = Article.objects.get(slug="sommerfest-in-welper")
    assert article.is_published and article.photo

    page.goto(demo_site + "/aktuelles/")
    page.get_by_role("link", name="Sommerfest in Welper").click()
    expect(page).to_have_url(re.compile(r"/aktuelles/sommerfest-in-welper/$"))
    expect(page.get_by_role("img", name="Lange Tafel mit Menschen unter Bäumen")).to_be_visible()
    expect(page.locator("figcaption")).to_contain_text("Foto: Stadt Hattingen")
    assert_page_basics(page)
    assert_accessible(page, "Artikel aus dem Admin")
