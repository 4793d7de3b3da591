"""One contact person per meeting (`Meeting.contact()`), named alike everywhere.

The conference's contact, else its Quartier's, else the portal's: the meeting page, the notice
(Aushang), the mails (reply-to and "new registration"), the admin, the CSV export and the
attendance list all name the same one.
"""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions.capacity import signup_confirm, signup_submit
from konferenzen.models import Registration
from tests.factories import ConferenceFactory, MeetingFactory, QuartierFactory, login_staff
from tests.signup_helpers import (
    EMAIL,
    form_data,
    mails_to,
    registration_confirm_link,
    wish_confirm_link,
    wish_form_data,
)

CONFERENCE = {
    "contact_name": "Petra Konferenz",
    "contact_email": "konferenz@hattingen.example",
    "contact_phone": "02324 111",
}
QUARTIER = {
    "contact_name": "Quirin Quartier",
    "contact_role": "Quartiersbüro",
    "contact_email": "quartier@hattingen.example",
    "contact_phone": "02324 222",
}
SITE = {
    "contact_name": "Sabine Portal",
    "contact_organisation": "Stadt Hattingen",
    "contact_email": "portal@hattingen.example",
    "contact_phone": "02324 333",
}
NO_CONTACT = {"contact_name": "", "contact_email": "", "contact_phone": ""}

# Who the contact person is, by the level that has one: name, role, e-mail, phone.
EXPECTED = {
    "conference": ("Petra Konferenz", "", "konferenz@hattingen.example", "02324 111"),
    "quartier": ("Quirin Quartier", "Quartiersbüro", "quartier@hattingen.example", "02324 222"),
    "site": ("Sabine Portal", "Stadt Hattingen", "portal@hattingen.example", "02324 333"),
}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(params=list(EXPECTED))
def case(request, db):
    """A meeting with registration whose contact comes from the level named by the param;
    every level above it has none (and the portal always has one, to prove it is not used)."""
    level = request.param
    SiteSettings.objects.create(**SITE)
    quartier = QuartierFactory(
        name="Welper", slug="welper", **(QUARTIER if level in ("conference", "quartier") else {})
    )
    conference = ConferenceFactory(
        quartier=quartier,
        title="Stadtteilkonferenz Welper",
        slug="welper",
        **(CONFERENCE if level == "conference" else NO_CONTACT),
    )
    meeting = MeetingFactory(
        conference=conference, slug="fruehjahr", registration_enabled=True, places=5
    )
    return meeting, EXPECTED[level]


@pytest.fixture
def superuser_client(client, db):
    login_staff(client, get_user_model().objects.create_superuser("admin", "a@example.org", "pw"))
    return client


def assert_names(text: str, expected) -> None:
    """The contact's name, e-mail and phone are in `text` (a page's contact section, not the
    footer with the portal's contact); nobody else's is."""
    name, _role, email, phone = expected
    for part in (name, email, phone):
        assert part in text
    for other in EXPECTED.values():
        if other != expected:
            assert other[0] not in text and other[2] not in text


def one_line(expected) -> str:
    name, role, email, phone = expected
    person = f"{name}, {role}" if role else name
    return f"{person} · {email} · {phone}"


def test_meeting_page_names_the_contact(client, case):
    meeting, expected = case
    html = client.get(meeting.get_absolute_url()).content.decode()
    section = html.split('id="kontakt-heading"')[1].split("</section>")[0]
    assert_names(text_of(section), expected)
    assert f'href="mailto:{expected[2]}"' in section


def test_notice_names_the_contact(client, case):
    meeting, expected = case
    html = client.get(meeting.get_absolute_url() + "aushang/").content.decode()
    section = html.split('id="contact-heading"')[1].split("</section>")[0]
    assert_names(text_of(section), expected)


def test_mails_reply_to_the_contact_and_tell_the_contact(client, case):
    meeting, expected = case
    client.post(meeting.get_absolute_url() + "anmelden/", form_data("konferenzen.registration"))
    (request_mail,) = mail.outbox
    assert request_mail.reply_to == [expected[2]]

    client.post(registration_confirm_link(request_mail))

    assert mails_to(EMAIL)[-1].reply_to == [expected[2]]
    (to_contact,) = mails_to(expected[2])
    assert to_contact.subject.startswith("Neue Anmeldung:")
    assert {address for m in mail.outbox for address in m.to} == {EMAIL, expected[2]}


