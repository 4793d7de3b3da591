"""Registering for a conference meeting, through the test client: form, mails, personal links.

The registration runs on the sign-up engine of the opportunities; these tests check that the
meeting gets all of it (double opt-in, places, waiting list, moving up, spam checks, the
reminder) with the meeting's date and venue and the conference's contact.
"""

import io
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions.capacity import SignupStatus
from engagierte_stadt.submissions.forms import fill_stamp
from konferenzen.forms import RegistrationForm
from konferenzen.models import Meeting, Registration
from tests.factories import ConferenceFactory, MeetingFactory, VenueFactory
from tests.html import find_all
from tests.signup_helpers import (
    EMAIL,
    NAME,
    consent_at_button,
    form_data,
    html_body,
    mails_to,
    registration_confirm_link,
    registration_manage_link,
    same_sent_page,
    sent_path,
)

NEUTRAL = "Ihre Anmeldung konnte gerade nicht angenommen werden."
CONTACT = "konferenz-welper@hattingen.example"
SITE_CONTACT = "engagement@hattingen.example"

REGISTRATION = "konferenzen.registration"  # the purpose of the registration form's stamps


@pytest.fixture
def meeting(db):
    venue = VenueFactory(name="Gemeindehaus Welper", street="Marxstraße 12", postcode="45527")
    conference = ConferenceFactory(
        title="Stadtteilkonferenz Welper", slug="welper", contact_email=CONTACT, usual_venue=venue
    )
    return MeetingFactory(
        conference=conference, title="Frühjahrskonferenz", registration_enabled=True, places=2
    )


def when(meeting) -> str:
    """The date and time as the mails and pages state it."""
    return date_format(timezone.localtime(meeting.starts_at), "l, j. F Y, H:i")


def register_url(meeting):
    return meeting.get_absolute_url() + "anmelden/"


def submit(client, meeting, follow=False, **overrides):
    return client.post(register_url(meeting), form_data(REGISTRATION, **overrides), follow=follow)


def registered_and_confirmed(client, meeting, n):
    """Person n registers and confirms; returns (registration, manage path from the mail)."""
    email = f"person{n}@example.org"
    mail.outbox.clear()
    submit(client, meeting, name=f"Person {n}", email=email)
    client.post(registration_confirm_link(mails_to(email)[0]))
    return Registration.objects.get(email=email), registration_manage_link(mails_to(email)[-1])


def registration_section(meeting, **context) -> str:
    """The include on its own, as the meeting page renders it."""
    meeting = Meeting.objects.annotate_places().select_related("conference").get(pk=meeting.pk)
    return render_to_string(
        "konferenzen/includes/meeting_registration.html", {"meeting": meeting, **context}
    )


# --- the section on the meeting page --------------------------------------------------------


def test_meeting_page_shows_the_form_in_the_registration_section(meeting, client):
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert html.count('id="anmelden"') == 1
    section = html.split('id="anmelden"')[1].split("</section>")[0]
    assert f'action="{register_url(meeting)}#anmelden"' in section
    assert "2 von 2 Plätzen frei." in section
    assert find_all(section, "input", name="name", autocomplete="name")
    assert find_all(section, "input", name="email", type="email", autocomplete="email")
    assert find_all(section, "textarea", name="needs")
    consent = consent_at_button(section)
    assert consent["button"] == "Einverstanden – anmelden"
    assert "Veranstalter dieser Stadtteilkonferenz" in consent["statement"]
    assert find_all(section, "input", name="website", tabindex="-1")
    assert 'href="/datenschutz/"' in consent["statement"]
    assert find_all(section, "input", name="csrfmiddlewaretoken")
    assert "Einverstanden – anmelden" in section


def test_full_meeting_says_new_registrations_go_on_the_waiting_list(meeting):
    meeting.places = 0
    meeting.save()
    html = registration_section(meeting, signup_form=RegistrationForm())
    assert "Ausgebucht – wenn Sie sich anmelden, kommen Sie auf die Warteliste." in html
    assert 'name="email"' in html


