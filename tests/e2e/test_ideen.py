"""Ideas in Chromium: someone finds "Idee einreichen" on their Stadtteil's page, sends the form
(first with errors, then with a picture), confirms with the link from the mail; staff of that
Stadtteil publish it in the admin; the idea appears on the list, its page and the Quartier
page; someone backs it; staff put it on the agenda of Welper's next conference meeting (idea
page, meeting page and Aushang show it), record the decision in the minutes (shown on the
idea) and take it up as a draft project. axe finds nothing on every public step, the form's
error state included. The same form works without JavaScript on a small phone (320 px, no
sideways scrolling).

The live server runs in this process, so `django.core.mail.outbox` holds its mails.
"""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import Page, expect

from engagierte_stadt import roles
from ideen.models import Idea, IdeaStatus
from quartiere.models import Project, Publication, Quartier, QuartierAssignment
from tests.e2e.a11y import assert_accessible, assert_page_basics
from tests.e2e.staff import log_in_with_code
from tests.images import image_bytes

MIN_FILL_SECONDS = 1
TITLE = "Trinkbrunnen am Marktplatz"
EMAIL = "paul.vorschlag@example.org"
TOKEN = r"[\w-]+"


@pytest.fixture
def fast_form(settings):
    settings.SIGNUP_MIN_FILL_SECONDS = MIN_FILL_SECONDS


def check_page(page: Page, context: str) -> None:
    assert_page_basics(page)
    assert_accessible(page, context)


def idea_form(page: Page):
    return page.locator("section#idee form")


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


def confirm_link(message, base_url: str) -> str:
    found = re.search(rf"{re.escape(base_url)}/ideen/idee/{TOKEN}/bestaetigen/", message.body)
    assert found, message.body
    return found.group(0)


def fill_idea(form, *, picture=None) -> None:
    form.get_by_label("Ihre Idee in wenigen Worten").fill(TITLE)
    form.get_by_label("Was wünschen Sie sich, und wo?").fill(
        "Ein Trinkbrunnen neben der Bushaltestelle, für heiße Sommertage."
    )
    form.get_by_label("Wer könnte helfen?").fill("Die Stadtwerke, der Verkehrsverein.")
    form.get_by_role("checkbox", name="Ich würde bei der Umsetzung mithelfen").check()
    if picture is not None:
        form.get_by_label("Ein Bild").set_input_files(str(picture))
        form.get_by_label("Was zeigt das Bild?").fill("Der Marktplatz mit Fachwerkhäusern")
    form.get_by_label("Ihr Name").fill("Paul Vorschlag")
    form.get_by_role("checkbox", name="Meinen Namen bei der Idee zeigen").check()
    form.get_by_label("Ihre E-Mail-Adresse").fill(EMAIL)


