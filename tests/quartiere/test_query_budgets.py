"""Query budgets: every project and opportunity page costs the same few queries, few or many rows.

Each page is measured with 5 projects (15 opportunities) and with 200 projects (600
opportunities) and must need exactly its budgeted number of queries both times, so the
count cannot grow with the data (no query per card, picture or topic in a template).
"""

import itertools

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quartiere.models import Opportunity, Project, ProjectImage, Publication, Skill, Topic
from tests.factories import QuartierFactory
from tests.images import image_bytes

# The Quartier page gathers the sections of every app; no page needs more.
MAX_QUERIES = 11

# The exact number of queries each page needs, whatever the number of rows.
BUDGETS = {
    # site settings, Quartier + parent, children, projects, topics, pictures, opportunities;
    # the sections of other apps: conferences and wishes (konferenzen), partners (partner),
    # published ideas (ideen)
    "quartier_detail": ("/quartiere/mitte/", 11),
    # site settings, Quartier and topic choices (one query), count, page, topics, pictures
    "project_list": ("/projekte/", 6),
    "project_list_filtered": ("/projekte/?quartier=mitte&topic=thema-1&status=laeuft", 6),
    # site settings, project, more from the Quartier, topics, pictures, opportunities,
    # the project's partners (partner section), the idea it came from (ideen section)
    "project_detail": ("/projekte/gross/", 8),
    # site settings, Quartier, topic and skill choices (one query), count, page
    "opportunity_list": ("/mitmachen/", 4),
    "opportunity_list_filtered": (
        "/mitmachen/?quartier=mitte&neighbours=on&topic=thema-1&commitment=regelmaessig"
        "&suitable=families&suitable=step_free&hours=5&skill=koennen-1"
        "&date_from=2020-01-01&date_until=2099-12-31&time=monthly&when=evenings&when=weekends",
        4,
    ),
    # site settings, opportunity with project and Quartier, skills, the project's first
    # picture (for the link preview)
    "opportunity_detail": ("/mitmachen/gross-angebot/", 4),
    # site settings, the Stadtteile of the finder's first question, opportunities with free
    # places, next meetings, articles, featured projects, topics, pictures, partners
    # (tests/engagierte_stadt/test_home.py adds meetings and partners)
    "home": ("/", 9),
}


def build_town(size):
    """`size` published projects (and some drafts) with pictures and topics, 3 × size offers.

    Rows are bulk-created so that 200 projects take a fraction of a second.
    """
    now = timezone.now() - timezone.timedelta(hours=1)
    mitte = QuartierFactory(name="Mitte", slug="mitte")
    quartiere = [
        mitte,
        QuartierFactory(name="Rauendahl", slug="rauendahl", parent=mitte, kind="quartier"),
        QuartierFactory(name="Welper", slug="welper"),
    ]
    topics = Topic.objects.bulk_create(
        Topic(name=f"Thema {n}", slug=f"thema-{n}") for n in range(1, 6)
    )
    skills = Skill.objects.bulk_create(
        Skill(name=f"Können {n}", slug=f"koennen-{n}") for n in range(1, 4)
    )
    statuses = itertools.cycle(Project.Status.values)
    projects = Project.objects.bulk_create(
        Project(
            quartier=quartiere[n % 3],
            title=f"Projekt {n}",
            slug="gross" if n == 0 else f"projekt-{n}",
            teaser="Ein Projekt im Quartier.",
            status=Project.Status.RUNNING if n == 0 else next(statuses),
            publication=Publication.PUBLISHED if n < size else Publication.DRAFT,
            publish_at=now,
            featured=n % 7 == 1,
        )
        for n in range(size + max(1, size // 10))
    )
    Project.topics.through.objects.bulk_create(
        Project.topics.through(project=project, topic=topic)
        for n, project in enumerate(projects)
        for topic in (topics[n % 5], topics[(n + 1) % 5])
    )
    picture = default_storage.save("projekte/budget.jpg", ContentFile(image_bytes()))
    images = [
        ProjectImage(project=project, image=picture, width=40, height=30, alt_text="Foto")
        for project in projects
    ]
    images += [
        ProjectImage(
            project=projects[0], image=picture, width=40, height=30, alt_text="Foto", position=n
        )
        for n in range(1, 10)
    ]
    ProjectImage.objects.bulk_create(images)
    commitments = itertools.cycle(Opportunity.Commitment.values)
    opportunities = [
        Opportunity(
            project=projects[n % len(projects)],
            quartier=projects[n % len(projects)].quartier,
            title=f"Angebot {n}",
            slug=f"angebot-{n}",
            description="Helfen Sie mit.",
            commitment=next(commitments),
            starts_at=now + timezone.timedelta(days=30),
            hours_per_month=4,
            weekdays=["mo", "mi"],
            places=[None, 0, 5][n % 3],
            suitable_families=n % 2 == 0,
            step_free=n % 4 == 0,
            is_open=n % 5 != 0,
        )
        for n in range(3 * size)
    ]
    opportunities += [
        Opportunity(
            project=projects[0],
            quartier=projects[0].quartier,
            title=f"Angebot im großen Projekt {n}",
            slug="gross-angebot" if n == 0 else f"gross-angebot-{n}",
            description="Helfen Sie mit.",
            places=10,
            suitable_youth=True,
        )
        for n in range(20)
    ]
    Opportunity.objects.bulk_create(opportunities)
    Opportunity.skills.through.objects.bulk_create(
        Opportunity.skills.through(opportunity=opportunity, skill=skill)
        for opportunity in opportunities
        for skill in skills
    )


@pytest.mark.parametrize("size", [5, 200])
@pytest.mark.parametrize("page", list(BUDGETS))
def test_page_needs_the_same_few_queries_with_many_rows(db, client, page, size):
    build_town(size)
    url, budget = BUDGETS[page]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The budget includes the cards (or, on the offer page, the sign-up section).
    marker = 'id="anmelden"' if page == "opportunity_detail" else 'class="kern-card site-card"'
    assert marker in response.content.decode()
    assert len(queries) <= MAX_QUERIES
    assert len(queries) == budget, [q["sql"] for q in queries]


def test_town_for_budgets_has_the_promised_size(db):
    build_town(200)
    assert Project.objects.published().count() == 200
    assert Opportunity.objects.count() >= 600
    gross = Project.objects.get(slug="gross")
    assert gross.images.count() == 10 and gross.opportunities.count() >= 20


@pytest.mark.parametrize("url", ["/mitmachen/", "/projekte/", "/quartiere/mitte/", "/"])
def test_card_lists_sort_their_rows_without_the_long_texts(db, client, url):
    """A list sorts all matching rows before it cuts out one page: the texts a card never shows
    (descriptions, the search index) stay out of the rows, or the sort grows with them
    (at 30 000 offers the sort of /mitmachen/ spilled to disk). Counted queries stay as
    budgeted above, so nothing deferred is fetched later per card."""
    build_town(5)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    card_queries = [
        q["sql"]
        for q in queries
        if "ORDER BY" in q["sql"]
        and ('FROM "quartiere_opportunity"' in q["sql"] or 'FROM "quartiere_project"' in q["sql"])
    ]
    assert card_queries
    for sql in card_queries:
        for column in ("search_vector", "search_text", '"description"', "easy_language"):
            assert column not in sql, (column, sql)
