"""The second factor for staff: nothing of the admin or of staff-only pages opens after the
password alone; enrolment with an authenticator app; recovery codes that work once."""

import re
from urllib.parse import unquote

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagierte_stadt import second_factor
from engagierte_stadt.models import Article, RecoveryCode
from quartiere.models import QuartierAssignment
from tests.factories import (
    ArticleFactory,
    ConferenceFactory,
    MeetingFactory,
    QuartierFactory,
    confirmed_app,
    login_staff,
    totp_code,
)

User = get_user_model()
PASSWORD = "Quartier-2026!x"
LOGIN = "/admin/login/?next=/admin/"
STEP = "/admin/zwei-faktor/"
ENROL = "/admin/zwei-faktor/einrichten/"
CODES = "/admin/zwei-faktor/wiederherstellungscodes/"


@pytest.fixture
def editor(db):
    return User.objects.create_user("anna", password=PASSWORD, is_staff=True)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("it", "it@example.org", PASSWORD)


def password_login(client, username="anna", password=PASSWORD):
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302, "the password step failed"
    return response


def changelist_urls():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


# --- nothing opens without the second factor --------------------------------------------------


@pytest.mark.parametrize("with_app", [False, True], ids=["not-enrolled", "enrolled"])
def test_no_admin_page_opens_after_the_password_alone(client, superuser, with_app):
    if with_app:
        confirmed_app(superuser)
    password_login(client, "it")
    urls = ["/admin/", *changelist_urls()]
    assert len(urls) > 20  # every registered model of every app

    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{STEP}?next={url.replace('/', '%2F')}", url


def test_every_admin_page_opens_once_the_second_factor_is_passed(client, superuser):
    # The control for the test above: the same pages, the same user, verified.
    login_staff(client, superuser)
    for url in ["/admin/", *changelist_urls()]:
        response = client.get(url, follow=True)  # site settings: straight to its one row
        assert response.status_code == 200, url
        assert response.request["PATH_INFO"].startswith(url), url


def test_admin_login_page_sends_a_half_logged_in_person_to_the_code_step(client, editor):
    password_login(client)
    response = client.get("/admin/login/?next=/admin/quartiere/signup/")
    assert response.status_code == 302
    assert unquote(response["Location"]) == f"{STEP}?next=/admin/quartiere/signup/"


@pytest.fixture
def attendance_list(db):
    quartier = QuartierFactory(name="Welper", slug="welper")
    meeting = MeetingFactory(conference=ConferenceFactory(quartier=quartier, slug="welper"))
    return f"/stadtteilkonferenzen/welper/{meeting.slug}/anwesenheitsliste/"


def test_attendance_list_needs_the_second_factor(client, editor, attendance_list):
    editor.user_permissions.add(Permission.objects.get(codename="view_registration"))
    QuartierAssignment.objects.create(user=editor)
    password_login(client)

    response = client.get(attendance_list)
    assert response.status_code == 302
    # To the login, which sends the half-logged-in person on to the code step.
    assert response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"].startswith(STEP)

    login_staff(client, editor)
    assert client.get(attendance_list).status_code == 200


def test_draft_preview_needs_the_second_factor(client, editor):
    draft = ArticleFactory(slug="entwurf", status=Article.Status.DRAFT)
    password_login(client)
    assert client.get(draft.get_absolute_url()).status_code == 404
    login_staff(client, editor)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_logout_works_before_the_second_factor(client, editor):
    password_login(client)
    client.post(reverse("admin:logout"))
    assert client.get(STEP)["Location"].startswith("/admin/login/")


# --- enrolment -------------------------------------------------------------------------------


def test_staff_without_app_is_led_from_the_password_to_the_enrolment(client, editor):
    response = client.get(password_login(client)["Location"], follow=True)
    assert response.redirect_chain[-1][0] == f"{ENROL}?next=%2Fadmin%2F"
    html = response.content.decode()
    assert '<svg role="img" aria-label="QR-Code' in html
    assert "<script" not in html.split("<main", 1)[1]  # no inline script under the CSP
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    assert second_factor.manual_key(device) in html


