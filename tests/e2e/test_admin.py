"""City staff work in the Django admin under the portal's strict Content-Security-Policy."""

import csv
import io
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from engagierte_stadt.models import Article, EditorDigest
from engagierte_stadt.submissions.capacity import SignupStatus, Source
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


def csv_download(page: Page) -> list[list[str]]:
    """Run the selected action of the admin list and read the CSV file it downloads."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Ausführen").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_editor_works_in_their_district_only(page: Page, demo_site):
    """The journey of an editor of Welper: logs in with the second factor, sees the to-dos
    and figures of Welper only (each figure a table whose bars are SVG drawn on the server),
    lists only Welper's offers, publishes the minutes of a past meeting from the to-do list
    and exports Welper's sign-ups as CSV; axe finds nothing to fix on any of these pages."""
    from django.core.management import call_command
    from django.db.models import Q
    from django.utils import timezone

    from konferenzen.models import Meeting
    from quartiere.models import Opportunity, Quartier, QuartierAssignment, Signup

    call_command("setup_roles", stdout=io.StringIO())
    editor = get_user_model().objects.create_user("welper-team", password="Quartier-2026!x")
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name="Quartiersentwicklung"))
    QuartierAssignment.objects.create(user=editor, quartier=Quartier.objects.get(slug="welper"))
    welper = set(
        Quartier.objects.filter(Q(slug="welper") | Q(parent__slug="welper")).values_list(
            "pk", flat=True
        )
    )
    welper_names = set(Quartier.objects.filter(pk__in=welper).values_list("name", flat=True))
    others = set(Quartier.objects.exclude(pk__in=welper).values_list("name", flat=True))
    # The minutes of Welper's last meeting are written but not yet published.
    held = Meeting.objects.filter(
        conference__quartier__in=welper, starts_at__lt=timezone.now()
    ).exclude(status=Meeting.Status.CANCELLED)
    assert held.exists()
    held.update(minutes_published_at=None)
    unpublished = set(held.values_list("pk", flat=True))
    # Volunteers in Welper and elsewhere, confirmed.
    offers = {
        "welper": Opportunity.objects.filter(quartier__in=welper).first(),
        "elsewhere": Opportunity.objects.exclude(quartier__in=welper).first(),
    }
    Signup.objects.bulk_create(
        Signup(
            opportunity=offers[where],
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            source=Source.ONLINE,
            status=SignupStatus.CONFIRMED,
            confirmed_at=timezone.now(),
        )
        for where, name in [
            ("welper", "Wilma Welper"),
            ("welper", "Walter Welper"),
            ("elsewhere", "Berta Anderswo"),
        ]
    )

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_site + "/admin/")
    assert_accessible(page, "Anmeldung im Admin")
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
    page.set_viewport_size({"width": 1280, "height": 900})

    # The list of offers: Welper's, as many as there are, and no other Stadtteil's.
    page.goto(demo_site + "/admin/quartiere/opportunity/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(Opportunity.objects.filter(quartier__in=welper).count())
    expect(rows.first).to_contain_text(offers["welper"].title)
    for name in others:
        expect(page.locator("#result_list")).not_to_contain_text(name)
    assert_accessible(page, "Angebote im Admin")

    # From the to-do list to the meeting, whose minutes are published with the list's action.
    page.goto(demo_site + "/admin/")
    page.get_by_role("link", name=re.compile("kein veröffentlichtes Protokoll")).click()
    expect(page).to_have_url(re.compile(r"/admin/konferenzen/meeting/\?minutes=missing$"))
    meetings = page.locator("#result_list tbody tr")
    expect(meetings).to_have_count(len(unpublished))
    assert_accessible(page, "Treffen ohne Protokoll")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("publish_minutes")
    page.get_by_role("button", name="Ausführen").click()
    expect(page.locator(".messagelist")).to_contain_text("veröffentlicht")
    assert not Meeting.objects.filter(pk__in=unpublished, minutes_published_at__isnull=True)

    # The sign-ups, from the dashboard's link, exported as CSV: Welper's rows only.
    page.goto(demo_site + "/admin/")
    page.get_by_role("link", name="Alle bestätigten Anmeldungen").click()
    expect(page).to_have_url(re.compile(r"/admin/quartiere/signup/\?status__exact=confirmed$"))
    assert_accessible(page, "Anmeldungen aus dem Dashboard")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("export_csv")
    header, *lines = csv_download(page)
    district = header.index("Stadtteil oder Quartier")
    confirmed = Signup.objects.filter(
        opportunity__quartier__in=welper, status=SignupStatus.CONFIRMED
    )
    assert len(lines) == confirmed.count() > 0
    assert {line[district] for line in lines} <= welper_names
    names = sorted(line[header.index("Name")] for line in lines)
    assert names == sorted(confirmed.values_list("name", flat=True))
    assert "Wilma Welper" in names and "Berta Anderswo" not in names

    # The weekly digest by mail: the editor switches it off in the admin.
    page.goto(demo_site + "/admin/engagierte_stadt/editordigest/")
    box = page.get_by_role("checkbox", name="Wöchentliche Übersicht per E-Mail")
    expect(box).to_be_checked()
    assert_accessible(page, "Wochenübersicht abbestellen", preload=False)  # forms.css @import
    box.uncheck()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich")
    assert not EditorDigest.objects.get(user=editor).enabled
