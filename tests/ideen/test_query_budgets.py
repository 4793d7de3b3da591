"""Query budgets of the idea pages, measured with 100 and with 5 000 ideas.

Each page needs exactly its budget with few rows and with many, so the count cannot grow
with the data (no query per card, picture, topic or history entry in a template).
"""

import itertools

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideen.models import Idea, IdeaStatus, IdeaStatusChange
from quartiere.models import Topic
from tests.factories import QuartierFactory
from tests.images import image_bytes

MAX_QUERIES = 10

BUDGETS = {
    # site settings, Quartier and topic choices (one query), count, page (Quartier, topic
    # joined)
    "list": ("/ideen/", 4),
    "list_filtered": ("/ideen/?quartier=mitte&topic=thema-1&status=agenda", 4),
    "list_page_3": ("/ideen/?quartier=welper&page=3", 4),
    # site settings, idea with Quartier, Stadtteil, topic, agenda item (meeting, conference)
    # and project, its public history, whether a conference covers the Stadtteil (the wish)
    "detail": ("/ideen/{pk}/", 4),
    # site settings, Quartier choices, topic choices (rendering the form)
    "form": ("/ideen/einreichen/", 3),
    # … and the Stadtteil of the address
    "form_in_stadtteil": ("/ideen/einreichen/mitte/", 4),
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def build_ideas(size) -> Idea:
    """`size` public ideas (and a tenth as many unconfirmed, new and hidden ones) with
    pictures, topics and history; returns the idea with the longest history."""
    now = timezone.now()
    mitte = QuartierFactory(name="Mitte", slug="mitte")
    quartiere = [
        mitte,
        QuartierFactory(name="Rauendahl", slug="rauendahl", parent=mitte, kind="quartier"),
        QuartierFactory(name="Welper", slug="welper"),
    ]
    topics = Topic.objects.bulk_create(
        Topic(name=f"Thema {n}", slug=f"thema-{n}") for n in range(1, 6)
    )
    picture = default_storage.save("ideen/budget.jpg", ContentFile(image_bytes()))
    public = itertools.cycle(
        [IdeaStatus.PUBLISHED, IdeaStatus.AGENDA, IdeaStatus.TAKEN_UP, IdeaStatus.NOT_TAKEN_UP]
    )
    hidden = itertools.cycle([IdeaStatus.UNCONFIRMED, IdeaStatus.NEW, IdeaStatus.HIDDEN])
    extra = max(3, size // 10)
    ideas = Idea.objects.bulk_create(
        Idea(
            quartier=quartiere[n % 3],
            topic=topics[n % 5] if n % 4 else None,
            title=f"Idee {n}",
            description="Eine Idee für das Quartier. " * 5,
            email=f"p{n}@example.org",
            name=f"Person {n}",
            show_name=n % 2 == 0,
            picture=picture if n % 3 == 0 else "",
            picture_width=40 if n % 3 == 0 else None,
            picture_height=30 if n % 3 == 0 else None,
            picture_alt="Foto",
            status=next(public) if n < size else next(hidden),
            reason="Ein Grund." if n % 4 == 3 else "",
            confirmed_at=now,
            published_at=now - timezone.timedelta(minutes=n),
        )
        for n in range(size + extra)
    )
    first = ideas[0]
    IdeaStatusChange.objects.bulk_create(
        IdeaStatusChange(idea=idea, status=idea.status, created_at=now) for idea in ideas[:size]
    )
    IdeaStatusChange.objects.bulk_create(
        IdeaStatusChange(idea=first, status=IdeaStatus.AGENDA, created_at=now) for _ in range(20)
    )
    return first


@pytest.mark.parametrize("size", [100, 5000])
@pytest.mark.parametrize("page", list(BUDGETS))
def test_idea_page_needs_the_same_few_queries_with_many_ideas(db, client, page, size):
    first = build_ideas(size)
    url, budget = BUDGETS[page]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url.format(pk=first.pk))
    assert response.status_code == 200
    html = response.content.decode()
    if page.startswith("list"):
        assert 'class="kern-card site-card"' in html
    if page == "detail":
        assert html.count("Die Idee steht auf der Tagesordnung") >= 20
    assert len(queries) <= MAX_QUERIES
    assert len(queries) == budget, [q["sql"] for q in queries]


def test_an_idea_on_the_agenda_shows_meeting_and_decisions_in_the_same_budget(db, client):
    from konferenzen.models import AgendaItem, Decision
    from tests.factories import ConferenceFactory, MeetingFactory

    first = build_ideas(5000)
    meeting = MeetingFactory(
        conference=ConferenceFactory(quartier=first.quartier),
        minutes_published_at=timezone.now(),
    )
    item = AgendaItem.objects.create(meeting=meeting, title="Idee")
    Decision.objects.bulk_create(
        Decision(meeting=meeting, agenda_item=item, text=f"Beschluss {n}") for n in range(30)
    )
    Idea.objects.filter(pk=first.pk).update(agenda_item=item)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/ideen/{first.pk}/").content.decode()
    assert html.count("Beschluss ") == 30
    # site settings, idea (with meeting and conference), history, its decisions
    assert len(queries) == 4, [q["sql"] for q in queries]


def test_the_quartier_page_shows_ideas_in_one_more_query(db, client):
    build_ideas(5000)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/quartiere/mitte/").content.decode()
    assert "Ideen für dieses Quartier" in html and "Alle Ideen für Mitte" in html
    idea_queries = [q for q in queries if "ideen_idea" in q["sql"]]
    assert len(idea_queries) == 1, idea_queries


def test_budget_town_has_the_promised_size(db):
    build_ideas(5000)
    assert Idea.objects.public().count() == 5000
    assert Idea.objects.count() == 5500
