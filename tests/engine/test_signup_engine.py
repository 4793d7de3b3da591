"""The shared sign-up engine: double opt-in, capacity, waiting list, idempotence.

Every test runs for each concrete model with places: opportunity sign-ups (`quartiere.Signup`
for an `Opportunity`) and conference registrations (`konferenzen.Registration` for a
`Meeting`). The engine knows neither; the same rules must hold for both.

The concurrency tests need real PostgreSQL connections (SQLite serialises all writers, so it
cannot show a race); they are skipped on SQLite and run in CI's PostgreSQL pass.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from engagierte_stadt.submissions import capacity as signups
from engagierte_stadt.submissions.capacity import (
    SignupStatus,
    signup_cancel,
    signup_confirm,
    signup_submit,
)
from konferenzen.models import Conference, Meeting, Registration
from quartiere.models import Opportunity, Quartier, Signup


def make_opportunity(places):
    quartier = Quartier.objects.create(name="Welper", slug="welper")
    return Opportunity.objects.create(
        quartier=quartier, title="Tafel", slug="tafel", description="Ausgabe", places=places
    )


def make_meeting(places):
    quartier = Quartier.objects.create(name="Welper", slug="welper")
    conference = Conference.objects.create(
        quartier=quartier, title="Stadtteilkonferenz Welper", slug="welper"
    )
    return Meeting.objects.create(
        conference=conference,
        slug="fruehjahr",
        starts_at=timezone.now() + timedelta(days=14),
        registration_enabled=True,
        places=places,
    )


# The sign-up model and how to make a target with places, for each kind of sign-up.
CASES = {
    "opportunity": (Signup, make_opportunity),
    "meeting": (Registration, make_meeting),
}


@pytest.fixture(params=sorted(CASES))
def signup_case(request, db):
    """(model, target): a sign-up model and a fresh target of it with 5 places."""
    model, make_target = CASES[request.param]
    yield model, make_target(places=5)


def submit(model, target, n):
    return signup_submit(
        model=model, target=target, name=f"Person {n}", email=f"person{n}@example.org"
    )


def free_places(target):
    return type(target).objects.annotate_places().get(pk=target.pk).free_places


def set_places(target, places):
    target.places = places
    target.save()


def test_new_signup_is_unconfirmed_and_takes_no_place(signup_case):
    model, target = signup_case
    result = submit(model, target, 1)
    assert result.created and result.token
    assert result.signup.status == SignupStatus.UNCONFIRMED
    assert free_places(target) == 5


def test_confirming_takes_a_place(signup_case):
    model, target = signup_case
    result = submit(model, target, 1)
    signup = signup_confirm(model=model, token=result.token)
    assert signup.status == SignupStatus.CONFIRMED
    assert free_places(target) == 4


def test_confirming_when_full_puts_on_waiting_list_in_order(signup_case):
    model, target = signup_case
    set_places(target, 1)
    tokens = [submit(model, target, n).token for n in range(3)]
    results = [signup_confirm(model=model, token=t) for t in tokens]
    assert [s.status for s in results] == ["confirmed", "waiting", "waiting"]
    assert [s.waiting_position() for s in results] == [None, 1, 2]


def test_cancelling_a_place_moves_the_first_waiting_up(signup_case):
    model, target = signup_case
    set_places(target, 1)
    first, second, third = (
        signup_confirm(model=model, token=submit(model, target, n).token) for n in range(3)
    )
    moved = signup_cancel(model=model, signup=first)
    assert [s.pk for s in moved] == [second.pk]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == SignupStatus.CONFIRMED
    assert third.waiting_position() == 1


def test_cancelling_a_waiting_signup_moves_nobody_up(signup_case):
    model, target = signup_case
    set_places(target, 1)
    first, second, third = (
        signup_confirm(model=model, token=submit(model, target, n).token) for n in range(3)
    )
    assert signup_cancel(model=model, signup=second) == []
    third.refresh_from_db()
    assert third.status == SignupStatus.WAITING and third.waiting_position() == 1
    assert model.objects.confirmed().get().pk == first.pk


def test_unknown_token_confirms_nothing(signup_case):
    model, target = signup_case
    submit(model, target, 1)
    assert signup_confirm(model=model, token="nicht-echt") is None
    assert not model.objects.confirmed().exists()


def test_link_older_than_48_hours_expires(signup_case):
    model, target = signup_case
    result = submit(model, target, 1)
    model.objects.update(created_at=timezone.now() - timedelta(hours=49))
    signup = signup_confirm(model=model, token=result.token)
    assert signup.status == SignupStatus.EXPIRED
    assert not model.objects.confirmed().exists()
    assert free_places(target) == 5


def test_confirming_twice_changes_nothing(signup_case):
    model, target = signup_case
    result = submit(model, target, 1)
    signup_confirm(model=model, token=result.token)
    again = signup_confirm(model=model, token=result.token)
    assert again.status == SignupStatus.CONFIRMED
    assert model.objects.confirmed().count() == 1


def test_same_email_twice_gives_one_signup(signup_case):
    model, target = signup_case
    first = submit(model, target, 1)
    second = signup_submit(
        model=model, target=target, name="Person 1", email=" PERSON1@example.org "
    )
    # The same entry, and the same personal link as in the first mail.
    assert not second.created and second.token == first.token
    assert second.signup.pk == first.signup.pk
    assert model.objects.count() == 1


def test_token_is_stored_only_as_hash(signup_case):
    model, target = signup_case
    result = submit(model, target, 1)
    row = model.objects.get()
    assert result.token not in row.token_hash
    assert row.token_hash == signups.hash_token(result.token)


def test_after_cancelling_the_same_email_may_sign_up_again(signup_case):
    model, target = signup_case
    first = submit(model, target, 1)
    signup_cancel(model=model, signup=first.signup)
    again = submit(model, target, 1)
    assert again.created and model.objects.count() == 2


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


def confirm_concurrently(model, target, n=20):
    """n people confirm at the same moment for the target (5 places)."""
    assert target.places == 5
    tokens = [submit(model, target, i).token for i in range(n)]
    _results, errors = run_at_once(n, lambda i: signup_confirm(model=model, token=tokens[i]))
    return errors


def signups_of(model, target):
    return model.objects.filter(**{model.TARGET_FIELD: target})


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_confirmations_fill_exactly_five_places(
    postgresql, signup_case, slow_count
):
    model, target = signup_case
    errors = confirm_concurrently(model, target)
    assert errors == []
    assert signups_of(model, target).confirmed().count() == 5
    assert signups_of(model, target).waiting().count() == 15


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_overbooks(postgresql, signup_case, slow_count, settings):
    """Proves the test above can fail: without the row lock, places get overbooked."""
    settings.SIGNUP_LOCKING = False
    model, target = signup_case
    errors = confirm_concurrently(model, target)
    assert errors == []
    assert signups_of(model, target).confirmed().count() > 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_gives_one_row(postgresql, signup_case):
    model, target = signup_case
    results, errors = run_at_once(
        8,
        lambda i: signup_submit(
            model=model, target=target, name="Doppelt", email="doppelt@example.org"
        ),
    )
    assert errors == []
    assert model.objects.count() == 1
    assert sum(r.created for r in results) == 1
    assert len({r.signup.pk for r in results}) == 1