def test_meeting_without_places_shows_no_count(meeting):
    meeting.places = None
    meeting.save()
    html = registration_section(meeting, signup_form=RegistrationForm())
    assert "Plätze" not in html and "Platz frei" not in html
    assert 'name="email"' in html and 'id="anmelden"' in html


def test_section_renders_nothing_without_registration(meeting):
    meeting.registration_enabled = False
    meeting.places = None
    meeting.save()
    assert registration_section(meeting).strip() == ""


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": Meeting.Status.CANCELLED}, "Der Termin ist abgesagt."),
        ({"starts_at": timezone.now() - timedelta(minutes=30)}, "Der Termin hat schon begonnen."),
        ({"starts_at": timezone.now() - timedelta(days=3)}, "Der Termin ist vorbei."),
    ],
)
def test_closed_registration_says_so_and_shows_no_form(meeting, change, reason):
    for field, value in change.items():
        setattr(meeting, field, value)
    if "starts_at" in change:
        meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    meeting.save()
    html = registration_section(meeting)
    assert 'id="anmelden"' in html
    assert "Die Anmeldung ist geschlossen." in html and reason in html
    assert 'name="email"' not in html


@pytest.mark.parametrize(
    "change",
    [
        {"status": Meeting.Status.CANCELLED},
        {"registration_enabled": False, "places": None},
        {"starts_at": timezone.now() - timedelta(minutes=30)},
        {"starts_at": timezone.now() - timedelta(days=3)},
    ],
    ids=["cancelled", "registration-off", "begun", "past"],
)
def test_post_to_a_closed_meeting_stores_nothing(meeting, client, change):
    if "starts_at" in change:
        change["ends_at"] = change["starts_at"] + timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(**change)
    response = submit(client, meeting, follow=True)
    assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert "Die Anmeldung für diesen Termin ist geschlossen." in response.content.decode()
    assert not Registration.objects.exists() and not mail.outbox


def test_get_on_the_form_address_leads_to_the_form(meeting, client):
    response = client.get(register_url(meeting))
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url() + "#anmelden"


def test_unknown_meeting_is_404(meeting, client):
    response = client.post(
        "/stadtteilkonferenzen/welper/gibt-es-nicht/anmelden/", form_data(REGISTRATION)
    )
    assert response.status_code == 404
    assert not Registration.objects.exists()


# --- submit and double opt-in ---------------------------------------------------------------


def test_submit_stores_one_unconfirmed_registration_and_mails_the_link(meeting, client):
    response = submit(client, meeting)
    assert response.status_code == 302
    assert sent_path(response) == register_url(meeting) + "danke/"
    registration = Registration.objects.get()
    assert registration.meeting == meeting
    assert registration.status == SignupStatus.UNCONFIRMED
    assert (registration.name, registration.email, registration.phone) == (
        NAME,
        EMAIL,
        "02324 12345",
    )
    assert registration.needs == "Ein Platz zum Sitzen zwischendurch." and registration.consent_at
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == (
        "Bitte bestätigen Sie Ihre Anmeldung: Stadtteilkonferenz Welper: Frühjahrskonferenz"
    )
    assert message.reply_to == [CONTACT]
    assert f"Hallo {NAME}," in message.body
    assert f"{when(meeting)} Uhr" in message.body
    assert f"http://testserver{meeting.get_absolute_url()}" in message.body
    assert "Der Link gilt 48 Stunden." in message.body
    assert 'lang="de"' in html_body(message)
    link = registration_confirm_link(message)
    registration_manage_link(message)
    assert link.split("/")[3] not in registration.token_hash
    assert Meeting.objects.annotate_places().get().free_places == 2


def test_mails_and_pages_name_the_venue(meeting, client):
    submit(client, meeting)
    request_mail = mail.outbox[0]
    assert "Gemeindehaus Welper" in request_mail.body
    assert "Gemeindehaus Welper" in html_body(request_mail)
    link = registration_confirm_link(request_mail)
    assert "Gemeindehaus Welper" in client.get(link).content.decode()
    client.post(link)
    (confirmed,) = mails_to(EMAIL)[1:]
    assert "Gemeindehaus Welper" in confirmed.body
    assert "Gemeindehaus Welper" in client.get(registration_manage_link(confirmed)).content.decode()


