"""Stored place counters (`places_taken`, `places_waiting` on an opportunity and a meeting)
always equal a fresh count of the sign-ups, whatever changed them: the engine's confirm,
cancel, move-up and staff entry, the admin's delete, erase, expiry, purge, bulk inserts.

The PostgreSQL part: twenty people confirming at once for five places never overbook, and the
counters equal the real count afterwards, also with cancellations running at the same time.
"""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from engagierte_stadt.submissions import counters
from engagierte_stadt.submissions.capacity import (
    SignupStatus,
    Source,
    signup_cancel,
    signup_confirm,
    signup_enter_by_staff,
    signup_erase,
    signup_move_up,
    signups_expire,
    signups_purge,
)
from quartiere.models import Opportunity
from tests.engine.test_signup_engine import (
    CASES,
    confirm_concurrently,
    run_at_once,
    signups_of,
    submit,
)


@pytest.fixture(params=sorted(CASES))
def case(request, db):
    model, make_target = CASES[request.param]
    return model, make_target(places=3)


def fresh(model, target) -> tuple[int, int]:
    rows = signups_of(model, target)
    return rows.confirmed().count(), rows.filter(status=SignupStatus.WAITING).count()


def stored(target) -> tuple[int, int]:
    target.refresh_from_db(fields=["places_taken", "places_waiting"])
    return target.places_taken, target.places_waiting


def test_confirm_cancel_and_move_up_keep_the_counters(case):
    model, target = case
    tokens = [submit(model, target, n).token for n in range(5)]
    assert stored(target) == (0, 0)  # unconfirmed ones count nowhere
    first, *_rest = [signup_confirm(model=model, token=token) for token in tokens]
    assert stored(target) == (3, 2)
    signup_cancel(model=model, signup=first)  # the first waiting moves up
    assert stored(target) == (3, 1) == fresh(model, target)


def test_free_places_and_fill_come_from_the_counters_without_counting(case):
    """The list annotation reads the row: no subquery over the sign-ups."""
    model, target = case
    signup_confirm(model=model, token=submit(model, target, 1).token)
    queryset = type(target).objects.annotate_places()
    assert model._meta.db_table not in str(queryset.query)
    assert queryset.get(pk=target.pk).free_places == 2


def test_rows_written_past_the_engine_are_counted_too(case):
    """Bulk inserts (demo loaders, fixtures) and deletes: the database's triggers count."""
    model, target = case
    model.objects.bulk_create(
        model(
            **{model.TARGET_FIELD: target},
            name=f"Bulk {n}",
            source=Source.PAPER,
            status=status,
            confirmed_at=timezone.now(),
        )
        for n, status in enumerate([SignupStatus.CONFIRMED] * 2 + [SignupStatus.WAITING] * 4)
    )
    assert stored(target) == (2, 4)
    signups_of(model, target).filter(status=SignupStatus.WAITING)[:1].get().delete()
    assert stored(target) == (2, 3) == fresh(model, target)


def test_recount_repairs_counters_and_reports_how_many_were_wrong(case):
    model, target = case
    signup_confirm(model=model, token=submit(model, target, 1).token)
    type(target).objects.filter(pk=target.pk).update(places_taken=7, places_waiting=1)
    assert counters.wrong_counters() == {target._meta.label: [target.pk]}
    call_command("recount_places", verbosity=0)
    assert stored(target) == (1, 0)
    assert counters.wrong_counters() == {}


