"""The partner network in Chromium: a business finds "Partner werden", applies, confirms the
mail; staff accept it and an unpublished partner exists. axe finds nothing on the directory
(also filtered), a partner page, "Für Unternehmen", the network page, the form and its
error state, and the pages behind the personal links.

The live server runs in this process, so `django.core.mail.outbox` holds its mails.
Fields and buttons are found by their German label or role.
"""

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from engagierte_stadt.models import SiteSettings
from partner.models import ApplicationStatus, Partner, PartnerApplication
from partner.services import application_accept
from tests.e2e.a11y import assert_accessible, assert_page_basics

MIN_FILL_SECONDS = 1
ORGANISATION = "Druckerei Beispiel GmbH"
EMAIL = "kontakt@druckerei.example.org"
TOKEN = r"[\w-]+"


@pytest.fixture
def fast_form(settings):
    settings.SIGNUP_MIN_FILL_SECONDS = MIN_FILL_SECONDS


def check_page(page: Page, context: str) -> None:
    assert_page_basics(page)
    assert_accessible(page, context)


def application_form(page: Page):
    return page.locator("section#bewerbung form")


def wait_out_fill_time(page: Page, shown_at: float) -> None:
    remaining = MIN_FILL_SECONDS + 0.3 - (time.monotonic() - shown_at)
    if remaining > 0:
        page.wait_for_timeout(remaining * 1000)


def wait_for_mail(page: Page, address: str, subject: str):
    def matching():
        return [m for m in mail.outbox if address in m.to and m.subject.startswith(subject)]

    waited = 0
    while not matching() and waited < 3000:
        page.wait_for_timeout(50)
        waited += 50
    found = matching()
    assert found, f"no mail {subject!r}; outbox: {[(m.to, m.subject) for m in mail.outbox]}"
    return found[-1]


def link_in(message, base_url: str, kind: str) -> str:
    suffix = "bestaetigen/" if kind == "confirm" else r"(?!bestaetigen)"
    pattern = re.compile(rf"{re.escape(base_url)}/partner/bewerbung/{TOKEN}/{suffix}")
    found = pattern.search(message.body)
    assert found, message.body
    html = next(content for content, kind_ in message.alternatives if kind_ == "text/html")
    assert found.group(0) in html
    return found.group(0)


