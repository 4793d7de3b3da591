"""Retention: a proposer's name and address go a retention period after the idea reached its
end (taken up, not taken up, hidden); the idea and its history stay, anonymous."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ideen import services
from ideen.models import Idea, IdeaBacker, IdeaStatusChange
from tests.factories import QuartierFactory
from tests.ideen.helpers import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def welper():
    return QuartierFactory(name="Welper", slug="welper")


def age(idea, days):
    past = timezone.now() - timedelta(days=days)
    Idea.objects.filter(pk=idea.pk).update(created_at=past, decided_at=past)


def test_purge_empties_the_proposers_fields_after_retention_and_keeps_the_idea(
    welper, settings, client
):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    done = published(welper, title="Fertig", show_name=True)
    services.idea_take_up(idea=done)
    age(done, 200)
    recent = published(welper, title="Gerade übernommen", email="b@example.org")
    services.idea_take_up(idea=recent)
    age(recent, 10)
    waiting = published(welper, title="Noch offen", email="c@example.org")
    age(waiting, 400)  # on its way: the proposer still hears of each step

    call_command("purge_personal_data", stdout=StringIO())

    done.refresh_from_db()
    assert done.purged_at and (done.email, done.name, done.show_name) == ("", "", False)
    assert done.title == "Fertig" and done.is_taken_up
    assert IdeaStatusChange.objects.filter(idea=done).count() == 2
    page = client.get(done.get_absolute_url()).content.decode()
    assert "Ida Idee" not in page and "Fertig" in page
    for kept in (recent, waiting):
        kept.refresh_from_db()
        assert kept.email and kept.purged_at is None
    assert Idea.objects.public().count() == 3


def test_an_unconfirmed_idea_expires_and_its_data_goes(welper, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    result = services.idea_submit(
        quartier=welper, title="Nie bestätigt", description="x", email="d@example.org"
    )
    age(result.idea, 40)
    call_command("purge_personal_data", stdout=StringIO())
    idea = Idea.objects.get(pk=result.idea.pk)
    assert idea.status == Idea.Status.EXPIRED and idea.purged_at and idea.email == ""


def test_backers_addresses_go_after_the_idea_ended_and_the_count_stays(welper, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    idea = published(welper)
    result = services.backer_submit(idea=idea, email="helfer@example.org")
    services.backer_confirm(token=result.token)
    services.idea_take_up(idea=idea)
    call_command("purge_personal_data", stdout=StringIO())
    assert IdeaBacker.objects.get().email == "helfer@example.org"  # within the retention
    age(idea, 200)
    call_command("purge_personal_data", stdout=StringIO())
    backer = IdeaBacker.objects.get()
    assert backer.email == "" and backer.purged_at
    assert Idea.objects.annotate_backers().get(pk=idea.pk).backer_count == 1