def test_admin_change_page_shows_the_effective_contact(superuser_client, case):
    meeting, expected = case
    html = superuser_client.get(f"/admin/konferenzen/meeting/{meeting.pk}/change/")
    html = html.content.decode()
    assert "Ansprechperson (wirksam)" in html
    assert one_line(expected) in html


def test_csv_export_names_the_contact(superuser_client, case):
    meeting, expected = case
    result = signup_submit(model=Registration, target=meeting, name="Jo Beispiel", email=EMAIL)
    registration = signup_confirm(model=Registration, token=result.token)
    response = superuser_client.post(
        "/admin/konferenzen/registration/",
        {"action": "export_csv", "_selected_action": [registration.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Ansprechperson"
    assert rows[1][-1] == one_line(expected)


def test_attendance_list_names_the_contact(superuser_client, case):
    meeting, expected = case
    html = superuser_client.get(meeting.get_absolute_url() + "anwesenheitsliste/")
    html = html.content.decode()
    assert one_line(expected) in text_of(html)


def test_conference_page_names_the_same_contact_as_its_meetings(client, case):
    meeting, expected = case
    html = client.get(meeting.conference.get_absolute_url()).content.decode()
    section = html.split('id="kontakt-heading"')[1].split("</section>")[0]
    assert_names(text_of(section), expected)


# --- a contact person without an e-mail address ----------------------------------------------


@pytest.fixture
def phone_only(db):
    """The conference names a person reachable by phone only; Quartier and portal have
    addresses, which must not take over."""
    SiteSettings.objects.create(**SITE)
    conference = ConferenceFactory(
        quartier=QuartierFactory(**QUARTIER),
        contact_name="Paul Telefon",
        contact_email="",
        contact_phone="02324 444",
    )
    return MeetingFactory(conference=conference, registration_enabled=True)


def test_a_contact_without_address_is_still_the_contact_everywhere(client, phone_only):
    meeting = phone_only
    page = text_of(client.get(meeting.get_absolute_url()).content.decode())
    notice = text_of(client.get(meeting.get_absolute_url() + "aushang/").content.decode())
    assert "Paul Telefon" in page and "02324 444" in page
    assert "Paul Telefon" in notice and "02324 444" in notice
    assert QUARTIER["contact_name"] not in page + notice

    client.post(meeting.get_absolute_url() + "anmelden/", form_data("konferenzen.registration"))
    client.post(registration_confirm_link(mail.outbox[0]))

    # Nobody else is mailed in the person's place, and replies name no one else.
    assert [m.to for m in mail.outbox] == [[EMAIL], [EMAIL]]
    assert all(m.reply_to == [] for m in mail.outbox)


def test_admin_warns_when_the_contact_gets_no_mails(superuser_client, phone_only):
    html = superuser_client.get(f"/admin/konferenzen/meeting/{phone_only.pk}/change/")
    html = html.content.decode()
    assert "Paul Telefon · 02324 444" in html
    assert "keine E-Mail-Adresse, daher erfährt niemand von neuen Anmeldungen" in html


# --- a wish: the Quartier's contact, else the portal's ---------------------------------------


@pytest.mark.parametrize("level", ["quartier", "site"])
def test_wish_mails_admin_and_export_name_the_quartier_contact(superuser_client, level):
    SiteSettings.objects.create(**SITE)
    quartier = QuartierFactory(name="Oberstüter", **(QUARTIER if level == "quartier" else {}))
    expected = EXPECTED[level]
    wish_url = f"/stadtteilkonferenzen/wunsch/{quartier.slug}/"

    superuser_client.post(wish_url, wish_form_data())
    superuser_client.post(wish_confirm_link(mail.outbox[0]))

    assert [m.reply_to for m in mails_to(EMAIL)] == [[expected[2]], [expected[2]]]
    (to_contact,) = mails_to(expected[2])
    assert to_contact.subject.startswith("Neuer Wunsch:")
    html = superuser_client.get(f"/admin/quartiere/quartier/{quartier.pk}/change/")
    assert one_line(expected) in html.content.decode()
    response = superuser_client.post(
        "/admin/konferenzen/conferencewish/",
        {"action": "export_csv", "_selected_action": [quartier.conference_wishes.get().pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][-1] == one_line(expected)
