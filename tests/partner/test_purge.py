"""Retention: `purge_personal_data` deletes applicants' personal data on time.

Applications are made "back then" and the command runs "later" (time-machine).
"""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from partner.models import ApplicationStatus, PartnerApplication
from partner.services import (
    application_accept,
    application_reject,
    application_start_review,
    application_submit,
)
from tests.partner.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2025, 3, 1, 10, 0, tzinfo=BERLIN)
LABEL = "partner.PartnerApplication"


def run(*args) -> str:
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def travel(moment):
    return time_machine.travel(moment, tick=False)


def personal(application) -> tuple:
    application.refresh_from_db()
    return (application.contact_name, application.email, application.phone, application.offer)


def submit(n=1):
    return application_submit(
        organisation=f"Firma {n} GmbH",
        kind="unternehmen",
        contact_name=f"Person {n}",
        email=f"person{n}@example.org",
        phone="02324 1",
        offer="Ein Freiwilligentag.",
    ).application


def test_rejected_applicant_is_forgotten_after_the_retention_period():
    with travel(T0):
        application = ApplicationFactory(organisation="Abgelehnt GmbH")
        application_reject(application=application)
    with travel(T0 + timedelta(days=179)):
        run()
    assert personal(application) == (
        "Erika Mustermann",
        application.email,
        "02324 12345",
        application.offer,
    )
    with travel(T0 + timedelta(days=181)):
        output = run()
    assert personal(application) == ("", "", "", "")
    assert application.organisation == "Abgelehnt GmbH"
    assert application.status == ApplicationStatus.REJECTED
    assert application.purged_at == T0 + timedelta(days=181)
    assert f"{LABEL}: 0 unconfirmed expired, 1 with personal data deleted" in output


def test_accepted_application_is_emptied_after_retention_but_the_partner_stays():
    with travel(T0):
        application = ApplicationFactory(contact_name="Mia Maler", email="mia@example.org")
        partner = application_accept(application=application)
    with travel(T0 + timedelta(days=181)):
        run()
    assert personal(application) == ("", "", "", "")
    partner.refresh_from_db()
    assert (partner.contact_name, partner.contact_email) == ("Mia Maler", "mia@example.org")


def test_applications_waiting_for_a_decision_keep_their_data():
    with travel(T0):
        new = ApplicationFactory()
        in_review = ApplicationFactory()
        application_start_review(application=in_review)
    with travel(T0 + timedelta(days=800)):
        run()
    assert personal(new)[0] and personal(in_review)[0]


def test_unconfirmed_application_expires_after_48_hours_and_is_purged_after_retention():
    with travel(T0):
        application = submit()
    with travel(T0 + timedelta(hours=47)):
        run()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNCONFIRMED
    with travel(T0 + timedelta(hours=49)):
        output = run()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EXPIRED
    assert f"{LABEL}: 1 unconfirmed expired, 0 with personal data deleted" in output
    assert personal(application)[0] == "Person 1"
    with travel(T0 + timedelta(hours=48, days=181)):
        run()
    assert personal(application) == ("", "", "", "")


def test_expired_applications_are_not_shown_for_review():
    with travel(T0):
        application = submit()
    with travel(T0 + timedelta(hours=49)):
        run()
    assert application not in PartnerApplication.objects.confirmed()


def test_second_run_changes_nothing_and_output_holds_no_personal_data():
    with travel(T0):
        application = ApplicationFactory(contact_name="Geheim Name")
        application_reject(application=application)
    with travel(T0 + timedelta(days=181)):
        first = run()
        second = run()
    assert "Geheim" not in first and "@" not in first
    assert f"{LABEL}: 0 unconfirmed expired, 0 with personal data deleted" in second
    assert "Changed: 0" in second


def test_dry_run_counts_but_changes_nothing():
    with travel(T0):
        application = ApplicationFactory()
        application_reject(application=application)
        submit()
    with travel(T0 + timedelta(days=181)):
        output = run("--dry-run")
    # The unconfirmed one expires now; its retention runs from the expiry.
    assert f"{LABEL}: 1 unconfirmed expired, 1 with personal data deleted" in output
    assert personal(application)[0] == "Erika Mustermann"
    assert PartnerApplication.objects.filter(status=ApplicationStatus.UNCONFIRMED).count() == 1


def test_retention_follows_the_setting_and_the_days_option(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    with travel(T0):
        application = ApplicationFactory()
        application_reject(application=application)
    with travel(T0 + timedelta(days=20)):
        run()
        assert personal(application)[0]
        run("--days", "10")
    assert personal(application) == ("", "", "", "")
