"""Administration reads the access log of personal data in the admin: who, when, which rows by
id, never a name; the page passes axe."""

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from engagierte_stadt.models import PersonalDataAccess
from tests.e2e.a11y import assert_accessible
from tests.e2e.staff import log_in_with_code


def test_administration_reads_the_access_log(page: Page, demo_site):
    from django.core.management import call_command

    from engagierte_stadt.submissions.capacity import signup_submit
    from quartiere.models import Opportunity, Signup

    call_command("setup_roles", stdout=io.StringIO())
    users = get_user_model().objects
    editor = users.create_user("welper-team", password="x", is_staff=True)
    opportunity = Opportunity.objects.first()
    for name in ["Wilma Quorrbeutel", "Otto Quorrbeutel"]:
        signup_submit(model=Signup, target=opportunity, name=name, email=f"{name[:4]}@x.example")
    signups = list(Signup.objects.filter(name__endswith="Quorrbeutel"))
    PersonalDataAccess.objects.create(
        user=editor,
        kind=PersonalDataAccess.Kind.EXPORT,
        model_label="quartiere.Signup",
        object_ids=[signup.pk for signup in signups],
        count=len(signups),
    )
    it = users.create_user("it-team", password="Verwaltung-2026!x", is_staff=True)
    it.groups.add(Group.objects.get(name="Administration"))

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_site + "/admin/engagierte_stadt/personaldataaccess/")
    log_in_with_code(page, it, "Verwaltung-2026!x")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zugriff auf personenbezogene")
    row = page.locator("#result_list tbody tr").first
    expect(row).to_contain_text("welper-team")
    expect(row).to_contain_text("als CSV exportiert")
    ids = ", ".join(str(signup.pk) for signup in signups)
    expect(row).to_contain_text(f"quartiere.Signup: {ids}")
    for signup in signups:
        expect(page.locator("#content")).not_to_contain_text(signup.name)
    expect(
        page.get_by_role("link", name="Zugriff auf personenbezogene Daten hinzufügen")
    ).to_have_count(0)
    page.screenshot(path="/tmp/audit_access_log.png", full_page=True)
    assert_accessible(page, "Zugriffsprotokoll im Admin")
