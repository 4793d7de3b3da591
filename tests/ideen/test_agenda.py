"""From idea to agenda to project: "Auf die Tagesordnung" puts an idea on the agenda of the
next meeting of its Stadtteil's conference, the idea page and the Aushang show it, the
decision in the minutes appears on the idea, and "Als Projekt übernehmen" makes one draft
project and mails every confirmed backer once."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from engagierte_stadt import roles
from ideen import services
from ideen.models import BackerStatus, Idea, IdeaBacker, IdeaStatus, IdeaStatusChange
from konferenzen.models import AgendaItem, Meeting
from quartiere.models import Project, Publication, QuartierAssignment
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    DecisionFactory,
    MeetingFactory,
    QuartierFactory,
    login_staff,
)
from tests.ideen.helpers import EMAIL, published
from tests.images import upload

pytestmark = pytest.mark.django_db

LIST = "/admin/ideen/idea/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def welper():
    return QuartierFactory(name="Welper", slug="welper")


def days(n):
    return (timezone.now() + timezone.timedelta(days=n)).replace(second=0, microsecond=0)


def meeting(conference, in_days, **extra):
    starts = days(in_days)
    return MeetingFactory(
        conference=conference,
        starts_at=starts,
        ends_at=starts + timezone.timedelta(hours=2),
        slug=f"termin-{in_days}",
        **extra,
    )


@pytest.fixture
def meetings(welper):
    """Welper's conference: a past meeting, a cancelled one next week, the next real one in
    three weeks, and one later; another Stadtteil's conference meets sooner."""
    conference = ConferenceFactory(quartier=welper, title="Stadtteilkonferenz Welper")
    other = ConferenceFactory(quartier=QuartierFactory(name="Blankenstein", slug="blankenstein"))
    return {
        "past": meeting(conference, -10),
        "cancelled": meeting(conference, 7, status=Meeting.Status.CANCELLED),
        "next": meeting(conference, 21),
        "later": meeting(conference, 60),
        "elsewhere": meeting(other, 3),
    }


def test_the_idea_goes_onto_the_agenda_of_the_next_meeting_of_its_stadtteil(
    welper, meetings, django_capture_on_commit_callbacks
):
    idea = published(welper)
    AgendaItemFactory(meeting=meetings["next"], position=4, title="Spielplatz")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item = services.idea_put_on_next_meeting(idea=idea)
    assert item.meeting == meetings["next"]
    assert item.position == 5  # after the agenda there is
    assert item.title == "Idee aus dem Stadtteil: Bänke am Ruhrufer"
    for other in ("past", "cancelled", "later", "elsewhere"):
        assert not meetings[other].agenda_items.exists(), other
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.AGENDA and idea.agenda_item == item
    assert IdeaStatusChange.objects.filter(idea=idea, status=IdeaStatus.AGENDA).count() == 1
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert "steht auf der Tagesordnung" in message.body
    assert meetings["next"].get_absolute_url() in message.body


def test_a_neighbourhood_idea_goes_to_its_districts_conference(meetings):
    rauendahl = QuartierFactory(name="Rauendahl", slug="rauendahl", kind="quartier")
    mitte = QuartierFactory(name="Mitte", slug="mitte")
    rauendahl.parent = mitte
    rauendahl.save()
    mitte_meeting = meeting(ConferenceFactory(quartier=mitte), 14)
    idea = published(rauendahl)
    assert services.idea_put_on_next_meeting(idea=idea).meeting == mitte_meeting


@pytest.mark.parametrize("situation", ["no_conference", "no_meeting_ahead"])
def test_without_a_meeting_ahead_nothing_changes(welper, situation):
    if situation == "no_meeting_ahead":
        conference = ConferenceFactory(quartier=welper)
        meeting(conference, -3)
        meeting(conference, 5, status=Meeting.Status.CANCELLED)
    idea = published(welper)
    mail.outbox.clear()
    with pytest.raises(services.IdeaStepRefused):
        services.idea_put_on_next_meeting(idea=idea)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PUBLISHED and idea.agenda_item is None
    assert not AgendaItem.objects.exists()
    assert not mail.outbox


def test_the_idea_page_and_the_aushang_show_the_meeting(client, welper, meetings):
    idea = published(welper)
    services.idea_put_on_next_meeting(idea=idea)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Die Idee steht auf der Tagesordnung dieses Termins:" in html
    assert f'href="{meetings["next"].get_absolute_url()}"' in html
    assert timezone.localtime(meetings["next"].starts_at).strftime("%Y") in html
    notice = client.get(meetings["next"].get_absolute_url() + "aushang/")
    assert notice.status_code == 200
    assert "<li>Idee aus dem Stadtteil: Bänke am Ruhrufer</li>" in notice.content.decode()
    page = client.get(meetings["next"].get_absolute_url()).content.decode()
    # The agenda item links back to the idea.
    assert re.search(rf'<a href="https?://[^"]+/ideen/{idea.pk}/"', page), page


def test_the_decision_shows_on_the_idea_once_the_minutes_are_published(client, welper, meetings):
    idea = published(welper)
    item = services.idea_put_on_next_meeting(idea=idea)
    held = meetings["next"]
    DecisionFactory(meeting=held, agenda_item=item, text="Die Bänke werden 2027 aufgestellt.")
    DecisionFactory(meeting=held, text="Das Sommerfest findet am Markt statt.")
    assert "Die Bänke werden" not in client.get(idea.get_absolute_url()).content.decode()
    Meeting.objects.filter(pk=held.pk).update(minutes_published_at=timezone.now())
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Was die Konferenz beschlossen hat" in html
    assert "Die Bänke werden 2027 aufgestellt." in html
    assert "Sommerfest" not in html  # a decision on another item


