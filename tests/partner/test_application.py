""" "Partner werden": the form, the opt-in mail and link, the personal link.

Mails go to the locmem outbox; links are read from the mails, as the applicant would.
"""

import logging
import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions.forms import fill_stamp
from partner.models import ApplicationStatus, PartnerApplication
from tests.factories import QuartierFactory
from tests.html import parse
from tests.partner.factories import ApplicationFactory
from tests.signup_helpers import consent_at_button, sent_path

pytestmark = pytest.mark.django_db

URL = "/partner/partner-werden/"
EMAIL = "erika@musterfirma.example.org"
CONFIRM_LINK = re.compile(r"http://testserver(/partner/bewerbung/[\w-]+/bestaetigen/)")
MANAGE_LINK = re.compile(r"http://testserver(/partner/bewerbung/[\w-]+/)(?!bestaetigen)")
NEUTRAL = "Ihre Bewerbung konnte gerade nicht angenommen werden."

APPLICATION = "partner.partnerapplication"  # the purpose of the form's stamps


@pytest.fixture
def welper():
    return QuartierFactory(name="Welper", slug="welper")


@pytest.fixture
def site():
    return SiteSettings.objects.create(contact_email="redaktion@hattingen.example")


def application_data(**overrides) -> dict:
    """A complete form, shown 10 seconds ago."""
    data = {
        "organisation": "Musterfirma GmbH",
        "kind": "unternehmen",
        "contact_name": "Erika Mustermann",
        "email": EMAIL,
        "phone": "02324 12345",
        "website": "www.musterfirma.example.org",
        "offer": "Ein Freiwilligentag für unser Team.",
        "consent": "on",
        "fax": "",
        "started": fill_stamp(time.time() - 10, purpose=APPLICATION),
    }
    data.update(overrides)
    return data


def html_body(message) -> str:
    return next(content for content, kind in message.alternatives if kind == "text/html")


def link(message, pattern) -> str:
    found = pattern.search(message.body)
    assert found, message.body
    assert found.group(0) in html_body(message)
    return found.group(1)


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def apply(client, **overrides):
    return client.post(URL, application_data(**overrides))


# --- the form --------------------------------------------------------------------------------


def test_form_page_is_accessible_markup(client, welper):
    response = client.get(URL)
    html = response.content.decode()
    assert parse(html).h1_texts == ["Partner werden"]
    assert 'autocomplete="organization"' in html and 'autocomplete="email"' in html
    assert '<legend class="kern-label">Welche Art von Organisation sind Sie?</legend>' in html
    assert 'name="fax"' in html and 'class="site-hp" aria-hidden="true"' in html


def test_sending_the_form_stores_an_unconfirmed_application_and_mails_the_link(client, welper):
    response = apply(client, quartiere=[welper.pk])
    assert response.status_code == 302
    assert sent_path(response) == "/partner/partner-werden/danke/"
    application = PartnerApplication.objects.get()
    assert application.status == ApplicationStatus.UNCONFIRMED
    assert (application.organisation, application.contact_name, application.email) == (
        "Musterfirma GmbH",
        "Erika Mustermann",
        EMAIL,
    )
    assert application.website == "https://www.musterfirma.example.org"
    assert list(application.quartiere.all()) == [welper]
    assert application.consent_at is not None
    [message] = mails_to(EMAIL)
    assert message.subject == "Bitte bestätigen Sie Ihre Partner-Bewerbung: Musterfirma GmbH"
    assert "Hallo Erika Mustermann," in message.body
    token_path = link(message, CONFIRM_LINK)
    assert application.token_hash not in token_path  # only the hash is stored
    thanks = client.get(response["Location"])
    assert "Fast geschafft: Bitte sehen Sie in Ihre E-Mails" in thanks.content.decode()
    assert thanks["X-Robots-Tag"] == "noindex, nofollow"


