"""The weekly digest per editor (`manage.py send_editor_digests`): each editor gets the news
and to-dos of their own Quartiere, counted here from the rows the test made (not with the
dashboard's queries); at most one a week; nothing when there is nothing; never a
volunteer's name or address; switched off in the admin."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from engagierte_stadt import roles
from engagierte_stadt.digest import digests_send
from engagierte_stadt.models import EditorDigest
from engagierte_stadt.submissions.capacity import SignupStatus, Source
from konferenzen.models import ConferenceWish
from quartiere.models import QuartierAssignment, Signup
from tests.factories import (
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
    login_staff,
)

User = get_user_model()
BASE = "https://engagiert.example.de"
NOW = timezone.now().replace(microsecond=0)


def signups(opportunity, count: int, *, days_ago: float, prefix: str) -> list[Signup]:
    """`count` confirmed sign-ups with a name and an address each, confirmed `days_ago`."""
    moment = NOW - timedelta(days=days_ago)
    return Signup.objects.bulk_create(
        Signup(
            opportunity=opportunity,
            name=f"{prefix} Freiwillige {n}",
            email=f"{prefix.lower()}{n}@example.org",
            source=Source.ONLINE,
            status=SignupStatus.CONFIRMED,
            confirmed_at=moment,
        )
        for n in range(count)
    )


def meeting(conference, slug, *, days):
    starts = NOW + timedelta(days=days)
    return MeetingFactory(
        conference=conference, slug=slug, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )


@pytest.fixture
def town(db):
    call_command("setup_roles", stdout=io.StringIO())
    welper = QuartierFactory(name="Welper", slug="welper")
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    w_project = ProjectFactory(quartier=welper, slug="p-welper")
    b_project = ProjectFactory(quartier=blankenstein, slug="p-blankenstein")
    data = {
        "welper": welper,
        "blankenstein": blankenstein,
        "repair": OpportunityFactory(project=w_project, title="Repair-Café", places=3),
        "garden": OpportunityFactory(project=w_project, title="Gemeinschaftsgarten", places=20),
        "reading": OpportunityFactory(project=b_project, title="Vorlesen", places=10),
        "quiet": OpportunityFactory(project=b_project, title="Ruhiges Angebot", places=10),
    }
    data["signups"] = [
        # Welper: the Repair-Café fills up this week, the garden has two new and one old.
        *signups(data["repair"], 3, days_ago=2, prefix="Wilma"),
        *signups(data["garden"], 2, days_ago=1, prefix="Walter"),
        *signups(data["garden"], 1, days_ago=30, prefix="Wanda"),
        # Blankenstein: one new for reading, one old for the quiet offer.
        *signups(data["reading"], 1, days_ago=3, prefix="Berta"),
        *signups(data["quiet"], 1, days_ago=20, prefix="Bruno"),
    ]
    w_conference = ConferenceFactory(quartier=welper, slug="k-welper")
    b_conference = ConferenceFactory(quartier=blankenstein, slug="k-blankenstein")
    meeting(w_conference, "welper-vorbei", days=-10)  # held, no minutes
    meeting(b_conference, "blankenstein-bald", days=5)  # soon, no agenda
    meeting(b_conference, "blankenstein-bald-2", days=9)  # soon, no agenda
    ConferenceWish.objects.create(
        quartier=blankenstein,
        name="Birgit Wunsch",
        email="birgit@example.org",
        status=SignupStatus.CONFIRMED,
        confirmed_at=NOW - timedelta(days=1),
    )
    return data


def editor(username: str, *quartiere) -> User:
    user = User.objects.create_user(
        username, email=f"{username}@stadt.example.de", password="pw", is_staff=True
    )
    user.groups.set(Group.objects.filter(name=roles.QUARTIERSENTWICKLUNG))
    for quartier in quartiere:
        QuartierAssignment.objects.create(user=user, quartier=quartier)
    return user


def mails_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def body(message) -> str:
    return message.body + "".join(content for content, _type in message.alternatives)


def new_per_offer(town, quartier, since) -> dict[str, int]:
    """Counted here: confirmed sign-ups after `since` per offer title in `quartier`."""
    counts: dict[str, int] = {}
    for signup in town["signups"]:
        offer = signup.opportunity
        if offer.quartier_id == quartier.pk and signup.confirmed_at > since:
            counts[offer.title] = counts.get(offer.title, 0) + 1
    return counts


def test_two_editors_get_the_news_and_todos_of_their_own_quartiere(town):
    welper_team = editor("welper-team", town["welper"])
    blankenstein_team = editor("blankenstein-team", town["blankenstein"])

    assert digests_send(base_url=BASE, now=NOW) == 2

    week_ago = NOW - timedelta(days=7)
    (welper_mail,) = mails_to(welper_team)
    text = welper_mail.body
    assert welper_mail.subject.startswith("Ihre Wochenübersicht")
    assert text.startswith("Hallo welper-team,")
    assert new_per_offer(town, town["welper"], week_ago) == {
        "Repair-Café": 3,
        "Gemeinschaftsgarten": 2,
    }
    assert "- Repair-Café: 3\n" in text and "- Gemeinschaftsgarten: 2\n" in text
    assert "Vorlesen" not in text and "Blankenstein" not in text
    assert "1 Angebot ist voll" in text  # the Repair-Café: 3 of 3 places
    assert "1 vergangenes Treffen hat kein veröffentlichtes Protokoll" in text
    assert "Tagesordnung" not in text and "Wunsch" not in text
    # Each line links to the filtered admin list.
    repair = town["repair"]
    assert (
        f"{BASE}/admin/quartiere/signup/?status__exact=confirmed&opportunity__id__exact={repair.pk}"
        in text
    )
    assert f"{BASE}/admin/quartiere/opportunity/?handlungsbedarf=voll" in text

    (blankenstein_mail,) = mails_to(blankenstein_team)
    text = blankenstein_mail.body
    assert new_per_offer(town, town["blankenstein"], week_ago) == {"Vorlesen": 1}
    assert "- Vorlesen: 1\n" in text
    assert "Ruhiges Angebot" not in text  # its sign-up is older than a week
    assert "Repair-Café" not in text and "Gemeinschaftsgarten" not in text
    assert "2 Treffen in den nächsten 14 Tagen haben keine Tagesordnung" in text
    assert "1 Wunsch nach einer Stadtteilkonferenz" in text
    assert "Angebot ist voll" not in text and "Protokoll" not in text


def test_no_volunteer_name_or_address_in_any_digest(town):
    editor("welper-team", town["welper"])
    editor("blankenstein-team", town["blankenstein"])
    editor("beide", town["welper"], town["blankenstein"])
    assert digests_send(base_url=BASE, now=NOW) == 3
    people = [(s.name, s.email) for s in town["signups"]] + [("Birgit Wunsch", "birgit@")]
    for message in mail.outbox:
        everything = message.subject + body(message)
        for name, email in people:
            assert name not in everything and email not in everything
        assert "Freiwillige" not in everything and "@example.org" not in everything


def test_nothing_is_sent_to_an_editor_with_nothing_new_or_to_do(town):
    quiet = editor("ruhig", QuartierFactory(name="Oberstüter", slug="oberstueter"))
    nobody = editor("ohne-quartier")
    assert digests_send(base_url=BASE, now=NOW) == 0
    assert mails_to(quiet) == [] and mails_to(nobody) == []
    assert not EditorDigest.objects.filter(user__in=[quiet, nobody]).exists()


def test_not_twice_in_a_week_and_then_only_what_is_new(town):
    team = editor("welper-team", town["welper"])
    digests_send(base_url=BASE, now=NOW)
    assert len(mails_to(team)) == 1
    assert EditorDigest.objects.get(user=team).last_sent_at == NOW

    # Two days later: a new sign-up, but the week is not over.
    later = Signup.objects.create(
        opportunity=town["garden"],
        name="Xaver Neu",
        source=Source.PHONE,
        status=SignupStatus.CONFIRMED,
        confirmed_at=NOW + timedelta(days=1),
    )
    assert digests_send(base_url=BASE, now=NOW + timedelta(days=2)) == 0
    assert digests_send(base_url=BASE, now=NOW + timedelta(days=6)) == 0
    assert len(mails_to(team)) == 1

    # A week on: only the sign-up since the last digest.
    assert digests_send(base_url=BASE, now=NOW + timedelta(days=7)) == 1
    second = mails_to(team)[1].body
    assert "- Gemeinschaftsgarten: 1\n" in second
    assert "Repair-Café: 3" not in second
    assert later.name not in second


def test_a_switched_off_digest_is_not_sent(town):
    team = editor("welper-team", town["welper"])
    EditorDigest.objects.create(user=team, enabled=False)
    assert digests_send(base_url=BASE, now=NOW) == 0
    assert mails_to(team) == []


def test_the_command_sends_the_digests(town):
    team = editor("welper-team", town["welper"])
    out = io.StringIO()
    call_command("send_editor_digests", stdout=out)
    assert "Weekly digests sent: 1" in out.getvalue()
    assert len(mails_to(team)) == 1
    assert "@" not in out.getvalue()


def test_run_jobs_starts_the_digest(town):
    team = editor("welper-team", town["welper"])
    call_command("run_jobs", "--job", "send_editor_digests", stdout=io.StringIO())
    assert len(mails_to(team)) == 1


# --- switching it off in the admin ----------------------------------------------------------


def test_an_editor_switches_their_digest_off_in_the_admin(client, town):
    team = editor("welper-team", town["welper"])
    other = editor("blankenstein-team", town["blankenstein"])
    others = EditorDigest.objects.create(user=other)
    login_staff(client, team)

    response = client.get("/admin/engagierte_stadt/editordigest/")
    own = EditorDigest.objects.get(user=team)
    assert response.status_code == 302
    assert response.url == f"/admin/engagierte_stadt/editordigest/{own.pk}/change/"
    page = client.get(response.url)
    assert "Wöchentliche Übersicht per E-Mail" in page.content.decode()
    response = client.post(response.url, {"_save": "1"})  # the box unticked
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.enabled is False
    assert digests_send(base_url=BASE, now=NOW) == 1  # the other editor's only
    assert mails_to(team) == []

    # Another editor's setting is out of reach.
    other_page = client.get(f"/admin/engagierte_stadt/editordigest/{others.pk}/change/")
    assert other_page.status_code == 302  # "does not exist", back to the index
    client.post(f"/admin/engagierte_stadt/editordigest/{others.pk}/change/", {"_save": "1"})
    others.refresh_from_db()
    assert others.enabled is True


def test_administration_sees_every_digest_and_when_it_was_sent(client, town):
    team = editor("welper-team", town["welper"])
    digests_send(base_url=BASE, now=NOW)
    admin_user = User.objects.create_user("it-team", password="pw", is_staff=True)
    admin_user.groups.set(Group.objects.filter(name=roles.ADMINISTRATION))
    login_staff(client, admin_user)
    html = client.get("/admin/engagierte_stadt/editordigest/").content.decode()
    assert "welper-team" in html
    assert EditorDigest.objects.get(user=team).last_sent_at == NOW


def test_ideas_waiting_for_moderation_are_in_the_digest_of_their_quartier(client, town):
    from tests.ideen import helpers

    welper_team = editor("welper-team", town["welper"])
    blankenstein_team = editor("blankenstein-team", town["blankenstein"])
    waiting = [helpers.confirmed(town["welper"], title=f"Idee {n}") for n in range(2)]
    helpers.published(town["welper"], title="Schon veröffentlicht")
    mail.outbox.clear()
    digests_send(base_url=BASE, now=NOW)
    (welper_mail,) = mails_to(welper_team)
    assert "2 Ideen warten auf Moderation" in welper_mail.body
    assert "Ideen warten" not in mails_to(blankenstein_team)[0].body
    assert "Idee 0" not in welper_mail.body  # counts, not the ideas' texts
    # The link opens exactly those ideas.
    login_staff(client, welper_team)
    response = client.get("/admin/ideen/idea/?status__exact=new")
    assert set(response.context["cl"].result_list) == set(waiting)
