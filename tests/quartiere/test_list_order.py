"""Lists of offers and projects cost the same at 30 000 offers as at 30 (issue #17).

A page of a list is the first rows of an index read in order, not a sort of every row: the
open lists order by keys an index holds (no constant CASE keys), /mitmachen/ reads its open
and its closed offers apart (`OpenFirstList`), and on PostgreSQL each list query is checked
to be served by its index without a Sort. The orders themselves stay exactly those of
`free_places_first()`.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideen.models import Idea
from quartiere.models import OpenFirstList, Opportunity, Project, Publication, Quartier
from tests.factories import OpportunityFactory, ProjectFactory, QuartierFactory, TopicFactory
from tests.html import card_titles

pytestmark = pytest.mark.django_db


def order_by_sql(queryset) -> str:
    sql = str(queryset.query)
    return sql[sql.rindex("ORDER BY") :]


@pytest.fixture
def mixed_offers():
    """Offers of every kind the order tells apart: free, unlimited, full, switched off, past
    the deadline, with and without a deadline; titles give the order within a group."""
    today = timezone.localdate()
    project = ProjectFactory(title="Projekt")
    kinds = {
        "frei": {"places": 5},
        "unbegrenzt": {"places": None},
        "voll": {"places": 0},
        "aus": {"places": 5, "is_open": False},
        "aus-voll": {"places": 0, "is_open": False},
        "abgelaufen": {"places": 5, "signup_deadline": today - datetime.timedelta(days=1)},
    }
    deadlines = [None, today, today + datetime.timedelta(days=3)]
    for name, fields in kinds.items():
        for n, deadline in enumerate(deadlines):
            values = {"signup_deadline": deadline, **fields}
            OpportunityFactory(project=project, title=f"{name} {n}", **values)
    return project


def test_open_lists_have_no_constant_sort_keys():
    # Already filtered to open (and on the home page to free places): "closed" is the same
    # for every row, and a CASE key is an expression no index holds.
    for queryset in (
        Opportunity.objects.published().open_free_places_first(),
        Opportunity.objects.published().open_with_free_places(),
    ):
        order = order_by_sql(queryset)
        assert "CASE" not in order, order
        assert "is_open" not in order, order


def test_home_list_has_no_full_key_either():
    order = order_by_sql(Opportunity.objects.published().open_with_free_places())
    assert "places_taken" not in order, order


def test_open_order_is_the_order_of_free_places_first(mixed_offers):
    published = Opportunity.objects.published()
    expected = [o.title for o in published.open().free_places_first()]
    assert [o.title for o in published.open_free_places_first()] == expected
    # Free places first, by deadline (today, in three days, none), then the full ones.
    assert expected == [
        "frei 1",
        "unbegrenzt 1",
        "frei 2",
        "unbegrenzt 2",
        "frei 0",
        "unbegrenzt 0",
        "voll 1",
        "voll 2",
        "voll 0",
    ]


def test_home_order_is_free_places_first_without_the_full_ones(mixed_offers):
    published = Opportunity.objects.published()
    expected = [
        o.title for o in published.open().free_places_first() if not o.title.startswith("voll")
    ]
    assert [o.title for o in published.open_with_free_places()] == expected
    assert expected[:2] == ["frei 1", "unbegrenzt 1"]  # the deadline today first


@pytest.mark.parametrize("page_size", [1, 2, 5, 7, 18])
def test_open_first_list_pages_are_those_of_the_sorted_list(mixed_offers, page_size):
    queryset = Opportunity.objects.published().for_cards()
    expected = [o.title for o in queryset.free_places_first()]
    assert len(expected) == 18
    listing = OpenFirstList(queryset)
    assert listing.count() == 18
    assert listing.counts() == (9, 18)  # free, unlimited and full ones with a deadline ahead
    pages = [
        [o.title for o in listing[start : start + page_size]]
        for start in range(0, len(expected), page_size)
    ]
    assert [title for page in pages for title in page] == expected


def test_open_first_list_page_across_the_parts_is_one_query(
    mixed_offers, django_assert_num_queries
):
    listing = OpenFirstList(Opportunity.objects.published().for_cards())
    listing.counts()
    with django_assert_num_queries(1):
        titles = [o.title for o in listing[7:11]]
    assert titles == [o.title for o in Opportunity.objects.published().free_places_first()][7:11]


def test_closed_is_the_opposite_of_open(mixed_offers):
    everything = set(Opportunity.objects.values_list("pk", flat=True))
    open_ = set(Opportunity.objects.open().values_list("pk", flat=True))
    closed = set(Opportunity.objects.closed().values_list("pk", flat=True))
    assert open_ | closed == everything and not open_ & closed


def test_offer_follows_its_project_being_published_and_unpublished(mixed_offers):
    project = mixed_offers
    visible = Opportunity.objects.published()
    assert visible.filter(project=project).count() == 18
    project.publication = Publication.DRAFT
    project.save()
    assert not visible.filter(project=project).exists()
    assert OpenFirstList(visible).counts() == (0, 0)
    project.publication = Publication.PUBLISHED
    project.publish_at = timezone.now() + datetime.timedelta(days=1)  # scheduled
    project.save()
    assert not visible.filter(project=project).exists()
    project.publish_at = timezone.now() - datetime.timedelta(minutes=1)
    project.save()
    assert visible.filter(project=project).count() == 18


def test_offer_without_project_is_visible_by_itself():
    offer = OpportunityFactory(project=None, quartier=QuartierFactory())
    assert list(Opportunity.objects.published()) == [offer]


def test_in_quartier_includes_the_quartiere_inside_it():
    mitte = QuartierFactory(slug="mitte")
    rauendahl = QuartierFactory(slug="rauendahl", parent=mitte, kind=Quartier.Kind.NEIGHBOURHOOD)
    welper = QuartierFactory(slug="welper")
    here = [ProjectFactory(quartier=mitte), ProjectFactory(quartier=rauendahl)]
    ProjectFactory(quartier=welper)
    assert set(Project.objects.in_quartier(mitte)) == set(here)
    assert set(Project.objects.in_quartier(rauendahl)) == {here[1]}


# --- PostgreSQL: each list is read from its index, in order, without a Sort --------------


def explain(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        # Few rows in a test database: tell the planner that scanning the table and sorting
        # are no option, so the plan shows whether an index can give the rows in the
        # list's order at all (where none can, the plan sorts anyway).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan(queryset) -> str:
    return explain(*queryset.query.sql_with_params())


def top_sort(text: str) -> bool:
    """A Sort above the scan of the list (a Sort inside a subplan does not sort the list)."""
    first = text.splitlines()[:3]
    return any(re.search(r"\bSort\b", line) for line in first)


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's"
)


@needs_postgresql
@pytest.mark.parametrize(
    ("name", "index", "queryset"),
    [
        (
            "home: offers with free places",
            "opportunity_free_order",
            lambda: Opportunity.objects.published().open_with_free_places().for_cards()[:3],
        ),
        (
            # By the Quartier's ids (one here): its own part of the index, not all offers
            # up to its last one shown.
            "Quartier page and /mitmachen/?quartier=…: its open offers",
            "opportunity_quartier_order",
            lambda: (
                Opportunity.objects.published()
                .in_quartier_ids(Quartier.objects.get(slug="welper").own_and_inner_ids())
                .open_free_places_first()
                .for_cards()[:7]
            ),
        ),
        (
            "/mitmachen/: the open part",
            "opportunity_open_order",
            lambda: Opportunity.objects.published().open_free_places_first().for_cards()[:12],
        ),
        (
            "home: featured projects",
            "project_featured_latest",
            lambda: Project.objects.published().featured().order_by("-publish_at", "pk")[:3],
        ),
        (
            "Quartier page: its projects",
            "project_published_latest",
            lambda: (
                Project.objects.published()
                .in_quartier(Quartier.objects.get(slug="welper"))
                .order_by("-publish_at", "pk")[:7]
            ),
        ),
        (
            "Quartier page: its ideas",
            "idea_public_latest",
            lambda: (
                Idea.objects.public()
                .in_quartier(Quartier.objects.get(slug="welper"))
                .latest_first()[:4]
            ),
        ),
    ],
)
def test_list_reads_its_index_in_order(mixed_offers, name, index, queryset):
    QuartierFactory(slug="welper")
    text = plan(queryset())
    assert f"Index Scan using {index}" in text, f"{name}:\n{text}"
    assert not top_sort(text), f"{name} sorts:\n{text}"


@needs_postgresql
def test_mitmachen_filtered_by_quartier_and_topic_reads_its_part_of_the_index(mixed_offers, client):
    # The filter values (addresses) go into the list query as ids: the page is the first
    # rows of the Quartier's part of the index, in order; the topic counts as the offer's
    # own or its project's.
    welper = QuartierFactory(slug="welper", name="Welper")
    umwelt = TopicFactory(slug="umwelt", name="Umwelt")
    OpportunityFactory(project=None, quartier=welper, title="Ufer putzen").topics.add(umwelt)
    garten = ProjectFactory(quartier=welper, title="Garten", topics=[umwelt])
    OpportunityFactory(project=garten, title="Beete gießen")
    OpportunityFactory(project=None, quartier=welper, title="Ohne Thema")
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/mitmachen/?quartier=welper&topic=umwelt")
    assert sorted(card_titles(response.content.decode())) == ["Beete gießen", "Ufer putzen"]
    page = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "quartiere_opportunity"' in q["sql"] and "ORDER BY" in q["sql"]
    ]
    assert page, [q["sql"] for q in captured.captured_queries]
    text = explain(page[0])
    assert "Index Scan using opportunity_quartier_order" in text, text
    assert not top_sort(text), text


@needs_postgresql
def test_mitmachen_counts_read_the_index_alone(mixed_offers):
    with CaptureQueriesContext(connection) as captured:
        OpenFirstList(Opportunity.objects.published().for_cards()).counts()
    text = explain(captured.captured_queries[-1]["sql"])
    # Not the wide rows of the table: the narrow index, and the projects' index.
    assert "Index Only Scan using opportunity_published_count" in text, text
    assert "Index Only Scan using project_published_latest" in text, text


# --- counting up to a limit (issue #17) ------------------------------------------------------


def test_mitmachen_counts_up_to_its_limit_and_pages_on_without_a_last_page(
    mixed_offers, client, monkeypatch
):
    # 18 offers, 12 a page; beyond 5 the list no longer counts.
    monkeypatch.setattr(OpenFirstList, "count_limit", 5)
    expected = [o.title for o in Opportunity.objects.published().free_places_first()]
    first = client.get("/mitmachen/").content.decode()
    second = client.get("/mitmachen/", {"page": 2}).content.decode()
    for number, html in ((1, first), (2, second)):
        assert 'role="status">Mehr als 5 Angebote gefunden</p>' in html
        assert f'<span aria-current="page">Seite {number}</span>' in html
        assert " von " not in re.search(r'<nav class="site-pagination".*?</nav>', html, re.S)[0]
    assert 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert card_titles(first) + card_titles(second) == expected
    assert client.get("/mitmachen/", {"page": 3}).status_code == 404


def test_mitmachen_counts_exactly_below_its_limit(mixed_offers, client):
    html = client.get("/mitmachen/", {"page": 2}).content.decode()
    assert 'role="status">18 Angebote gefunden</p>' in html
    assert '<span aria-current="page">Seite 2 von 2</span>' in html


@pytest.mark.parametrize("page_size", [1, 4, 7, 9, 10, 18])
def test_open_first_list_beyond_its_count_limit_pages_in_the_same_order(
    mixed_offers, page_size, monkeypatch
):
    # Where the open offers end is found by reading them, not from a count.
    monkeypatch.setattr(OpenFirstList, "count_limit", 3)
    queryset = Opportunity.objects.published().for_cards()
    expected = [o.title for o in queryset.free_places_first()]
    listing = OpenFirstList(queryset)
    assert listing.counts() == (None, 4)
    pages = [
        [o.title for o in listing[start : start + page_size + 1]][:page_size]
        for start in range(0, len(expected), page_size)
    ]
    assert [title for page in pages for title in page] == expected
    assert list(OpenFirstList(queryset)[18:20]) == []
    assert [o.title for o in OpenFirstList(queryset)[10:12]] == expected[10:12]


def test_mitmachen_count_stops_at_its_limit(mixed_offers, monkeypatch):
    monkeypatch.setattr(OpenFirstList, "count_limit", 5)
    listing = OpenFirstList(Opportunity.objects.published().for_cards())
    with CaptureQueriesContext(connection) as captured:
        assert listing.count() == 6
    assert len(captured.captured_queries) == 1
    assert "LIMIT 6" in captured.captured_queries[0]["sql"]


@needs_postgresql
def test_mitmachen_reads_a_few_offers_without_collecting_every_published_project(mixed_offers):
    # `published_row_by_row()`: the project of each offer read, not a hash of all projects.
    listing = OpenFirstList(Opportunity.objects.published_row_by_row().for_cards())
    with CaptureQueriesContext(connection) as captured:
        listing.counts()
        list(listing[0:13])
    for query in captured.captured_queries:
        text = explain(query["sql"])
        assert "Limit" in text, text
        # `published()` collects the published projects' ids from this index.
        assert "project_published_latest" not in text, text
    count = explain(captured.captured_queries[0]["sql"])
    assert "Index Only Scan using opportunity_published_count" in count, count