def test_directory_filters_and_partner_page(page: Page, demo_site_readonly):
    page.goto(demo_site_readonly + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Partner", exact=True
    ).click()
    expect(page).to_have_url(demo_site_readonly + "/partner/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner")
    cards = page.locator(".site-results").get_by_role("article")
    expect(cards.first.get_by_role("heading")).to_have_text("Bürgergesellschaft Blankenstein e.V.")
    check_page(page, "Partnerverzeichnis")

    filters = page.get_by_role("form", name="Partner filtern")
    filters.get_by_label("Art der Organisation").select_option(label="Unternehmen")
    filters.get_by_label("Stadtteil/Quartier").select_option(label="Welper")
    filters.get_by_role("button", name="Filtern").click()
    expect(page).to_have_url(re.compile(r"/partner/\?.*art=unternehmen.*quartier=welper"))
    expect(page).to_have_title(re.compile(r"^Partner: Unternehmen, Welper – "))
    expected = Partner.objects.published().filter(kind="unternehmen")
    expect(cards).to_have_count(expected.active_in_quartier_slug("welper").count())
    check_page(page, "Partnerverzeichnis gefiltert")

    page.goto(demo_site_readonly + "/partner/?art=raumschiff")
    expect(page.get_by_role("main")).to_contain_text("Diesen Wert kennen wir nicht")
    check_page(page, "Partnerverzeichnis mit unbekanntem Filterwert")

    page.goto(demo_site_readonly + "/partner/")
    page.get_by_role("link", name="Repair-Freunde Winz-Baak (Beispiel)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Repair-Freunde Winz-Baak (Beispiel)")
    expect(page.get_by_role("img", name="Logo Repair-Freunde Winz-Baak (Beispiel)")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Träger")
    check_page(page, "Partnerseite")

    for path, context in [
        ("/partner/fuer-unternehmen/", "Für Unternehmen"),
        ("/partner/netzwerk/", "Netzwerk"),
        ("/partner/hwg-eg/", "Partnerseite ohne Logo"),
    ]:
        page.goto(demo_site_readonly + path)
        check_page(page, context)


def test_business_applies_confirms_and_is_accepted(page: Page, demo_site, fast_form, settings):
    settings.SITE_URL = demo_site  # links in mails after staff decisions
    site = SiteSettings.load()
    site.contact_email = "redaktion@hattingen.example"
    site.save()

    # --- from "Für Unternehmen" to the form, business already chosen ---
    page.goto(demo_site + "/partner/fuer-unternehmen/")
    page.get_by_role("link", name="Partner werden").first.click()
    expect(page).to_have_url(re.compile(r"/partner/partner-werden/\?art=unternehmen#bewerbung$"))
    shown_at = time.monotonic()
    form = application_form(page)
    expect(form.get_by_role("radio", name="Unternehmen")).to_be_checked()
    check_page(page, "Partner-werden-Formular")

    # --- sent empty: the error summary takes the focus ---
    wait_out_fill_time(page, shown_at)
    form.get_by_role("button", name="Bewerbung absenden").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Partner werden – "))
    summary = page.get_by_role("alert").filter(has_text="Es gibt ein Problem")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Bitte geben Sie den Namen Ihrer Organisation an.")
    # Consent is given by sending: no error for it, the statement describes the button.
    expect(summary).not_to_contain_text("Bitte stimmen Sie zu")
    expect(
        application_form(page).get_by_role("button", name="Einverstanden – Bewerbung absenden")
    ).to_have_accessible_description(re.compile("^Mit dem Absenden stimmen Sie zu"))
    name_field = application_form(page).get_by_label("Name Ihrer Organisation oder Ihres")
    expect(name_field).to_have_attribute("aria-invalid", "true")
    assert not PartnerApplication.objects.exists() and not mail.outbox
    check_page(page, "Partner-werden-Formular mit Fehlern")

    # --- filled in properly ---
    shown_at = time.monotonic()
    form = application_form(page)
    name_field.fill(ORGANISATION)
    expect(form.get_by_role("radio", name="Unternehmen")).to_be_checked()  # kept
    form.get_by_label("Ansprechperson").fill("Paula Presse")
    form.get_by_label("E-Mail-Adresse").fill(EMAIL)
    form.get_by_label("Telefonnummer").fill("02324 4711")
    form.get_by_label("Website").fill("druckerei.example.org")
    form.get_by_label("Was möchten Sie anbieten oder tun?").fill(
        "Wir drucken Plakate und Handzettel für Vereine kostenlos."
    )
    form.get_by_role("checkbox", name="Welper").check()
    wait_out_fill_time(page, shown_at)
    form.get_by_role("button", name="Bewerbung absenden").click()
    expect(page).to_have_url(re.compile(r"/partner/partner-werden/danke/"))
    expect(page.get_by_role("status")).to_contain_text("Fast geschafft")
    check_page(page, "Bitte E-Mails ansehen")
    application = PartnerApplication.objects.get()
    assert application.status == ApplicationStatus.UNCONFIRMED

    # --- the mail: GET shows a button, POST confirms ---
    request = wait_for_mail(page, EMAIL, "Bitte bestätigen Sie Ihre Partner-Bewerbung")
    page.goto(link_in(request, demo_site, "confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bestätigen Sie Ihre Bewerbung")
    check_page(page, "Bewerbung bestätigen")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNCONFIRMED
    page.get_by_role("button", name="Bewerbung bestätigen").click()
    expect(page.get_by_role("status")).to_contain_text("Ihre Bewerbung ist angekommen")
    check_page(page, "Bewerbung bestätigt")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEW
    wait_for_mail(page, "redaktion@hattingen.example", f"Neue Partner-Bewerbung: {ORGANISATION}")

    # --- the personal link shows what is stored ---
    page.goto(link_in(request, demo_site, "manage"))
    stored = page.get_by_role("region", name="Was wir gespeichert haben")
    expect(stored).to_contain_text("Paula Presse")
    expect(stored).to_contain_text("Welper")
    check_page(page, "Meine Bewerbung")

    # --- staff accept: an unpublished partner with the data, the applicant is mailed ---
    partner = application_accept(application=application)
    assert not partner.is_published
    assert (partner.name, partner.kind, partner.website, partner.contact_email) == (
        ORGANISATION,
        "unternehmen",
        "https://druckerei.example.org",
        EMAIL,
    )
    assert [q.slug for q in partner.quartiere.all()] == ["welper"]
    accepted = wait_for_mail(page, EMAIL, f"Willkommen im Netzwerk: {ORGANISATION}")
    page.goto(link_in(accepted, demo_site, "manage"))
    expect(page.get_by_role("status")).to_contain_text("Willkommen im Netzwerk")
    check_page(page, "Bewerbung angenommen")
