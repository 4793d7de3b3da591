"""The confirmation code of the opt-in mails, typed on the "please check your e-mail" page.

Every form of the engine: the mail carries a 6-digit code besides the link; the page after
the form has a field for it; a correct code confirms as the link's button does. The code is
stored only as a hash, used once, bound to its entry, refused after five wrong tries and
after the entry's opt-in time.
"""

import re
import time
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from engagierte_stadt.submissions.capacity import SignupStatus
from engagierte_stadt.submissions.forms import fill_stamp
from engagierte_stadt.submissions.submission import (
    CODE_MAX_TRIES,
    CodeResult,
    submission_check_code,
)
from ideen.models import Idea, IdeaBacker
from konferenzen.models import ConferenceWish, Registration
from partner.models import PartnerApplication
from quartiere.forms import AlertForm
from quartiere.models import AlertSubscription, Signup
from tests.engine.test_signup_engine import run_at_once
from tests.factories import (
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
)
from tests.html import find_all
from tests.ideen.helpers import published
from tests.signup_helpers import (
    EMAIL,
    confirm_link,
    form_data,
    html_body,
    mails_to,
    sent_path,
    wish_form_data,
)

pytestmark = pytest.mark.django_db

CODE = re.compile(
    r"Bestätigungscode auf der Seite ein, die sich nach dem Absenden geöffnet hat:\n(\d{6})\n"
)
FIELD_ERROR = re.compile(r'<p class="kern-error" id="[\w-]*code-error"[^>]*>(.*?)</p>', re.S)
CONTACT = "garten-team@hattingen.example"


def code_in(message) -> str:
    found = CODE.search(message.body)
    assert found, message.body
    assert found.group(1) in html_body(message)
    return found.group(1)


def field_error(html: str) -> str:
    found = FIELD_ERROR.search(html)
    assert found, "no error at the code field"
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()


@pytest.fixture
def offer():
    project = ProjectFactory(title="Gemeinschaftsgarten Welper", contact_email=CONTACT)
    return OpportunityFactory(project=project, title="Beete gießen", slug="beete-giessen", places=2)


def sign_up(client, offer, **overrides):
    """Send the sign-up form; returns the address of the "check your e-mail" page."""
    response = client.post(f"/mitmachen/{offer.slug}/anmelden/", form_data(**overrides))
    assert response.status_code == 302
    return response["Location"]


def send_code(client, page: str, code: str, ref: str | None = None):
    if ref is None:
        ref = unquote(re.search(r"ref=([^&]+)", page).group(1))
    return client.post(page, {"code": code, "ref": ref})


# --- the sign-up for an offer, in detail ----------------------------------------------------


def test_the_page_after_the_form_asks_for_the_code_and_a_correct_code_confirms(offer, client):
    page = sign_up(client, offer)
    html = client.get(page).content.decode()
    [field] = find_all(html, "input", name="code")
    assert field["autocomplete"] == "one-time-code" and field["inputmode"] == "numeric"
    assert "Bestätigungscode aus der E-Mail" in html
    assert '<span class="kern-label">Anmeldung bestätigen</span>' in html
    [request] = mail.outbox
    code = code_in(request)
    link = confirm_link(request)
    token = link.split("/")[-3]
    assert token not in html  # the page knows the entry without the personal link
    signup = Signup.objects.get()
    assert code not in (signup.code_hash, signup.token_hash, signup.link_key)  # only a hash
    client.get(f"{page}&code={code}")  # what a scanner could do: GET confirms nothing
    assert Signup.objects.get().status == SignupStatus.UNCONFIRMED

    response = send_code(client, page, code)
    assert response.status_code == 302
    assert response["Location"] == link  # the same page as after the link's button
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED and signup.confirmed_at
    assert "Sie haben einen Platz" in client.get(link).content.decode()
    assert len(mails_to(EMAIL)) == 2  # the result, as after the link
    assert mails_to(CONTACT)  # and the contact person hears of it


def test_a_wrong_code_is_said_next_to_the_field_and_keeps_what_was_typed(offer, client):
    page = sign_up(client, offer)
    right = code_in(mail.outbox[0])
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = send_code(client, page, wrong)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Dieser Code stimmt nicht." in field_error(html)
    assert "<title>Fehler:" in html
    assert find_all(html, "input", name="code", value=wrong, **{"aria-invalid": "true"})
    assert Signup.objects.get().status == SignupStatus.UNCONFIRMED
    typo = send_code(client, page, "12 34")
    assert typo.status_code == 422
    assert "Der Code hat 6 Ziffern." in field_error(typo.content.decode())
    assert Signup.objects.get().code_tries == 1  # a code that cannot be one costs no try


