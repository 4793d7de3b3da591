"""An editor's first login: password, enrolment of an authenticator app (QR code or the key
typed by hand), recovery codes, the admin; the next login asks for the app's code. Every step
accessible (axe) and working under the portal's strict Content-Security-Policy."""

import re
import time
from base64 import b32decode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from quartiere.models import Quartier, QuartierAssignment
from tests.e2e.a11y import assert_accessible
from tests.factories import totp_code

PASSWORD = "Welper-2026!x"


def code_from_key(typed_key: str) -> str:
    """What an authenticator app shows for the key as the enrolment page prints it."""
    key = typed_key.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{TOTP(b32decode(key)).token():06d}"


def test_editor_enrols_on_first_login_then_logs_in_with_password_and_code(page: Page, demo_site):
    editor = get_user_model().objects.create_user("petra", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Quartiersentwicklung"))
    QuartierAssignment.objects.create(user=editor, quartier=Quartier.objects.get(slug="welper"))

    page.goto(demo_site + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    assert_accessible(page, "Anmeldung")
    page.fill("#id_username", "petra")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    # --- enrolment: QR code and the key to type ---
    expect(page).to_have_url(re.compile(r"/admin/zwei-faktor/einrichten/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Zweiten Faktor einrichten")
    expect(
        page.get_by_role("img", name="QR-Code zum Scannen mit Ihrer Authentifizierungs-App")
    ).to_be_visible()
    assert_accessible(page, "Einrichtung des zweiten Faktors")
    typed_key = page.locator("#totp-key").inner_text()

    wrong = "123456" if code_from_key(typed_key) != "123456" else "654321"
    page.get_by_role("textbox", name="Code").fill(wrong)
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_text("Der Code stimmt nicht.").first).to_be_visible()
    assert_accessible(page, "Einrichtung mit falschem Code")
    time.sleep(1.1)  # a wrong code makes the next try wait a second
    page.get_by_role("textbox", name="Code").fill(code_from_key(typed_key))
    page.get_by_role("button", name="Bestätigen").click()

    # --- recovery codes, shown once ---
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Wiederherstellungscodes")
    codes = page.get_by_role("list", name="Wiederherstellungscodes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert_accessible(page, "Wiederherstellungscodes")
    page.get_by_role("link", name="Weiter zur Verwaltung").click()
    expect(page).to_have_url(demo_site + "/admin/")
    assert TOTPDevice.objects.get(user=editor).confirmed

    # --- the next login: password, then the code the app shows ---
    page.context.clear_cookies()
    page.goto(demo_site + "/admin/quartiere/opportunity/")
    page.fill("#id_username", "petra")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/admin/zwei-faktor/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")
    assert_accessible(page, "Code-Abfrage")
    device = TOTPDevice.objects.get(user=editor)
    # The enrolment used this half minute's code; each code counts once, so the next one.
    page.get_by_role("textbox", name="Code").fill(totp_code(device, steps_ahead=1))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page).to_have_url(demo_site + "/admin/quartiere/opportunity/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mitmach-Angebot")
