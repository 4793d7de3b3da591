"""Signing up for an opportunity, through the test client: form, mails, personal links."""

import logging
import time
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from engagierte_stadt.submissions.capacity import SignupStatus
from engagierte_stadt.submissions.forms import fill_stamp
from quartiere.models import Opportunity, Signup
from tests.factories import OpportunityFactory, ProjectFactory
from tests.html import find_all
from tests.signup_helpers import (
    EMAIL,
    NAME,
    confirm_link,
    consent_at_button,
    form_data,
    html_body,
    mails_to,
    manage_link,
    same_sent_page,
    sent_path,
)

NEUTRAL = "Ihre Anmeldung konnte gerade nicht angenommen werden."
CONTACT = "garten-team@hattingen.example"


@pytest.fixture
def offer(db):
    project = ProjectFactory(
        title="Gemeinschaftsgarten Welper",
        contact_name="Gerda Garten",
        contact_email=CONTACT,
    )
    return OpportunityFactory(
        project=project, title="Beete gießen", slug="beete-giessen", places=2, place="Am Bach 3"
    )


def signup_url(offer):
    return f"/mitmachen/{offer.slug}/anmelden/"


def submit(client, offer, follow=False, **overrides):
    return client.post(signup_url(offer), form_data(**overrides), follow=follow)


def signed_up_and_confirmed(client, offer, n):
    """Person n signs up and confirms; returns (signup, manage path from the result mail)."""
    email = f"person{n}@example.org"
    mail.outbox.clear()
    submit(client, offer, name=f"Person {n}", email=email)
    client.post(confirm_link(mails_to(email)[0]))
    result_mail = mails_to(email)[-1]
    return Signup.objects.get(email=email), manage_link(result_mail)


# --- the form on the page -------------------------------------------------------------------


def test_opportunity_page_shows_the_form_in_the_signup_section(offer, client):
    html = client.get(offer.get_absolute_url()).content.decode()
    section = html.split('id="anmelden"')[1].split("</section>")[0]
    assert f'action="{signup_url(offer)}#anmelden"' in section
    assert "2 von 2 Plätzen frei." in section
    assert find_all(section, "input", name="name", autocomplete="name")
    assert find_all(section, "input", name="email", type="email", autocomplete="email")
    assert find_all(section, "input", name="phone", type="tel", autocomplete="tel")
    assert find_all(section, "textarea", name="needs")
    consent = consent_at_button(section)
    assert consent["button"] == "Einverstanden – Anmeldung absenden"
    assert consent["statement"].startswith("Mit dem Absenden stimmen Sie zu, dass Ihre Angaben")
    assert 'href="/datenschutz/"' in consent["statement"]
    assert find_all(section, "input", name="csrfmiddlewaretoken")


def test_honeypot_is_hidden_from_people_screen_readers_and_keyboards(offer, client):
    html = client.get(offer.get_absolute_url()).content.decode()
    wrapper = html.split('class="site-hp"')[1].split("</div></div>")[0]
    assert 'aria-hidden="true"' in html.split('class="site-hp"')[1][:40]
    (honeypot,) = find_all(wrapper, "input", name="website")
    assert honeypot["tabindex"] == "-1" and honeypot["autocomplete"] == "off"
    assert "style=" not in wrapper


def test_full_opportunity_says_new_signups_go_on_the_waiting_list(offer, client):
    offer.places = 0
    offer.save()
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "Ausgebucht – wenn Sie sich anmelden, kommen Sie auf die Warteliste." in html


def test_closed_opportunity_shows_no_form_and_says_why(offer, client):
    offer.signup_deadline = timezone.localdate() - timedelta(days=1)
    offer.save()
    html = client.get(offer.get_absolute_url()).content.decode()
    assert 'name="email"' not in html
    assert "Für dieses Angebot ist keine Anmeldung mehr möglich." in html
    assert "Die Anmeldefrist ist am" in html


def test_post_to_a_closed_opportunity_stores_nothing(offer, client):
    Opportunity.objects.filter(pk=offer.pk).update(is_open=False)
    response = submit(client, offer)
    assert response.status_code == 302
    assert not Signup.objects.exists() and not mail.outbox