def test_after_five_wrong_codes_only_the_link_confirms(offer, client):
    page = sign_up(client, offer)
    right = code_in(mail.outbox[0])
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _try in range(CODE_MAX_TRIES - 1):
        assert send_code(client, page, wrong).status_code == 422
    fifth = send_code(client, page, wrong)
    assert fifth.status_code == 429
    assert "Zu viele falsche Codes" in field_error(fifth.content.decode())
    sixth = send_code(client, page, right)  # even the right one
    assert sixth.status_code == 429
    assert "Bitte bestätigen Sie stattdessen mit dem Link" in field_error(sixth.content.decode())
    assert Signup.objects.get().status == SignupStatus.UNCONFIRMED
    client.post(confirm_link(mail.outbox[0]))
    assert Signup.objects.get().status == SignupStatus.CONFIRMED


def test_the_code_of_another_sign_up_is_refused(offer, client):
    page = sign_up(client, offer)
    sign_up(client, offer, email="ben@example.org", name="Ben")
    others = code_in(mails_to("ben@example.org")[0])
    if others == code_in(mails_to(EMAIL)[0]):  # one in a million
        pytest.skip("both codes alike")
    response = send_code(client, page, others)
    assert response.status_code == 422
    assert Signup.objects.filter(status=SignupStatus.CONFIRMED).count() == 0


def test_a_code_after_the_opt_in_time_is_refused(offer, client):
    page = sign_up(client, offer)
    code = code_in(mail.outbox[0])
    Signup.objects.update(created_at=timezone.now() - timedelta(hours=49))
    response = send_code(client, page, code)
    assert response.status_code == 422
    assert "abgelaufen" in field_error(response.content.decode())
    assert Signup.objects.get().status != SignupStatus.CONFIRMED


def test_a_page_older_than_the_opt_in_time_takes_no_code(offer, client, time_machine):
    page = sign_up(client, offer)
    code = code_in(mail.outbox[0])
    time_machine.move_to(timezone.now() + timedelta(hours=49))
    response = send_code(client, page, code)
    assert response.status_code == 400
    assert "Bitte nutzen Sie den Link" in response.content.decode()
    assert Signup.objects.get().status != SignupStatus.CONFIRMED


def test_a_used_code_is_refused(offer, client):
    page = sign_up(client, offer)
    code = code_in(mail.outbox[0])
    assert send_code(client, page, code).status_code == 302
    mail.outbox.clear()
    again = send_code(client, page, code)
    assert again.status_code == 422
    assert "Dieser Code gilt nicht mehr." in field_error(again.content.decode())
    assert mail.outbox == []  # nothing confirmed twice


def test_a_new_opt_in_mail_brings_a_new_code_and_the_old_one_stops(offer, client):
    page = sign_up(client, offer)
    old = code_in(mail.outbox[0])
    Signup.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    sign_up(client, offer)
    new = code_in(mail.outbox[-1])
    if new == old:  # one in a million
        pytest.skip("both codes alike")
    assert send_code(client, page, old).status_code == 422
    assert send_code(client, page, new).status_code == 302


def test_a_forged_or_foreign_reference_takes_no_code(offer, client, town_alert):
    page = sign_up(client, offer)
    code = code_in(mail.outbox[0])
    other = client.post(f"/mitmachen/{offer.slug}/anmelden/", form_data(email="x@example.org"))
    path = sent_path(other)
    forged = send_code(client, path, code, ref="WyJxdWFydGllcmUuc2lnbnVwIiwxXQ:forged:sig")
    assert forged.status_code == 400
    foreign = send_code(client, path, code, ref=town_alert.confirmation_reference())
    assert foreign.status_code == 400
    assert Signup.objects.filter(status=SignupStatus.CONFIRMED).count() == 0
    assert send_code(client, page, code).status_code == 302


def test_two_posts_of_one_code_use_it_once():
    offer = OpportunityFactory()
    signup = Signup.objects.create(opportunity=offer, name="A", email="a@example.org")
    signup.set_confirmation_code("123456")
    assert submission_check_code(entry=signup, code="123456").result == CodeResult.CORRECT
    # The first post used it (the entry is confirmed by the caller only afterwards).
    assert submission_check_code(entry=signup, code="123456").result == CodeResult.UNUSABLE


# --- every form of the engine ---------------------------------------------------------------


@pytest.fixture
def town_alert():
    return AlertSubscription.objects.create(email="alert@example.org", query="")


