"""Two clicks on "Anmeldung bestätigen" at once, on PostgreSQL with real threads.

Skipped on SQLite, which serialises all writers; CI runs it in its PostgreSQL pass.
"""

import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client

from engagierte_stadt.submissions import capacity as signups
from engagierte_stadt.submissions.capacity import SignupStatus
from quartiere.models import Signup
from tests.factories import OpportunityFactory
from tests.signup_helpers import EMAIL, confirm_link, form_data, mails_to


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it there")


@pytest.fixture
def slow_lock(monkeypatch):
    """Widen the windows around the lock, as under load: before locking the place, and
    between counting the places and saving."""
    original_lock, original_count = signups._lock_target, signups._has_free_place

    def slow_lock_target(target):
        time.sleep(0.3)
        return original_lock(target)

    def slow_count(model, target):
        free = original_count(model, target)
        time.sleep(0.05)
        return free

    monkeypatch.setattr(signups, "_lock_target", slow_lock_target)
    monkeypatch.setattr(signups, "_has_free_place", slow_count)


def double_click_confirm():
    offer = OpportunityFactory(places=1, slug="ein-platz")
    Client().post("/mitmachen/ein-platz/anmelden/", form_data())
    link = confirm_link(mail.outbox[0])
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    statuses, errors = [], []

    def click():
        try:
            barrier.wait()
            statuses.append(Client().post(link).status_code)
        except Exception as exc:  # noqa: BLE001 - every error fails the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and statuses == [302, 302]
    return Signup.objects.get(opportunity=offer)


@pytest.mark.django_db(transaction=True)
def test_double_click_on_confirm_keeps_the_place_and_mails_once(postgresql, slow_lock):
    signup = double_click_confirm()
    assert signup.status == SignupStatus.CONFIRMED
    assert len(mails_to(EMAIL)) == 1


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_confirms_twice(postgresql, slow_lock, settings):
    """Proves the test above can fail: without the engine's lock both clicks confirm, and
    the person gets the confirmation mail twice."""
    settings.SIGNUP_LOCKING = False
    double_click_confirm()
    assert len(mails_to(EMAIL)) == 2