def test_empty_form_answers_422_with_german_errors_and_stores_nothing(client):
    response = client.post(URL, {"started": fill_stamp(time.time() - 10, purpose=APPLICATION)})
    assert response.status_code == 422
    html = response.content.decode()
    assert parse(html).title.startswith("Fehler: Partner werden")
    for message in (
        "Bitte geben Sie den Namen Ihrer Organisation an.",
        "Bitte wählen Sie, welche Art von Organisation Sie sind.",
        "Bitte geben Sie den Namen einer Ansprechperson an.",
        "Bitte geben Sie Ihre E-Mail-Adresse an.",
        "Bitte beschreiben Sie kurz, was Sie anbieten möchten.",
    ):
        assert message in html
    consent = consent_at_button(html)  # consent by sending: no error, the statement stays
    assert consent["button"] == "Einverstanden – Bewerbung absenden"
    assert 'href="/datenschutz/"' in consent["statement"]
    assert "Es gibt ein Problem" in html
    assert not PartnerApplication.objects.exists() and not mail.outbox


def test_invalid_values_keep_what_was_typed(client):
    response = apply(client, email="erika@", website="keine adresse", consent="")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Musterfirma GmbH"' in html
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    assert "Bitte geben Sie eine Webadresse an" in html
    assert not PartnerApplication.objects.exists()


def test_filled_honeypot_stores_nothing_and_says_nothing_specific(client, caplog):
    with caplog.at_level(logging.INFO, logger="engagierte_stadt.submissions.forms"):
        response = apply(client, fax="http://spam.example")
    assert response.status_code == 302 and response["Location"] == URL
    assert NEUTRAL in client.get(URL).content.decode()
    assert not PartnerApplication.objects.exists() and not mail.outbox
    assert "partner application form rejected: honeypot" in caplog.text


def test_forged_time_stamp_is_refused(client):
    response = apply(client, started="123:forged")
    assert response.status_code == 302
    assert not PartnerApplication.objects.exists()


def test_too_fast_post_keeps_the_input_and_stores_nothing(client):
    response = apply(client, started=fill_stamp(purpose=APPLICATION))
    assert response.status_code == 422
    html = response.content.decode()
    assert NEUTRAL in html and 'value="Musterfirma GmbH"' in html
    assert not PartnerApplication.objects.exists()


def test_rate_limit_refuses_after_too_many_applications(client, monkeypatch):
    from partner import views

    monkeypatch.setattr(views.ApplicationFormView, "is_ratelimited", lambda self: True)
    response = apply(client)
    assert response.status_code == 302 and response["Location"] == URL
    assert not PartnerApplication.objects.exists()


def test_double_submit_makes_one_application_and_one_mail(client):
    apply(client)
    apply(client)
    assert PartnerApplication.objects.count() == 1
    assert len(mails_to(EMAIL)) == 1


def test_sending_again_later_mails_the_same_link_again(client):
    apply(client)
    first = link(mails_to(EMAIL)[0], CONFIRM_LINK)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        apply(client)
    assert PartnerApplication.objects.count() == 1
    second_mail = mails_to(EMAIL)[1]
    assert link(second_mail, CONFIRM_LINK) == first
    assert client.get(first).status_code == 200


def test_applying_again_while_under_review_says_so_with_the_same_link(client):
    application = ApplicationFactory(organisation="Musterfirma GmbH", email=EMAIL)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        apply(client)
    assert PartnerApplication.objects.count() == 1
    [message] = mails_to(EMAIL)
    assert message.subject == "Ihre Partner-Bewerbung liegt uns schon vor: Musterfirma GmbH"
    assert link(message, MANAGE_LINK) == f"/partner/bewerbung/{application.token}/"
    assert client.get(f"/partner/bewerbung/{application.token}/").status_code == 200


def test_logs_hold_no_address_and_no_name(client, site, caplog):
    caplog.set_level(logging.DEBUG)
    apply(client)
    client.post(link(mails_to(EMAIL)[0], CONFIRM_LINK))
    assert "@" not in caplog.text
    assert "Erika" not in caplog.text


