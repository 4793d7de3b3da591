"""Retention: `purge_personal_data` deletes personal data on time and keeps the counts.

Time travels with time-machine: sign-ups are made "back then", the command runs "later".
The rules shared by every sign-up model run for opportunity sign-ups (`quartiere.Signup`) and
conference registrations (`konferenzen.Registration`, where the meeting's end counts); wishes
for a conference (`konferenzen.ConferenceWish`) have their own rule at the end.
"""

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from engagierte_stadt.models import AccessibilityFeedback
from engagierte_stadt.submissions.capacity import (
    SignupStatus,
    Source,
    signup_cancel,
    signup_confirm,
    signup_enter_by_staff,
    signup_submit,
)
from engagierte_stadt.submissions.submission import submission_models
from konferenzen.models import WISH_MAX_DAYS, Conference, ConferenceWish, Meeting, Registration
from quartiere.models import Opportunity, Quartier, Signup

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2025, 3, 1, 10, 0, tzinfo=BERLIN)
PERSONAL = ["name", "email", "phone", "message", "needs"]
KINDS = ["meeting", "opportunity"]


def run(*args) -> str:
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def travel(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def welper(db):
    return Quartier.objects.create(name="Welper", slug="welper")


def make_opportunity(quartier, slug="tafel", **kwargs):
    return Opportunity.objects.create(
        quartier=quartier, title=slug.title(), slug=slug, description="Helfen", **kwargs
    )


def make_meeting(quartier, slug="fruehjahr", **kwargs):
    conference, _ = Conference.objects.get_or_create(
        quartier=quartier,
        slug=f"konferenz-{quartier.slug}",
        defaults={"title": f"Stadtteilkonferenz {quartier.name}"},
    )
    return Meeting.objects.create(
        conference=conference, slug=slug, registration_enabled=True, **kwargs
    )


def make_dated(kind, quartier, *, starts_at, ends_at=None, places=None):
    """A target on one date: a one-off opportunity or a meeting with registration."""
    if kind == "meeting":
        return make_meeting(quartier, starts_at=starts_at, ends_at=ends_at, places=places)
    return make_opportunity(
        quartier,
        commitment=Opportunity.Commitment.ONCE,
        starts_at=starts_at,
        ends_at=ends_at,
        places=places,
    )


def model_of(target):
    return Registration if isinstance(target, Meeting) else Signup


def rows_of(target):
    model = model_of(target)
    return model.objects.filter(**{model.TARGET_FIELD: target})


def sign_up(target, n, *, confirm=True):
    model = model_of(target)
    result = signup_submit(
        model=model,
        target=target,
        name=f"Person {n}",
        email=f"person{n}@example.org",
        phone="02324 12345",
        message="Ich bringe Kuchen mit.",
        needs="Rollstuhlgerechter Zugang",
    )
    if confirm:
        signup_confirm(model=model, token=result.token)
    return model.objects.get(pk=result.signup.pk)


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


@pytest.fixture
def ended(welper, kind):
    """A date a week after T0 with 3 places: 3 confirmed, 1 waiting, 1 by phone."""
    with travel(T0):
        target = make_dated(
            kind,
            welper,
            starts_at=T0 + timedelta(days=7),
            ends_at=T0 + timedelta(days=7, hours=3),
            places=3,
        )
        for n in range(4):
            sign_up(target, n)
        signup_enter_by_staff(
            model=model_of(target), target=target, name="Anruferin", phone="0170 1234567"
        )
    return target


def label(target) -> str:
    return model_of(target)._meta.label


def has_personal_data(signup) -> bool:
    return any(getattr(signup, field) for field in PERSONAL)


def test_nothing_personal_is_left_past_retention(ended):
    with travel(ended.ends_at + timedelta(days=181)):
        run()
    rows = rows_of(ended)
    assert rows.count() == 5
    for signup in rows:
        assert not has_personal_data(signup)
        assert signup.purged_at == ended.ends_at + timedelta(days=181)
        assert "Person" not in str(signup) and "Anruferin" not in str(signup)


def test_counts_stay_after_purging(ended):
    annotated = type(ended).objects.annotate_places()
    before = annotated.get(pk=ended.pk)
    with travel(ended.ends_at + timedelta(days=181)):
        run()
    after = annotated.get(pk=ended.pk)
    assert (after.places_taken, after.free_places) == (before.places_taken, 0) == (3, 0)
    statuses = sorted(rows_of(ended).values_list("status", "source"))
    assert statuses == [
        ("confirmed", "online"),
        ("confirmed", "online"),
        ("confirmed", "online"),
        ("waiting", "online"),
        ("waiting", "phone"),
    ]


def test_second_run_changes_nothing(ended):
    model = model_of(ended)
    with travel(ended.ends_at + timedelta(days=181)):
        first = run()
    purged_at = dict(model.objects.values_list("pk", "purged_at"))
    with travel(ended.ends_at + timedelta(days=182)):
        second = run()
    assert f"{label(ended)}: 0 unconfirmed expired, 5 with personal data deleted" in first
    assert f"{label(ended)}: 0 unconfirmed expired, 0 with personal data deleted" in second
    assert "Changed: 0" in second
    assert dict(model.objects.values_list("pk", "purged_at")) == purged_at


def test_output_holds_no_personal_data(ended):
    with travel(ended.ends_at + timedelta(days=181)):
        output = run()
    assert "Person" not in output and "@" not in output and "Anruferin" not in output


def test_signups_within_retention_stay(ended):
    with travel(ended.ends_at + timedelta(days=179)):
        output = run()
    assert "Changed: 0" in output
    assert all(has_personal_data(s) for s in rows_of(ended))
    assert not rows_of(ended).filter(purged_at__isnull=False).exists()


def test_meeting_retention_runs_from_its_end_not_its_start(welper):
    with travel(T0):
        meeting = make_meeting(
            welper, starts_at=T0 + timedelta(days=7), ends_at=T0 + timedelta(days=7, hours=10)
        )
        registration = sign_up(meeting, 1)
    # In UTC: adding days to a Berlin time would add wall-clock days across the clock change.
    with travel(meeting.starts_at.astimezone(UTC) + timedelta(days=180, hours=1)):
        run()
    registration.refresh_from_db()
    assert has_personal_data(registration) and registration.purged_at is None
    with travel(meeting.ends_at.astimezone(UTC) + timedelta(days=180, minutes=1)):
        run()
    registration.refresh_from_db()
    assert not has_personal_data(registration) and registration.purged_at is not None


def test_cancelled_signup_is_purged_after_retention_from_cancellation(welper, kind):
    with travel(T0):
        target = make_dated(kind, welper, starts_at=T0 + timedelta(days=900))
        cancelled, staying = sign_up(target, 1), sign_up(target, 2)
    with travel(T0 + timedelta(days=10)):
        signup_cancel(model=model_of(target), signup=cancelled)
    with travel(T0 + timedelta(days=189)):
        run()
    cancelled.refresh_from_db()
    assert has_personal_data(cancelled) and cancelled.purged_at is None
    with travel(T0 + timedelta(days=191)):
        run()
    cancelled.refresh_from_db()
    staying.refresh_from_db()
    assert not has_personal_data(cancelled) and cancelled.purged_at is not None
    assert cancelled.status == SignupStatus.CANCELLED
    assert has_personal_data(staying) and staying.purged_at is None


def test_unconfirmed_signup_expires_after_48_hours(welper, kind):
    with travel(T0):
        target = make_dated(kind, welper, starts_at=T0 + timedelta(days=900))
        late = sign_up(target, 1, confirm=False)
    with travel(T0 + timedelta(hours=47)):
        run()
    late.refresh_from_db()
    assert late.status == SignupStatus.UNCONFIRMED
    with travel(T0 + timedelta(hours=49)):
        output = run()
    late.refresh_from_db()
    assert late.status == SignupStatus.EXPIRED
    assert f"{label(target)}: 1 unconfirmed expired, 0 with personal data deleted" in output
    assert has_personal_data(late)  # the retention runs from the expiry, like a cancellation


def test_expired_signup_is_purged_after_retention(welper, kind):
    with travel(T0):
        target = make_dated(kind, welper, starts_at=T0 + timedelta(days=900))
        late = sign_up(target, 1, confirm=False)
    with travel(T0 + timedelta(hours=48) + timedelta(days=179)):
        run()
    late.refresh_from_db()
    assert late.status == SignupStatus.EXPIRED and has_personal_data(late)
    with travel(T0 + timedelta(hours=48) + timedelta(days=181)):
        run()
    late.refresh_from_db()
    assert late.status == SignupStatus.EXPIRED and not has_personal_data(late)


def test_one_off_date_without_end_counts_from_its_start(welper, kind):
    with travel(T0):
        target = make_dated(kind, welper, starts_at=T0 + timedelta(days=1))
        signup = sign_up(target, 1)
    with travel(T0 + timedelta(days=180)):
        run()
    signup.refresh_from_db()
    assert has_personal_data(signup)
    with travel(T0 + timedelta(days=182)):
        run()
    signup.refresh_from_db()
    assert not has_personal_data(signup)


def test_open_opportunity_without_dates_keeps_its_volunteers(welper):
    with travel(T0):
        opportunity = make_opportunity(welper, commitment=Opportunity.Commitment.REGULAR)
        signup = sign_up(opportunity, 1)
    with travel(T0 + timedelta(days=800)):
        run()
    signup.refresh_from_db()
    assert has_personal_data(signup) and signup.purged_at is None


def test_open_regular_opportunity_with_a_first_date_keeps_its_volunteers(welper):
    with travel(T0):
        opportunity = make_opportunity(
            welper, commitment=Opportunity.Commitment.REGULAR, starts_at=T0 + timedelta(days=1)
        )
        signup = sign_up(opportunity, 1)
    with travel(T0 + timedelta(days=400)):
        run()
    signup.refresh_from_db()
    assert has_personal_data(signup) and signup.purged_at is None


def test_closed_opportunity_without_dates_is_purged_after_retention(welper):
    with travel(T0):
        opportunity = make_opportunity(welper, commitment=Opportunity.Commitment.FLEXIBLE)
        signup = sign_up(opportunity, 1)
    with travel(T0 + timedelta(days=30)):
        opportunity.is_open = False
        opportunity.save()
    with travel(T0 + timedelta(days=209)):
        run()
    signup.refresh_from_db()
    assert has_personal_data(signup)
    with travel(T0 + timedelta(days=211)):
        run()
    signup.refresh_from_db()
    assert not has_personal_data(signup) and signup.status == SignupStatus.CONFIRMED


def test_accessibility_feedback_loses_name_and_email_after_retention(db):
    with travel(T0):
        old = AccessibilityFeedback.objects.create(
            message="Der Kontrast ist zu schwach.", name="Erika", email="erika@example.org"
        )
    with travel(T0 + timedelta(days=100)):
        recent = AccessibilityFeedback.objects.create(
            message="Das PDF ist nicht barrierefrei.", name="Max", email="max@example.org"
        )
    with travel(T0 + timedelta(days=181)):
        output = run()
        again = run()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.name, old.email, old.message) == ("", "", "Der Kontrast ist zu schwach.")
    assert (recent.name, recent.email) == ("Max", "max@example.org")
    line = "engagierte_stadt.AccessibilityFeedback: 0 unconfirmed expired, {} with personal data"
    assert line.format(1) in output
    assert line.format(0) in again


