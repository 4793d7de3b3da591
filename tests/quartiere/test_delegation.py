"""Vertretung: an editor hands their Quartier rights to a colleague until a moment; the rights
lapse by themselves at that moment, and granting and lapsing are in the admin history."""

import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from engagierte_stadt import roles
from engagierte_stadt.submissions.capacity import signup_confirm, signup_submit
from quartiere.models import QuartierAssignment, Signup
from tests.factories import OpportunityFactory, ProjectFactory, QuartierFactory, login_staff

User = get_user_model()
ADD = "/admin/quartiere/quartierassignment/add/"
LIST = "/admin/quartiere/quartierassignment/"
SIGNUPS = "/admin/quartiere/signup/"

NOW = timezone.make_aware(datetime(2027, 3, 1, 9, 0))
UNTIL = timezone.make_aware(datetime(2027, 3, 8, 18, 0))


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def welper(db):
    call_command("setup_roles", stdout=io.StringIO())
    quartier = QuartierFactory(name="Welper", slug="welper")
    opportunity = OpportunityFactory(project=ProjectFactory(quartier=quartier), places=5)
    result = signup_submit(
        model=Signup, target=opportunity, name="Wilma Mitmach", email="wilma@example.org"
    )
    signup_confirm(model=Signup, token=result.token)
    return quartier


def editor(username, quartier=None, valid_until=None):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.QUARTIERSENTWICKLUNG))
    if quartier is not None:
        QuartierAssignment.objects.create(user=user, quartier=quartier, valid_until=valid_until)
    return user


@pytest.fixture
def anna(welper):
    return editor("anna", welper)


@pytest.fixture
def ben(welper):
    return editor("ben")


def delegate(client, **fields):
    until = timezone.localtime(fields.pop("until", UNTIL))
    data = {
        "valid_until_0": until.strftime("%d.%m.%Y"),
        "valid_until_1": until.strftime("%H:%M:%S"),
        **fields,
    }
    return client.post(ADD, data)


def form_errors(response) -> str:
    return " ".join(str(e) for e in response.context["adminform"].form.errors.values())


@pytest.fixture
def handed_on(client, anna, ben, welper):
    login_staff(client, anna)
    response = delegate(client, user=ben.pk, quartier=welper.pk)
    assert response.status_code == 302, form_errors(response)
    client.logout()
    return QuartierAssignment.objects.get(user=ben)


def sees_wilma(client) -> bool:
    signup = Signup.objects.get(name="Wilma Mitmach")
    listed = "Wilma Mitmach" in client.get(SIGNUPS).content.decode()
    page = client.get(f"{SIGNUPS}{signup.pk}/change/").status_code
    assert listed == (page == 200)
    return listed


def test_delegation_page_offers_the_editors_own_quartiere(client, anna, welper):
    QuartierFactory(name="Blankenstein", slug="blankenstein")
    login_staff(client, anna)
    response = client.get(ADD)
    assert response.status_code == 200
    assert "Vertretung einrichten" in response.content.decode()
    assert list(response.context["adminform"].form.fields["quartier"].queryset) == [welper]


def test_handed_on_rights_carry_the_giver_and_the_end(handed_on, anna, welper):
    assert handed_on.delegated_by == anna
    assert handed_on.quartier == welper and handed_on.valid_until == UNTIL


def test_delegate_works_on_the_quartier_until_the_end(client, handed_on, ben, _clock):
    login_staff(client, ben)
    assert sees_wilma(client)
    _clock.move_to(UNTIL - timedelta(minutes=1))
    login_staff(client, ben)  # a new working day, a new login
    assert sees_wilma(client)


def test_delegation_lapses_at_its_end_and_not_a_minute_later(client, handed_on, ben, _clock):
    _clock.move_to(UNTIL - timedelta(minutes=1))
    login_staff(client, ben)
    assert sees_wilma(client)
    _clock.move_to(UNTIL)
    assert not sees_wilma(client)
    _clock.move_to(UNTIL + timedelta(minutes=1))
    assert not sees_wilma(client)
    project_id = Signup.objects.get().opportunity.project_id
    assert client.get(f"/admin/quartiere/project/{project_id}/change/").status_code == 403


def test_granting_is_logged_without_personal_data(handed_on, anna):
    entry = LogEntry.objects.get(object_id=str(handed_on.pk), action_flag=ADDITION)
    assert entry.user == anna
    assert entry.object_repr == "ben für Welper bis 08.03.2027 18:00"
    assert "Wilma" not in entry.object_repr + entry.change_message


