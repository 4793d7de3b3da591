"""Wishing for a district conference in a Quartier, through the test client.

The wish runs on the sign-up engine (double opt-in, one per address and Quartier, personal
link to withdraw or delete) with the Quartier as its target; a Quartier with an active
conference sends people there instead.
"""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions.capacity import SignupStatus
from engagierte_stadt.submissions.forms import fill_stamp
from konferenzen.models import ConferenceWish
from quartiere.models import Quartier
from tests.factories import ConferenceFactory, QuartierFactory
from tests.html import assert_headings_in_order, find_all
from tests.signup_helpers import (
    EMAIL,
    NAME,
    consent_at_button,
    html_body,
    mails_to,
    same_sent_page,
    sent_path,
    wish_confirm_link,
    wish_form_data,
    wish_manage_link,
)

QUARTIER_CONTACT = "quartier-oberstueter@hattingen.example"
SITE_CONTACT = "engagement@hattingen.example"
NEUTRAL = "Ihr Wunsch konnte gerade nicht angenommen werden."
TITLE = "Ich wünsche mir eine Stadtteilkonferenz in Oberstüter"


@pytest.fixture
def quartier(db):
    return QuartierFactory(name="Oberstüter", slug="oberstueter", contact_email=QUARTIER_CONTACT)


def wish_url(quartier):
    return f"/stadtteilkonferenzen/wunsch/{quartier.slug}/"


def submit(client, quartier, follow=False, **overrides):
    return client.post(wish_url(quartier), wish_form_data(**overrides), follow=follow)


def wished_and_confirmed(client, quartier, n):
    """Person n wishes and confirms; returns (wish, manage path from the result mail)."""
    email = f"person{n}@example.org"
    mail.outbox.clear()
    submit(client, quartier, name=f"Person {n}", email=email)
    client.post(wish_confirm_link(mails_to(email)[0]))
    return ConferenceWish.objects.get(email=email), wish_manage_link(mails_to(email)[-1])


def add_wish(quartier, n, status):
    return ConferenceWish.objects.create(
        quartier=quartier,
        name=f"Person {n}",
        email=f"person{n}@example.org",
        token_hash=f"{n:064d}",
        status=status,
    )


# --- the wish page --------------------------------------------------------------------------


def test_wish_page_shows_the_form_with_a_short_explanation(quartier, client):
    response = client.get(wish_url(quartier))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="kern-heading-x-large">{TITLE}</h1>' in html
    assert "In einer Stadtteilkonferenz treffen sich die Menschen" in html
    assert "In Oberstüter gibt es noch keine Stadtteilkonferenz." in html
    assert_headings_in_order(html)
    section = html.split('id="wunsch"')[1].split("</section>")[0]
    assert f'action="{wish_url(quartier)}#wunsch"' in section
    assert find_all(section, "input", name="name", autocomplete="name")
    assert find_all(section, "input", name="email", type="email", autocomplete="email")
    assert find_all(section, "input", name="would_help", type="checkbox")
    consent = consent_at_button(section)
    assert consent["button"] == "Einverstanden – Wunsch senden"
    assert "Team der Stadt für die Stadtteilkonferenzen" in consent["statement"]
    assert find_all(section, "input", name="website", tabindex="-1")
    assert find_all(section, "input", name="csrfmiddlewaretoken")
    assert 'name="phone"' not in section and 'name="needs"' not in section
    assert "Ich würde bei der Organisation helfen" in section
    assert 'href="/datenschutz/"' in consent["statement"]
    assert "Einverstanden – Wunsch senden" in section


def test_wish_page_counts_confirmed_wishes_only(quartier, client):
    for n, status in enumerate(
        [
            SignupStatus.CONFIRMED,
            SignupStatus.CONFIRMED,
            SignupStatus.UNCONFIRMED,
            SignupStatus.CANCELLED,
            SignupStatus.EXPIRED,
        ]
    ):
        add_wish(quartier, n, status)
    html = client.get(wish_url(quartier)).content.decode()
    assert "Bisher haben sich 2 Menschen eine Stadtteilkonferenz in Oberstüter gewünscht." in html


