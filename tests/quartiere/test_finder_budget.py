"""The finder's result page and the list /mitmachen/ cost the same few queries with 30 and
with 30 000 offers.

The score is computed by the database over every open offer; only the shown cards are
explained in Python, with their topics and skills prefetched once for all of them. Free
places come from the counters stored on each offer (`places_taken`), so neither page counts
sign-ups per offer: no query of either page reads the sign-up table.
"""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagierte_stadt.submissions.capacity import SignupStatus, Source
from quartiere.models import Opportunity, Project, Publication, Quartier, Signup, Skill, Topic
from tests.factories import ConferenceFactory, MeetingFactory

BUDGETS = {
    # site settings, Quartiere, topics and skills (the questions, one query), neighbours of
    # Welper, the matches in Welper and next door counted (one query each, up to 101 rows),
    # page of matches, topics of the shown offers and of their projects (one query; no
    # skills asked for, so none read)
    "many": ("stadtteil=welper&nachbarn=on&zeit=monatlich&thema=thema-1", 7),
    # site settings, the questions, neighbours, count, page, the nearest alternatives,
    # skills of the shown offers (no topics asked for), projects looking for people, and
    # Welper's conference with its next meeting (konferenzen section)
    "few": ("stadtteil=welper&zeit=einmalig&passt=ohne-deutsch&kann=koennen-2&wann=abends", 8),
    # site settings, the questions, count, page (nothing to explain)
    "no answers": ("stadtteil=", 4),
}


def build_town(size: int):
    now = timezone.now()
    quartiere = Quartier.objects.bulk_create(
        Quartier(name=name, slug=name.lower()) for name in ("Welper", "Blankenstein", "Holthausen")
    )
    welper, blankenstein, _holthausen = quartiere
    welper.neighbours.add(blankenstein)
    conference = ConferenceFactory(quartier=welper, slug="welper")
    MeetingFactory(conference=conference)
    topics = Topic.objects.bulk_create(Topic(name=f"Thema {n}", slug=f"thema-{n}") for n in (1, 2))
    skills = Skill.objects.bulk_create(
        Skill(name=f"Können {n}", slug=f"koennen-{n}") for n in (1, 2)
    )
    projects = Project.objects.bulk_create(
        Project(
            quartier=quartiere[n % 3],
            title=f"Projekt {n}",
            slug=f"projekt-{n}",
            teaser="Ein Projekt.",
            publication=Publication.PUBLISHED,
            publish_at=now - timezone.timedelta(days=1),
        )
        for n in range(30)
    )
    Project.topics.through.objects.bulk_create(
        Project.topics.through(project=project, topic=topics[n % 2])
        for n, project in enumerate(projects)
    )
    commitments = Opportunity.Commitment.values
    opportunities = Opportunity.objects.bulk_create(
        (
            Opportunity(
                project=projects[n % 30],
                quartier=projects[n % 30].quartier,
                title=f"Angebot {n}",
                slug=f"angebot-{n}",
                description="Helfen Sie mit.",
                commitment=commitments[n % 3],
                starts_at=now + timezone.timedelta(days=5 + n % 20),
                hours_per_month=2 + n % 8,
                places=[None, 5][n % 2],
                on_weekdays=n % 2 == 0,
                at_weekends=n % 3 == 0,
                # Nothing in Welper is one-off, without German, for evenings and Können 2.
                in_evenings=n % 7 == 0 and n % 3 != 0,
                suitable_without_german=n % 4 == 0,
            )
            for n in range(size)
        ),
        batch_size=2000,
    )
    Opportunity.topics.through.objects.bulk_create(
        (
            Opportunity.topics.through(opportunity=o, topic=topics[n % 2])
            for n, o in enumerate(opportunities)
            if n % 5 == 0
        ),
        batch_size=5000,
    )
    Opportunity.skills.through.objects.bulk_create(
        (
            Opportunity.skills.through(opportunity=o, skill=skills[n % 2])
            for n, o in enumerate(opportunities)
        ),
        batch_size=5000,
    )
    # Every 10th limited offer (5 places) is full, a few more have sign-ups: the database
    # counts them into the offers' stored counters as they go in.
    Signup.objects.bulk_create(
        (
            Signup(opportunity=o, name=f"P {n}-{k}", source=Source.PHONE, status=status)
            for n, o in enumerate(opportunities)
            if o.places and n % 10 in (1, 3)
            for k, status in enumerate(
                [SignupStatus.CONFIRMED] * (5 if n % 10 == 1 else 2) + [SignupStatus.WAITING]
            )
        ),
        batch_size=5000,
    )


@pytest.mark.parametrize("size", [30, 30_000])
def test_finder_needs_the_same_few_queries_with_many_offers(db, client, size):
    build_town(size)  # once for all cases: 30 000 rows take a few seconds
    for case, (query, budget) in BUDGETS.items():
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/mitmachen/finden/?{query}")
        seconds = time.monotonic() - started
        html = response.content.decode()
        assert response.status_code == 200
        assert "Passt, weil:" in html, case
        if case == "few":
            assert "Nah an Ihren Angaben" in html and "Stadtteilkonferenz Welper" in html
        assert len(queries) == budget, (case, [q["sql"][:200] for q in queries])
        # Free places come from the offers' stored counters, not from counting sign-ups.
        assert not [q["sql"] for q in queries if "quartiere_signup" in q["sql"]], case
        # Generous for shared CI machines; a page that scores in Python takes far longer.
        assert seconds < 5, (case, seconds)


# site settings, Quartier, topic and skill choices (one query), count, page (as in
# tests/quartiere/test_query_budgets.py, there with a few hundred offers)
LIST_BUDGET = 4


@pytest.mark.parametrize("size", [30, 30_000])
def test_opportunity_list_needs_the_same_few_queries_with_many_offers(
    db, client, size, django_assert_max_num_queries
):
    build_town(size)
    started = time.monotonic()
    with django_assert_max_num_queries(LIST_BUDGET) as queries:
        response = client.get("/mitmachen/")
    seconds = time.monotonic() - started
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="kern-card site-card"' in html
    # Free places first: no full offer reaches the first page (they are on the last).
    assert "Ausgebucht" not in html
    for query in queries:
        assert "quartiere_signup" not in query["sql"], query["sql"]
    assert seconds < 5, seconds


def test_full_offers_follow_the_free_ones_by_the_stored_counters(db, client):
    build_town(30)
    full = Opportunity.objects.get(slug="angebot-11")  # 5 places, 5 confirmed, 1 waiting
    assert (full.places, full.places_taken, full.places_waiting) == (5, 5, 1)
    order = list(Opportunity.objects.published().free_places_first().values_list("slug", flat=True))
    assert order[-3:] == ["angebot-1", "angebot-11", "angebot-21"]
    last_page = client.get("/mitmachen/?page=3").content.decode()
    assert last_page.count("Ausgebucht – Warteliste") == 3