def random_operation(rng: random.Random, model, target, step: int) -> str:
    """One of the ways sign-ups change, on a random sign-up of the target."""
    rows = signups_of(model, target)
    choice = rng.choice(
        [
            "submit_confirm",
            "submit_confirm",
            "staff",
            "cancel",
            "move_up",
            "admin_delete",
            "erase",
            "expire",
            "purge",
            "places",
        ]
    )
    pick = rows.order_by("?").first()
    if choice == "submit_confirm":
        result = submit(model, target, step)
        if rng.random() < 0.8:
            signup_confirm(model=model, token=result.token)
    elif choice == "staff":
        signup_enter_by_staff(
            model=model, target=target, name=f"Telefon {step}", source=Source.PHONE
        )
    elif choice == "cancel" and pick:
        signup_cancel(model=model, signup=pick)
    elif choice == "move_up":
        waiting = rows.filter(status=SignupStatus.WAITING).first()
        if waiting:
            signup_move_up(model=model, signup=waiting)
    elif choice == "admin_delete" and pick:
        # What `SignupAdminBase.delete_model` does: cancel (moving up), then delete the row.
        signup_cancel(model=model, signup=pick)
        pick.delete()
    elif choice == "erase" and pick:
        signup_erase(model=model, signup=pick)
    elif choice == "expire":
        rows.filter(status=SignupStatus.UNCONFIRMED).update(
            created_at=timezone.now() - timedelta(hours=49)
        )
        signups_expire(model=model)
    elif choice == "purge":
        signups_purge(model=model, days=0)
    elif choice == "places":
        # Staff change the number of places in the admin (a plain save of the target).
        type(target).objects.filter(pk=target.pk).update(places=rng.randint(1, 6))
        target.refresh_from_db()
    return choice


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counters_equal_a_fresh_count_after_a_random_mix_of_changes(case, seed):
    model, target = case
    rng = random.Random(seed)
    done = set()
    for step in range(60):
        done.add(random_operation(rng, model, target, step))
        assert stored(target) == fresh(model, target), (step, done)
        # The engine never gives more places than there are (moving up by hand may).
        if "move_up" not in done and "places" not in done:
            assert stored(target)[0] <= target.places
    assert counters.wrong_counters() == {}
    assert len(done) >= 8


def test_purge_keeps_the_counts(case):
    """The purge empties the personal fields; the rows and their statuses stay, so do the
    counters (counts survive as anonymous numbers)."""
    model, target = case
    for n in range(4):
        signup_confirm(model=model, token=submit(model, target, n).token)
    ended = timezone.now() - timedelta(days=2)
    ended_fields = {"starts_at": ended, "ends_at": ended}
    if isinstance(target, Opportunity):
        ended_fields["commitment"] = Opportunity.Commitment.ONCE
    type(target).objects.filter(pk=target.pk).update(**ended_fields)
    assert signups_purge(model=model, days=1) == 4
    assert stored(target) == (3, 1) == fresh(model, target)


def test_triggers_are_back_after_migrate(db):
    """`migrate` drops them before it runs and installs them after (and recounts)."""
    call_command("migrate", verbosity=0)
    model, make_target = CASES["opportunity"]
    target = make_target(places=2)
    signup_confirm(model=model, token=submit(model, target, 1).token)
    assert stored(target) == (1, 0)


# --- PostgreSQL: concurrent changes -------------------------------------------------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it there")


@pytest.fixture
def five_places(request):
    model, make_target = CASES[request.param]
    return model, make_target(places=5)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("five_places", sorted(CASES), indirect=True)
def test_twenty_at_once_never_overbook_and_the_counters_agree(postgresql, five_places):
    model, target = five_places
    assert confirm_concurrently(model, target) == []
    assert fresh(model, target) == (5, 15) == stored(target)
    assert counters.wrong_counters() == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("five_places", sorted(CASES), indirect=True)
def test_cancellations_and_confirmations_at_once_keep_the_counters(postgresql, five_places):
    model, target = five_places
    holders = [signup_confirm(model=model, token=submit(model, target, n).token) for n in range(5)]
    tokens = [submit(model, target, 100 + n).token for n in range(10)]

    def work(i):
        if i < 5:
            return signup_cancel(model=model, signup=holders[i])
        return signup_confirm(model=model, token=tokens[i - 5])

    _results, errors = run_at_once(15, work)
    assert errors == []
    taken, waiting = fresh(model, target)
    assert taken == 5 and waiting == 5  # every freed place was taken again, none twice
    assert stored(target) == (taken, waiting)
    assert counters.wrong_counters() == {}
