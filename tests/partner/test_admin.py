"""Staff review applications in the admin: status workflow as actions, mails after commit,
accepting creates an unpublished partner; partners with logo thumbnails and project roles."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail

from partner.models import ApplicationStatus, Partner, PartnerApplication, ProjectPartner
from tests.factories import ProjectFactory, QuartierFactory, login_staff
from tests.partner.factories import ApplicationFactory, PartnerFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/partner/partnerapplication/"
MANAGE_LINK = re.compile(r"(https?://[^/\s]+)(/partner/bewerbung/[\w-]+/)(?!bestaetigen)")


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, user)
    return client


def act(client, action, *applications, query=""):
    return client.post(
        CHANGELIST + query,
        {"action": action, "_selected_action": [a.pk for a in applications], "post": "yes"},
        follow=True,
    )


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_list_shows_confirmed_applications_by_default(admin_client):
    ApplicationFactory(organisation="Bestätigt GmbH")
    ApplicationFactory(organisation="Unbestätigt GmbH", unconfirmed=True)
    ApplicationFactory(organisation="Abgelaufen GmbH", status=ApplicationStatus.EXPIRED)
    html = admin_client.get(CHANGELIST).content.decode()
    assert "Bestätigt GmbH" in html
    assert "Unbestätigt GmbH" not in html and "Abgelaufen GmbH" not in html
    html = admin_client.get(CHANGELIST + "?bestaetigt=nein").content.decode()
    assert "Unbestätigt GmbH" in html and "Abgelaufen GmbH" in html
    assert "Bestätigt GmbH" not in html


def test_start_review_mails_the_applicant_after_commit(
    admin_client, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(organisation="Musterfirma GmbH")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = act(admin_client, "start_review", application)
    assert not mail.outbox  # nothing before the commit
    for callback in callbacks:
        callback()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW and application.review_started_at
    [message] = mails_to(application.email)
    assert message.subject == "Ihre Partner-Bewerbung wird geprüft: Musterfirma GmbH"
    assert "1 Bewerbung ist jetzt in Prüfung" in response.content.decode()
    # The mail carries a working personal link (to the portal's own address, SITE_URL).
    path = MANAGE_LINK.search(message.body).group(2)
    assert "in Prüfung" in admin_client.get(path).content.decode()


def test_accepting_creates_an_unpublished_partner_from_the_application(
    admin_client, django_capture_on_commit_callbacks
):
    welper = QuartierFactory(name="Welper", slug="welper")
    application = ApplicationFactory(
        organisation="Malerbetrieb Farbe GmbH",
        kind="unternehmen",
        contact_name="Mia Maler",
        email="mia@farbe.example.org",
        phone="02324 777",
        website="https://farbe.example.org",
        offer="Wir streichen einen Spielplatz.\n\nMit dem ganzen Team.",
        quartiere=[welper],
        status=ApplicationStatus.IN_REVIEW,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = act(admin_client, "accept", application)
    partner = Partner.objects.get()
    assert (partner.name, partner.slug, partner.kind, partner.website) == (
        "Malerbetrieb Farbe GmbH",
        "malerbetrieb-farbe-gmbh",
        "unternehmen",
        "https://farbe.example.org",
    )
    assert (partner.contact_name, partner.contact_email, partner.contact_phone) == (
        "Mia Maler",
        "mia@farbe.example.org",
        "02324 777",
    )
    assert partner.description == "Wir streichen einen Spielplatz.\n\nMit dem ganzen Team."
    assert partner.teaser == "Wir streichen einen Spielplatz. Mit dem ganzen Team."
    assert list(partner.quartiere.all()) == [welper]
    assert not partner.is_published
    assert not any(partner.public_contact.values())
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED and application.decided_at
    assert application.partner == partner
    [message] = mails_to("mia@farbe.example.org")
    assert message.subject == "Willkommen im Netzwerk: Malerbetrieb Farbe GmbH"
    html = response.content.decode()
    assert f'href="/admin/partner/partner/{partner.pk}/change/"' in html
    assert client_cannot_see(partner)


def client_cannot_see(partner) -> bool:
    from django.test import Client

    return Client().get(partner.get_absolute_url()).status_code == 404


def test_accepting_two_applications_with_the_same_name_gives_two_addresses(
    admin_client, django_capture_on_commit_callbacks
):
    first = ApplicationFactory(organisation="Netzwerk")
    second = ApplicationFactory(organisation="Netzwerk")
    with django_capture_on_commit_callbacks(execute=True):
        act(admin_client, "accept", first, second)
    slugs = sorted(Partner.objects.values_list("slug", flat=True))
    # "netzwerk" is the network page's address, so neither partner may have it.
    assert slugs == ["netzwerk-2", "netzwerk-3"]


def test_rejecting_mails_the_applicant(admin_client, django_capture_on_commit_callbacks):
    application = ApplicationFactory(organisation="Abgelehnt GmbH")
    with django_capture_on_commit_callbacks(execute=True):
        act(admin_client, "reject", application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and application.decided_at
    assert not Partner.objects.exists()
    [message] = mails_to(application.email)
    assert message.subject == "Zu Ihrer Partner-Bewerbung: Abgelehnt GmbH"
    assert "Leider können wir sie derzeit nicht aufnehmen." in message.body


def test_unconfirmed_and_decided_applications_are_skipped(
    admin_client, django_capture_on_commit_callbacks
):
    unconfirmed = ApplicationFactory(unconfirmed=True)
    rejected = ApplicationFactory(status=ApplicationStatus.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(admin_client, "accept", unconfirmed, rejected, query="?bestaetigt=alle")
    assert not Partner.objects.exists() and not mail.outbox
    assert "2 Bewerbungen wurden übersprungen" in response.content.decode()
    unconfirmed.refresh_from_db()
    rejected.refresh_from_db()
    assert (unconfirmed.status, rejected.status) == ("unconfirmed", "rejected")


def test_an_application_cannot_be_edited_or_deleted(admin_client):
    application = ApplicationFactory()
    url = f"{CHANGELIST}{application.pk}/change/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    admin_client.post(url, {"organisation": "Geändert"})
    application.refresh_from_db()
    assert application.organisation != "Geändert"
    assert "delete_selected" not in admin_client.get(CHANGELIST).content.decode()
    assert admin_client.get(CHANGELIST + "add/").status_code == 403


def test_decisions_need_the_change_permission(client):
    user = get_user_model().objects.create_user("lesend", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_partnerapplication"))
    login_staff(client, user)
    application = ApplicationFactory()
    html = client.get(CHANGELIST).content.decode()
    assert 'value="accept"' not in html and 'value="reject"' not in html
    act(client, "accept", application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NEW


# --- partners --------------------------------------------------------------------------------


def test_partner_admin_shows_logo_thumbnails(admin_client, settings, tmp_path):
    from django.core.files.base import ContentFile

    from tests.images import image_bytes

    settings.MEDIA_ROOT = str(tmp_path)
    partner = PartnerFactory(name="Logo e.V.")
    partner.logo.save("logo.png", ContentFile(image_bytes("PNG", size=(300, 100))))
    html = admin_client.get("/admin/partner/partner/").content.decode()
    assert f'src="{partner.logo.url}" alt="Logo Logo e.V." width="120" height="40"' in html


def test_partner_admin_saves_roles_in_projects(admin_client):
    project = ProjectFactory(title="Repair-Café")
    data = {
        "name": "Repair-Freunde",
        "slug": "repair-freunde",
        "kind": "initiative",
        "teaser": "Reparieren statt wegwerfen.",
        "description": "",
        "website": "repair.example.org",
        "city": "Hattingen",
        "is_published": "on",
        "project_roles-TOTAL_FORMS": "1",
        "project_roles-INITIAL_FORMS": "0",
        "project_roles-MIN_NUM_FORMS": "0",
        "project_roles-MAX_NUM_FORMS": "1000",
        "project_roles-0-project": str(project.pk),
        "project_roles-0-role": "traeger",
    }
    response = admin_client.post("/admin/partner/partner/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    partner = Partner.objects.get()
    assert partner.website == "https://repair.example.org"
    role = ProjectPartner.objects.get()
    assert (role.partner, role.project, role.get_role_display()) == (partner, project, "Träger")


def test_partner_admin_refuses_a_fixed_word_as_address(admin_client):
    response = admin_client.post(
        "/admin/partner/partner/add/",
        {
            "name": "Netzwerk",
            "slug": "netzwerk",
            "kind": "verein",
            "teaser": "Kurz.",
            "project_roles-TOTAL_FORMS": "0",
            "project_roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "vom Portal selbst verwendet" in response.content.decode()
    assert not Partner.objects.exists()


def test_publish_action(admin_client):
    partner = PartnerFactory(is_published=False)
    admin_client.post(
        "/admin/partner/partner/", {"action": "publish", "_selected_action": [partner.pk]}
    )
    partner.refresh_from_db()
    assert partner.is_published


def test_network_models_are_editable(admin_client):
    for url in (
        "/admin/partner/programmesupporter/add/",
        "/admin/partner/networkcity/add/",
        "/admin/partner/exchangetopic/add/",
    ):
        assert admin_client.get(url).status_code == 200


def test_rejected_application_count_in_list(admin_client):
    ApplicationFactory(status=ApplicationStatus.REJECTED, organisation="Alt GmbH")
    assert "Alt GmbH" in admin_client.get(CHANGELIST).content.decode()
    assert PartnerApplication.objects.count() == 1
