"""Moderation in the admin: scoped to the editor's Quartiere, each step through the service
(history entry, mail to the proposer), a reason where one is needed."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from engagierte_stadt import roles
from ideen.models import Idea, IdeaStatus, IdeaStatusChange
from quartiere.models import QuartierAssignment
from tests.factories import QuartierFactory, login_staff
from tests.ideen.helpers import EMAIL, confirmed, propose

pytestmark = pytest.mark.django_db

LIST = "/admin/ideen/idea/"


@pytest.fixture
def town():
    call_command("setup_roles", stdout=io.StringIO())
    return {
        "welper": QuartierFactory(name="Welper", slug="welper"),
        "blankenstein": QuartierFactory(name="Blankenstein", slug="blankenstein"),
    }


def staff(username, quartier=None):
    user = get_user_model().objects.create_user(username, password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name=roles.QUARTIERSENTWICKLUNG))
    if quartier is not None:
        QuartierAssignment.objects.create(user=user, quartier=quartier)
    return user


@pytest.fixture
def editor_client(client, town):
    login_staff(client, staff("welper-team", town["welper"]))
    return client


def change(client, idea, **data):
    form = {
        "title": idea.title,
        "description": idea.description,
        "helpers": idea.helpers,
        "topic": "",
        "picture_alt": "",
        "move_to": "",
        "move_reason": "",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "1000",
        **data,
    }
    return client.post(f"{LIST}{idea.pk}/change/", form)


def test_editor_sees_only_confirmed_ideas_of_their_quartier(editor_client, town):
    confirmed(town["welper"], title="Idee aus Welper")
    propose(town["welper"], title="Unbestätigte Idee", email="u@example.org")
    confirmed(town["blankenstein"], title="Idee aus Blankenstein", email="b@example.org")
    html = editor_client.get(LIST).content.decode()
    assert "Idee aus Welper" in html
    assert "Unbestätigte Idee" not in html
    assert "Idee aus Blankenstein" not in html


def test_editor_is_refused_an_idea_of_another_quartier(editor_client, town):
    other = confirmed(town["blankenstein"], email="b@example.org")
    assert editor_client.get(f"{LIST}{other.pk}/change/").status_code == 403
    response = change(editor_client, other, move_to=IdeaStatus.PUBLISHED)
    assert response.status_code == 403
    assert Idea.objects.get(pk=other.pk).status == IdeaStatus.NEW


def test_staff_without_assignment_see_no_idea(client, town):
    confirmed(town["welper"], title="Idee aus Welper")
    login_staff(client, staff("niemand"))
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Idee aus Welper" not in response.content.decode()


def test_redaktion_sees_no_idea_it_holds_an_address(client, town):
    user = get_user_model().objects.create_user("redaktion", password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name=roles.REDAKTION))
    login_staff(client, user)
    assert client.get(LIST).status_code == 403


def test_publishing_on_the_change_page_records_and_mails(
    editor_client, town, django_capture_on_commit_callbacks
):
    idea = confirmed(town["welper"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = change(editor_client, idea, move_to=IdeaStatus.PUBLISHED)
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PUBLISHED
    assert IdeaStatusChange.objects.filter(idea=idea, status=IdeaStatus.PUBLISHED).exists()
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_not_taking_up_without_a_reason_is_refused_at_the_field(editor_client, town):
    idea = confirmed(town["welper"])
    change(editor_client, idea, move_to=IdeaStatus.PUBLISHED)
    mail.outbox.clear()
    response = change(editor_client, idea, move_to=IdeaStatus.NOT_TAKEN_UP)
    assert response.status_code == 200
    assert "Bitte geben Sie eine Begründung an" in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED
    assert mail.outbox == []
    change(editor_client, idea, move_to=IdeaStatus.NOT_TAKEN_UP, move_reason="Zu teuer.")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NOT_TAKEN_UP and idea.reason == "Zu teuer."


def test_the_change_page_offers_only_the_next_steps(editor_client, town):
    idea = confirmed(town["welper"])
    html = editor_client.get(f"{LIST}{idea.pk}/change/").content.decode()
    assert 'value="published"' in html and 'value="hidden"' in html
    assert 'value="taken_up"' not in html and 'value="agenda"' not in html


def test_publish_action_leaves_ideas_of_another_quartier(editor_client, town):
    mine = confirmed(town["welper"])
    other = confirmed(town["blankenstein"], email="b@example.org")
    editor_client.post(
        LIST,
        {"action": "publish", "_selected_action": [str(mine.pk), str(other.pk)], "post": "yes"},
    )
    assert Idea.objects.get(pk=mine.pk).status == IdeaStatus.PUBLISHED
    assert Idea.objects.get(pk=other.pk).status == IdeaStatus.NEW
