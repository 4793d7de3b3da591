"""The demo ideas (demo/ideen.toml) and the bulk ideas for performance work."""

import pytest
from django.core import mail

from bench import scale_data
from ideen import demo as ideen_demo
from ideen.models import Idea, IdeaStatus, IdeaStatusChange
from tests.html import card_titles


def test_demo_shows_moderated_ideas_with_their_history(demo, client):
    html = client.get("/ideen/").content.decode()
    titles = card_titles(html)
    assert "Bänke und Schatten am Ruhrufer" in titles
    assert "Mittagstisch für Ältere im Nachbarschaftstreff" not in titles  # waits for staff
    benches = Idea.objects.get(title="Bänke und Schatten am Ruhrufer")
    assert benches.status == IdeaStatus.AGENDA and benches.picture and benches.picture_alt
    page = client.get(benches.get_absolute_url()).content.decode()
    assert "Ida Beispiel" in page
    assert "Die Idee steht auf der Tagesordnung der Stadtteilkonferenz." in page
    assert "4 Personen würden bei der Umsetzung dieser Idee mithelfen." in page
    # On the agenda of Welper's next meeting, as "Auf die Tagesordnung" puts it there.
    meeting = benches.agenda_item.meeting
    assert meeting.conference.quartier.slug == "welper" and not meeting.is_past
    assert "Die Idee steht auf der Tagesordnung dieses Termins:" in page
    assert meeting.get_absolute_url() in page
    declined = Idea.objects.get(title="Bolzplatz mit Flutlicht")
    assert declined.reason and declined.decided_at
    assert IdeaStatusChange.objects.filter(idea=declined).count() == 3


def test_demo_proposers_use_the_reserved_domain_and_no_mail_leaves(demo):
    assert mail.outbox == []
    for idea in Idea.objects.all():
        assert idea.email.endswith("@hattingen.example")


def test_loading_the_demo_ideas_again_changes_nothing(demo):
    count = Idea.objects.count()
    assert ideen_demo.load() == {"ideas": 0}
    assert Idea.objects.count() == count


@pytest.mark.django_db
def test_bulk_ideas_come_in_every_status_and_only_public_ones_are_listed(client, monkeypatch):
    from engagierte_stadt.pagination import CappedCountList
    from tests.factories import QuartierFactory, TopicFactory

    # The list counts exactly up to its limit (then "Mehr als …"): above the 200 here.
    monkeypatch.setattr(CappedCountList, "count_limit", 1000)

    QuartierFactory(slug="bulk-welper")
    TopicFactory()
    before = Idea.objects.count()  # the demo of this module may be there
    counts = scale_data.ideas(1, unit=200)
    assert counts["ideas"] == 200 and Idea.objects.count() == before + 200
    bulk = Idea.objects.filter(title__startswith="Testidee ")
    assert set(bulk.values_list("status", flat=True)) == set(IdeaStatus.values)
    response = client.get("/ideen/")
    public = Idea.objects.public().count()
    assert f"{public} Ideen gefunden" in response.content.decode()
    assert scale_data.ideas(1, unit=10)["ideas"] == 10  # a second run beside the first