def test_dry_run_counts_but_changes_nothing(ended):
    with travel(ended.ends_at + timedelta(days=181)):
        output = run("--dry-run")
    assert f"{label(ended)}: 0 unconfirmed expired, 5 with personal data deleted" in output
    assert "Would change: 5" in output
    assert all(has_personal_data(s) for s in rows_of(ended))


def test_days_option_overrides_the_setting(ended):
    with travel(ended.ends_at + timedelta(days=31)):
        assert "Changed: 0" in run()
        assert "Changed: 5" in run("--days", "30")


def test_retention_comes_from_the_setting(ended, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    with travel(ended.ends_at + timedelta(days=31)):
        output = run()
    assert "Retention: 30 days" in output and "Changed: 5" in output


def test_negative_days_are_refused(db):
    with pytest.raises(CommandError):
        run("--days", "-1")


def test_every_model_with_personal_data_is_covered():
    # Ideas and their backers: their own rules in tests/ideen/test_purge.py.
    from ideen.models import Idea, IdeaBacker
    from partner.models import PartnerApplication
    from quartiere.models import AlertSubscription

    models = submission_models()
    assert set(models) == {
        Signup,
        Registration,
        ConferenceWish,
        PartnerApplication,
        AccessibilityFeedback,
        AlertSubscription,
        Idea,
        IdeaBacker,
    }


def test_staff_entry_counts_against_the_same_places(welper, kind):
    target = make_dated(kind, welper, starts_at=T0 + timedelta(days=900), places=1)
    model = model_of(target)
    first = signup_enter_by_staff(model=model, target=target, name="Anrufer", source=Source.PHONE)
    second = signup_enter_by_staff(model=model, target=target, name="Zettel", source=Source.PAPER)
    assert (first.signup.status, second.signup.status) == ("confirmed", "waiting")
    assert first.signup.confirmed_at and first.signup.consent_at


def test_staff_entry_with_a_known_address_gives_the_existing_signup(welper, kind):
    target = make_dated(kind, welper, starts_at=T0 + timedelta(days=900))
    online = sign_up(target, 1)
    again = signup_enter_by_staff(
        model=model_of(target), target=target, name="Person 1", email="Person1@example.org"
    )
    assert not again.created and again.signup.pk == online.pk


# --- wishes for a district conference ------------------------------------------------------


def wish(quartier, n, *, confirm=True):
    result = signup_submit(
        model=ConferenceWish,
        target=quartier,
        name=f"Person {n}",
        email=f"person{n}@example.org",
        would_help=True,
    )
    if confirm:
        signup_confirm(model=ConferenceWish, token=result.token)
    return ConferenceWish.objects.get(pk=result.signup.pk)


def test_wishes_are_purged_after_the_conference_is_founded_plus_retention(welper):
    other = Quartier.objects.create(name="Blankenstein", slug="blankenstein")
    with travel(T0):
        fulfilled = [wish(welper, n) for n in range(2)]
        waiting_still = wish(other, 3)
    with travel(T0 + timedelta(days=30)):
        Conference.objects.create(quartier=welper, title="Stadtteilkonferenz Welper", slug="w")
    with travel(T0 + timedelta(days=30 + 179)):
        output = run()
    assert "konferenzen.ConferenceWish: 0 unconfirmed expired, 0 with personal" in output
    assert all(has_personal_data(w) for w in ConferenceWish.objects.all())
    with travel(T0 + timedelta(days=30 + 181)):
        output = run()
    assert "konferenzen.ConferenceWish: 0 unconfirmed expired, 2 with personal" in output
    for row in fulfilled:
        row.refresh_from_db()
        assert not has_personal_data(row) and row.purged_at is not None
        assert row.status == SignupStatus.CONFIRMED  # still counted, anonymously
    waiting_still.refresh_from_db()
    assert has_personal_data(waiting_still) and waiting_still.purged_at is None


def test_stale_unfulfilled_wishes_are_purged_after_the_longest_wait_plus_retention(welper):
    with travel(T0):
        stale = wish(welper, 1)
    with travel(T0 + timedelta(days=100)):
        newer = wish(welper, 2)
    with travel(T0 + timedelta(days=WISH_MAX_DAYS + 179)):
        run()
    stale.refresh_from_db()
    assert has_personal_data(stale) and stale.purged_at is None
    with travel(T0 + timedelta(days=WISH_MAX_DAYS + 181)):
        output = run()
    assert "konferenzen.ConferenceWish: 0 unconfirmed expired, 1 with personal" in output
    stale.refresh_from_db()
    newer.refresh_from_db()
    assert not has_personal_data(stale) and stale.status == SignupStatus.CONFIRMED
    assert has_personal_data(newer) and newer.purged_at is None


def test_unconfirmed_wish_expires_and_is_purged_like_any_signup(welper):
    with travel(T0):
        late = wish(welper, 1, confirm=False)
    with travel(T0 + timedelta(hours=49)):
        output = run()
    late.refresh_from_db()
    assert late.status == SignupStatus.EXPIRED and has_personal_data(late)
    assert "konferenzen.ConferenceWish: 1 unconfirmed expired" in output
    with travel(T0 + timedelta(hours=48) + timedelta(days=181)):
        run()
    late.refresh_from_db()
    assert not has_personal_data(late)
