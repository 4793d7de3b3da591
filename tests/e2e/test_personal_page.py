"""From a mail link to the personal page, in Chromium: see everything stored under one address,
download it, cancel one entry with the confirmation step, delete everything; axe finds nothing
on every step.

The live server runs in this process, so `django.core.mail.outbox` holds the mails it sends and
the ORM sees what it stored.
"""

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from engagierte_stadt.services import feedback_submit
from engagierte_stadt.submissions import mails as submission_mails
from engagierte_stadt.submissions.capacity import SignupStatus, signup_confirm, signup_submit
from engagierte_stadt.submissions.submission import submission_models
from konferenzen.models import Conference, ConferenceWish, Meeting, Registration
from quartiere.models import Opportunity, Quartier, Signup
from tests.e2e.a11y import assert_accessible, assert_page_basics

EMAIL = "erika.mustermann@example.org"
NAME = "Erika Mustermann"
WAITING_EMAIL = "ben.beispiel@example.org"


def check_page(page: Page, context: str) -> None:
    assert_page_basics(page)
    assert_accessible(page, context)


@pytest.fixture
def erika(transactional_db, live_server):
    """Erika holds a place at an opportunity (Ben waits behind her), a meeting registration
    and a wish; she got the mail with her place. Returns that mail."""
    welper = Quartier.objects.create(name="Welper", slug="welper")
    blankenstein = Quartier.objects.create(name="Blankenstein", slug="blankenstein")
    offer = Opportunity.objects.create(
        quartier=welper,
        title="Beete gießen",
        slug="beete-giessen",
        description="Wir gießen die Hochbeete am Marktplatz.",
        places=1,
        is_published=True,
        is_open=True,
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
    result = signup_submit(model=Signup, target=offer, name=NAME, email=EMAIL, phone="02324 111")
    signup = signup_confirm(model=Signup, token=result.token)
    waiting = signup_submit(model=Signup, target=offer, name="Ben Beispiel", email=WAITING_EMAIL)
    signup_confirm(model=Signup, token=waiting.token)
    registration = signup_submit(model=Registration, target=meeting, name=NAME, email=EMAIL)
    signup_confirm(model=Registration, token=registration.token)
    signup_submit(model=ConferenceWish, target=blankenstein, name=NAME, email=EMAIL)
    feedback_submit(
        message="Der Fokus ist auf dem Menü nicht zu sehen.",
        name=NAME,
        email=EMAIL,
        base_url=live_server.url,
    )
    mail.outbox.clear()
    submission_mails.mail_signup_result(signup=signup, token=result.token, base_url=live_server.url)
    (message,) = mail.outbox
    return message


def test_from_a_mail_link_to_the_personal_page_download_cancel_and_delete_everything(
    page: Page, live_server, erika, tmp_path
):
    # --- the mail's personal link, then "everything we store" ---
    manage = re.search(rf"{re.escape(live_server.url)}/mitmachen/anmeldung/[\w-]+/", erika.body)
    assert manage, erika.body
    page.goto(manage.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Anmeldung")
    check_page(page, "Meine Anmeldung")
    page.get_by_role("link", name=re.compile("Alles, was wir unter Ihrer E-Mail-Adresse")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Daten")
    expect(page.get_by_role("main")).to_contain_text(EMAIL)
    entries = page.locator(".site-personal-entry")
    expect(entries).to_have_count(4)
    for heading in [
        "Anmeldung: Beete gießen",
        "Anmeldung zur Stadtteilkonferenz: ",
        "Blankenstein",
        "Rückmeldung zur Barrierefreiheit",
    ]:
        expect(
            page.get_by_role("heading", level=2, name=re.compile(re.escape(heading)))
        ).to_have_count(1)
    expect(page.get_by_role("main")).not_to_contain_text("Ben Beispiel")
    check_page(page, "Meine Daten")
    personal_page = page.url

    # --- download as JSON: exactly Erika's four entries ---
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als JSON herunterladen").click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["email"] == EMAIL
    assert len(data["entries"]) == 4
    assert {entry["data"]["email"] for entry in data["entries"]} == {EMAIL}
    with page.expect_download() as csv_info:
        page.get_by_role("link", name=re.compile("Als CSV herunterladen")).click()
    assert csv_info.value.suggested_filename.endswith(".csv")

    # --- cancel the opportunity: asked once more, then Ben moves up ---
    offer_entry = entries.filter(has_text="Beete gießen")
    offer_entry.get_by_role("button", name=re.compile("^Absagen")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wollen Sie wirklich absagen?")
    assert Signup.objects.get(email=EMAIL).status == SignupStatus.CONFIRMED
    check_page(page, "Absagen: Rückfrage")
    page.get_by_role("button", name="Ja, absagen").click()
    expect(page).to_have_url(personal_page)
    expect(page.locator(".site-personal-entry").filter(has_text="Beete gießen")).to_contain_text(
        "abgesagt"
    )
    assert Signup.objects.get(email=EMAIL).status == SignupStatus.CANCELLED
    assert Signup.objects.get(email=WAITING_EMAIL).status == SignupStatus.CONFIRMED
    check_page(page, "Meine Daten nach dem Absagen")

    # --- delete everything: asked once more, then nothing of the address is left ---
    page.get_by_role("button", name="Alles löschen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wollen Sie wirklich alles löschen?")
    check_page(page, "Alles löschen: Rückfrage")
    page.get_by_role("button", name="Ja, alles löschen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Daten")
    expect(page.get_by_role("status")).to_contain_text("Ihre Daten sind gelöscht")
    check_page(page, "Meine Daten gelöscht")
    for model in submission_models():
        for row in model.objects.values(*model.PERSONAL_FIELDS):
            assert EMAIL not in row.values() and NAME not in row.values(), (model, row)
    assert Signup.objects.get(email=WAITING_EMAIL).name == "Ben Beispiel"
