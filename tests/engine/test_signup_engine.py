"""The shared sign-up engine: double opt-in, capacity, waiting list, idempotence.

The concurrency tests need real PostgreSQL connections (SQLite serialises all writers, so it
cannot show a race); they are skipped on SQLite and run in CI's PostgreSQL pass.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from engagierte_stadt import signups
from engagierte_stadt.signups import SignupStatus, signup_cancel, signup_confirm, signup_submit
from quartiere.models import Opportunity, Quartier, Signup


@pytest.fixture
def opportunity(db):
    quartier = Quartier.objects.create(name="Welper", slug="welper")
    return Opportunity.objects.create(
        quartier=quartier, title="Tafel", slug="tafel", description="Ausgabe", places=5
    )


def submit(opportunity, n):
    return signup_submit(
        model=Signup, target=opportunity, name=f"Person {n}", email=f"person{n}@example.org"
    )


def test_new_signup_is_unconfirmed_and_takes_no_place(opportunity):
    result = submit(opportunity, 1)
    assert result.created and result.token
    assert result.signup.status == SignupStatus.UNCONFIRMED
    assert Opportunity.objects.annotate_places().get().free_places == 5


def test_confirming_takes_a_place(opportunity):
    result = submit(opportunity, 1)
    signup = signup_confirm(model=Signup, token=result.token)
    assert signup.status == SignupStatus.CONFIRMED
    assert Opportunity.objects.annotate_places().get().free_places == 4


def test_confirming_when_full_puts_on_waiting_list_in_order(opportunity):
    opportunity.places = 1
    opportunity.save()
    tokens = [submit(opportunity, n).token for n in range(3)]
    results = [signup_confirm(model=Signup, token=t) for t in tokens]
    assert [s.status for s in results] == ["confirmed", "waiting", "waiting"]
    assert [s.waiting_position() for s in results] == [None, 1, 2]


def test_cancelling_a_place_moves_the_first_waiting_up(opportunity):
    opportunity.places = 1
    opportunity.save()
    first, second, third = (
        signup_confirm(model=Signup, token=submit(opportunity, n).token) for n in range(3)
    )
    moved = signup_cancel(model=Signup, signup=first)
    assert [s.pk for s in moved] == [second.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == SignupStatus.CONFIRMED
    assert third.waiting_position() == 1


def test_unknown_token_confirms_nothing(opportunity):
    submit(opportunity, 1)
    assert signup_confirm(model=Signup, token="nicht-echt") is None
    assert not Signup.objects.confirmed().exists()


def test_link_older_than_48_hours_expires(opportunity):
    result = submit(opportunity, 1)
    Signup.objects.update(created_at=timezone.now() - timedelta(hours=49))
    signup = signup_confirm(model=Signup, token=result.token)
    assert signup.status == SignupStatus.EXPIRED
    assert not Signup.objects.confirmed().exists()


def test_confirming_twice_changes_nothing(opportunity):
    result = submit(opportunity, 1)
    signup_confirm(model=Signup, token=result.token)
    again = signup_confirm(model=Signup, token=result.token)
    assert again.status == SignupStatus.CONFIRMED
    assert Signup.objects.confirmed().count() == 1


def test_same_email_twice_gives_one_signup(opportunity):
    first = submit(opportunity, 1)
    second = signup_submit(
        model=Signup, target=opportunity, name="Person 1", email=" PERSON1@example.org "
    )
    assert not second.created and second.token is None
    assert second.signup.pk == first.signup.pk
    assert Signup.objects.count() == 1


def test_token_is_stored_only_as_hash(opportunity):
    result = submit(opportunity, 1)
    row = Signup.objects.get()
    assert result.token not in row.token_hash
    assert row.token_hash == signups.hash_token(result.token)


def test_after_cancelling_the_same_email_may_sign_up_again(opportunity):
    first = submit(opportunity, 1)
    signup_cancel(model=Signup, signup=first.signup)
    again = submit(opportunity, 1)
    assert again.created and Signup.objects.count() == 2


# --- concurrency on PostgreSQL ------------------------------------------------------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it there")


def run_at_once(n, work):
    """Run `work(i)` in n threads released by one barrier; return results and errors."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def worker(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - every error is a test failure below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between counting the places and saving, as a busy server would."""
    original = signups._has_free_place

    def slow(model, target):
        free = original(model, target)
        time.sleep(0.05)
        return free

    monkeypatch.setattr(signups, "_has_free_place", slow)


def confirm_concurrently(n=20, places=5):
    quartier = Quartier.objects.create(name="Welper", slug="welper")
    opportunity = Opportunity.objects.create(
        quartier=quartier, title="Tafel", slug="tafel", description="x", places=places
    )
    tokens = [submit(opportunity, i).token for i in range(n)]
    _results, errors = run_at_once(n, lambda i: signup_confirm(model=Signup, token=tokens[i]))
    return opportunity, errors


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_confirmations_fill_exactly_five_places(postgresql, slow_count):
    opportunity, errors = confirm_concurrently()
    assert errors == []
    assert Signup.objects.filter(opportunity=opportunity).confirmed().count() == 5
    assert Signup.objects.filter(opportunity=opportunity).waiting().count() == 15


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_overbooks(postgresql, slow_count, settings):
    """Proves the test above can fail: without the row lock, places get overbooked."""
    settings.SIGNUP_LOCKING = False
    opportunity, errors = confirm_concurrently()
    assert errors == []
    assert Signup.objects.filter(opportunity=opportunity).confirmed().count() > 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_gives_one_row(postgresql):
    quartier = Quartier.objects.create(name="Welper", slug="welper")
    opportunity = Opportunity.objects.create(
        quartier=quartier, title="Tafel", slug="tafel", description="x", places=5
    )
    results, errors = run_at_once(
        8,
        lambda i: signup_submit(
            model=Signup, target=opportunity, name="Doppelt", email="doppelt@example.org"
        ),
    )
    assert errors == []
    assert Signup.objects.count() == 1
    assert sum(r.created for r in results) == 1
    assert len({r.signup.pk for r in results}) == 1