# --- the opt-in link -------------------------------------------------------------------------


def test_opening_the_link_does_not_confirm_but_the_button_does(client, site):
    apply(client)
    confirm = link(mails_to(EMAIL)[0], CONFIRM_LINK)
    page = client.get(confirm)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bestätigen Sie Ihre Bewerbung" in html and "Bewerbung für: Musterfirma GmbH" in html
    assert PartnerApplication.objects.get().status == ApplicationStatus.UNCONFIRMED
    response = client.post(confirm)
    assert response.status_code == 302 and response["Location"] == confirm
    application = PartnerApplication.objects.get()
    assert application.status == ApplicationStatus.NEW and application.confirmed_at
    assert "Danke! Ihre Bewerbung ist angekommen." in client.get(confirm).content.decode()
    [staff_mail] = mails_to("redaktion@hattingen.example")
    assert staff_mail.subject == "Neue Partner-Bewerbung: Musterfirma GmbH"
    assert f"/admin/partner/partnerapplication/{application.pk}/change/" in staff_mail.body
    assert EMAIL not in staff_mail.body and "Erika" not in staff_mail.body


def test_confirming_twice_mails_the_team_once(client, site):
    apply(client)
    confirm = link(mails_to(EMAIL)[0], CONFIRM_LINK)
    client.post(confirm)
    client.post(confirm)
    assert len(mails_to("redaktion@hattingen.example")) == 1


def test_link_older_than_48_hours_expires_the_application(client, site):
    apply(client)
    confirm = link(mails_to(EMAIL)[0], CONFIRM_LINK)
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        html = client.get(confirm).content.decode()
        assert "Dieser Link ist abgelaufen" in html
        client.post(confirm)
    assert PartnerApplication.objects.get().status == ApplicationStatus.EXPIRED
    assert not mails_to("redaktion@hattingen.example")


def test_personal_link_pages_send_no_referrer_no_index_no_cache_and_no_cookie(client):
    apply(client)
    message = mails_to(EMAIL)[0]
    for path in (link(message, CONFIRM_LINK), link(message, MANAGE_LINK)):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"]
        assert not response.cookies
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_unknown_link_is_404_with_an_explanation(client):
    response = client.get("/partner/bewerbung/unbekannt/bestaetigen/")
    assert response.status_code == 404
    assert "Dieser Link ist nicht gültig" in response.content.decode()
    assert client.post("/partner/bewerbung/unbekannt/").status_code == 404


# --- the personal link -----------------------------------------------------------------------


def test_manage_page_shows_what_is_stored(client, welper):
    apply(client, quartiere=[welper.pk])
    html = client.get(link(mails_to(EMAIL)[0], MANAGE_LINK)).content.decode()
    for text in ("Musterfirma GmbH", "Erika Mustermann", EMAIL, "02324 12345", "Welper"):
        assert text in html
    assert "Ein Freiwilligentag für unser Team." in html


def test_applicant_can_delete_their_data_which_withdraws_the_application(client):
    apply(client)
    manage = link(mails_to(EMAIL)[0], MANAGE_LINK)
    # Asked once more first: nothing happens yet.
    step = client.post(manage, {"action": "erase"})
    assert step.status_code == 200
    assert "Wollen Sie Ihre Daten wirklich löschen?" in step.content.decode()
    assert PartnerApplication.objects.get().contact_name
    response = client.post(manage, {"action": "erase", "confirmed": "yes"})
    assert response.status_code == 302
    application = PartnerApplication.objects.get()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert (application.contact_name, application.email, application.phone, application.offer) == (
        "",
        "",
        "",
        "",
    )
    assert application.organisation == "Musterfirma GmbH" and application.purged_at
    html = client.get(manage).content.decode()
    assert "Ihre personenbezogenen Daten sind gelöscht." in html
    assert "Erika" not in html
    # The opt-in link no longer works for deleted data.
    assert client.get(link(mails_to(EMAIL)[0], CONFIRM_LINK)).status_code == 404
