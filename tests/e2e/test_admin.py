"""City staff work in the Django admin under the portal's strict Content-Security-Policy."""

import io
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


def test_editor_sees_the_dashboard_of_their_district_only(page: Page, demo_site):
    """The admin index of an editor of Welper: the to-do list and the figures of Welper, each
    figure a table whose bars are SVG drawn on the server; axe finds nothing to fix."""
    from django.core.management import call_command

    from quartiere.models import Quartier, QuartierAssignment

    call_command("setup_roles", stdout=io.StringIO())
    editor = get_user_model().objects.create_user("welper-team", password="Quartier-2026!x")
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Quartiersentwicklung"))
    QuartierAssignment.objects.create(user=editor, quartier=Quartier.objects.get(slug="welper"))

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_site + "/admin/")
    log_in_with_code(page, editor, "Quartier-2026!x")
    expect(page.get_by_role("heading", name="Zu tun in Ihren Quartieren")).to_be_visible()
    per_district = page.get_by_role("table", name="Bestätigte Anmeldungen pro Stadtteil")
    expect(per_district.get_by_role("rowheader")).to_have_text(["Welper"])
    coverage = page.get_by_role("table", name="Stadtteilkonferenzen und Wünsche")
    expect(coverage.get_by_role("rowheader")).to_have_text(["Welper"])
    expect(page.locator(".es-dashboard")).not_to_contain_text("Blankenstein")
    expect(page.locator(".es-bar").first).to_be_visible()
    assert_accessible(page, "Dashboard im Admin")

    page.set_viewport_size({"width": 375, "height": 667})
    assert_accessible(page, "Dashboard im Admin, Telefon")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scroll
    page.get_by_role("link", name="Alle bestätigten Anmeldungen").click()
    expect(page).to_have_url(re.compile(r"/admin/quartiere/signup/\?status__exact=confirmed$"))
    assert_accessible(page, "Anmeldungen aus dem Dashboard")
