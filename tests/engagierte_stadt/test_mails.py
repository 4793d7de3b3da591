"""Mails from templates, the database outbox, the sign-up mails and the reminder command."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from mailer.models import Message, MessageLog

from engagierte_stadt import mails
from engagierte_stadt.submissions import mails as submission_mails
from engagierte_stadt.submissions.capacity import (
    SignupStatus,
    signup_confirm,
    signup_enter_by_staff,
    signup_submit,
)
from engagierte_stadt.submissions.views import client_ip
from quartiere.models import Signup
from tests.engagierte_stadt.test_settings import run_settings
from tests.factories import OpportunityFactory
from tests.signup_helpers import (
    EMAIL,
    confirm_link,
    form_data,
    html_body,
    manage_link,
)

BASE = "http://testserver"


class SMTPDownBackend(BaseEmailBackend):
    """An SMTP server that does not answer."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


@pytest.fixture
def offer(db):
    return OpportunityFactory(
        title="Beete gießen",
        slug="beete-giessen",
        places=1,
        place="Am Bach 3",
        starts_at=timezone.now() + timedelta(hours=30),
    )


def confirmed(offer, n, **kwargs):
    result = signup_submit(
        model=Signup, target=offer, name=f"Person {n}", email=f"person{n}@example.org", **kwargs
    )
    return signup_confirm(model=Signup, token=result.token), result.token


# --- send_mail_template ---------------------------------------------------------------------


def test_template_mail_has_a_one_line_subject_text_and_german_html(offer, db):
    signup, token = confirmed(offer, 1)
    submission_mails.mail_signup_result(
        signup=signup, token=token, base_url=BASE, reply_to=["a@b.example"]
    )
    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert message.reply_to == ["a@b.example"]
    html = html_body(message)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="de">' in html
    assert "style=" not in html
    assert f'href="{BASE}/mitmachen/beete-giessen/"' in html
    assert f"{BASE}/mitmachen/beete-giessen/" in message.body


def test_name_is_escaped_in_html_and_plain_in_text(offer):
    signup, token = confirmed(offer, 1)
    Signup.objects.filter(pk=signup.pk).update(name="<b>Ede & Co</b>")
    signup.refresh_from_db()
    submission_mails.mail_signup_result(signup=signup, token=token, base_url=BASE)
    (message,) = mail.outbox
    assert "Hallo <b>Ede & Co</b>," in message.body
    assert "Hallo &lt;b&gt;Ede &amp; Co&lt;/b&gt;," in html_body(message)


def test_no_recipient_sends_nothing():
    assert mails.send_mail_template("mail/signup_confirmed", {}, [""]) is False
    assert not mail.outbox


def test_failing_backend_is_logged_without_the_address(offer, settings, caplog):
    settings.EMAIL_BACKEND = "tests.engagierte_stadt.test_mails.SMTPDownBackend"
    signup, token = confirmed(offer, 1)
    assert not submission_mails.mail_signup_result(signup=signup, token=token, base_url=BASE)
    assert "could not be sent" in caplog.text and "@" not in caplog.text


def test_log_filter_masks_addresses():
    record = logging.LogRecord(
        "mailer.engine", logging.INFO, "", 0, "sending '%s' to %s", ("Hallo", "a.b@c.example"), None
    )
    assert mails.RedactEmailAddresses().filter(record)
    assert record.getMessage() == "sending 'Hallo' to [address]"


# --- the outbox -----------------------------------------------------------------------------


def test_smtp_outage_loses_no_mail(offer, client, settings):
    """Sign up while SMTP is down: the mail waits in the outbox and goes out after repair."""
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "tests.engagierte_stadt.test_mails.SMTPDownBackend"

    response = client.post("/mitmachen/beete-giessen/anmelden/", form_data())
    assert response.status_code == 302
    assert Signup.objects.get().status == SignupStatus.UNCONFIRMED
    assert Message.objects.count() == 1

    call_command("send_mail")
    assert Message.objects.deferred().count() == 1
    assert not mail.outbox

    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("retry_deferred")
    call_command("send_mail")
    assert not Message.objects.exists()
    (delivered,) = mail.outbox
    assert delivered.to == [EMAIL]
    assert client.post(confirm_link(delivered)).status_code == 302
    assert Signup.objects.get().status == SignupStatus.CONFIRMED
    # The delivery log keeps no copy of the mail (names, addresses, links).
    assert set(MessageLog.objects.values_list("message_data", flat=True)) == {None}


def test_outbox_is_the_default_backend():
    result = run_settings(
        {"DJANGO_SECRET_KEY": "k" * 50},
        "from django.conf import settings; print(settings.EMAIL_BACKEND, "
        "settings.MAILER_EMAIL_BACKEND)",
    )
    assert result.stdout.split() == [
        "mailer.backend.DbBackend",
        "django.core.mail.backends.console.EmailBackend",
    ]
    smtp = run_settings(
        {"DJANGO_SECRET_KEY": "k" * 50, "DJANGO_EMAIL_HOST": "smtp.example"},
        "from django.conf import settings; print(settings.MAILER_EMAIL_BACKEND)",
    )
    assert smtp.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_redis_url_turns_on_the_shared_cache_and_the_rate_limit():
    code = (
        "from django.conf import settings; from django.core import checks; "
        "print(settings.CACHES['default']['BACKEND'], settings.RATELIMIT_ENABLE, "
        "len([m for m in checks.run_checks() if m.id.startswith('django_ratelimit') "
        "and not m.is_silenced()]))"
    )
    with_redis = run_settings(
        {"DJANGO_SECRET_KEY": "k" * 50, "REDIS_URL": "redis://127.0.0.1:6379/0"}, code
    )
    without = run_settings({"DJANGO_SECRET_KEY": "k" * 50}, code)
    assert with_redis.stdout.split() == ["django_redis.cache.RedisCache", "True", "0"]
    assert without.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "False",
        "0",
    ]


