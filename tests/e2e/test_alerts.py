"""Alerts for new offers in Chromium on a phone: subscribe under a filtered list, confirm from
the mail, receive a new offer, unsubscribe from the mail; axe finds nothing on every step."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from quartiere.alerts import alerts_send
from quartiere.models import AlertStatus, AlertSubscription, Opportunity, Quartier
from tests.e2e.a11y import assert_accessible, assert_page_basics

EMAIL = "erika.mustermann@example.org"


def check_page(page: Page, context: str) -> None:
    assert_page_basics(page)
    assert_accessible(page, context)


@pytest.fixture
def welper(transactional_db, live_server, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 0  # the browser types faster than people
    quartier = Quartier.objects.create(name="Welper", slug="welper")
    Opportunity.objects.create(
        quartier=quartier, title="Tafel Welper", slug="tafel-welper", description="Ausgabe"
    )
    return quartier


def test_subscribe_confirm_receive_and_unsubscribe(page: Page, live_server, welper):
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(live_server.url + "/mitmachen/?quartier=welper")
    teaser = page.locator("section[aria-labelledby=alarm]")
    expect(teaser.get_by_role("heading", name="Über neue Angebote benachrichtigen")).to_be_visible()
    teaser.get_by_role("link", name="Benachrichtigen Sie mich").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Über neue Angebote benachrichtigen")
    check_page(page, "Benachrichtigung: Formular")
    section = page.locator("#alarm")
    section.get_by_label("Ihre E-Mail-Adresse").fill(EMAIL)
    section.get_by_label("höchstens einmal pro Woche").check()
    send = section.get_by_role("button", name="Einverstanden – benachrichtigen Sie mich")
    expect(send).to_have_accessible_description(re.compile("^Mit dem Absenden stimmen Sie zu"))
    send.click()
    expect(page.get_by_role("status")).to_contain_text("Bitte sehen Sie in Ihre E-Mails")
    check_page(page, "Benachrichtigung: E-Mail prüfen")

    [request] = mail.outbox
    confirm = re.search(
        rf"{re.escape(live_server.url)}/mitmachen/benachrichtigung/\S+", request.body
    )
    page.goto(confirm.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bestätigen Sie Ihre Benachrichtigung"
    )
    check_page(page, "Benachrichtigung bestätigen")
    page.get_by_role("button", name="Benachrichtigung bestätigen").click()
    expect(page.get_by_role("status")).to_contain_text("Ihre Benachrichtigung ist aktiv")
    check_page(page, "Meine Benachrichtigung")
    assert AlertSubscription.objects.get().status == AlertStatus.CONFIRMED

    Opportunity.objects.create(
        quartier=welper, title="Beete gießen", slug="beete-giessen", description="Gießen"
    )
    assert alerts_send(base_url=live_server.url) == 1
    news = mail.outbox[-1]
    assert "Beete gießen" in news.body
    unsubscribe = re.search(r"\S+/abmelden/", news.body).group(0)
    page.goto(unsubscribe)
    check_page(page, "Abmelden")
    page.get_by_role("button", name="Jetzt abmelden").click()
    expect(page.get_by_role("status")).to_contain_text("Sie haben sich abgemeldet")
    check_page(page, "Abgemeldet")
    assert AlertSubscription.objects.get().status == AlertStatus.CANCELLED
