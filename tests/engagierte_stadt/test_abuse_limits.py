"""Abuse limits that work without Redis: mails per address, single-use stamps, huge numbers
in requests, and the Permissions-Policy header on every response."""

import time

import pytest
from django.core import mail

from engagierte_stadt.models import MailToAddress
from konferenzen.forms import RegistrationForm
from partner.forms import PartnerApplicationForm
from quartiere.forms import OpportunitySignupForm
from tests.factories import OpportunityFactory
from tests.signup_helpers import form_data, mails_to

VICTIM = "opfer@example.org"
HUGE = "99999999999999999999"


@pytest.fixture
def offers(db):
    return [OpportunityFactory(places=5, slug=f"angebot-{n}") for n in range(11)]


def test_eleven_signups_for_one_address_send_at_most_the_limit(offers, client, settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")  # no Redis
    settings.MAILS_PER_ADDRESS_PER_HOUR = 5
    for offer in offers:
        client.post(offer.get_absolute_url() + "anmelden/", form_data(email=VICTIM))
    assert len(mails_to(VICTIM)) == 5
    # Only a keyed hash of the address is kept.
    assert MailToAddress.objects.count() == 5
    assert not MailToAddress.objects.filter(address_hash__icontains="opfer").exists()


def test_limit_counts_per_address(offers, client, settings):
    settings.MAILS_PER_ADDRESS_PER_HOUR = 1
    for n, offer in enumerate(offers[:3]):
        client.post(offer.get_absolute_url() + "anmelden/", form_data(email=f"p{n}@example.org"))
    assert len(mail.outbox) == 3


def test_replayed_stamp_is_refused_on_the_same_form(offers, client):
    data = form_data()
    url = offers[0].get_absolute_url() + "anmelden/"
    client.post(url, data)
    response = client.post(url, {**data, "email": "zweite@example.org"}, follow=True)
    assert "Dieses Formular wurde schon abgeschickt" in response.content.decode()
    assert offers[0].signups.count() == 1


def test_replayed_stamp_is_refused_on_another_form(offers, client):
    data = form_data()
    client.post(offers[0].get_absolute_url() + "anmelden/", data)
    client.post(offers[1].get_absolute_url() + "anmelden/", {**data, "email": "b@example.org"})
    assert offers[1].signups.count() == 0


def test_stamp_for_one_kind_of_form_is_refused_by_another(db):
    stamp = RegistrationForm.fill_stamp(time.time() - 10)
    form = OpportunitySignupForm(form_data(started=stamp))
    assert form.is_spam()
    assert "another form" in form.spam_reason


def test_form_shown_again_with_errors_can_be_sent_again(offers, client):
    url = offers[0].get_absolute_url() + "anmelden/"
    response = client.post(url, form_data(name=""))
    assert response.status_code == 422
    fresh = response.context["signup_form"]["started"].value()
    client.post(url, form_data(started=fresh))
    assert offers[0].signups.count() == 1


def test_huge_number_for_a_quartier_is_a_german_message_not_a_500(db, client):
    data = {
        "started": PartnerApplicationForm.fill_stamp(time.time() - 10),
        "quartiere": [HUGE],
    }
    response = client.post("/partner/partner-werden/", data)
    assert response.status_code == 422
    assert "ist kein gültiger Wert" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"/partner/partner-werden/?quartier={HUGE}&art={HUGE}",
        f"/partner/?quartier={HUGE}&page={HUGE}",
        f"/projekte/?quartier={HUGE}&topic={HUGE}",
        f"/mitmachen/?quartier={HUGE}&page={HUGE}",
        f"/stadtteilkonferenzen/?quartier={HUGE}",
        f"/aktuelles/?page={HUGE}",
    ],
)
def test_huge_numbers_in_query_strings_never_give_a_500(db, client, url):
    assert client.get(url).status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "url",
    ["/", "/projekte/", "/partner/partner-werden/", "/admin/login/", "/gibt-es-nicht/x/"],
)
def test_every_response_carries_permissions_policy(db, client, url):
    response = client.get(url)
    assert "camera=()" in response["Permissions-Policy"]


def test_health_check_and_static_files_carry_permissions_policy(db, client):
    assert client.get("/healthz/").has_header("Permissions-Policy")
    assert client.get("/favicon.ico").has_header("Permissions-Policy")
