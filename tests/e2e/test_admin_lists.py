"""Every change list of the admin fits a 1280 px screen: city staff see the columns that
matter without scrolling sideways; long names wrap instead of being cut off."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page

from engagierte_stadt.admin import SingletonAdmin
from engagierte_stadt.submissions.capacity import Source, signup_enter_by_staff
from quartiere.models import Opportunity, Signup
from tests.e2e.staff import log_in_with_code

PASSWORD = "Quartier-2026!x"

# How wide the results table is against the box it sits in, and which cells are cut off.
MEASURE = """() => {
  const table = document.querySelector("#result_list");
  if (!table) return null;
  const box = table.closest(".results") || table.parentElement;
  const clipped = [...table.querySelectorAll("th, td")]
    .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
    .map((cell) => cell.textContent.trim().slice(0, 40));
  return {table: table.scrollWidth, box: box.clientWidth, clipped: clipped.slice(0, 5)};
}"""


def change_lists() -> list[tuple[str, str]]:
    """(permission to view it, address) of every list; single-row admins open their row."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SingletonAdmin):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        found.append((f"{opts.app_label}.view_{opts.model_name}", url))
    return sorted(found, key=lambda pair: pair[1])


def too_wide(page: Page, base: str, urls: list[str], measured_lists: list) -> list:
    problems = []
    for url in urls:
        response = page.goto(base + url)
        assert response.status == 200, url
        measured = page.evaluate(MEASURE)
        if measured is None:
            continue  # an empty list has no table
        measured_lists.append(url)
        if measured["table"] > measured["box"] or measured["clipped"]:
            problems.append((url, measured))
    return problems


def sign_up_by_phone():
    """The demo has no sign-ups of people: one, with a long name, for the sign-up list."""
    result = signup_enter_by_staff(
        model=Signup,
        target=Opportunity.objects.published().first(),
        name="Friederike Schmidt-Leutheusser-Oberhausen",
        phone="02324 1234",
        email="",
        source=Source.PHONE,
    )
    assert result.signup.pk


def test_every_change_list_fits_1280_px(page: Page, new_context, demo_site):
    """The demo editor walks every list they may open; an administrator the others."""
    User = get_user_model()
    editor = User.objects.get(username="redaktion")  # the demo editor of `load_demo`
    editor.set_password(PASSWORD)
    editor.save()
    lists = change_lists()
    sign_up_by_phone()
    mine = [url for permission, url in lists if editor.has_perm(permission)]
    others = [url for permission, url in lists if not editor.has_perm(permission)]
    assert len(mine) > 15, mine

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(demo_site + "/admin/")
    log_in_with_code(page, editor, PASSWORD)
    measured = []
    assert too_wide(page, demo_site, mine, measured) == []

    administrator = User.objects.create_superuser("verwaltung", "it@example.org", PASSWORD)
    admin_page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    admin_page.goto(demo_site + "/admin/")
    log_in_with_code(admin_page, administrator, PASSWORD)
    assert too_wide(admin_page, demo_site, others, measured) == []
    assert "/admin/quartiere/signup/" in measured and len(measured) > 15, measured
