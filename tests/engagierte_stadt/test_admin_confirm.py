"""Admin actions that mail people or remove data ask first (engagierte_stadt/admin_confirm.py),
and every way through the admin leads back to the list with its filters."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core import mail

from engagierte_stadt.submissions.capacity import SignupStatus, signup_confirm, signup_submit
from ideen.models import Idea, IdeaStatus
from konferenzen.models import Registration
from partner.models import ApplicationStatus, PartnerApplication
from quartiere.models import Opportunity, Quartier, Signup
from tests.factories import MeetingFactory, login_staff
from tests.ideen.helpers import confirmed as confirmed_idea
from tests.partner.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

SIGNUPS = "/admin/quartiere/signup/"

# Every admin action that mails a person or removes data, by admin and action name.
MUST_ASK = {
    ("quartiere", "signup"): {"move_up", "cancel_signups", "erase_personal_data"},
    ("konferenzen", "registration"): {"move_up", "cancel_signups", "erase_personal_data"},
    ("konferenzen", "conferencewish"): {"erase_personal_data"},
    ("partner", "partnerapplication"): {"start_review", "accept", "reject"},
    ("ideen", "idea"): {"publish", "put_on_agenda", "take_up_as_project"},
    ("quartiere", "quartierassignment"): {"end_now"},
}


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, user)
    return client


@pytest.fixture
def tafel():
    welper = Quartier.objects.create(name="Welper", slug="welper")
    return Opportunity.objects.create(
        quartier=welper, title="Tafel", slug="tafel", description="Ausgabe", places=5
    )


def signed_up(opportunity, name, email):
    result = signup_submit(model=Signup, target=opportunity, name=name, email=email)
    return signup_confirm(model=Signup, token=result.token)


def test_every_action_that_mails_or_removes_asks_first():
    for (app_label, model_name), names in MUST_ASK.items():
        [model_admin] = [
            model_admin
            for model, model_admin in admin.site._registry.items()
            if (model._meta.app_label, model._meta.model_name) == (app_label, model_name)
        ]
        for name in names:
            action = getattr(type(model_admin), name)
            assert getattr(action, "needs_confirmation", False), (model_name, name)


def test_cancel_without_confirmation_changes_nothing_and_says_what_would_happen(
    admin_client, tafel, django_capture_on_commit_callbacks
):
    people = [signed_up(tafel, f"Person {n}", f"p{n}@example.org") for n in range(3)]
    mail.outbox.clear()
    query = f"?opportunity__id__exact={tafel.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            SIGNUPS + query,
            {"action": "cancel_signups", "_selected_action": [p.pk for p in people], "index": 0},
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 Anmeldungen werden abgesagt." in html
    assert "Ja, ausführen" in html and "Nein, zurück zur Liste" in html
    # Both buttons lead back to the filtered list.
    assert f'action="{SIGNUPS}{query}"' in html and f'href="{SIGNUPS}{query}"' in html
    assert set(Signup.objects.values_list("status", flat=True)) == {SignupStatus.CONFIRMED}
    assert mail.outbox == []


def test_cancel_with_confirmation_cancels_and_returns_to_the_filtered_list(admin_client, tafel):
    people = [signed_up(tafel, f"Person {n}", f"p{n}@example.org") for n in range(3)]
    query = f"?opportunity__id__exact={tafel.pk}"
    response = admin_client.post(
        SIGNUPS + query,
        {"action": "cancel_signups", "_selected_action": [p.pk for p in people], "post": "yes"},
    )
    assert response.status_code == 302 and response["Location"] == SIGNUPS + query
    assert set(Signup.objects.values_list("status", flat=True)) == {SignupStatus.CANCELLED}


def test_erase_without_confirmation_keeps_the_data(admin_client, tafel):
    person = signed_up(tafel, "Erika Muster", "erika@example.org")
    response = admin_client.post(
        SIGNUPS, {"action": "erase_personal_data", "_selected_action": [person.pk], "index": 0}
    )
    assert "endgültig gelöscht" in response.content.decode()
    person.refresh_from_db()
    assert person.name == "Erika Muster" and person.purged_at is None


def test_rejecting_an_application_asks_first(admin_client, django_capture_on_commit_callbacks):
    application = ApplicationFactory(organisation="Abgelehnt GmbH")
    url = "/admin/partner/partnerapplication/"
    data = {"action": "reject", "_selected_action": [application.pk]}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {**data, "index": 0})
    assert "1 Bewerbung wird abgelehnt." in response.content.decode()
    assert PartnerApplication.objects.get().status == application.status
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {**data, "post": "yes"})
    assert PartnerApplication.objects.get().status == ApplicationStatus.REJECTED
    assert [message.to for message in mail.outbox] == [[application.email]]


def test_publishing_an_idea_asks_first(admin_client):
    idea = confirmed_idea(Quartier.objects.create(name="Welper", slug="welper"))
    data = {"action": "publish", "_selected_action": [idea.pk]}
    response = admin_client.post("/admin/ideen/idea/", {**data, "index": 0})
    assert "1 Idee wird auf der Website veröffentlicht." in response.content.decode()
    assert Idea.objects.get().status == IdeaStatus.NEW
    admin_client.post("/admin/ideen/idea/", {**data, "post": "yes"})
    assert Idea.objects.get().status == IdeaStatus.PUBLISHED


# --- back to the filtered list -----------------------------------------------------------------


def test_opportunity_page_links_its_signups_and_the_phone_entry(admin_client, tafel):
    html = admin_client.get(f"/admin/quartiere/opportunity/{tafel.pk}/change/").content.decode()
    assert f'href="{SIGNUPS}?opportunity__id__exact={tafel.pk}"' in html
    entry = (
        f'href="{SIGNUPS}add/?opportunity={tafel.pk}'
        f"&amp;_changelist_filters=opportunity__id__exact%3D{tafel.pk}"
    )
    assert entry in html
    assert "Telefonische" in html or "telefonisch" in html


def test_phone_entry_returns_to_the_signups_of_that_opportunity(admin_client, tafel):
    filters = f"_changelist_filters=opportunity__id__exact%3D{tafel.pk}"
    form = admin_client.get(f"{SIGNUPS}add/?opportunity={tafel.pk}&{filters}")
    assert form.context["adminform"].form.initial["opportunity"] == str(tafel.pk)
    response = admin_client.post(
        f"{SIGNUPS}add/?{filters}",
        {
            "opportunity": tafel.pk,
            "source": "phone",
            "name": "Telefon Person",
            "phone": "02324 1234",
            "email": "",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{SIGNUPS}?opportunity__id__exact={tafel.pk}"
    assert Signup.objects.get().name == "Telefon Person"


def test_add_button_of_a_filtered_list_fills_in_the_opportunity(admin_client, tafel):
    filters = f"_changelist_filters=opportunity__id__exact%3D{tafel.pk}"
    form = admin_client.get(f"{SIGNUPS}add/?{filters}")
    assert form.context["adminform"].form.initial["opportunity"] == str(tafel.pk)


def test_saving_a_signup_returns_to_the_filtered_list(admin_client, tafel):
    person = signed_up(tafel, "Erika Muster", "erika@example.org")
    filters = f"_changelist_filters=opportunity__id__exact%3D{tafel.pk}"
    response = admin_client.post(
        f"{SIGNUPS}{person.pk}/change/?{filters}",
        {
            "name": "Erika Muster",
            "email": "erika@example.org",
            "phone": "",
            "message": "",
            "needs": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{SIGNUPS}?opportunity__id__exact={tafel.pk}"


def test_meeting_page_links_registrations_and_returns_after_the_phone_entry(admin_client):
    meeting = MeetingFactory(registration_enabled=True, places=10)
    url = "/admin/konferenzen/registration/"
    filters = f"_changelist_filters=meeting__id__exact%3D{meeting.pk}"
    html = admin_client.get(f"/admin/konferenzen/meeting/{meeting.pk}/change/").content.decode()
    assert f'href="{url}add/?meeting={meeting.pk}&amp;{filters}"' in html
    response = admin_client.post(
        f"{url}add/?{filters}",
        {"meeting": meeting.pk, "source": "paper", "name": "Papier Person", "consent": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?meeting__id__exact={meeting.pk}"
    assert Registration.objects.get().name == "Papier Person"
