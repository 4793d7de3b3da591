"""The personal page: everything stored under the address a personal link proves.

`/meine-daten/<token>/` from any personal link lists every sign-up, registration, wish,
application and feedback of that address — and nothing of any other — with cancel or delete
per entry (each asks once more), "delete everything", and JSON and CSV downloads.
"""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from engagierte_stadt.models import AccessibilityFeedback
from engagierte_stadt.services import feedback_submit
from engagierte_stadt.submissions.capacity import SignupStatus, signup_confirm, signup_submit
from engagierte_stadt.submissions.submission import submission_models
from konferenzen.models import Conference, ConferenceWish, Meeting, Registration
from partner.models import ApplicationStatus, PartnerApplication, PartnerKind
from partner.services import application_confirm, application_submit
from quartiere.models import Opportunity, Quartier, Signup

EMAIL = "erika.mustermann@example.org"
NAME = "Erika Mustermann"
OTHER_EMAIL = "max.beispiel@example.org"
OTHER_NAME = "Max Beispiel"
BASE = "http://testserver"


@pytest.fixture
def world(db):
    """Erika has one entry of every kind; Max signed up for the same opportunity and meeting."""
    welper = Quartier.objects.create(name="Welper", slug="welper")
    blankenstein = Quartier.objects.create(name="Blankenstein", slug="blankenstein")
    opportunity = Opportunity.objects.create(
        quartier=welper, title="Beete gießen", slug="beete-giessen", description="…", places=1
    )
    conference = Conference.objects.create(
        quartier=welper, title="Stadtteilkonferenz Welper", slug="welper"
    )
    meeting = Meeting.objects.create(
        conference=conference,
        slug="fruehjahr",
        title="Frühjahrskonferenz",
        starts_at=timezone.now() + timedelta(days=20),
        registration_enabled=True,
    )
    erika = {}
    result = signup_submit(
        model=Signup, target=opportunity, name=NAME, email=EMAIL, phone="02324 111"
    )
    signup_confirm(model=Signup, token=result.token)
    erika["signup"] = result
    result = signup_submit(model=Registration, target=meeting, name=NAME, email=EMAIL)
    signup_confirm(model=Registration, token=result.token)
    erika["registration"] = result
    erika["wish"] = signup_submit(
        model=ConferenceWish, target=blankenstein, name=NAME, email=EMAIL, would_help=True
    )
    erika["application"] = application_submit(
        organisation="Gärtnerei Mustermann",
        kind=PartnerKind.BUSINESS,
        contact_name=NAME,
        email=EMAIL,
        offer="Pflanzen für die Beete.",
    )
    application_confirm(token=erika["application"].token)
    erika["feedback"] = feedback_submit(
        message="Der Kontrast im Menü ist zu schwach.",
        name=NAME,
        email=EMAIL,
        base_url=BASE,
    )
    # Max: on the waiting list of the same opportunity, registered for the same meeting.
    max_signup = signup_submit(model=Signup, target=opportunity, name=OTHER_NAME, email=OTHER_EMAIL)
    signup_confirm(model=Signup, token=max_signup.token)
    max_registration = signup_submit(
        model=Registration, target=meeting, name=OTHER_NAME, email=OTHER_EMAIL
    )
    mail.outbox.clear()
    return {
        "erika": erika,
        "max": {"signup": max_signup, "registration": max_registration},
        "opportunity": opportunity,
    }


def page_of(world) -> str:
    return f"/meine-daten/{world['erika']['signup'].token}/"


def all_personal_values() -> list[str]:
    """Every personal value stored anywhere, in every model on the engine."""
    values = []
    for model in submission_models():
        for row in model.objects.values(*model.PERSONAL_FIELDS):
            values.extend(str(value) for value in row.values() if value)
    return values