def test_wish_page_query_budget_does_not_grow_with_the_wishes(
    quartier, client, django_assert_max_num_queries
):
    for n in range(60):
        add_wish(quartier, n, SignupStatus.CONFIRMED)
    for n in range(5):
        inside = QuartierFactory(
            slug=f"teil-{n}", kind=Quartier.Kind.NEIGHBOURHOOD, parent=quartier
        )
        add_wish(inside, 100 + n, SignupStatus.CONFIRMED)
    with django_assert_max_num_queries(4):
        html = client.get(wish_url(quartier)).content.decode()
    assert "Bisher haben sich 65 Menschen" in html


def test_wish_page_without_wishes_invites_to_be_the_first(quartier, client):
    add_wish(quartier, 1, SignupStatus.UNCONFIRMED)
    html = client.get(wish_url(quartier)).content.decode()
    assert "Bisher hat sich noch niemand eine Stadtteilkonferenz in Oberstüter gewünscht." in html


def test_wish_page_of_a_district_counts_the_wishes_of_its_neighbourhoods(quartier, client):
    inside = QuartierFactory(
        name="Am Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=quartier
    )
    add_wish(quartier, 1, SignupStatus.CONFIRMED)
    add_wish(inside, 2, SignupStatus.CONFIRMED)
    html = client.get(wish_url(quartier)).content.decode()
    assert "Bisher haben sich 2 Menschen" in html
    html = client.get(wish_url(inside)).content.decode()
    assert "Bisher hat sich 1 Person eine Stadtteilkonferenz in Am Rauendahl gewünscht." in html


def test_unknown_quartier_is_404(db, client):
    assert client.get("/stadtteilkonferenzen/wunsch/gibt-es-nicht/").status_code == 404
    response = client.post("/stadtteilkonferenzen/wunsch/gibt-es-nicht/", wish_form_data())
    assert response.status_code == 404
    assert not ConferenceWish.objects.exists()


def test_quartier_with_an_active_conference_sends_people_there(quartier, client):
    conference = ConferenceFactory(quartier=quartier, slug="oberstueter-konferenz")
    response = client.get(wish_url(quartier))
    assert response.status_code == 302
    assert response["Location"] == conference.get_absolute_url()
    response = submit(client, quartier)
    assert response["Location"] == conference.get_absolute_url()
    assert not ConferenceWish.objects.exists() and not mail.outbox


def test_district_with_a_conference_in_a_neighbourhood_sends_people_there(quartier, client):
    inside = QuartierFactory(
        name="Am Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=quartier
    )
    conference = ConferenceFactory(quartier=inside, slug="rauendahl-konferenz")
    response = client.get(wish_url(quartier))
    assert response["Location"] == conference.get_absolute_url()


def test_own_conference_comes_before_a_neighbourhoods(quartier, client):
    inside = QuartierFactory(
        name="Am Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=quartier
    )
    ConferenceFactory(quartier=inside, slug="a-rauendahl", title="A Rauendahl")
    own = ConferenceFactory(quartier=quartier, slug="z-oberstueter", title="Z Oberstüter")
    assert client.get(wish_url(quartier))["Location"] == own.get_absolute_url()


def test_an_inactive_conference_does_not_stop_wishes(quartier, client):
    ConferenceFactory(quartier=quartier, slug="frueher", is_active=False)
    assert client.get(wish_url(quartier)).status_code == 200


def test_neighbourhood_may_wish_even_if_its_district_has_a_conference(quartier, client):
    inside = QuartierFactory(
        name="Am Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=quartier
    )
    ConferenceFactory(quartier=quartier, slug="oberstueter-konferenz")
    response = client.get(wish_url(inside))
    assert response.status_code == 200
    assert "Ich wünsche mir eine Stadtteilkonferenz in Am Rauendahl" in response.content.decode()


# --- submit and double opt-in ---------------------------------------------------------------


