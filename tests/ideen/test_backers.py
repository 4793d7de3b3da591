""" "Ich mache mit": backing a published idea with an e-mail address (double opt-in); the idea
shows how many confirmed backers it has, never who; taking it up mails each of them once."""

import re
import time

import pytest
from django.core import mail

from engagierte_stadt.submissions.forms import fill_stamp
from ideen import services
from ideen.models import BackerStatus, IdeaBacker, IdeaStatus
from tests.factories import QuartierFactory
from tests.ideen.helpers import confirmed, published
from tests.signup_helpers import consent_at_button, sent_path

pytestmark = pytest.mark.django_db

CONFIRM = re.compile(r"http://testserver(/ideen/mitmachen/[\w-]+/bestaetigen/)")


@pytest.fixture
def idea():
    return published(QuartierFactory(name="Welper", slug="welper"))


def back(client, idea, email="helfer@example.org", **extra):
    data = {
        "email": email,
        "consent": "on",
        "website": "",
        "started": fill_stamp(time.time() - 10, purpose="ideen.ideabacker"),
        **extra,
    }
    return client.post(f"/ideen/{idea.pk}/mitmachen/", data)


def backer(idea, email, status=BackerStatus.CONFIRMED):
    result = services.backer_submit(idea=idea, email=email)
    IdeaBacker.objects.filter(pk=result.backer.pk).update(status=status)
    return result.backer


def count_on_page(client, idea) -> str:
    html = client.get(idea.get_absolute_url()).content.decode()
    return re.search(r"(\d+) Person(?:en)? würden? bei der Umsetzung", html).group(1)


def test_backing_stores_unconfirmed_and_mails_the_link_and_confirming_counts(client, idea):
    mail.outbox.clear()
    response = back(client, idea)
    assert response.status_code == 302
    assert sent_path(response) == f"/ideen/{idea.pk}/mitmachen/danke/"
    assert count_on_page(client, idea) == "0"
    (message,) = mail.outbox
    link = CONFIRM.search(message.body).group(1)
    assert client.get(link).status_code == 200
    assert count_on_page(client, idea) == "0"  # opening the link does not confirm
    client.post(link)
    assert count_on_page(client, idea) == "1"


def test_the_count_counts_confirmed_backers_only_and_never_shows_who(client, idea):
    backer(idea, "a@example.org")
    backer(idea, "b@example.org")
    backer(idea, "c@example.org", BackerStatus.UNCONFIRMED)
    backer(idea, "d@example.org", BackerStatus.CANCELLED)
    backer(idea, "e@example.org", BackerStatus.EXPIRED)
    assert count_on_page(client, idea) == "2"
    assert "a@example.org" not in client.get(idea.get_absolute_url()).content.decode()


def test_backing_twice_makes_one_backer(client, idea):
    back(client, idea)
    back(client, idea, email="HELFER@example.org")
    assert IdeaBacker.objects.count() == 1


def test_backing_needs_a_valid_address_and_states_the_consent_at_its_button(client, idea):
    response = back(client, idea, email="kein-at")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="kein-at"' in html
    consent = consent_at_button(html)
    assert consent["button"] == "Einverstanden – ich mache mit"
    assert "damit Sie mitgezählt werden" in consent["statement"]
    assert 'href="/datenschutz/"' in consent["statement"]
    assert not IdeaBacker.objects.exists()
    back(client, idea)
    assert IdeaBacker.objects.get().consent_at is not None


def test_filled_honeypot_stores_nothing(client, idea):
    back(client, idea, website="http://spam.example")
    assert not IdeaBacker.objects.exists()


@pytest.mark.parametrize("status", [IdeaStatus.NEW, IdeaStatus.TAKEN_UP])
def test_only_ideas_on_their_way_take_backers(client, status):
    idea = confirmed(QuartierFactory(slug="blankenstein"))
    from ideen.models import Idea

    Idea.objects.filter(pk=idea.pk).update(status=status)
    back(client, idea)
    assert not IdeaBacker.objects.exists()


def test_taking_up_mails_every_confirmed_backer_once(
    client, idea, django_capture_on_commit_callbacks
):
    backer(idea, "a@example.org")
    backer(idea, "b@example.org")
    backer(idea, "c@example.org", BackerStatus.UNCONFIRMED)
    backer(idea, "d@example.org", BackerStatus.CANCELLED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_take_up(idea=idea, reason="Der Heimatverein baut die Bänke.")
    to_backers = [m for m in mail.outbox if m.subject.endswith("wurde übernommen")]
    assert sorted(m.to[0] for m in to_backers) == ["a@example.org", "b@example.org"]
    assert f"/ideen/{idea.pk}/" in to_backers[0].body
    # Hidden and published again, then taken up again: nobody is mailed a second time.
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_hide(idea=idea, reason="Prüfung")
        services.idea_move(idea=idea, to=IdeaStatus.PUBLISHED)
        mail.outbox.clear()
        services.idea_take_up(idea=idea)
    assert not [m for m in mail.outbox if m.subject.endswith("wurde übernommen")]


def test_a_backer_can_withdraw_and_is_no_longer_counted(client, idea):
    one = backer(idea, "a@example.org")
    token = one.personal_token()
    client.post(f"/ideen/mitmachen/{token}/", {"action": "cancel", "confirmed": "yes"})
    one.refresh_from_db()
    assert one.status == BackerStatus.CANCELLED
    assert count_on_page(client, idea) == "0"