def test_every_personal_link_leads_to_the_same_page(world, client):
    erika = world["erika"]
    tokens = [
        erika["signup"].token,
        erika["registration"].token,
        erika["wish"].token,
        erika["application"].token,
        erika["feedback"].personal_token(),
    ]
    pages = [client.get(f"/meine-daten/{token}/") for token in tokens]
    assert {page.status_code for page in pages} == {200}
    # The same page; only its own forms and downloads carry the token it was opened with.
    contents = {
        page.content.decode().replace(token, "TOKEN")
        for page, token in zip(pages, tokens, strict=True)
    }
    assert len(contents) == 1


def test_page_lists_every_entry_of_the_address_and_nothing_of_another(world, client):
    response = client.get(page_of(world))
    html = response.content.decode()
    assert response.status_code == 200
    assert EMAIL in html
    for text in [
        "Anmeldung: Beete gießen",
        "Frühjahrskonferenz",
        "Blankenstein",
        "Gärtnerei Mustermann",
        "Der Kontrast im Menü ist zu schwach.",
        "02324 111",
    ]:
        assert text in html, text
    assert html.count('class="site-section site-personal-entry"') == 5
    assert OTHER_NAME not in html and OTHER_EMAIL not in html


def test_page_behind_a_personal_link_leaks_nothing(world, client):
    response = client.get(page_of(world))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert not response.cookies


