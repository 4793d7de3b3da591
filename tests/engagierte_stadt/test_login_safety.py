"""Staff logins: lockout after repeated failures per account and per address, and staff
sessions that end after a working day without activity."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.factories import confirmed_app, totp_code

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "Quartier-2026!x"


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("anna", password=PASSWORD, is_staff=True)
    confirmed_app(user)
    return user


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def pass_second_factor(client, user):
    """The code step after the password (engagierte_stadt/second_factor.py)."""
    response = client.post("/admin/zwei-faktor/", {"code": totp_code(confirmed_app(user))})
    assert response.status_code == 302


def fail(client, times, username="anna", address="203.0.113.7"):
    for _ in range(times):
        response = log_in(client, username, "falsch", address)
        assert response.status_code in (200, 429)
    return response


def test_right_password_leads_to_the_second_factor(client, editor):
    response = log_in(client, "anna", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/zwei-faktor/")
    pass_second_factor(client, editor)
    assert client.get("/admin/").status_code == 200


def test_four_failures_do_not_lock(client, editor):
    fail(client, 4)
    assert log_in(client, "anna", PASSWORD).status_code == 302


def test_account_is_locked_after_five_failures_also_for_the_right_password(client, editor):
    response = fail(client, 5)
    assert response.status_code == 429
    response = log_in(client, "anna", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Anmeldung gesperrt" in html
    assert "auch mit dem richtigen Passwort" in html
    assert client.get("/admin/").status_code == 302  # not logged in


def test_account_lock_holds_from_another_address(client, editor):
    fail(client, 5, address="203.0.113.7")
    assert log_in(client, "anna", PASSWORD, address="198.51.100.9").status_code == 429


def test_address_is_locked_after_five_failures_on_different_accounts(client, editor):
    for number in range(5):
        log_in(client, f"geraten{number}", "falsch")
    assert log_in(client, "anna", PASSWORD).status_code == 429
    # The same account from another address is not locked.
    assert log_in(client, "anna", PASSWORD, address="198.51.100.9").status_code == 302


def test_lock_ends_after_the_cool_off(client, editor):
    fail(client, 5)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert log_in(client, "anna", PASSWORD).status_code == 302


def test_administration_unlocks_by_deleting_the_attempt(client, admin_client, editor):
    fail(client, 5)
    attempts = AccessAttempt.objects.filter(username="anna")
    assert attempts.exists()
    admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"},
    )
    assert not AccessAttempt.objects.filter(username="anna").exists()
    assert log_in(client, "anna", PASSWORD).status_code == 302


# --- staff sessions --------------------------------------------------------------------------


def test_staff_session_survives_a_working_day_of_activity(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        log_in(client, "anna", PASSWORD)
        pass_second_factor(client, editor)
        for hour in range(1, 11):
            clock.move_to(start + timedelta(hours=hour))
            assert client.get("/admin/").status_code == 200, hour


def test_staff_session_ends_after_a_working_day_without_activity(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        log_in(client, "anna", PASSWORD)
        pass_second_factor(client, editor)
        clock.move_to(start + timedelta(hours=7, minutes=59))
        assert client.get("/admin/").status_code == 200
        clock.move_to(start + timedelta(hours=16))
        assert client.get("/admin/").status_code == 302
        assert client.get("/admin/").status_code == 302  # logged out for good


def test_staff_session_cookie_is_no_longer_than_a_working_day(client, editor):
    log_in(client, "anna", PASSWORD)
    assert client.session.get_expiry_age() == 8 * 3600


def test_failed_logins_leave_no_account_name_in_the_log(client, db, caplog):
    caplog.set_level("DEBUG")
    for _ in range(6):
        log_in(client, "anna.beispiel@hattingen.example", "falsch")
    assert "anna.beispiel" not in caplog.text
    assert "Locking out a login at /admin/login/" in caplog.text
