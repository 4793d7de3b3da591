"""The contact person hears once when a target's places are 80 % taken and once when all are:
one mail per step, sent after the confirmation is committed, for opportunities and meetings.

Rule (documented in `capacity.signup_notify_fill`): the step told of is stored on the target
and never goes down, so places freed and taken again send nothing new.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from engagierte_stadt.submissions.capacity import (
    FillLevel,
    SignupStatus,
    signup_cancel,
    signup_confirm,
    signup_enter_by_staff,
    signup_notify_fill,
    signup_submit,
)
from konferenzen.models import Conference, Meeting, Registration
from quartiere.models import Opportunity, Quartier, Signup
from tests.signup_helpers import CONFIRM_LINK, form_data

CONTACT = "kontakt@welper.example"
NEARLY = "Fast ausgebucht"
FULL = "Ausgebucht"


def make_opportunity(places):
    quartier = Quartier.objects.create(name="Welper", slug="welper")
    return Opportunity.objects.create(
        quartier=quartier,
        title="Tafel",
        slug="tafel",
        description="Ausgabe",
        places=places,
        contact_name="Karin Kontakt",
        contact_email=CONTACT,
    )


def make_meeting(places):
    quartier = Quartier.objects.create(name="Welper", slug="welper")
    conference = Conference.objects.create(
        quartier=quartier,
        title="Stadtteilkonferenz Welper",
        slug="welper",
        contact_name="Karin Kontakt",
        contact_email=CONTACT,
    )
    return Meeting.objects.create(
        conference=conference,
        slug="fruehjahr",
        starts_at=timezone.now() + timedelta(days=14),
        registration_enabled=True,
        places=places,
    )


CASES = {"opportunity": (Signup, make_opportunity), "meeting": (Registration, make_meeting)}


@pytest.fixture(params=sorted(CASES))
def case(request, db):
    model, make = CASES[request.param]
    return model, make


def fill_mails() -> list[str]:
    """The subjects of the step mails sent so far (not the other mails of the engine)."""
    return [
        m.subject for m in mail.outbox if m.subject.startswith((NEARLY, FULL)) and CONTACT in m.to
    ]


def sign_up(model, target, n, capture):
    """Sign up and confirm by the link, committing as the view does."""
    result = signup_submit(model=model, target=target, name=f"Person {n}", email=f"p{n}@x.example")
    with capture(execute=True):
        signup_confirm(model=model, token=result.token)
    return model.objects.get(pk=result.signup.pk)


def test_one_mail_at_80_and_one_at_100_percent(case, django_capture_on_commit_callbacks):
    model, make = case
    target = make(places=5)
    for n in range(3):
        sign_up(model, target, n, django_capture_on_commit_callbacks)
    assert fill_mails() == []  # 60 %
    sign_up(model, target, 3, django_capture_on_commit_callbacks)  # 80 %
    assert fill_mails() == [f"{NEARLY}: {target}"]
    sign_up(model, target, 4, django_capture_on_commit_callbacks)  # 100 %
    assert fill_mails() == [f"{NEARLY}: {target}", f"{FULL}: {target}"]
    waiting = sign_up(model, target, 5, django_capture_on_commit_callbacks)
    assert waiting.status == SignupStatus.WAITING
    assert len(fill_mails()) == 2
    message = next(m for m in mail.outbox if m.subject.startswith(FULL))
    assert "Alle 5 Plätze sind vergeben" in message.body
    assert "Person" not in message.body  # counts, no names


def test_no_second_mail_when_places_are_freed_and_taken_again(
    case, django_capture_on_commit_callbacks
):
    model, make = case
    target = make(places=5)
    signups = [sign_up(model, target, n, django_capture_on_commit_callbacks) for n in range(5)]
    assert len(fill_mails()) == 2
    # Two cancel (60 %), two new ones take the places (80 %, then 100 % again).
    for signup in signups[:2]:
        with django_capture_on_commit_callbacks(execute=True):
            signup_cancel(model=model, signup=signup)
    sign_up(model, target, 10, django_capture_on_commit_callbacks)
    sign_up(model, target, 11, django_capture_on_commit_callbacks)
    assert model.objects.filter(**{model.TARGET_FIELD: target}).confirmed().count() == 5
    assert len(fill_mails()) == 2


def test_jumping_straight_to_full_sends_only_the_full_mail(
    case, django_capture_on_commit_callbacks
):
    model, make = case
    target = make(places=1)
    sign_up(model, target, 0, django_capture_on_commit_callbacks)
    assert fill_mails() == [f"{FULL}: {target}"]


def test_no_mail_for_a_confirmation_that_was_rolled_back(case, django_capture_on_commit_callbacks):
    model, make = case
    target = make(places=1)
    result = signup_submit(model=model, target=target, name="Person", email="p@x.example")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            signup_confirm(model=model, token=result.token)
            raise RuntimeError("the request failed after confirming")
    assert fill_mails() == []
    assert model.objects.get(pk=result.signup.pk).status == SignupStatus.UNCONFIRMED


def test_phone_sign_up_by_staff_counts_too(db, django_capture_on_commit_callbacks):
    target = make_opportunity(places=1)
    with django_capture_on_commit_callbacks(execute=True):
        signup_enter_by_staff(model=Signup, target=target, name="Per Telefon")
    assert fill_mails() == [f"{FULL}: {target}"]


def test_two_confirmations_at_once_mail_once(db):
    """The step is raised by a conditional update: the second caller finds it raised."""
    target = make_opportunity(places=1)
    Signup.objects.create(opportunity=target, name="A", status=SignupStatus.CONFIRMED)
    assert signup_notify_fill(model=Signup, target=target) == FillLevel.FULL
    assert signup_notify_fill(model=Signup, target=target) is None
    assert len(fill_mails()) == 1


def test_unlimited_places_send_nothing(db, django_capture_on_commit_callbacks):
    target = make_opportunity(places=None)
    for n in range(3):
        sign_up(Signup, target, n, django_capture_on_commit_callbacks)
    assert fill_mails() == []


def test_confirming_by_the_web_link_tells_the_contact(
    client, db, django_capture_on_commit_callbacks
):
    target = make_opportunity(places=1)
    client.post(f"/mitmachen/{target.slug}/anmelden/", form_data())
    path = CONFIRM_LINK.search(mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    assert fill_mails() == [f"{FULL}: {target}"]