def test_unknown_link_is_a_404(world, client):
    response = client.get("/meine-daten/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Dieser Link ist nicht gültig" in response.content.decode()
    assert client.get("/meine-daten/gibt-es-nicht/daten.json").status_code == 404


def test_json_download_holds_exactly_this_persons_data(world, client):
    response = client.get(page_of(world) + "daten.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == EMAIL
    kinds = sorted(entry["kind"] for entry in data["entries"])
    assert kinds == sorted(
        [
            "quartiere.Signup",
            "konferenzen.Registration",
            "konferenzen.ConferenceWish",
            "partner.PartnerApplication",
            "engagierte_stadt.AccessibilityFeedback",
        ]
    )
    for entry in data["entries"]:
        assert entry["data"]["email"] == EMAIL
    signup = next(e for e in data["entries"] if e["kind"] == "quartiere.Signup")
    assert signup["data"]["name"] == NAME and signup["data"]["phone"] == "02324 111"
    assert signup["subject"] == "Beete gießen"
    assert OTHER_NAME not in response.content.decode()


def test_csv_download_holds_exactly_this_persons_data(world, client):
    response = client.get(page_of(world) + "daten.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 5
    assert {row["email"] for row in rows} == {EMAIL}
    assert "Gärtnerei Mustermann" in {row["subject"] for row in rows}
    assert OTHER_NAME not in text and OTHER_EMAIL not in text


def test_cancel_from_the_page_asks_once_more_then_cancels_and_moves_up(world, client):
    page = page_of(world)
    signup = world["erika"]["signup"].signup
    key = f"quartiere.signup.{signup.pk}"
    step = client.post(page, {"action": "cancel", "entry": key})
    assert step.status_code == 200
    html = step.content.decode()
    assert "Wollen Sie wirklich absagen?" in html and "Beete gießen" in html
    assert 'name="confirmed" value="yes"' in html
    assert Signup.objects.get(pk=signup.pk).status == SignupStatus.CONFIRMED
    assert mail.outbox == []

    done = client.post(page, {"action": "cancel", "entry": key, "confirmed": "yes"})
    assert done.status_code == 302 and done["Location"] == page
    assert Signup.objects.get(pk=signup.pk).status == SignupStatus.CANCELLED
    max_signup = Signup.objects.get(email=OTHER_EMAIL)
    assert max_signup.status == SignupStatus.CONFIRMED  # moved up into the free place
    subjects = {tuple(m.to): m.subject for m in mail.outbox}
    assert subjects[(EMAIL,)].startswith("Abgesagt")
    assert subjects[(OTHER_EMAIL,)].startswith("Sie sind nachgerückt")


def test_an_entry_of_another_address_cannot_be_touched(world, client):
    other = world["max"]["registration"].signup
    response = client.post(
        page_of(world),
        {"action": "erase", "entry": f"konferenzen.registration.{other.pk}", "confirmed": "yes"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.name == OTHER_NAME and other.purged_at is None


def test_erase_one_entry_keeps_the_others(world, client):
    application = world["erika"]["application"].application
    key = f"partner.partnerapplication.{application.pk}"
    client.post(page_of(world), {"action": "erase", "entry": key, "confirmed": "yes"})
    application.refresh_from_db()
    assert application.purged_at and application.email == "" and application.contact_name == ""
    assert application.status == ApplicationStatus.WITHDRAWN
    html = client.get(page_of(world)).content.decode()
    assert "Gärtnerei Mustermann" not in html
    assert "Beete gießen" in html


def test_delete_everything_asks_once_more_then_leaves_nothing_of_the_address(world, client):
    page = page_of(world)
    step = client.post(page, {"action": "erase_all"})
    assert step.status_code == 200
    assert "Wollen Sie wirklich alles löschen?" in step.content.decode()
    assert EMAIL in all_personal_values()

    done = client.post(page, {"action": "erase_all", "confirmed": "yes"})
    assert done.status_code == 302
    values = all_personal_values()
    assert not any(EMAIL in value or NAME in value or "02324 111" in value for value in values)
    # Max's data stays, and he moved up into Erika's place.
    assert OTHER_EMAIL in values and OTHER_NAME in values
    assert Signup.objects.get(email=OTHER_EMAIL).status == SignupStatus.CONFIRMED
    # Rows stay for the counts; the feedback's barrier report stays without its sender.
    assert Signup.objects.count() == 2
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == "Der Kontrast im Menü ist zu schwach."
    assert (feedback.name, feedback.email) == ("", "")
    html = client.get(page).content.decode()
    assert "Ihre Daten sind gelöscht" in html
    assert client.get(page + "daten.json").status_code == 404


def test_entry_pages_link_to_the_personal_page(world, client):
    token = world["erika"]["signup"].token
    html = client.get(f"/mitmachen/anmeldung/{token}/").content.decode()
    assert f'href="/meine-daten/{token}/"' in html
    token = world["erika"]["application"].token
    html = client.get(f"/partner/bewerbung/{token}/").content.decode()
    assert f'href="/meine-daten/{token}/"' in html


def test_every_mail_with_a_personal_link_reaches_the_page(world, client):
    """The link in the first mail still opens everything after later mails (a move-up)."""
    token = world["erika"]["registration"].token
    registration = Registration.objects.get(email=EMAIL)
    assert registration.personal_token() == token
    assert client.get(f"/meine-daten/{token}/").status_code == 200
    assert PartnerApplication.objects.get().personal_token() == world["erika"]["application"].token


def _more_entries(n: int) -> None:
    """`n` more confirmed entries of each kind with places for Erika."""
    welper = Quartier.objects.get(slug="welper")
    conference = Conference.objects.get(slug="welper")
    for i in range(n):
        offer = Opportunity.objects.create(
            quartier=welper, title=f"Angebot {i}", slug=f"angebot-{i}", description="…"
        )
        result = signup_submit(model=Signup, target=offer, name=NAME, email=EMAIL)
        signup_confirm(model=Signup, token=result.token)
        meeting = Meeting.objects.create(
            conference=conference,
            slug=f"termin-{i}",
            starts_at=timezone.now() + timedelta(days=30 + i),
            registration_enabled=True,
        )
        result = signup_submit(model=Registration, target=meeting, name=NAME, email=EMAIL)
        signup_confirm(model=Registration, token=result.token)


def test_the_page_costs_the_same_queries_for_many_entries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(page_of(world)).status_code == 200
    _more_entries(8)
    with CaptureQueriesContext(connection) as many:
        html = client.get(page_of(world)).content.decode()
    assert html.count('class="site-section site-personal-entry"') == 5 + 16
    # One query per kind of entry, not per entry: the count does not grow.
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 20