def test_enrolment_with_a_code_from_the_app(client, editor):
    password_login(client)
    client.get(f"{ENROL}?next=/admin/")
    device = TOTPDevice.objects.get(user=editor)

    wrong = client.post(f"{ENROL}?next=/admin/", {"code": "000000"})
    assert wrong.status_code == 422
    assert "Der Code stimmt nicht" in wrong.content.decode()
    assert 'value="000000"' in wrong.content.decode()  # what was typed stays
    device.refresh_from_db()
    device.throttle_reset()  # the wrong try made the next one wait; the test does not

    response = client.post(f"{ENROL}?next=/admin/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert response["Location"] == f"{CODES}?next=%2Fadmin%2F"
    device.refresh_from_db()
    assert device.confirmed

    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<code>([A-Z0-9-]{19})</code>", page)
    assert len(codes) == 10
    assert RecoveryCode.objects.filter(device__user=editor).count() == 10
    # Shown once: the next visit has none of them.
    again = client.get(CODES).content.decode()
    assert not any(code in again for code in codes)

    assert client.get("/admin/").status_code == 200


def test_enrolment_is_not_offered_before_passing_the_app_one_has(client, editor):
    confirmed_app(editor)
    password_login(client)
    response = client.get(ENROL)
    assert response["Location"].startswith(STEP)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


# --- the code step ---------------------------------------------------------------------------


def test_enrolled_staff_log_in_with_the_apps_code(client, editor):
    device = confirmed_app(editor)
    response = client.get(password_login(client)["Location"])
    assert response["Location"] == f"{STEP}?next=%2Fadmin%2F"
    assert client.get(response["Location"]).status_code == 200

    response = client.post(f"{STEP}?next=/admin/", {"code": totp_code(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_same_app_code_is_not_taken_twice(client, editor):
    device = confirmed_app(editor)
    code = totp_code(device)
    password_login(client)
    assert client.post(STEP, {"code": code}).status_code == 302
    client.post(reverse("admin:logout"))
    password_login(client)
    device.refresh_from_db()
    assert client.post(STEP, {"code": code}).status_code == 422


def test_wrong_codes_are_throttled(client, editor):
    device = confirmed_app(editor)
    password_login(client)
    client.post(STEP, {"code": "000000"})
    # Right away, even the right code waits until the pause after a wrong one is over.
    response = client.post(STEP, {"code": totp_code(device)})
    assert response.status_code == 422
    assert "Zu viele falsche Codes" in response.content.decode()


def test_next_address_stays_on_the_site(client, editor):
    device = confirmed_app(editor)
    password_login(client)
    response = client.post(f"{STEP}?next=https://evil.example/", {"code": totp_code(device)})
    assert response["Location"] == "/admin/"


# --- recovery codes --------------------------------------------------------------------------


def test_a_recovery_code_works_once(client, editor):
    confirmed_app(editor)
    codes = second_factor.recovery_codes_create(user=editor)

    password_login(client)
    response = client.post(f"{STEP}?next=/admin/", {"code": codes[3].lower()})
    assert response["Location"] == "/admin/"
    admin_page = client.get("/admin/", follow=True).content.decode()
    assert "9 Wiederherstellungscodes" in admin_page
    assert client.get("/admin/").status_code == 200

    client.post(reverse("admin:logout"))
    password_login(client)
    response = client.post(f"{STEP}?next=/admin/", {"code": codes[3]})
    assert response.status_code == 422
    assert client.get("/admin/").status_code == 302


def test_recovery_codes_are_stored_only_as_digests(editor):
    codes = second_factor.recovery_codes_create(user=editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM engagierte_stadt_recoverycode")
        stored = " ".join(row[0] for row in cursor.fetchall())
    for code in codes:
        assert code not in stored
        assert RecoveryCode.normalise(code) not in stored.upper()


def test_new_recovery_codes_replace_the_old_ones(client, editor):
    old = second_factor.recovery_codes_create(user=editor)
    login_staff(client, editor)
    response = client.post(CODES)
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r"<code>([A-Z0-9-]{19})</code>", page)
    assert len(new) == 10 and not set(new) & set(old)
    assert second_factor.second_factor_check(editor, new[0]) is not None
    assert second_factor.second_factor_check(editor, old[0]) is None


def test_lockout_still_holds_before_the_second_factor(client, editor):
    for _ in range(5):
        client.post(LOGIN, {"username": "anna", "password": "falsch"})
    response = client.post(LOGIN, {"username": "anna", "password": PASSWORD})
    assert response.status_code == 429
    # Not even half logged in: the code step sends the visitor back to the login.
    assert client.get(STEP)["Location"].startswith("/admin/login/")


def test_new_recovery_codes_keep_a_session_that_a_recovery_code_opened(client, editor):
    confirmed_app(editor)
    codes = second_factor.recovery_codes_create(user=editor)
    password_login(client)
    client.post(STEP, {"code": codes[0]})
    client.post(CODES)
    assert client.get("/admin/").status_code == 200


def test_a_logged_in_editor_replaces_a_lost_phone(client, editor):
    old = confirmed_app(editor)
    login_staff(client, editor)  # e.g. with a recovery code
    assert client.get(ENROL).status_code == 200
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    response = client.post(ENROL, {"code": totp_code(new)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get("/admin/").status_code == 200


def test_the_app_names_the_account_after_the_portal(editor):
    url = second_factor.pending_app(editor).config_url
    assert url.startswith("otpauth://totp/Engagierte%20Stadt%20Hattingen%3Aanna?")
    assert "issuer=Engagierte%20Stadt%20Hattingen" in url