def test_get_on_the_form_address_leads_to_the_form(offer, client):
    response = client.get(signup_url(offer))
    assert response.status_code == 302
    assert response["Location"] == offer.get_absolute_url() + "#anmelden"


# --- submit and double opt-in ---------------------------------------------------------------


def test_submit_stores_one_unconfirmed_signup_and_mails_the_confirmation_link(offer, client):
    response = submit(client, offer)
    assert response.status_code == 302
    assert sent_path(response) == f"/mitmachen/{offer.slug}/anmelden/danke/"
    signup = Signup.objects.get()
    assert signup.status == SignupStatus.UNCONFIRMED
    assert (signup.name, signup.email, signup.phone) == (NAME, EMAIL, "02324 12345")
    assert signup.needs == "Ein Platz zum Sitzen zwischendurch." and signup.consent_at
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "Bitte bestätigen Sie Ihre Anmeldung: Beete gießen"
    assert message.reply_to == [CONTACT]
    assert f"Hallo {NAME}," in message.body
    assert "Der Link gilt 48 Stunden." in message.body
    assert 'lang="de"' in html_body(message)
    confirm_link(message)
    manage_link(message)
    # The token is stored as a hash only: the link's token is not in the database.
    assert confirm_link(message).split("/")[3] not in signup.token_hash
    assert Opportunity.objects.annotate_places().get().free_places == 2


