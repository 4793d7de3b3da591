"""The date as an .ics attachment and a calendar link in the mails about a place.

Dated opportunities and conference meetings get it; undated opportunities and conference
wishes (their target is a Quartier) do not. The attachment must survive the database outbox.
"""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar
from mailer.models import Message

from engagierte_stadt import mails
from engagierte_stadt.ical import ATTACHMENT_MIMETYPE
from engagierte_stadt.submissions import mails as submission_mails
from engagierte_stadt.submissions.capacity import (
    SignupStatus,
    signup_confirm,
    signup_enter_by_staff,
    signup_submit,
)
from quartiere.models import Opportunity, Signup
from tests.factories import ConferenceFactory, MeetingFactory, OpportunityFactory, QuartierFactory
from tests.signup_helpers import (
    EMAIL,
    confirm_link,
    form_data,
    html_body,
    mails_to,
    registration_confirm_link,
    wish_confirm_link,
    wish_form_data,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
BASE = "http://testserver"
ICS_LINK = f"{BASE}/mitmachen/ufer-aufraeumen/termin.ics"


def berlin(month, day, hour, minute=0):
    return datetime(timezone.localdate().year + 1, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def dated():
    return OpportunityFactory(
        title="Ufer aufräumen",
        slug="ufer-aufraeumen",
        commitment=Opportunity.Commitment.ONCE,
        starts_at=berlin(7, 13, 10, 30),
        ends_at=berlin(7, 13, 14),
        place="Treffpunkt Ruhrbrücke",
        places=1,
    )


@pytest.fixture
def meeting():
    conference = ConferenceFactory(title="Stadtteilkonferenz Welper", slug="welper")
    return MeetingFactory(
        conference=conference,
        title="Frühjahrskonferenz",
        slug="fruehjahr",
        starts_at=berlin(3, 9, 18),
        ends_at=berlin(3, 9, 20),
        registration_enabled=True,
        places=5,
    )


def calendar_parts(message) -> list:
    """The text/calendar parts of a sent mail, as the recipient's mail program sees them."""
    return [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]


def attached_event(message):
    """The one event of the mail's one .ics attachment, with the attachment's checks done."""
    (part,) = calendar_parts(message)
    assert part.get_filename() == "termin.ics"
    assert part.get_content_disposition() == "attachment"
    assert part.get_param("method") == "PUBLISH"
    assert part.get_content_charset() == "utf-8"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert calendar.get_missing_tzids() == set()
    (event,) = calendar.walk("VEVENT")
    return event


def sign_up_and_confirm(client, email=EMAIL):
    """Sign up for the dated opportunity through the pages; return the result mail."""
    client.post("/mitmachen/ufer-aufraeumen/anmelden/", form_data(email=email))
    (request,) = mails_to(email)
    mail.outbox.clear()
    client.post(confirm_link(request))
    return mails_to(email)[-1]


# --- dated opportunity ----------------------------------------------------------------------


def test_confirmation_mail_carries_the_opportunitys_date_as_ics(client, dated):
    message = sign_up_and_confirm(client)

    assert message.subject.startswith("Sie haben einen Platz")
    event = attached_event(message)
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Berlin"
    assert start.dt == berlin(7, 13, 10, 30)
    assert (start.dt.hour, start.dt.minute) == (10, 30)
    assert start.dt.tzinfo.key == "Europe/Berlin"
    assert event["DTEND"].dt == berlin(7, 13, 14)
    assert str(event["SUMMARY"]) == "Ufer aufräumen"
    assert str(event["LOCATION"]) == "Treffpunkt Ruhrbrücke"
    assert str(event["URL"]) == "https://testserver/mitmachen/ufer-aufraeumen/"
    assert str(event["UID"]) == f"{dated.uid}@testserver"


def test_attachment_and_download_describe_the_same_event(client, dated):
    message = sign_up_and_confirm(client)
    attached = attached_event(message)
    downloaded = Calendar.from_ical(client.get(ICS_LINK.removeprefix(BASE)).content)
    (event,) = downloaded.walk("VEVENT")

    for name in ["UID", "SEQUENCE", "SUMMARY", "URL", "LOCATION", "DESCRIPTION"]:
        assert event[name] == attached[name], name
    assert event["DTSTART"].dt == attached["DTSTART"].dt


def test_confirmation_mail_links_the_calendar_file_in_text_and_html(client, dated):
    message = sign_up_and_confirm(client)

    assert ICS_LINK in message.body
    assert f'href="{ICS_LINK}"' in html_body(message)
    assert "Termin in meinen Kalender eintragen" in message.body
    assert "In meinen Kalender eintragen (.ics)" in html_body(message)
    assert client.get(ICS_LINK.removeprefix(BASE)).status_code == 200


def test_waiting_list_mail_carries_the_date_too(client, dated):
    sign_up_and_confirm(client, email="erste@example.org")
    message = sign_up_and_confirm(client)

    assert Signup.objects.get(email=EMAIL).status == SignupStatus.WAITING
    assert message.subject.startswith("Warteliste")
    assert str(attached_event(message)["UID"]) == f"{dated.uid}@testserver"
    assert ICS_LINK in message.body and ICS_LINK in html_body(message)


def test_mail_asking_to_confirm_has_no_attachment_yet(client, dated):
    client.post("/mitmachen/ufer-aufraeumen/anmelden/", form_data())

    (message,) = mail.outbox
    assert calendar_parts(message) == []
    assert "termin.ics" not in message.body


def test_mail_after_a_staff_entry_carries_the_date(dated):
    result = signup_enter_by_staff(
        model=Signup, target=dated, name="Telefon Person", email="telefon@example.org"
    )
    submission_mails.mail_signup_entered_by_staff(
        signup=result.signup, token=result.token, base_url=BASE
    )

    (message,) = mail.outbox
    assert str(attached_event(message)["UID"]) == f"{dated.uid}@testserver"
    assert ICS_LINK in message.body


def test_reminder_carries_the_date(dated):
    Opportunity.objects.filter(pk=dated.pk).update(
        starts_at=timezone.now() + timedelta(hours=30), ends_at=None
    )
    result = signup_submit(model=Signup, target=dated, name="Person", email="p@example.org")
    signup_confirm(model=Signup, token=result.token)

    call_command("send_signup_reminders", base_url=BASE, stdout=StringIO())

    (message,) = mail.outbox
    assert message.subject.startswith("Erinnerung")
    assert str(attached_event(message)["UID"]) == f"{dated.uid}@testserver"
    assert ICS_LINK in message.body


def test_attachment_follows_a_moved_date(client, dated):
    moved = Opportunity.objects.get(pk=dated.pk)
    moved.starts_at = berlin(7, 20, 9)
    moved.ends_at = None
    moved.save()

    event = attached_event(sign_up_and_confirm(client))

    assert event["DTSTART"].dt == berlin(7, 20, 9)
    assert event["SEQUENCE"] == 1


# --- no date, no calendar -------------------------------------------------------------------


@pytest.mark.parametrize("commitment", [Opportunity.Commitment.FLEXIBLE, "regular_first_date"])
def test_undated_opportunity_gets_no_attachment_and_no_link(client, dated, commitment):
    if commitment == "regular_first_date":
        # A regular opportunity's `starts_at` is its first date, not one event.
        Opportunity.objects.filter(pk=dated.pk).update(commitment=Opportunity.Commitment.REGULAR)
    else:
        Opportunity.objects.filter(pk=dated.pk).update(
            commitment=commitment, starts_at=None, ends_at=None
        )

    message = sign_up_and_confirm(client)

    assert message.subject.startswith("Sie haben einen Platz")
    assert calendar_parts(message) == []
    assert "termin.ics" not in message.body and "termin.ics" not in html_body(message)
    assert "Kalender" not in message.body


def test_conference_wish_gets_no_attachment(client):
    quartier = QuartierFactory(name="Oberstüter", slug="oberstueter")
    client.post(f"/stadtteilkonferenzen/wunsch/{quartier.slug}/", wish_form_data())
    (request,) = mails_to(EMAIL)
    mail.outbox.clear()
    client.post(wish_confirm_link(request))

    (message,) = mails_to(EMAIL)
    assert calendar_parts(message) == []
    assert "termin.ics" not in message.body and "termin.ics" not in html_body(message)


# --- meeting --------------------------------------------------------------------------------


def test_registration_mail_carries_the_meetings_date_as_ics(client, meeting):
    client.post(meeting.get_absolute_url() + "anmelden/", form_data("konferenzen.registration"))
    (request,) = mails_to(EMAIL)
    mail.outbox.clear()
    client.post(registration_confirm_link(request))
    message = mails_to(EMAIL)[-1]

    event = attached_event(message)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt == berlin(3, 9, 18)
    assert event["DTSTART"].dt.hour == 18
    assert str(event["SUMMARY"]) == "Stadtteilkonferenz Welper: Frühjahrskonferenz"
    assert str(event["URL"]) == "https://testserver/stadtteilkonferenzen/welper/fruehjahr/"
    assert str(event["UID"]) == f"{meeting.uid}@testserver"
    link = f"{BASE}/stadtteilkonferenzen/welper/fruehjahr/termin.ics"
    assert link in message.body and f'href="{link}"' in html_body(message)
    assert client.get(link.removeprefix(BASE)).status_code == 200


# --- the outbox -----------------------------------------------------------------------------


def test_attachment_survives_the_database_outbox(client, dated, settings):
    """In production mails wait in django-mailer's outbox; the .ics must come out intact."""
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post("/mitmachen/ufer-aufraeumen/anmelden/", form_data())
    call_command("send_mail")
    (request,) = mail.outbox
    mail.outbox.clear()
    client.post(confirm_link(request))

    queued = [m for m in Message.objects.all() if EMAIL in m.email.to]
    assert queued and calendar_parts(queued[-1].email)
    call_command("send_mail")

    message = mails_to(EMAIL)[-1]
    event = attached_event(message)
    assert str(event["UID"]) == f"{dated.uid}@testserver"
    assert str(event["SUMMARY"]) == "Ufer aufräumen"


def test_send_mail_template_keeps_the_parameters_of_an_attachment_type():
    sent = mails.send_mail_template(
        "mail/signup_cancelled",
        {"signup": {"name": "A"}, "target": "T", "base_url": BASE},
        ["a@example.org"],
        attachments=[("a.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", ATTACHMENT_MIMETYPE)],
    )

    assert sent
    (part,) = calendar_parts(mail.outbox[0])
    assert part["Content-Type"] == "text/calendar; method=PUBLISH; charset=utf-8"
    assert part.get_payload(decode=True) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
