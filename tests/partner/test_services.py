"""Decision services: allowed steps only, mails only after the commit."""

import pytest
from django.core import mail
from django.db import transaction

from partner.models import ApplicationStatus, Partner
from partner.services import (
    application_accept,
    application_confirm,
    application_reject,
    application_start_review,
)
from tests.partner.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


def test_no_mail_and_no_partner_when_the_surrounding_transaction_rolls_back():
    application = ApplicationFactory()
    with pytest.raises(Boom), transaction.atomic():
        application_accept(application=application)
        raise Boom
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEW
    assert not Partner.objects.exists()
    assert not mail.outbox


def test_decision_mail_is_sent_once_committed():
    application = ApplicationFactory()
    assert application_start_review(application=application)
    assert [m.subject for m in mail.outbox] == [
        f"Ihre Partner-Bewerbung wird geprüft: {application.organisation}"
    ]


def test_only_waiting_applications_can_be_decided():
    unconfirmed = ApplicationFactory(unconfirmed=True)
    assert application_start_review(application=unconfirmed) is False
    assert application_accept(application=unconfirmed) is None
    assert application_reject(application=unconfirmed) is False
    in_review = ApplicationFactory(status=ApplicationStatus.IN_REVIEW)
    assert application_start_review(application=in_review) is False
    assert application_reject(application=in_review) is True
    assert application_accept(application=in_review) is None  # already rejected
    assert len(mail.outbox) == 1


def test_confirm_by_unknown_or_deleted_link_does_nothing():
    assert application_confirm(token="gibt-es-nicht") is None
    application = ApplicationFactory(unconfirmed=True)
    application.purged_at = application.created_at
    application.save()
    assert application_confirm(token=application.token) is None