def _stamp(purpose):
    return fill_stamp(time.time() - 10, purpose=purpose)


def _registration(client):
    conference = ConferenceFactory(slug="welper", contact_email="k@example.org")
    meeting = MeetingFactory(conference=conference, registration_enabled=True, places=5)
    data = form_data("konferenzen.registration")
    return client.post(meeting.get_absolute_url() + "anmelden/", data), Registration


def _wish(client):
    quartier = QuartierFactory(slug="oberstueter", contact_email="q@example.org")
    return client.post(f"/stadtteilkonferenzen/wunsch/{quartier.slug}/", wish_form_data()), (
        ConferenceWish
    )


def _alert(client):
    QuartierFactory(name="Welper", slug="welper")
    data = {
        "email": EMAIL,
        "frequency": "sofort",
        "query": "quartier=welper",
        "website": "",
        "started": AlertForm.fill_stamp(time.time() - 10),
    }
    return client.post("/mitmachen/benachrichtigung/", data), AlertSubscription


def _idea(client):
    quartier = QuartierFactory(name="Welper", slug="welper")
    data = {
        "quartier": str(quartier.pk),
        "title": "Bänke am Ruhrufer",
        "description": "Drei Bänke zwischen Brücke und Spielplatz.",
        "email": EMAIL,
        "website": "",
        "started": _stamp("ideen.idea"),
    }
    return client.post("/ideen/einreichen/", data), Idea


def _backer(client):
    idea = published(QuartierFactory(name="Welper", slug="welper"), email="ida@example.org")
    mail.outbox.clear()
    data = {"email": EMAIL, "website": "", "started": _stamp("ideen.ideabacker")}
    return client.post(f"/ideen/{idea.pk}/mitmachen/", data), IdeaBacker


def _application(client):
    data = {
        "organisation": "Musterfirma GmbH",
        "kind": "unternehmen",
        "contact_name": "Erika Mustermann",
        "email": EMAIL,
        "offer": "Ein Freiwilligentag für unser Team.",
        "fax": "",
        "started": _stamp("partner.partnerapplication"),
    }
    return client.post("/partner/partner-werden/", data), PartnerApplication


@pytest.mark.parametrize(
    ("send_form", "button"),
    [
        (_registration, "Anmeldung bestätigen"),
        (_wish, "Wunsch bestätigen"),
        (_alert, "Benachrichtigung bestätigen"),
        (_idea, "Idee bestätigen"),
        (_backer, "Bestätigen: Ich mache mit"),
        (_application, "Bewerbung bestätigen"),
    ],
    ids=["registration", "wish", "alert", "idea", "backer", "application"],
)
def test_every_form_of_the_engine_confirms_with_the_code_from_its_mail(send_form, button, client):
    response, model = send_form(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = response["Location"]
    assert sent_path(response)
    html = client.get(page).content.decode()
    assert find_all(html, "input", name="code", autocomplete="one-time-code")
    assert f'<span class="kern-label">{button}</span>' in html
    [request] = mails_to(EMAIL)
    code = code_in(request)
    wrong = send_code(client, page, f"{(int(code) + 1) % 10**6:06d}")
    assert wrong.status_code == 422
    confirmed = send_code(client, page, code)
    assert confirmed.status_code == 302
    entry = model.objects.get(email=EMAIL)
    assert entry.confirmed_at is not None and not entry.is_unconfirmed
    assert client.get(confirmed["Location"]).status_code == 200


# --- at once, on PostgreSQL -----------------------------------------------------------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it there")


@pytest.mark.django_db(transaction=True)
def test_posts_at_once_use_a_code_once_and_count_every_wrong_one(postgresql):
    offer = OpportunityFactory()
    right = Signup.objects.create(opportunity=offer, name="A", email="a@example.org")
    right.set_confirmation_code("123456")
    results, errors = run_at_once(
        6, lambda i: submission_check_code(entry=right, code="123456").result
    )
    assert errors == []
    assert results.count(CodeResult.CORRECT) == 1

    guessed = Signup.objects.create(opportunity=offer, name="B", email="b@example.org")
    guessed.set_confirmation_code("123456")
    results, errors = run_at_once(
        12, lambda i: submission_check_code(entry=guessed, code=f"{i:06d}").result
    )
    assert errors == []
    assert Signup.objects.get(pk=guessed.pk).code_tries == CODE_MAX_TRIES
    assert results.count(CodeResult.WRONG) == CODE_MAX_TRIES  # no sixth try slipped through