# --- sign-up mails --------------------------------------------------------------------------


def test_moved_up_mail_carries_the_same_link_and_the_earlier_one_still_works(offer, client):
    signup, old_token = confirmed(offer, 1)
    Signup.objects.filter(pk=signup.pk).update(status=SignupStatus.WAITING)
    signup.refresh_from_db()
    signup.status = SignupStatus.CONFIRMED
    assert submission_mails.mail_signup_moved_up(signup=signup, base_url=BASE)
    (message,) = mail.outbox
    assert message.subject == "Sie sind nachgerückt und haben jetzt einen Platz: Beete gießen"
    assert manage_link(message) == f"/mitmachen/anmeldung/{old_token}/"
    # The link in the first mail (the one people keep) still works after the move-up mail.
    page = client.get(f"/mitmachen/anmeldung/{old_token}/")
    assert page.status_code == 200
    assert "Beete gießen" in page.content.decode()


def test_mail_after_a_staff_entry_has_the_personal_link(offer, client):
    result = signup_enter_by_staff(
        model=Signup, target=offer, name="Telefon Person", email="telefon@example.org"
    )
    assert submission_mails.mail_signup_entered_by_staff(
        signup=result.signup, token=result.token, base_url=BASE
    )
    (message,) = mail.outbox
    assert "Das Team hat Sie angemeldet für:" in message.body
    assert "Sie haben einen Platz." in message.body
    assert client.get(manage_link(message)).status_code == 200


def test_staff_entry_without_address_gets_no_mail(offer):
    result = signup_enter_by_staff(model=Signup, target=offer, name="Ohne Mail", phone="0232")
    assert not submission_mails.mail_signup_entered_by_staff(
        signup=result.signup, token=result.token, base_url=BASE
    )
    assert not mail.outbox


def test_contact_mail_names_the_person_and_links_the_admin_only(offer):
    signup, _ = confirmed(offer, 1, phone="0151 2345", message="Privat")
    submission_mails.mail_signup_to_contact(
        signup=signup, recipients=["team@example.org"], base_url=BASE
    )
    (message,) = mail.outbox
    assert "Person 1 hat sich angemeldet und die Anmeldung bestätigt für:" in message.body
    for private in ["person1@example.org", "0151", "Privat"]:
        assert private not in message.body and private not in html_body(message)
    assert f"{BASE}/admin/" in message.body


# --- reminders ------------------------------------------------------------------------------


def remind():
    out = StringIO()
    call_command("send_signup_reminders", base_url=BASE, stdout=out)
    return out.getvalue()


def test_reminder_goes_once_to_people_with_a_place_24_to_48_hours_before(offer, client):
    signup, _ = confirmed(offer, 1)
    waiting, _ = confirmed(offer, 2)
    assert waiting.status == SignupStatus.WAITING

    assert "quartiere.Signup: 1 reminder(s) sent" in remind()
    (message,) = mail.outbox
    assert message.to == ["person1@example.org"]
    assert message.subject.startswith("Erinnerung: Beete gießen am ")
    assert "Am Bach 3" in message.body and " Uhr" in message.body
    assert "Sie haben einen Platz" in client.get(manage_link(message)).content.decode()
    signup.refresh_from_db()
    assert signup.reminded_at

    assert "quartiere.Signup: 0 reminder(s) sent" in remind()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("hours", [10, 50, -5])
def test_no_reminder_outside_the_window(offer, hours):
    offer.starts_at = timezone.now() + timedelta(hours=hours)
    offer.save()
    confirmed(offer, 1)
    remind()
    assert not mail.outbox


def test_no_reminder_for_unconfirmed_or_deleted_sign_ups(offer):
    signup_submit(model=Signup, target=offer, name="Offen", email="offen@example.org")
    signup, _ = confirmed(offer, 1)
    Signup.objects.filter(pk=signup.pk).update(email="", name="", purged_at=timezone.now())
    remind()
    assert not mail.outbox


def test_reminder_is_retried_when_the_mail_could_not_be_sent(offer, settings):
    settings.EMAIL_BACKEND = "tests.engagierte_stadt.test_mails.SMTPDownBackend"
    signup, token = confirmed(offer, 1)
    remind()
    signup.refresh_from_db()
    assert signup.reminded_at is None
    # The old personal link still works: the new one was never sent.
    assert Signup.objects.filter(pk=signup.pk, token_hash=signup.token_hash).exists()


# --- the visitor's address for the rate limit -----------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("198.51.100.7", "", "198.51.100.7"),
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not from our proxy: ignored
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "10.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged first entry
        ("127.0.0.1", "203.0.113.9, 127.0.0.1", "203.0.113.9"),
        ("", "2001:db8::1", "2001:db8::1"),  # a Unix socket
        ("127.0.0.1", "nonsense", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_client_ip_trusts_only_the_proxy(remote, forwarded, expected, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    request = RequestFactory().post("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
