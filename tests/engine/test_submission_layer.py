"""The submission layer, for every model that stands on it.

Each test runs for each concrete model found by `submission_models()`: opportunity sign-ups,
conference registrations and wishes, partner applications, accessibility feedback, alerts, ideas
and their backers. A new model on the engine without a way to make an entry here fails
`test_every_model_on_the_engine_is_tested`.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from engagierte_stadt.models import AccessibilityFeedback
from engagierte_stadt.submissions.capacity import signup_submit
from engagierte_stadt.submissions.submission import (
    CONFIRMATION_HOURS,
    entries_of_address,
    find_by_token,
    hash_token,
    submission_by_token,
    submission_confirm,
    submission_models,
    submissions_expire,
    submissions_purge,
)
from ideen.models import Idea, IdeaBacker
from konferenzen.models import Conference, ConferenceWish, Meeting, Registration
from partner.models import PartnerApplication, PartnerKind
from partner.services import application_submit
from quartiere.models import AlertSubscription, Opportunity, Quartier, Signup

EMAIL = "erika@example.org"


def _quartier():
    return Quartier.objects.get_or_create(slug="welper", defaults={"name": "Welper"})[0]


def make_signup(email):
    opportunity, _ = Opportunity.objects.get_or_create(
        slug="tafel",
        defaults={"quartier": _quartier(), "title": "Tafel", "description": "Ausgabe"},
    )
    return signup_submit(model=Signup, target=opportunity, name="Erika", email=email)


def make_registration(email):
    conference, _ = Conference.objects.get_or_create(
        slug="welper", defaults={"quartier": _quartier(), "title": "Konferenz Welper"}
    )
    meeting, _ = Meeting.objects.get_or_create(
        slug="fruehjahr",
        conference=conference,
        defaults={
            "starts_at": timezone.now() + timedelta(days=14),
            "registration_enabled": True,
        },
    )
    return signup_submit(model=Registration, target=meeting, name="Erika", email=email)


def make_wish(email):
    return signup_submit(
        model=ConferenceWish, target=_quartier(), name="Erika", email=email, would_help=True
    )


def make_application(email):
    return application_submit(
        organisation="Musterfirma GmbH",
        kind=PartnerKind.BUSINESS,
        contact_name="Erika",
        email=email,
        offer="Ein Freiwilligentag.",
    )


class FeedbackResult:
    def __init__(self, feedback):
        self.entry = feedback
        self.token = feedback.personal_token()


def make_feedback(email):
    from engagierte_stadt.services import feedback_submit

    return FeedbackResult(
        feedback_submit(
            message="Der Kontrast ist zu schwach.",
            name="Erika",
            email=email,
            base_url="http://testserver",
        )
    )


class AlertResult:
    def __init__(self, result):
        self.entry = result.subscription
        self.token = result.token


def make_alert(email):
    from quartiere.alerts import alert_submit

    _quartier()
    return AlertResult(alert_submit(email=email, query="quartier=welper", frequency="sofort"))


class IdeaResult:
    def __init__(self, result):
        self.entry = result.idea
        self.token = result.token


def make_idea(email):
    from ideen.services import idea_submit

    return IdeaResult(
        idea_submit(
            quartier=_quartier(),
            title="Bänke am Ruhrufer",
            description="Drei Bänke.",
            name="Erika",
            show_name=True,
            email=email,
        )
    )


class BackerResult:
    def __init__(self, result):
        self.entry = result.backer
        self.token = result.token


def make_backer(email):
    from ideen.models import IdeaStatus
    from ideen.services import backer_submit, idea_submit

    idea = Idea.objects.filter(title="Gemeinsamer Garten").first()
    if idea is None:
        idea = idea_submit(
            quartier=_quartier(), title="Gemeinsamer Garten", description="x", email=""
        ).idea
        Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.PUBLISHED)
    return BackerResult(backer_submit(idea=idea, email=email))


MAKERS = {
    Signup: make_signup,
    Registration: make_registration,
    ConferenceWish: make_wish,
    PartnerApplication: make_application,
    AccessibilityFeedback: make_feedback,
    AlertSubscription: make_alert,
    Idea: make_idea,
    IdeaBacker: make_backer,
}


def entry_of(result):
    for name in ("signup", "application", "entry"):
        if hasattr(result, name):
            return getattr(result, name)
    raise AssertionError(result)


@pytest.fixture(params=sorted(MAKERS, key=lambda model: model._meta.label))
def model(request, db):
    return request.param


def make(model, email=EMAIL):
    result = MAKERS[model](email)
    return entry_of(result), result.token


def test_every_model_on_the_engine_is_tested():
    assert set(submission_models()) == set(MAKERS)


def test_only_the_hash_of_the_token_is_stored(model):
    entry, token = make(model)
    entry.refresh_from_db()
    assert entry.token_hash == hash_token(token)
    assert token not in entry.link_key
    assert submission_by_token(model=model, token=token) == entry
    assert find_by_token(token) == entry


def test_the_personal_link_is_the_same_every_time(model):
    entry, token = make(model)
    assert entry.personal_token() == token
    entry.refresh_from_db()
    assert entry.personal_token() == token
    assert find_by_token(token) == entry


def test_unknown_or_malformed_tokens_find_nothing(model):
    make(model)
    assert find_by_token("gibt-es-nicht") is None
    assert find_by_token("x" * 500) is None
    assert find_by_token("") is None


def test_consent_time_is_stored(model):
    entry, _token = make(model)
    entry.refresh_from_db()
    if model is AccessibilityFeedback:
        assert entry.consent_at is None or entry.consent_at <= timezone.now()
    else:
        assert entry.consent_at is not None


def test_opt_in_confirms_once(model):
    if not model.REQUIRES_OPT_IN:
        pytest.skip("counts at once, no opt-in")
    entry, token = make(model)
    confirmed = submission_confirm(model=model, token=token)
    assert confirmed.confirmed_now and confirmed.confirmed_at
    assert not confirmed.is_unconfirmed
    again = submission_confirm(model=model, token=token)
    assert not getattr(again, "confirmed_now", False)


def test_unclicked_opt_in_expires(model):
    if not model.REQUIRES_OPT_IN:
        pytest.skip("counts at once, no opt-in")
    entry, token = make(model)
    model.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - timedelta(hours=CONFIRMATION_HOURS + 1)
    )
    assert submissions_expire(model=model) == 1
    assert submissions_expire(model=model) == 0
    entry.refresh_from_db()
    assert entry.status == model.EXPIRED_STATUS
    assert submission_confirm(model=model, token=token).status == model.EXPIRED_STATUS


def test_purge_empties_every_personal_field_and_keeps_the_row(model):
    entry, token = make(model)
    model.objects.filter(pk=entry.pk).update(created_at=timezone.now() - timedelta(days=400))
    assert submissions_purge(model=model, days=30) == 1
    assert submissions_purge(model=model, days=30) == 0
    entry = model.objects.get(pk=entry.pk)
    assert entry.purged_at is not None
    for name in model.PERSONAL_FIELDS:
        assert getattr(entry, name) in ("", None, False), name
    assert entry_of_address_count(EMAIL) == 0


def test_erase_on_request_empties_every_personal_field(model):
    entry, _token = make(model)
    entry.erase_submission()
    entry = model.objects.get(pk=entry.pk)
    assert entry.purged_at is not None
    for name in model.PERSONAL_FIELDS:
        assert getattr(entry, name) in ("", None, False), name


def test_entries_of_an_address_are_only_that_address(model):
    mine, _ = make(model, EMAIL)
    other, _ = make(model, "someone.else@example.org")
    assert entries_of_address(EMAIL) == [mine]
    assert entries_of_address("SOMEONE.ELSE@example.org ") == [other]
    assert entries_of_address("") == []


def test_export_holds_the_fields_and_the_subject(model):
    entry, _token = make(model)
    exported = entry.export()
    assert exported["kind"] == model._meta.label
    assert exported["data"]["email"] == EMAIL
    assert exported["subject"]
    assert set(model.PERSONAL_FIELDS) <= set(exported["data"])


def entry_of_address_count(email) -> int:
    return len(entries_of_address(email))