def test_a_stadtteil_without_conference_shows_the_wish_beside_the_idea(client, welper):
    idea = published(welper)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert 'href="/stadtteilkonferenzen/wunsch/welper/"' in html
    ConferenceFactory(quartier=welper)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "/stadtteilkonferenzen/wunsch/" not in html


def backer(idea, email, status=BackerStatus.CONFIRMED):
    result = services.backer_submit(idea=idea, email=email)
    IdeaBacker.objects.filter(pk=result.backer.pk).update(status=status)


def test_taking_up_makes_one_draft_project_and_mails_each_backer_once(
    client, welper, django_capture_on_commit_callbacks
):
    idea = published(welper, picture=upload(), picture_alt="Eine Bank am Fluss")
    backer(idea, "a@example.org")
    backer(idea, "b@example.org")
    backer(idea, "c@example.org", BackerStatus.UNCONFIRMED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project = services.idea_take_up_as_project(idea=idea)
        again = services.idea_take_up_as_project(idea=idea)
    assert again == project and Project.objects.count() == 1
    assert project.title == "Bänke am Ruhrufer"
    assert project.description == "Drei Bänke zwischen Brücke und Spielplatz."
    assert project.quartier == welper and project.publication == Publication.DRAFT
    [image] = project.images.all()
    assert image.alt_text == "Eine Bank am Fluss" and image.image.size > 0
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.TAKEN_UP and idea.project == project
    to_backers = sorted(m.to[0] for m in mail.outbox if m.subject.endswith("wurde übernommen"))
    assert to_backers == ["a@example.org", "b@example.org"]
    to_proposer = [m for m in mail.outbox if m.to == [EMAIL]]
    assert len(to_proposer) == 1 and "als Projekt übernommen" in to_proposer[0].body
    # The draft is not public; once published the idea page links to it.
    assert client.get(project.get_absolute_url()).status_code == 404
    assert project.get_absolute_url() not in client.get(idea.get_absolute_url()).content.decode()
    Project.objects.filter(pk=project.pk).update(publication=Publication.PUBLISHED)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert f'href="{project.get_absolute_url()}"' in html


def test_an_idea_not_yet_published_cannot_become_a_project(welper):
    idea = published(welper)
    services.idea_hide(idea=idea, reason="Prüfung")
    with pytest.raises(services.IdeaStepRefused):
        services.idea_take_up_as_project(idea=idea)
    assert not Project.objects.exists()


# --- the admin actions -----------------------------------------------------------------------


@pytest.fixture
def editor(client, welper):
    call_command("setup_roles", stdout=io.StringIO())
    user = get_user_model().objects.create_user("welper-team", password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name=roles.QUARTIERSENTWICKLUNG))
    QuartierAssignment.objects.create(user=user, quartier=welper)
    login_staff(client, user)
    return client


def act(client, action, idea):
    return client.post(
        LIST, {"action": action, "_selected_action": [idea.pk], "post": "yes"}, follow=True
    ).content.decode()


def test_staff_put_an_idea_on_the_agenda_in_one_action(editor, welper, meetings):
    idea = published(welper)
    html = act(editor, "put_on_agenda", idea)
    assert "steht jetzt auf der Tagesordnung" in html
    assert Idea.objects.get(pk=idea.pk).agenda_item.meeting == meetings["next"]


def test_without_a_meeting_the_action_says_so_in_german(editor, welper):
    idea = published(welper)
    html = act(editor, "put_on_agenda", idea)
    assert "hat noch keine Stadtteilkonferenz" in html
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED


def test_staff_take_an_idea_up_as_a_project_in_one_action(editor, welper):
    idea = published(welper)
    act(editor, "take_up_as_project", idea)
    html = act(editor, "take_up_as_project", idea)
    assert "Projektentwurf" in html
    assert Project.objects.filter(ideas=idea, publication=Publication.DRAFT).count() == 1
    change = editor.get(f"{LIST}{idea.pk}/change/").content.decode()
    assert f"/admin/quartiere/project/{Idea.objects.get(pk=idea.pk).project_id}/change/" in change


def test_the_change_page_leaves_agenda_and_project_to_the_actions(editor, welper):
    idea = published(welper)
    html = editor.get(f"{LIST}{idea.pk}/change/").content.decode()
    assert 'value="not_taken_up"' in html
    assert 'value="agenda"' not in html and 'value="taken_up"' not in html


def test_another_quartiers_editor_cannot_put_its_idea_on_the_agenda(editor, meetings):
    other = published(QuartierFactory(name="Holthausen", slug="holthausen"), email="o@x.org")
    ConferenceFactory(quartier=other.quartier)
    act(editor, "put_on_agenda", other)
    assert Idea.objects.get(pk=other.pk).status == IdeaStatus.PUBLISHED


def test_the_published_project_names_the_idea_it_came_from(client, welper):
    idea = published(welper)
    project = services.idea_take_up_as_project(idea=idea)
    Project.objects.filter(pk=project.pk).update(publication=Publication.PUBLISHED)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Aus einer Idee" in html
    assert f'href="{idea.get_absolute_url()}"' in html
    services.idea_hide(idea=idea, reason="Prüfung")
    assert "Aus einer Idee" not in client.get(project.get_absolute_url()).content.decode()