def test_submit_stores_one_unconfirmed_wish_and_mails_the_link(quartier, client):
    response = submit(client, quartier)
    assert response.status_code == 302
    assert sent_path(response) == wish_url(quartier) + "danke/"
    wish = ConferenceWish.objects.get()
    assert wish.quartier == quartier and wish.status == SignupStatus.UNCONFIRMED
    assert (wish.name, wish.email, wish.would_help) == (NAME, EMAIL, True)
    assert wish.consent_at and not wish.phone
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert (
        message.subject
        == "Bitte bestätigen Sie Ihren Wunsch: eine Stadtteilkonferenz in Oberstüter"
    )
    assert message.reply_to == [QUARTIER_CONTACT]
    assert f"Hallo {NAME}," in message.body
    assert "Der Link gilt 48 Stunden. Erst dann zählt Ihr Wunsch." in message.body
    assert "Anmeldung" not in message.body
    assert 'lang="de"' in html_body(message)
    link = wish_confirm_link(message)
    wish_manage_link(message)
    assert link.split("/")[3] not in wish.token_hash


def test_would_help_is_stored_as_no_when_not_ticked(quartier, client):
    data = wish_form_data()
    del data["would_help"]
    client.post(wish_url(quartier), data)
    assert ConferenceWish.objects.get().would_help is False