def test_idea_is_proposed_confirmed_published_and_shown(
    page: Page, demo_site, fast_form, settings, tmp_path, browser_recorder
):
    settings.SITE_URL = demo_site  # links in the mails staff steps send
    welper = Quartier.objects.get(slug="welper")
    photo = tmp_path / "marktplatz.jpg"
    photo.write_bytes(image_bytes(size=(800, 450)))

    # --- from the Stadtteil's page to the form, Welper chosen already ---
    page.goto(demo_site + "/quartiere/welper/")
    check_page(page, "Quartiersseite mit Ideen")
    page.get_by_role("link", name="Idee für Welper einreichen").click()
    expect(page).to_have_url(re.compile(r"/ideen/einreichen/welper/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Idee für Welper einreichen")
    shown_at = time.monotonic()
    form = idea_form(page)
    expect(form.get_by_label("Für welchen Stadtteil oder welches Quartier?")).to_have_value(
        str(welper.pk)
    )
    check_page(page, "Ideenformular")

    # --- sent empty: the error summary takes the focus, nothing is stored ---
    wait_out_fill_time(page, shown_at)
    form.get_by_role("button", name="Idee absenden").click()
    expect(page).to_have_title(re.compile(r"^Fehler: Idee für Welper einreichen – "))
    summary = page.get_by_role("alert").filter(has_text="Es gibt ein Problem")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Bitte nennen Sie Ihre Idee in wenigen Worten.")
    # Consent is given by sending: no error for it, the statement describes the button.
    expect(summary).not_to_contain_text("Bitte stimmen Sie zu")
    expect(
        idea_form(page).get_by_role("button", name="Einverstanden – Idee absenden")
    ).to_have_accessible_description(re.compile("^Mit dem Absenden stimmen Sie zu"))
    title_field = idea_form(page).get_by_label("Ihre Idee in wenigen Worten")
    expect(title_field).to_have_attribute("aria-invalid", "true")
    assert not Idea.objects.filter(title=TITLE).exists() and not mail.outbox
    check_page(page, "Ideenformular mit Fehlern")

    # --- filled in properly, with a picture ---
    shown_at = time.monotonic()
    fill_idea(idea_form(page), picture=photo)
    wait_out_fill_time(page, shown_at)
    idea_form(page).get_by_role("button", name="Idee absenden").click()
    expect(page).to_have_url(re.compile(r"/ideen/einreichen/danke/"))
    expect(page.get_by_role("status")).to_contain_text("Fast geschafft")
    check_page(page, "Bitte E-Mails ansehen (Idee)")
    idea = Idea.objects.get(title=TITLE)
    assert idea.status == IdeaStatus.UNCONFIRMED and idea.picture

    # --- not public before moderation ---
    browser_recorder.allowed_console_errors.append(r"status of 404 \(Not Found\)")
    page.goto(demo_site + "/ideen/")
    expect(page.get_by_role("main")).not_to_contain_text(TITLE)
    assert page.goto(demo_site + idea.get_absolute_url()).status == 404

    # --- the mail: GET shows a button, POST confirms ---
    request = wait_for_mail(page, EMAIL, "Bitte bestätigen Sie Ihre Idee")
    page.goto(confirm_link(request, demo_site))
    expect(page.get_by_role("heading", level=1)).to_have_text("Idee bestätigen")
    check_page(page, "Idee bestätigen")
    page.get_by_role("button", name="Idee bestätigen").click()
    expect(page.get_by_role("status")).to_contain_text("Das Team prüft Ihre Idee")
    check_page(page, "Idee bestätigt")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW
    wait_for_mail(page, welper.contact_email, f"Neue Idee für Welper: {TITLE}")
    page.goto(demo_site + "/ideen/")
    expect(page.get_by_role("main")).not_to_contain_text(TITLE)  # still waits for staff

    # --- staff of Welper publish it in the admin ---
    staff = get_user_model().objects.create_user(
        "welper-team", password="Quartier-2026!x", is_staff=True
    )
    staff.groups.add(Group.objects.get(name=roles.QUARTIERSENTWICKLUNG))
    QuartierAssignment.objects.create(user=staff, quartier=welper)
    admin = page.context.new_page()
    admin.goto(demo_site + "/admin/")
    log_in_with_code(admin, staff, "Quartier-2026!x")
    admin.goto(demo_site + "/admin/ideen/idea/")
    admin.get_by_role("link", name=TITLE).click()
    admin.select_option("#id_move_to", "published")
    admin.click("input[name=_save]")
    expect(admin.locator(".messagelist")).to_contain_text("Neuer Status: veröffentlicht")
    admin.close()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PUBLISHED
    wait_for_mail(page, EMAIL, f"Ihre Idee „{TITLE}“: veröffentlicht")

    # --- public: the list (filtered), the idea's page, the Quartier page ---
    page.goto(demo_site + "/ideen/?quartier=welper")
    check_page(page, "Ideenliste gefiltert")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Paul Vorschlag")
    expect(main).to_contain_text("Die Idee wurde geprüft und veröffentlicht.")
    expect(page.get_by_role("img", name="Der Marktplatz mit Fachwerkhäusern")).to_be_visible()
    expect(page.get_by_role("link", name="Idee melden")).to_have_attribute(
        "href", re.compile(r"^mailto:welper@hattingen\.example\?subject=Idee%20melden")
    )
    check_page(page, "Ideenseite")
    page.goto(demo_site + "/quartiere/welper/")
    expect(page.get_by_role("region", name="Ideen für dieses Quartier")).to_contain_text(TITLE)
    check_page(page, "Quartiersseite mit neuer Idee")

    # --- someone backs it ("Ich mache mit"): counted only once confirmed ---
    page.goto(demo_site + idea.get_absolute_url())
    backing = page.locator("section#mitmachen")
    expect(backing).to_contain_text("0 Personen würden bei der Umsetzung")
    shown_at = time.monotonic()
    backing.get_by_label("Ihre E-Mail-Adresse").fill("nachbarin@")
    wait_out_fill_time(page, shown_at)
    backing.get_by_role("button", name="Einverstanden – ich mache mit").click()
    expect(page.get_by_role("alert").filter(has_text="Es gibt ein Problem")).to_contain_text(
        "Bitte geben Sie eine gültige E-Mail-Adresse an"
    )
    check_page(page, "Ich mache mit mit Fehlern")
    shown_at = time.monotonic()
    backing = page.locator("section#mitmachen")
    backing.get_by_label("Ihre E-Mail-Adresse").fill("nachbarin@example.org")
    wait_out_fill_time(page, shown_at)
    backing.get_by_role("button", name="Ich mache mit").click()
    expect(page.get_by_role("status")).to_contain_text("Fast geschafft")
    check_page(page, "Ich mache mit: E-Mails ansehen")
    request = wait_for_mail(page, "nachbarin@example.org", "Bitte bestätigen Sie: Sie würden")
    found = re.search(rf"{re.escape(demo_site)}/ideen/mitmachen/{TOKEN}/bestaetigen/", request.body)
    page.goto(found.group(0))
    check_page(page, "Ich mache mit bestätigen")
    page.get_by_role("button", name="Bestätigen: Ich mache mit").click()
    expect(page.get_by_role("status")).to_contain_text("Danke: Sie werden mitgezählt.")
    page.goto(demo_site + idea.get_absolute_url())
    expect(page.locator("section#mitmachen")).to_contain_text(
        "1 Person würde bei der Umsetzung dieser Idee mithelfen."
    )

    # --- staff put it on the agenda of Welper's next meeting, in one action ---
    def idea_action(action: str) -> Page:
        admin = page.context.new_page()  # the staff session from above
        admin.goto(demo_site + "/admin/ideen/idea/")
        admin.locator(f'input[name="_selected_action"][value="{idea.pk}"]').check()
        admin.select_option("select[name=action]", action)
        admin.click("button[name=index]")
        # The step mails the proposer, so the admin asks first and says so.
        expect(admin.locator(".es-confirm-summary")).to_contain_text("E-Mail")
        admin.get_by_role("button", name="Ja, ausführen").click()
        return admin

    admin = idea_action("put_on_agenda")
    expect(admin.locator(".messagelist")).to_contain_text("steht jetzt auf der Tagesordnung")
    idea.refresh_from_db()
    meeting = idea.agenda_item.meeting
    assert idea.status == IdeaStatus.AGENDA and meeting.conference.quartier == welper
    assert not meeting.is_cancelled and not meeting.is_past
    news = wait_for_mail(page, EMAIL, f"Ihre Idee „{TITLE}“: auf der Tagesordnung")
    assert meeting.get_absolute_url() in news.body

    page.goto(demo_site + idea.get_absolute_url())
    conference = page.get_by_role("region", name="Stadtteilkonferenz")
    expect(conference).to_contain_text("Die Idee steht auf der Tagesordnung dieses Termins:")
    check_page(page, "Ideenseite auf der Tagesordnung")
    conference.get_by_role("link").click()
    expect(page).to_have_url(re.compile(re.escape(meeting.get_absolute_url()) + "$"))
    expect(page.get_by_role("main")).to_contain_text(f"Idee aus dem Stadtteil: {TITLE}")
    check_page(page, "Termin mit der Idee auf der Tagesordnung")
    page.goto(demo_site + meeting.get_absolute_url() + "aushang/")
    expect(page.locator(".site-notice__agenda")).to_contain_text(f"Idee aus dem Stadtteil: {TITLE}")
    check_page(page, "Aushang mit der Idee")

    # --- after the meeting: staff record the decision on that item and publish the minutes ---
    admin.goto(demo_site + f"/admin/konferenzen/meeting/{meeting.pk}/change/")
    admin.fill("#id_minutes_summary", "Die Konferenz hat über den Trinkbrunnen gesprochen.")
    admin.locator("#decisions-group .add-row a").click()
    admin.fill("#id_decisions-0-text", "Der Trinkbrunnen wird beantragt.")
    admin.locator("#id_decisions-0-agenda_item").select_option(
        label=f"Idee aus dem Stadtteil: {TITLE}"
    )
    admin.click("input[name=_save]")
    expect(admin.locator(".messagelist")).to_contain_text("erfolgreich")
    admin.goto(demo_site + "/admin/konferenzen/meeting/")
    admin.locator(f'input[name="_selected_action"][value="{meeting.pk}"]').check()
    admin.select_option("select[name=action]", "publish_minutes")
    admin.click("button[name=index]")
    expect(admin.locator(".messagelist")).to_contain_text("veröffentlicht")
    admin.close()
    page.goto(demo_site + idea.get_absolute_url())
    conference = page.get_by_role("region", name="Stadtteilkonferenz")
    expect(conference).to_contain_text("Was die Konferenz beschlossen hat")
    expect(conference).to_contain_text("Der Trinkbrunnen wird beantragt.")
    check_page(page, "Ideenseite mit Beschluss")

    # --- taken up as a project: one draft, the backer told once, however often clicked ---
    mail.outbox.clear()
    for _ in range(2):
        admin = idea_action("take_up_as_project")
        expect(admin.locator(".messagelist")).to_contain_text("Projektentwurf")
        admin.close()
    project = Project.objects.get(ideas=idea)
    assert project.publication == Publication.DRAFT and project.quartier == welper
    assert project.title == TITLE and project.images.count() == 1
    wait_for_mail(page, "nachbarin@example.org", f"„{TITLE}“ wurde übernommen")
    wait_for_mail(page, EMAIL, f"Ihre Idee „{TITLE}“: übernommen")
    to_backer = [m for m in mail.outbox if m.to == ["nachbarin@example.org"]]
    assert len(to_backer) == 1, [m.subject for m in to_backer]
    page.goto(demo_site + idea.get_absolute_url())
    expect(page.get_by_role("main")).to_contain_text("Die Idee wurde als Projekt übernommen.")
    check_page(page, "Ideenseite übernommen")


def test_the_form_works_without_javascript_on_a_small_phone(new_context, demo_site, fast_form):
    page = new_context(java_script_enabled=False, viewport={"width": 320, "height": 640}).new_page()
    # (axe needs JavaScript: it checked these pages in the journey above.)
    page.goto(demo_site + "/ideen/")
    page.get_by_role("link", name="Idee einreichen").first.click()
    expect(page).to_have_url(re.compile(r"/ideen/einreichen/$"))
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the idea form scrolls sideways at 320 px"
    shown_at = time.monotonic()
    form = idea_form(page)
    form.get_by_label("Ihre Idee in wenigen Worten").fill(TITLE)  # the rest is missing
    wait_out_fill_time(page, shown_at)
    form.get_by_role("button", name="Idee absenden").click()
    expect(page.get_by_role("alert").filter(has_text="Es gibt ein Problem")).to_contain_text(
        "Bitte wählen Sie den Stadtteil oder das Quartier Ihrer Idee."
    )
    expect(idea_form(page).get_by_label("Ihre Idee in wenigen Worten")).to_have_value(TITLE)

    shown_at = time.monotonic()
    form = idea_form(page)
    form.get_by_label("Für welchen Stadtteil oder welches Quartier?").select_option(
        label="Blankenstein"
    )
    fill_idea(form)
    wait_out_fill_time(page, shown_at)
    form.get_by_role("button", name="Idee absenden").click()
    expect(page).to_have_url(re.compile(r"/ideen/einreichen/danke/"))
    request = wait_for_mail(page, EMAIL, "Bitte bestätigen Sie Ihre Idee")
    page.goto(confirm_link(request, demo_site))
    page.get_by_role("button", name="Idee bestätigen").click()
    expect(page.get_by_role("status")).to_contain_text("Das Team prüft Ihre Idee")
    idea = Idea.objects.get(title=TITLE)
    assert idea.status == IdeaStatus.NEW and idea.quartier.slug == "blankenstein"

    # --- staff publish it and put it on the agenda (their steps are in the journey above);
    # a neighbour backs it, and everyone follows it on the idea page, still without JavaScript.
    from ideen import services

    assert services.idea_publish(idea=idea)
    page.goto(demo_site + idea.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    shown_at = time.monotonic()
    backing = page.locator("section#mitmachen")
    backing.get_by_label("Ihre E-Mail-Adresse").fill("nachbar-ohne-js@example.org")
    wait_out_fill_time(page, shown_at)
    backing.get_by_role("button", name="Ich mache mit").click()
    expect(page.get_by_role("status")).to_contain_text("Fast geschafft")
    request = wait_for_mail(page, "nachbar-ohne-js@example.org", "Bitte bestätigen Sie: Sie würden")
    found = re.search(rf"{re.escape(demo_site)}/ideen/mitmachen/{TOKEN}/bestaetigen/", request.body)
    page.goto(found.group(0))
    page.get_by_role("button", name="Bestätigen: Ich mache mit").click()
    expect(page.get_by_role("status")).to_contain_text("Danke: Sie werden mitgezählt.")

    item = services.idea_put_on_next_meeting(idea=idea)
    page.goto(demo_site + idea.get_absolute_url())
    expect(page.locator("section#mitmachen")).to_contain_text(
        "1 Person würde bei der Umsetzung dieser Idee mithelfen."
    )
    meeting_link = page.get_by_role("link", name=re.compile(item.meeting.conference.title))
    expect(meeting_link.first).to_be_visible()
    meeting_link.first.click()
    expect(page.get_by_role("main")).to_contain_text(TITLE)