def test_check_mail_page_says_what_to_do_next(meeting, client):
    response = client.get(submit(client, meeting)["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre Anmeldung" in html
    assert "Stadtteilkonferenz Welper: Frühjahrskonferenz" in html
    assert "Spam-Ordner" in html
    assert EMAIL not in html


def test_mail_link_shows_a_confirm_button_and_get_confirms_nothing(meeting, client):
    submit(client, meeting)
    response = client.get(registration_confirm_link(mail.outbox[0]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Anmeldung bestätigen" in html and 'method="post"' in html
    assert f"{when(meeting)} Uhr" in html
    assert Registration.objects.get().status == SignupStatus.UNCONFIRMED


def test_confirming_gives_a_place_says_so_and_mails_person_and_contact(meeting, client):
    submit(client, meeting)
    link = registration_confirm_link(mail.outbox[0])
    mail.outbox.clear()
    response = client.post(link, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(link, 302)]
    assert "Sie haben einen Platz" in html
    assert Registration.objects.get().status == SignupStatus.CONFIRMED
    assert Meeting.objects.annotate_places().get().free_places == 1
    (to_person,) = mails_to(EMAIL)
    assert (
        to_person.subject == "Sie haben einen Platz: Stadtteilkonferenz Welper: Frühjahrskonferenz"
    )
    assert to_person.reply_to == [CONTACT]
    assert f"{when(meeting)} Uhr" in to_person.body
    manage = registration_manage_link(to_person)
    assert manage.startswith("/stadtteilkonferenzen/anmeldung/")
    assert client.get(manage).status_code == 200
    (to_contact,) = mails_to(CONTACT)
    assert to_contact.subject == "Neue Anmeldung: Stadtteilkonferenz Welper: Frühjahrskonferenz"
    assert NAME in to_contact.body
    assert EMAIL not in to_contact.body and "02324" not in to_contact.body
    assert "http://testserver/admin/" in to_contact.body


def test_without_a_conference_contact_the_portal_contact_hears_and_gets_replies(meeting, client):
    SiteSettings.objects.create(contact_email=SITE_CONTACT)
    # No contact at all: a name alone would be the contact person (see tests/konferenzen/
    # test_contact.py), and neither the conference nor its Quartier has one.
    meeting.conference.contact_name = meeting.conference.contact_email = ""
    meeting.conference.save()
    assert not meeting.conference.quartier.own_contact()
    submit(client, meeting)
    assert mail.outbox[0].reply_to == [SITE_CONTACT]
    client.post(registration_confirm_link(mail.outbox[0]))
    assert mails_to(EMAIL)[-1].reply_to == [SITE_CONTACT]
    (to_contact,) = mails_to(SITE_CONTACT)
    assert to_contact.subject.startswith("Neue Anmeldung:")


def test_confirming_twice_changes_nothing_and_mails_once(meeting, client):
    submit(client, meeting)
    link = registration_confirm_link(mail.outbox[0])
    client.post(link)
    client.post(link)
    assert len(mails_to(EMAIL)) == 2  # the opt-in mail and one result mail
    assert len(mails_to(CONTACT)) == 1
    assert Registration.objects.get().status == SignupStatus.CONFIRMED


def test_full_meeting_puts_the_confirmed_person_on_the_waiting_list_with_position(meeting, client):
    registered_and_confirmed(client, meeting, 1)
    registered_and_confirmed(client, meeting, 2)
    mail.outbox.clear()
    submit(client, meeting, email="person3@example.org")
    link = registration_confirm_link(mail.outbox[0])
    html = client.post(link, follow=True).content.decode()
    assert "Sie stehen auf der Warteliste, auf Platz 1" in html
    waiting_mail = mails_to("person3@example.org")[-1]
    assert waiting_mail.subject == (
        "Warteliste, Platz 1: Stadtteilkonferenz Welper: Frühjahrskonferenz"
    )
    assert "Sie stehen auf der Warteliste, auf Platz 1." in waiting_mail.body
    assert f"{when(meeting)} Uhr" in waiting_mail.body
    assert Registration.objects.confirmed().count() == 2


def test_confirmation_link_expires_after_48_hours(meeting, client):
    submit(client, meeting)
    link = registration_confirm_link(mail.outbox[0])
    Registration.objects.update(created_at=timezone.now() - timedelta(hours=49))
    assert "Der Bestätigungslink ist abgelaufen" in client.get(link).content.decode()
    client.post(link)
    assert Registration.objects.get().status == SignupStatus.EXPIRED
    assert not Registration.objects.confirmed().exists()


def test_unknown_link_says_it_is_not_valid(meeting, client):
    response = client.get("/stadtteilkonferenzen/anmeldung/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Dieser Link ist nicht gültig" in response.content.decode()
    response = client.post("/stadtteilkonferenzen/anmeldung/gibt-es-nicht/bestaetigen/")
    assert response.status_code == 404


def test_an_opportunity_link_does_not_open_a_registration(meeting, client):
    submit(client, meeting)
    token = registration_confirm_link(mail.outbox[0]).split("/")[3]
    assert client.get(f"/mitmachen/anmeldung/{token}/").status_code == 404


# --- self-service with the personal link ----------------------------------------------------


def test_manage_page_shows_what_is_stored_and_the_meeting(meeting, client):
    _registration, manage = registered_and_confirmed(client, meeting, 1)
    html = client.get(manage).content.decode()
    for text in ["Was wir gespeichert haben", "Person 1", "person1@example.org", "02324 12345"]:
        assert text in html
    assert "Stadtteilkonferenz Welper: Frühjahrskonferenz" in html
    assert f"{when(meeting)} Uhr" in html
    assert "Anmeldung absagen" in html and "Meine Daten jetzt löschen" in html


def test_cancel_moves_the_first_waiting_up_and_mails_them(meeting, client):
    first, first_manage = registered_and_confirmed(client, meeting, 1)
    registered_and_confirmed(client, meeting, 2)
    waiting, _ = registered_and_confirmed(client, meeting, 3)
    assert Registration.objects.get(pk=waiting.pk).status == SignupStatus.WAITING
    mail.outbox.clear()

    html = client.post(
        first_manage, {"action": "cancel", "confirmed": "yes"}, follow=True
    ).content.decode()

    assert "Sie haben Ihre Anmeldung abgesagt" in html
    assert Registration.objects.get(pk=first.pk).status == SignupStatus.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == SignupStatus.CONFIRMED
    (cancelled_mail,) = mails_to("person1@example.org")
    assert cancelled_mail.subject == "Abgesagt: Stadtteilkonferenz Welper: Frühjahrskonferenz"
    assert cancelled_mail.reply_to == [CONTACT]
    (moved_mail,) = mails_to("person3@example.org")
    assert moved_mail.subject == (
        "Sie sind nachgerückt und haben jetzt einen Platz: "
        "Stadtteilkonferenz Welper: Frühjahrskonferenz"
    )
    assert f"{when(meeting)} Uhr" in moved_mail.body
    assert moved_mail.reply_to == [CONTACT]
    moved_page = client.get(registration_manage_link(moved_mail)).content.decode()
    assert "Sie haben einen Platz" in moved_page


def test_delete_my_data_empties_the_personal_fields_and_moves_the_next_up(meeting, client):
    first, manage = registered_and_confirmed(client, meeting, 1)
    waiting_for = [registered_and_confirmed(client, meeting, n)[0] for n in (2, 3)]
    rows = Registration.objects.count()
    mail.outbox.clear()

    html = client.post(
        manage, {"action": "erase", "confirmed": "yes"}, follow=True
    ).content.decode()

    assert "Ihre Daten sind gelöscht" in html and "person1@example.org" not in html
    first.refresh_from_db()
    assert (first.name, first.email, first.phone, first.message, first.needs) == ("",) * 5
    assert first.purged_at and first.status == SignupStatus.CANCELLED
    assert Registration.objects.count() == rows
    assert Registration.objects.get(pk=waiting_for[1].pk).status == SignupStatus.CONFIRMED
    assert [m.to for m in mail.outbox] == [["person3@example.org"]]


def test_personal_link_pages_keep_the_link_private(meeting, client):
    submit(client, meeting)
    confirm = registration_confirm_link(mail.outbox[0])
    manage = registration_manage_link(mail.outbox[0])
    for path in [confirm, manage]:
        response = client.get(path)
        assert response["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response["X-Robots-Tag"]
        assert "no-store" in response["Cache-Control"]
        assert not response.cookies


# --- idempotence ----------------------------------------------------------------------------


def test_double_submit_creates_one_registration_and_one_mail(meeting, client):
    first = submit(client, meeting)
    second = submit(client, meeting)
    assert same_sent_page(first, second)
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1
    assert client.get(registration_confirm_link(mail.outbox[0])).status_code == 200


def test_same_address_when_already_confirmed_gets_a_friendly_mail(meeting, client):
    registered_and_confirmed(client, meeting, 1)
    mail.outbox.clear()
    response = submit(client, meeting, name="Person 1", email="person1@example.org", follow=True)
    assert "Bitte bestätigen Sie Ihre Anmeldung" in response.content.decode()
    assert Registration.objects.count() == 1
    (friendly,) = mail.outbox
    assert friendly.subject == (
        "Sie sind bereits angemeldet: Stadtteilkonferenz Welper: Frühjahrskonferenz"
    )
    assert "Sie haben einen Platz." in friendly.body
    page = client.get(registration_manage_link(friendly)).content.decode()
    assert "Sie haben einen Platz" in page


def test_the_same_address_may_register_for_two_meetings(meeting, client):
    other = MeetingFactory(
        conference=meeting.conference,
        slug="herbst",
        starts_at=meeting.starts_at + timedelta(days=90),
        registration_enabled=True,
    )
    submit(client, meeting)
    submit(client, other)
    assert Registration.objects.filter(email=EMAIL).count() == 2
    assert len(mail.outbox) == 2


# --- bad input and spam ---------------------------------------------------------------------


def test_bad_input_shows_german_errors_next_to_the_fields_and_keeps_the_input(meeting, client):
    response = submit(client, meeting, name="", email="keine-adresse", consent="")
    html = response.content.decode()
    assert response.status_code == 422
    assert "Bitte geben Sie Ihren Namen an." in html
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    assert "Bitte stimmen Sie zu" not in html  # consent is given by sending
    assert consent_at_button(html)["button"] == "Einverstanden – anmelden"
    assert find_all(html, "input", name="email", value="keine-adresse")
    assert find_all(html, "input", name="email", **{"aria-invalid": "true"})
    assert "Ich bringe eine Gießkanne mit." in html
    assert "<title>Fehler:" in html
    assert not Registration.objects.exists() and not mail.outbox


def test_filled_honeypot_stores_nothing_and_shows_a_neutral_message(meeting, client):
    response = submit(client, meeting, website="https://spam.example", follow=True)
    assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert NEUTRAL in response.content.decode()
    assert not Registration.objects.exists() and not mail.outbox


def test_too_fast_post_stores_nothing_but_keeps_the_input(meeting, client):
    response = submit(
        client, meeting, started=fill_stamp(purpose=REGISTRATION), name="Erika Schnell"
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert NEUTRAL in html
    assert 'value="Erika Schnell"' in html
    assert not Registration.objects.exists() and not mail.outbox


@pytest.mark.parametrize("stamp", ["", "123"])
def test_missing_or_forged_timestamp_stores_nothing(meeting, client, stamp):
    assert submit(client, meeting, started=stamp).status_code == 302
    assert not Registration.objects.exists() and not mail.outbox


# --- the reminder the day before ------------------------------------------------------------


def remind() -> str:
    out = io.StringIO()
    call_command("send_signup_reminders", base_url="http://testserver", stdout=out)
    return out.getvalue()


def soon(meeting, hours):
    meeting.starts_at = timezone.now() + timedelta(hours=hours)
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    meeting.save()
    return meeting


def test_confirmed_registration_gets_one_reminder_with_the_date(meeting, client):
    registration, _ = registered_and_confirmed(client, meeting, 1)
    waiting_place = Registration.objects.create(
        meeting=meeting,
        name="Wartend",
        email="wartend@example.org",
        token_hash="x" * 64,
        status=SignupStatus.WAITING,
    )
    soon(meeting, 30)
    mail.outbox.clear()

    output = remind()
    again = remind()

    (reminder,) = mail.outbox
    assert reminder.to == ["person1@example.org"]
    date = date_format(timezone.localtime(meeting.starts_at), "j. F Y")
    assert reminder.subject == (
        f"Erinnerung: Stadtteilkonferenz Welper: Frühjahrskonferenz am {date}"
    )
    assert f"{when(meeting)} Uhr" in reminder.body
    assert "Hallo Person 1," in reminder.body
    # The fresh personal link in it works.
    assert client.get(registration_manage_link(reminder)).status_code == 200
    assert "konferenzen.Registration: 1 reminder(s) sent" in output
    assert "konferenzen.Registration: 0 reminder(s) sent" in again
    registration.refresh_from_db()
    waiting_place.refresh_from_db()
    assert registration.reminded_at is not None and waiting_place.reminded_at is None


@pytest.mark.parametrize("hours", [20, 50])
def test_no_reminder_outside_24_to_48_hours_before(meeting, client, hours):
    registered_and_confirmed(client, meeting, 1)
    soon(meeting, hours)
    mail.outbox.clear()
    assert "konferenzen.Registration: 0 reminder(s) sent" in remind()
    assert not mail.outbox


def test_cancelled_meeting_sends_no_reminder(meeting, client):
    registration, _ = registered_and_confirmed(client, meeting, 1)
    soon(meeting, 30)
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    mail.outbox.clear()
    assert "konferenzen.Registration: 0 reminder(s) sent" in remind()
    assert not mail.outbox
    registration.refresh_from_db()
    assert registration.reminded_at is None


# --- no personal data in the logs -----------------------------------------------------------


def test_logs_of_the_whole_journey_hold_no_address_and_no_name(meeting, client, caplog, settings):
    """Register, confirm, wait, move up, cancel, delete, remind, and deliver the outbox."""
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    meeting.places = 1
    soon(meeting, 30)
    caplog.set_level(logging.DEBUG)

    def deliver():
        call_command("send_mail")
        return list(mail.outbox)

    client.get(meeting.get_absolute_url())
    submit(client, meeting)
    submit(client, meeting)  # a double click
    deliver()
    client.post(registration_confirm_link(mails_to(EMAIL)[-1]))  # a place
    submit(client, meeting, name="Zweite Person", email="zweite@example.org")
    deliver()
    client.post(registration_confirm_link(mails_to("zweite@example.org")[-1]))  # waiting
    submit(client, meeting, website="spam")  # the honeypot
    submit(client, meeting, name="", email="kaputt@")  # errors
    deliver()
    manage = registration_manage_link(mails_to(EMAIL)[-1])
    client.get(manage)
    client.post(manage, {"action": "cancel", "confirmed": "yes"})  # the second person moves up
    deliver()
    remind()
    deliver()
    second_manage = registration_manage_link(mails_to("zweite@example.org")[-1])
    assert "Erinnerung" in mails_to("zweite@example.org")[-1].subject
    client.post(second_manage, {"action": "erase", "confirmed": "yes"})
    client.post(manage, {"action": "erase", "confirmed": "yes"})
    deliver()

    assert len(mail.outbox) >= 7
    assert any(r.name == "mailer.engine" and "[address]" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        text = record.getMessage()
        assert "@" not in text, (record.name, text)
        for name in (NAME, "Erika", "Mustermann", "Zweite Person"):
            assert name not in text, (record.name, text)
    assert "@" not in caplog.text