def test_lapse_is_logged_once_with_its_own_time(client, handed_on, anna, _clock):
    login_staff(client, anna)
    client.get(LIST)
    assert not LogEntry.objects.filter(action_flag=CHANGE).exists()  # not lapsed yet
    _clock.move_to(UNTIL + timedelta(days=3))
    login_staff(client, anna)
    client.get(LIST)
    client.get(LIST)
    entry = LogEntry.objects.get(object_id=str(handed_on.pk), action_flag=CHANGE)
    assert entry.action_time == UNTIL
    assert entry.user == anna
    assert entry.change_message == "Die Rechte sind mit dem Ende ihrer Gültigkeit erloschen."


def test_editor_ends_a_delegation_early(client, handed_on, anna, ben, _clock):
    login_staff(client, anna)
    response = client.post(
        LIST, {"action": "end_now", "_selected_action": [handed_on.pk], "post": "yes"}
    )
    assert response.status_code == 302
    login_staff(client, ben)
    assert not sees_wilma(client)
    assert LogEntry.objects.filter(object_id=str(handed_on.pk), action_flag=CHANGE).exists()


# --- refusals --------------------------------------------------------------------------------


def test_editor_cannot_hand_on_a_quartier_of_someone_else(client, anna, ben):
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    login_staff(client, anna)
    response = delegate(client, user=ben.pk, quartier=blankenstein.pk)
    assert response.status_code == 200
    assert "keine gültige Auswahl" in form_errors(response)
    assert not QuartierAssignment.objects.filter(user=ben).exists()


def test_editor_cannot_hand_on_to_themselves(client, anna, welper):
    login_staff(client, anna)
    response = delegate(client, user=anna.pk, quartier=welper.pk)
    assert "keine gültige Auswahl" in form_errors(response)
    assert QuartierAssignment.objects.filter(user=anna).count() == 1


def test_delegation_needs_an_end_in_the_future(client, anna, ben, welper):
    login_staff(client, anna)
    response = delegate(client, user=ben.pk, quartier=welper.pk, until=NOW - timedelta(hours=1))
    assert "Das Ende muss in der Zukunft liegen." in form_errors(response)
    response = client.post(ADD, {"user": ben.pk, "quartier": welper.pk})
    assert "Dieses Feld ist zwingend erforderlich." in form_errors(response)
    assert not QuartierAssignment.objects.filter(user=ben).exists()


def test_delegation_cannot_outlast_the_givers_own_rights(client, ben, welper):
    own_end = NOW + timedelta(days=5)
    carla = editor("carla", welper, valid_until=own_end)
    login_staff(client, carla)
    response = delegate(client, user=ben.pk, quartier=welper.pk, until=own_end + timedelta(1))
    assert "Ihre eigene Zuständigkeit endet am 06.03.2027 09:00" in form_errors(response)
    assert not QuartierAssignment.objects.filter(user=ben).exists()


def test_delegate_cannot_hand_the_rights_on_further(client, handed_on, ben, welper):
    dora = editor("dora")
    login_staff(client, ben)
    response = delegate(client, user=dora.pk, quartier=welper.pk, until=UNTIL - timedelta(1))
    assert "keine gültige Auswahl" in form_errors(response)
    assert not QuartierAssignment.objects.filter(user=dora).exists()


def test_delegate_cannot_end_or_change_the_delegation(client, handed_on, ben):
    login_staff(client, ben)
    url = f"{LIST}{handed_on.pk}/"
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    later = UNTIL + timedelta(days=30)
    response = client.post(
        f"{url}change/",
        {"valid_until_0": later.strftime("%d.%m.%Y"), "valid_until_1": "18:00:00"},
    )
    assert response.status_code == 403
    handed_on.refresh_from_db()
    assert handed_on.valid_until == UNTIL


def test_editor_without_delegation_rights_cannot_hand_on(client, welper):
    user = User.objects.create_user("praktikant", password="pw", is_staff=True)
    QuartierAssignment.objects.create(user=user, quartier=welper)
    login_staff(client, user)
    assert client.get(ADD).status_code == 403


def test_other_editors_do_not_see_a_delegation(client, handed_on, anna):
    login_staff(client, anna)
    assert handed_on in client.get(LIST).context["cl"].result_list
    login_staff(client, editor("erik", QuartierFactory(name="Winz-Baak", slug="winz-baak")))
    assert handed_on not in client.get(LIST).context["cl"].result_list
    assert client.get(f"{LIST}{handed_on.pk}/change/").status_code == 302  # not found


def test_administration_assigns_the_whole_town(client, welper, ben):
    it = User.objects.create_user("it", password="pw", is_staff=True)
    it.groups.add(Group.objects.get(name=roles.ADMINISTRATION))
    login_staff(client, it)
    response = client.post(ADD, {"user": ben.pk, "quartier": ""})
    assert response.status_code == 302, form_errors(response)
    assignment = QuartierAssignment.objects.get(user=ben)
    assert assignment.quartier is None and assignment.delegated_by is None
    login_staff(client, ben)
    assert sees_wilma(client)