def test_check_mail_page_says_what_to_do_next(quartier, client):
    response = client.get(submit(client, quartier)["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihren Wunsch" in html
    assert "Stadtteilkonferenz in Oberstüter" in html
    assert "Spam-Ordner" in html
    assert EMAIL not in html and "Anmeldung" not in html.split("<main")[1]


def test_mail_link_shows_a_confirm_button_and_get_confirms_nothing(quartier, client):
    submit(client, quartier)
    response = client.get(wish_confirm_link(mail.outbox[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wunsch bestätigen" in html and 'method="post"' in html
    assert ConferenceWish.objects.get().status == SignupStatus.UNCONFIRMED


def test_confirming_counts_the_wish_and_mails_person_and_contact(quartier, client):
    submit(client, quartier)
    assert "noch niemand" in client.get(wish_url(quartier)).content.decode()
    link = wish_confirm_link(mail.outbox[0])
    mail.outbox.clear()
    response = client.post(link, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(link, 302)]
    assert "Ihr Wunsch zählt" in html
    assert ConferenceWish.objects.get().status == SignupStatus.CONFIRMED
    assert "Bisher hat sich 1 Person" in client.get(wish_url(quartier)).content.decode()
    (to_person,) = mails_to(EMAIL)
    assert to_person.subject == "Ihr Wunsch zählt: eine Stadtteilkonferenz in Oberstüter"
    assert "Sie würden bei der Organisation helfen" in to_person.body
    assert to_person.reply_to == [QUARTIER_CONTACT]
    manage = wish_manage_link(to_person)
    assert manage.startswith("/stadtteilkonferenzen/mein-wunsch/")
    assert client.get(manage).status_code == 200
    (to_contact,) = mails_to(QUARTIER_CONTACT)
    assert to_contact.subject == "Neuer Wunsch: eine Stadtteilkonferenz in Oberstüter"
    assert f"{NAME} wünscht sich eine Stadtteilkonferenz in Oberstüter" in to_contact.body
    assert "Die Person würde bei der Organisation helfen." in to_contact.body
    assert EMAIL not in to_contact.body
    assert "http://testserver/admin/" in to_contact.body


def test_without_a_quartier_contact_the_portal_contact_is_told(quartier, client):
    SiteSettings.objects.create(contact_email=SITE_CONTACT)
    Quartier.objects.filter(pk=quartier.pk).update(contact_email="")
    submit(client, quartier)
    assert mail.outbox[0].reply_to == [SITE_CONTACT]
    client.post(wish_confirm_link(mail.outbox[0]))
    (to_contact,) = mails_to(SITE_CONTACT)
    assert to_contact.subject.startswith("Neuer Wunsch:")


def test_a_wish_never_waits(quartier, client):
    for n in range(4):
        wished_and_confirmed(client, quartier, n)
    assert ConferenceWish.objects.confirmed().count() == 4
    assert not ConferenceWish.objects.filter(status=SignupStatus.WAITING).exists()


def test_confirming_twice_changes_nothing_and_mails_once(quartier, client):
    submit(client, quartier)
    link = wish_confirm_link(mail.outbox[0])
    client.post(link)
    client.post(link)
    assert len(mails_to(EMAIL)) == 2
    assert len(mails_to(QUARTIER_CONTACT)) == 1
    assert ConferenceWish.objects.get().status == SignupStatus.CONFIRMED


def test_confirmation_link_expires_after_48_hours(quartier, client):
    submit(client, quartier)
    link = wish_confirm_link(mail.outbox[0])
    ConferenceWish.objects.update(created_at=timezone.now() - timedelta(hours=49))
    html = client.get(link).content.decode()
    assert "Der Bestätigungslink ist abgelaufen" in html
    assert f'href="{wish_url(quartier)}"' in html  # send the wish again
    client.post(link)
    assert ConferenceWish.objects.get().status == SignupStatus.EXPIRED


def test_unknown_link_says_it_is_not_valid(db, client):
    response = client.get("/stadtteilkonferenzen/mein-wunsch/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Dieser Link ist nicht gültig" in html
    assert "Senden Sie Ihren Wunsch noch einmal" in html
    response = client.post("/stadtteilkonferenzen/mein-wunsch/gibt-es-nicht/bestaetigen/")
    assert response.status_code == 404


# --- one wish per address and Quartier ------------------------------------------------------


def test_double_submit_creates_one_wish_and_one_mail(quartier, client):
    first = submit(client, quartier)
    second = submit(client, quartier)
    assert same_sent_page(first, second)
    assert ConferenceWish.objects.count() == 1
    assert len(mail.outbox) == 1


def test_same_address_after_confirming_gets_a_friendly_mail_and_counts_once(quartier, client):
    wished_and_confirmed(client, quartier, 1)
    mail.outbox.clear()
    response = submit(client, quartier, name="Person 1", email="Person1@example.org", follow=True)
    assert "Bitte bestätigen Sie Ihren Wunsch" in response.content.decode()
    assert ConferenceWish.objects.count() == 1
    (friendly,) = mail.outbox
    assert friendly.subject == (
        "Sie haben diesen Wunsch schon geschickt: eine Stadtteilkonferenz in Oberstüter"
    )
    assert "zählt einmal" in friendly.body
    assert "Ihr Wunsch zählt" in client.get(wish_manage_link(friendly)).content.decode()
    assert "Bisher hat sich 1 Person" in client.get(wish_url(quartier)).content.decode()


def test_the_same_address_may_wish_for_two_quartiere(quartier, client):
    other = QuartierFactory(name="Blankenstein", slug="blankenstein")
    submit(client, quartier)
    submit(client, other)
    assert ConferenceWish.objects.filter(email=EMAIL).count() == 2


# --- self-service with the personal link ----------------------------------------------------


def test_manage_page_shows_what_is_stored(quartier, client):
    _wish, manage = wished_and_confirmed(client, quartier, 1)
    html = client.get(manage).content.decode()
    assert "Was wir gespeichert haben" in html
    assert "Person 1" in html and "person1@example.org" in html
    assert "Ich würde bei der Organisation helfen" in html and ">ja<" in html
    assert "Wunsch zurückziehen" in html and "Meine Daten jetzt löschen" in html
    assert_headings_in_order(html)


def test_withdrawing_stops_the_wish_counting_and_mails(quartier, client):
    wish, manage = wished_and_confirmed(client, quartier, 1)
    mail.outbox.clear()
    html = client.post(
        manage, {"action": "cancel", "confirmed": "yes"}, follow=True
    ).content.decode()
    assert "Sie haben Ihren Wunsch zurückgezogen" in html
    wish.refresh_from_db()
    assert wish.status == SignupStatus.CANCELLED and wish.name == "Person 1"
    (withdrawn,) = mails_to("person1@example.org")
    assert withdrawn.subject == "Wunsch zurückgezogen: eine Stadtteilkonferenz in Oberstüter"
    assert wish_manage_link(withdrawn) == manage
    assert "noch niemand" in client.get(wish_url(quartier)).content.decode()
    # Withdrawn, the same address may wish again.
    submit(client, quartier, name="Person 1", email="person1@example.org")
    assert ConferenceWish.objects.count() == 2


def test_delete_my_data_empties_the_personal_fields_and_keeps_an_anonymous_row(quartier, client):
    wish, manage = wished_and_confirmed(client, quartier, 1)
    mail.outbox.clear()
    html = client.post(
        manage, {"action": "erase", "confirmed": "yes"}, follow=True
    ).content.decode()
    assert "Ihre Daten sind gelöscht" in html and "person1@example.org" not in html
    wish.refresh_from_db()
    assert (wish.name, wish.email) == ("", "")
    assert wish.purged_at and wish.status == SignupStatus.CANCELLED
    assert ConferenceWish.objects.count() == 1
    assert not mail.outbox


def test_personal_link_pages_keep_the_link_private(quartier, client):
    submit(client, quartier)
    for path in [wish_confirm_link(mail.outbox[0]), wish_manage_link(mail.outbox[0])]:
        response = client.get(path)
        assert response["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response["X-Robots-Tag"]
        assert "no-store" in response["Cache-Control"]
        assert find_all(response.content.decode(), "meta", name="robots")
        assert not response.cookies


def test_a_registration_link_does_not_open_a_wish(quartier, client):
    submit(client, quartier)
    token = wish_confirm_link(mail.outbox[0]).split("/")[3]
    assert client.get(f"/stadtteilkonferenzen/anmeldung/{token}/").status_code == 404


# --- bad input and spam ---------------------------------------------------------------------


def test_bad_input_answers_422_with_errors_and_keeps_the_input(quartier, client):
    response = submit(client, quartier, name="", email="keine-adresse", consent="")
    html = response.content.decode()
    assert response.status_code == 422
    assert "Bitte geben Sie Ihren Namen an." in html
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    assert find_all(html, "input", name="email", value="keine-adresse")
    (would_help,) = find_all(html, "input", name="would_help")
    assert "checked" in would_help
    assert "<title>Fehler:" in html
    assert TITLE in html
    assert not ConferenceWish.objects.exists() and not mail.outbox


def test_filled_honeypot_stores_nothing_and_shows_a_neutral_message(quartier, client):
    response = submit(client, quartier, website="https://spam.example", follow=True)
    assert response.redirect_chain == [(wish_url(quartier), 302)]
    assert NEUTRAL in response.content.decode()
    assert not ConferenceWish.objects.exists() and not mail.outbox


def test_too_fast_post_stores_nothing_but_keeps_the_input(quartier, client):
    response = submit(
        client,
        quartier,
        started=fill_stamp(purpose="konferenzen.conferencewish"),
        name="Erika Schnell",
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert NEUTRAL in html
    assert 'value="Erika Schnell"' in html
    assert not ConferenceWish.objects.exists() and not mail.outbox


# --- no personal data in the logs -----------------------------------------------------------


def test_logs_of_the_whole_journey_hold_no_address_and_no_name(quartier, client, caplog):
    caplog.set_level(logging.DEBUG)
    client.get(wish_url(quartier))
    submit(client, quartier)
    submit(client, quartier)
    client.post(wish_confirm_link(mails_to(EMAIL)[0]))
    submit(client, quartier)  # the "already" mail
    submit(client, quartier, website="spam")
    manage = wish_manage_link(mails_to(EMAIL)[-1])
    client.post(manage, {"action": "cancel", "confirmed": "yes"})
    client.post(manage, {"action": "erase", "confirmed": "yes"})
    assert len(mail.outbox) >= 4
    for record in caplog.records:
        text = record.getMessage()
        assert "@" not in text, (record.name, text)
        assert "Erika" not in text and "Mustermann" not in text, (record.name, text)
