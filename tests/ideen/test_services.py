"""An idea's way: submit, confirm, and each step of moderation with its history entry and
its mail to the proposer (sent only after the commit)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from ideen import services
from ideen.models import Idea, IdeaStatus, IdeaStatusChange
from tests.factories import QuartierFactory
from tests.ideen.helpers import EMAIL, confirmed, propose, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def welper():
    return QuartierFactory(name="Welper", slug="welper", contact_email="welper@stadt.example.org")


def test_submit_stores_an_unconfirmed_idea_with_consent_time(welper):
    idea, token = propose(welper)
    assert idea.status == IdeaStatus.UNCONFIRMED
    assert idea.consent_at is not None
    assert services.idea_by_token(token=token) == idea


def test_the_same_idea_sent_twice_at_once_makes_one_row_and_no_second_link(welper):
    first, token = propose(welper)
    result = services.idea_submit(
        quartier=welper, title="  bänke am  Ruhrufer ", description="x", email="IDA@example.org"
    )
    assert result.idea == first and result.token is None and not result.created
    assert Idea.objects.count() == 1


def test_confirming_makes_it_new_and_tells_the_quartiers_contact(welper):
    idea, token = propose(welper)
    confirmed_idea = services.idea_confirm(token=token, base_url="http://testserver")
    assert confirmed_idea.status == IdeaStatus.NEW
    assert [m.to for m in mail.outbox] == [["welper@stadt.example.org"]]
    assert "Bänke am Ruhrufer" in mail.outbox[0].subject
    assert f"/admin/ideen/idea/{idea.pk}/change/" in mail.outbox[0].body
    assert EMAIL not in mail.outbox[0].body
    # A second click changes nothing and mails nobody.
    services.idea_confirm(token=token, base_url="http://testserver")
    assert len(mail.outbox) == 1


STEPS = [
    # (from, to, reason, words in the mail and the history)
    (IdeaStatus.NEW, IdeaStatus.PUBLISHED, "", "geprüft und veröffentlicht"),
    (IdeaStatus.NEW, IdeaStatus.HIDDEN, "Werbung", "ausgeblendet"),
    (IdeaStatus.PUBLISHED, IdeaStatus.AGENDA, "", "Tagesordnung"),
    (IdeaStatus.PUBLISHED, IdeaStatus.TAKEN_UP, "", "als Projekt übernommen"),
    (IdeaStatus.PUBLISHED, IdeaStatus.NOT_TAKEN_UP, "Kein Platz am Ufer.", "nicht übernommen"),
    (IdeaStatus.PUBLISHED, IdeaStatus.HIDDEN, "Beleidigend", "ausgeblendet"),
    (IdeaStatus.AGENDA, IdeaStatus.TAKEN_UP, "Der Bürgerverein baut.", "als Projekt übernommen"),
    (IdeaStatus.AGENDA, IdeaStatus.NOT_TAKEN_UP, "Zu teuer.", "nicht übernommen"),
    (IdeaStatus.HIDDEN, IdeaStatus.PUBLISHED, "", "geprüft und veröffentlicht"),
]


def idea_in(status, quartier) -> Idea:
    idea = confirmed(quartier)
    Idea.objects.filter(pk=idea.pk).update(status=status)
    return Idea.objects.get(pk=idea.pk)


@pytest.mark.parametrize(("start", "to", "reason", "words"), STEPS)
def test_each_step_records_history_and_mails_the_proposer_after_commit(
    welper, start, to, reason, words, django_capture_on_commit_callbacks
):
    idea = idea_in(start, welper)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.idea_move(idea=idea, to=to, reason=reason)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    idea.refresh_from_db()
    assert idea.status == to
    change = IdeaStatusChange.objects.get(idea=idea)
    assert change.status == to and change.reason == reason
    assert change.public == (to != IdeaStatus.HIDDEN)
    assert words in change.words
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert words in message.body
    if reason:
        assert reason in message.body
    assert "/ideen/idee/" in message.body  # the personal link


def test_a_final_step_starts_the_retention_and_publishing_sets_the_date(welper):
    idea = confirmed(welper)
    services.idea_publish(idea=idea)
    idea.refresh_from_db()
    assert idea.published_at is not None and idea.decided_at is None
    services.idea_take_up(idea=idea)
    idea.refresh_from_db()
    assert idea.decided_at is not None


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (IdeaStatus.UNCONFIRMED, IdeaStatus.PUBLISHED),
        (IdeaStatus.EXPIRED, IdeaStatus.PUBLISHED),
        (IdeaStatus.NEW, IdeaStatus.AGENDA),
        (IdeaStatus.NEW, IdeaStatus.TAKEN_UP),
        (IdeaStatus.TAKEN_UP, IdeaStatus.AGENDA),
        (IdeaStatus.NOT_TAKEN_UP, IdeaStatus.PUBLISHED),
    ],
)
def test_a_step_off_the_way_changes_nothing_and_mails_nobody(welper, start, to):
    idea = idea_in(start, welper)
    mail.outbox.clear()
    assert not services.idea_move(idea=idea, to=to, reason="Grund")
    idea.refresh_from_db()
    assert idea.status == start
    assert not IdeaStatusChange.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("to", [IdeaStatus.NOT_TAKEN_UP, IdeaStatus.HIDDEN])
def test_not_taking_up_or_hiding_needs_a_reason(welper, to):
    idea = published(welper)
    with pytest.raises(ValidationError):
        services.idea_move(idea=idea, to=to, reason="  ")
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PUBLISHED


def test_no_mail_once_the_proposer_deleted_their_data(welper):
    idea = published(welper)
    idea.erase_submission()
    mail.outbox.clear()
    assert services.idea_put_on_agenda(idea=Idea.objects.get(pk=idea.pk))
    assert mail.outbox == []