def test_check_mail_page_says_what_to_do_next(offer, client):
    response = client.get(submit(client, offer)["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre Anmeldung" in html
    assert "Spam-Ordner" in html
    assert EMAIL not in html


def test_mail_link_shows_a_confirm_button_and_get_confirms_nothing(offer, client):
    submit(client, offer)
    response = client.get(confirm_link(mail.outbox[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anmeldung bestätigen" in html and 'method="post"' in html
    assert Signup.objects.get().status == SignupStatus.UNCONFIRMED


def test_confirming_gives_a_place_says_so_and_mails_person_and_contact(offer, client):
    submit(client, offer)
    link = confirm_link(mail.outbox[0])
    mail.outbox.clear()
    response = client.post(link, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(link, 302)]
    assert "Sie haben einen Platz" in html
    assert Signup.objects.get().status == SignupStatus.CONFIRMED
    assert Opportunity.objects.annotate_places().get().free_places == 1
    (to_person,) = mails_to(EMAIL)
    assert to_person.subject == "Sie haben einen Platz: Beete gießen"
    assert "Am Bach 3" in to_person.body
    assert client.get(manage_link(to_person)).status_code == 200
    (to_contact,) = mails_to(CONTACT)
    assert to_contact.subject == "Neue Anmeldung: Beete gießen"
    assert NAME in to_contact.body
    assert EMAIL not in to_contact.body and "02324" not in to_contact.body
    assert "http://testserver/admin/" in to_contact.body


def test_confirming_twice_changes_nothing_and_mails_once(offer, client):
    submit(client, offer)
    link = confirm_link(mail.outbox[0])
    client.post(link)
    client.post(link)
    assert len(mails_to(EMAIL)) == 2  # the opt-in mail and one result mail
    assert len(mails_to(CONTACT)) == 1
    assert Signup.objects.get().status == SignupStatus.CONFIRMED


def test_full_opportunity_puts_the_confirmed_person_on_the_waiting_list_with_position(
    offer, client
):
    signed_up_and_confirmed(client, offer, 1)
    signed_up_and_confirmed(client, offer, 2)
    mail.outbox.clear()
    submit(client, offer, email="person3@example.org")
    link = confirm_link(mail.outbox[0])
    html = client.post(link, follow=True).content.decode()
    assert "Sie stehen auf der Warteliste, auf Platz 1" in html
    waiting_mail = mails_to("person3@example.org")[-1]
    assert waiting_mail.subject == "Warteliste, Platz 1: Beete gießen"
    assert "Sie stehen auf der Warteliste, auf Platz 1." in waiting_mail.body
    assert Signup.objects.confirmed().count() == 2


def test_confirmation_link_expires_after_48_hours(offer, client):
    submit(client, offer)
    link = confirm_link(mail.outbox[0])
    Signup.objects.update(created_at=timezone.now() - timedelta(hours=49))
    assert "Der Bestätigungslink ist abgelaufen" in client.get(link).content.decode()
    client.post(link)
    assert Signup.objects.get().status == SignupStatus.EXPIRED
    assert not Signup.objects.confirmed().exists()


def test_unknown_link_says_it_is_not_valid(offer, client):
    response = client.get("/mitmachen/anmeldung/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Dieser Link ist nicht gültig" in response.content.decode()
    assert client.post("/mitmachen/anmeldung/gibt-es-nicht/bestaetigen/").status_code == 404


# --- self-service with the personal link ----------------------------------------------------


def test_manage_page_shows_what_is_stored(offer, client):
    signup, manage = signed_up_and_confirmed(client, offer, 1)
    html = client.get(manage).content.decode()
    for text in ["Was wir gespeichert haben", "Person 1", "person1@example.org", "02324 12345"]:
        assert text in html
    assert "Ein Platz zum Sitzen zwischendurch." in html
    assert "Anmeldung absagen" in html and "Meine Daten jetzt löschen" in html


def test_cancel_moves_the_first_waiting_up_and_mails_them(offer, client):
    first, first_manage = signed_up_and_confirmed(client, offer, 1)
    signed_up_and_confirmed(client, offer, 2)
    waiting, _ = signed_up_and_confirmed(client, offer, 3)
    assert Signup.objects.get(pk=waiting.pk).status == SignupStatus.WAITING
    mail.outbox.clear()

    html = client.post(
        first_manage, {"action": "cancel", "confirmed": "yes"}, follow=True
    ).content.decode()

    assert "Sie haben Ihre Anmeldung abgesagt" in html
    assert Signup.objects.get(pk=first.pk).status == SignupStatus.CANCELLED
    assert Signup.objects.get(pk=waiting.pk).status == SignupStatus.CONFIRMED
    (cancelled_mail,) = mails_to("person1@example.org")
    assert cancelled_mail.subject == "Abgesagt: Beete gießen"
    (moved_mail,) = mails_to("person3@example.org")
    assert moved_mail.subject == "Sie sind nachgerückt und haben jetzt einen Platz: Beete gießen"
    # The link in the moved-up mail works and shows the place.
    assert "Sie haben einen Platz" in client.get(manage_link(moved_mail)).content.decode()


def test_delete_my_data_empties_the_personal_fields_and_keeps_an_anonymous_row(offer, client):
    first, manage = signed_up_and_confirmed(client, offer, 1)
    waiting_for = [signed_up_and_confirmed(client, offer, n)[0] for n in (2, 3)]
    rows = Signup.objects.count()
    mail.outbox.clear()

    html = client.post(
        manage, {"action": "erase", "confirmed": "yes"}, follow=True
    ).content.decode()

    assert "Ihre Daten sind gelöscht" in html and "person1@example.org" not in html
    first.refresh_from_db()
    assert (first.name, first.email, first.phone, first.message, first.needs) == ("",) * 5
    assert first.purged_at and first.status == SignupStatus.CANCELLED
    assert Signup.objects.count() == rows
    # Deleting frees the place, and the first waiting person moves up and is told.
    assert Signup.objects.get(pk=waiting_for[1].pk).status == SignupStatus.CONFIRMED
    assert [m.to for m in mail.outbox] == [["person3@example.org"]]


def test_personal_link_pages_keep_the_link_private(offer, client):
    submit(client, offer)
    confirm = confirm_link(mail.outbox[0])
    manage = manage_link(mail.outbox[0])
    for path in [confirm, manage]:
        response = client.get(path)
        assert response["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response["X-Robots-Tag"]
        assert "no-store" in response["Cache-Control"]
        assert find_all(response.content.decode(), "meta", name="robots")
        assert not response.cookies
    response = client.post(confirm)
    assert response["Referrer-Policy"] == "no-referrer"
    assert not response.cookies


def test_personal_link_forms_work_when_the_browser_sends_origin_null(offer):
    """With no-referrer, browsers send `Origin: null`; the token in the address is the check."""
    strict = Client(enforce_csrf_checks=True)
    strict.post(signup_url(offer), form_data())  # no CSRF token: refused
    assert not Signup.objects.exists()
    client = Client()
    client.post(signup_url(offer), form_data())
    link = confirm_link(mail.outbox[0])
    response = strict.post(link, HTTP_ORIGIN="null")
    assert response.status_code == 302
    assert Signup.objects.get().status == SignupStatus.CONFIRMED


# --- idempotence ----------------------------------------------------------------------------


def test_double_submit_creates_one_signup_and_one_mail(offer, client):
    first = submit(client, offer)
    second = submit(client, offer)
    assert same_sent_page(first, second)
    assert Signup.objects.count() == 1
    assert len(mail.outbox) == 1
    # The link in that one mail still works.
    assert client.get(confirm_link(mail.outbox[0])).status_code == 200


def test_same_address_again_later_gets_the_same_link_by_mail(offer, client):
    submit(client, offer)
    old_link = confirm_link(mail.outbox[0])
    Signup.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    response = submit(client, offer, email=EMAIL.upper(), name="Erika M.")
    assert sent_path(response) == f"/mitmachen/{offer.slug}/anmelden/danke/"
    assert Signup.objects.count() == 1
    again = mail.outbox[-1]
    assert "Sie haben sich noch einmal angemeldet." in again.body
    assert confirm_link(again) == old_link
    assert "Anmeldung bestätigen" in client.get(old_link).content.decode()


def test_same_address_when_already_confirmed_gets_a_friendly_mail(offer, client):
    signed_up_and_confirmed(client, offer, 1)
    mail.outbox.clear()
    response = submit(client, offer, name="Person 1", email="person1@example.org", follow=True)
    # The page says the same as for a new sign-up: it does not tell whether an address is known.
    assert "Bitte bestätigen Sie Ihre Anmeldung" in response.content.decode()
    assert Signup.objects.count() == 1
    (friendly,) = mail.outbox
    assert friendly.subject == "Sie sind bereits angemeldet: Beete gießen"
    assert "Sie haben einen Platz." in friendly.body
    assert "Sie haben einen Platz" in client.get(manage_link(friendly)).content.decode()


# --- bad input and spam ---------------------------------------------------------------------


def test_bad_input_shows_german_errors_next_to_the_fields_and_keeps_the_input(offer, client):
    response = submit(client, offer, name="", email="keine-adresse", consent="")
    html = response.content.decode()
    assert response.status_code == 422
    assert "Bitte geben Sie Ihren Namen an." in html
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    # Consent is given by sending: the statement stays next to the button, no error for it.
    assert "Bitte stimmen Sie zu" not in html
    assert consent_at_button(html)["button"] == "Einverstanden – Anmeldung absenden"
    assert find_all(html, "input", name="email", value="keine-adresse")
    assert find_all(html, "input", name="email", **{"aria-invalid": "true"})
    assert "Ich bringe eine Gießkanne mit." in html
    assert "<title>Fehler:" in html
    assert not Signup.objects.exists() and not mail.outbox


def test_filled_honeypot_stores_nothing_and_shows_a_neutral_message(offer, client):
    response = submit(client, offer, website="https://spam.example", follow=True)
    assert response.redirect_chain == [(offer.get_absolute_url(), 302)]
    assert NEUTRAL in response.content.decode()
    assert not Signup.objects.exists() and not mail.outbox


def test_too_fast_post_stores_nothing_but_keeps_the_input(offer, client):
    response = submit(
        client, offer, started=fill_stamp(purpose="quartiere.signup"), name="Erika Schnell"
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert NEUTRAL in html
    assert 'value="Erika Schnell"' in html
    assert not Signup.objects.exists() and not mail.outbox


def test_resending_after_a_too_fast_post_works(offer, client):
    import re

    sent = fill_stamp(time.time() - 1, purpose="quartiere.signup")
    html = submit(client, offer, started=sent).content.decode()
    stamp = re.search(r'name="started" value="([^"]+)"', html).group(1)
    assert stamp != sent  # a fresh time stamp, so the second try counts from now


@pytest.mark.parametrize(
    "stamp",
    ["", "123", fill_stamp(time.time() - 2 * 86400, purpose="quartiere.signup") + "x"],
    ids=["missing", "not-a-stamp", "forged"],  # stable ids: every xdist worker collects alike
)
def test_missing_or_forged_timestamp_stores_nothing(offer, client, stamp):
    assert submit(client, offer, started=stamp).status_code == 302
    assert not Signup.objects.exists() and not mail.outbox


def test_min_fill_time_is_configurable(offer, client, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    submit(client, offer, started=fill_stamp(purpose="quartiere.signup"))
    assert Signup.objects.count() == 1


# --- rate limit (Redis) ---------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings):
    """The rate limit on the real Redis at 127.0.0.1:6379, under a key prefix of its own."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.RATELIMIT_ENABLE = True
    settings.SIGNUP_RATE_LIMIT = "2/h"
    from django.core.cache import cache

    yield cache
    cache.delete_pattern("*")


def test_rate_limited_posts_store_nothing(offer, client, redis_cache):
    for n in range(2):
        submit(client, offer, email=f"person{n}@example.org")
    response = submit(client, offer, email="person9@example.org", follow=True)
    assert NEUTRAL in response.content.decode()
    assert Signup.objects.count() == 2
    assert not mails_to("person9@example.org")


def test_rate_limit_counts_per_visitor_address_behind_the_proxy(offer, client, redis_cache):
    for n in range(2):
        client.post(
            signup_url(offer),
            form_data(email=f"a{n}@example.org"),
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
    other = client.post(
        signup_url(offer), form_data(email="b@example.org"), HTTP_X_FORWARDED_FOR="203.0.113.2"
    )
    assert sent_path(other).endswith("/anmelden/danke/")
    assert Signup.objects.count() == 3


def test_redis_down_lets_people_sign_up(offer, client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_FAIL_OPEN = True
    assert sent_path(submit(client, offer)).endswith("/anmelden/danke/")
    assert Signup.objects.count() == 1


# --- no personal data in the logs -----------------------------------------------------------


def test_logs_of_the_whole_journey_hold_no_address_and_no_name(offer, client, caplog, settings):
    """Sign up, confirm, wait, move up, cancel, delete, remind, and deliver the outbox."""
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    offer.places = 1
    offer.starts_at = timezone.now() + timedelta(hours=30)
    offer.save()
    caplog.set_level(logging.DEBUG)

    def deliver():
        call_command("send_mail")
        return list(mail.outbox)

    client.get(offer.get_absolute_url())
    submit(client, offer)
    submit(client, offer)  # a double click
    deliver()
    client.post(confirm_link(mails_to(EMAIL)[-1]))  # a place
    submit(client, offer, name="Zweite Person", email="zweite@example.org")
    deliver()
    client.post(confirm_link(mails_to("zweite@example.org")[-1]))  # the waiting list
    submit(client, offer, website="spam")  # the honeypot
    submit(client, offer, name="", email="kaputt@")  # errors
    deliver()
    manage = manage_link(mails_to(EMAIL)[-1])
    client.get(manage)
    client.post(manage, {"action": "cancel", "confirmed": "yes"})  # the second person moves up
    deliver()
    call_command("send_signup_reminders", base_url="http://testserver")
    deliver()
    second_manage = manage_link(mails_to("zweite@example.org")[-1])
    assert "Erinnerung" in mails_to("zweite@example.org")[-1].subject
    client.post(second_manage, {"action": "erase", "confirmed": "yes"})
    client.post(manage, {"action": "erase", "confirmed": "yes"})
    deliver()

    assert len(mail.outbox) >= 7
    # The outbox logged its deliveries, with the recipients masked.
    assert any(r.name == "mailer.engine" and "[address]" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        text = record.getMessage()
        assert "@" not in text, (record.name, text)
        for name in (NAME, "Erika", "Mustermann", "Zweite Person"):
            assert name not in text, (record.name, text)
    assert "@" not in caplog.text
