"""Queries compiled once per process and run with each call's values
(engagierte_stadt/prepared.py, issue #17): every call asks the database, with its own values
and the time of the call; a builder that computes with a value falls back to building its
query on every call, and the check of the test settings catches one that branches on it."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagierte_stadt.models import Article
from engagierte_stadt.prepared import Fixed, Prepared, query_now, query_today
from quartiere.models import Opportunity, Project, Quartier
from tests.factories import ArticleFactory, OpportunityFactory, ProjectFactory, QuartierFactory

pytestmark = pytest.mark.django_db


def titles(rows) -> list[str]:
    return [row.title for row in rows]


def test_each_call_gets_its_own_quartiers_rows_from_the_database():
    welper, blankenstein = QuartierFactory(slug="welper"), QuartierFactory(slug="blankenstein")
    ProjectFactory(title="Welper 1", quartier=welper)
    ProjectFactory(title="Blankenstein 1", quartier=blankenstein)
    in_quartier = Prepared(
        lambda p: (
            Project.objects.published()
            .in_quartier(Quartier(pk=p.quartier_id))
            .for_cards()
            .order_by("title")
        )
    )
    assert titles(in_quartier(quartier_id=welper.pk)) == ["Welper 1"]
    assert titles(in_quartier(quartier_id=blankenstein.pk)) == ["Blankenstein 1"]
    ProjectFactory(title="Welper 2", quartier=welper)
    with CaptureQueriesContext(connection) as queries:
        rows = in_quartier(quartier_id=welper.pk)
    assert titles(rows) == ["Welper 1", "Welper 2"]
    # The card's row: its Quartier joined, its topics and pictures prefetched as usual.
    assert rows[0].quartier.name == welper.name
    assert len(queries) == 3
    assert len(in_quartier._compiled) == 1  # one shape, compiled once


def test_the_time_is_the_time_of_each_call():
    now = timezone.now()
    ArticleFactory(title="Schon da", publish_at=now - timedelta(days=1))
    ArticleFactory(title="Morgen", publish_at=now + timedelta(days=1))
    published = Prepared(lambda p: Article.objects.published().latest_first())
    assert titles(published()) == ["Schon da"]
    with time_machine.travel(now + timedelta(days=2), tick=False):
        assert titles(published()) == ["Morgen", "Schon da"]
    assert titles(published()) == ["Schon da"]
    assert list(published._compiled.values())[0].names == ("now",)


def test_today_and_a_date_value_reach_the_query():
    """A date stand-in (as SQLite receives it: a string) and `query_today()`."""
    today = timezone.localdate()
    OpportunityFactory(title="Bis gestern", signup_deadline=today - timedelta(days=1))
    OpportunityFactory(title="Bis morgen", signup_deadline=today + timedelta(days=1))
    OpportunityFactory(title="Ohne Frist")
    open_until = Prepared(
        lambda p: Opportunity.objects.open().filter(signup_deadline__lte=p.until).order_by("title")
    )
    assert titles(open_until(until=today + timedelta(days=5))) == ["Bis morgen"]
    assert titles(open_until(until=today)) == []
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        assert query_today() > today
        assert titles(open_until(until=today + timedelta(days=5))) == []
    assert list(open_until._compiled.values())[0].names == ("today", "until")


def test_a_value_none_is_part_of_the_shape():
    OpportunityFactory(title="Im Projekt")
    OpportunityFactory(title="Ohne Projekt", project=None, quartier=QuartierFactory())
    by_project = Prepared(
        lambda p: Opportunity.objects.filter(project_id=p.project_id).order_by("title")
    )
    project = Project.objects.get()
    assert titles(by_project(project_id=None)) == ["Ohne Projekt"]
    assert titles(by_project(project_id=project.pk)) == ["Im Projekt"]
    assert len(by_project._compiled) == 2


def test_a_value_the_builder_computes_with_is_built_on_every_call():
    now = timezone.now()
    ArticleFactory(title="Vor 10 Tagen", publish_at=now - timedelta(days=10))
    ArticleFactory(title="Vor 40 Tagen", publish_at=now - timedelta(days=40))
    last_month = Prepared(
        lambda p: Article.objects.filter(publish_at__gte=query_now() - timedelta(days=30))
    )
    assert titles(last_month()) == ["Vor 10 Tagen"]
    assert list(last_month._compiled.values()) == [None]  # falls back, still right
    assert titles(last_month()) == ["Vor 10 Tagen"]


def test_the_check_fails_on_a_builder_that_branches_on_a_value():
    ArticleFactory(title="Eins")
    branching = Prepared(
        lambda p: (
            Article.objects.filter(title=p.title)
            if len(p.title) > 3
            else Article.objects.filter(title__startswith=p.title)
        )
    )
    assert titles(branching(title="Eins")) == ["Eins"]
    with pytest.raises(AssertionError, match="differs from the usual one"):
        branching(title="Ei")


def test_without_the_check_no_second_query_is_built(settings, monkeypatch):
    settings.PREPARED_CHECK = False
    ArticleFactory(title="Eins")
    builds = []

    def build(p):
        builds.append(p)
        return Article.objects.filter(title=p.title)

    by_title = Prepared(build)
    assert titles(by_title(title="Eins")) == ["Eins"]
    assert titles(by_title(title="Zwei")) == []
    assert titles(by_title(title="Eins")) == ["Eins"]
    assert len(builds) == 1


def test_query_time_outside_a_prepared_query_is_the_clock():
    assert abs((query_now() - timezone.now()).total_seconds()) < 5
    assert query_today() == timezone.localdate()
    assert isinstance(query_today(), date)


def test_the_quartier_page_reads_its_lists_with_prepared_queries(client):
    """The Quartier page's own lists come from prepared queries: a new project of the
    Quartier shows at once (nothing read is kept), an unpublished one does not."""
    welper = QuartierFactory(slug="welper", name="Welper")
    ProjectFactory(title="Erstes Projekt", quartier=welper)
    assert "Erstes Projekt" in client.get("/quartiere/welper/").content.decode()
    ProjectFactory(title="Zweites Projekt", quartier=welper)
    ProjectFactory(title="Entwurf", quartier=welper, publication="draft")
    html = client.get("/quartiere/welper/").content.decode()
    assert "Zweites Projekt" in html and "Entwurf" not in html
    assert client.get("/quartiere/gibt-es-nicht/").status_code == 404


def test_a_tuple_of_ids_is_one_value_per_item_and_its_length_is_the_shape():
    first, second, third = (ProjectFactory(title=f"Projekt {n}") for n in (1, 2, 3))
    for project in (first, second, third):
        OpportunityFactory(project=project, title=f"Angebot in {project.title}")
    in_projects = Prepared(
        lambda p: Opportunity.objects.filter(project__in=p.project_ids).order_by("title")
    )
    assert titles(in_projects(project_ids=(first.pk, third.pk))) == [
        "Angebot in Projekt 1",
        "Angebot in Projekt 3",
    ]
    assert titles(in_projects(project_ids=(second.pk, third.pk))) == [
        "Angebot in Projekt 2",
        "Angebot in Projekt 3",
    ]
    assert titles(in_projects(project_ids=(second.pk,))) == ["Angebot in Projekt 2"]
    assert len(in_projects._compiled) == 2  # two lengths, two shapes
    # No ids: Django knows the answer without asking; so does the fallback.
    assert in_projects(project_ids=()) == []


def test_the_partner_page_lists_the_offers_of_its_projects(client):
    from partner.models import ProjectPartner
    from tests.partner.factories import PartnerFactory

    partner = PartnerFactory(slug="verein", name="Verein")
    for number in (1, 2):
        project = ProjectFactory(title=f"Projekt {number}")
        OpportunityFactory(project=project, title=f"Angebot {number}")
        ProjectPartner.objects.create(partner=partner, project=project, role="traeger")
    html = client.get("/partner/verein/").content.decode()
    assert "Angebot 1" in html and "Angebot 2" in html


def test_the_shapes_kept_are_bounded(monkeypatch):
    from engagierte_stadt import prepared

    monkeypatch.setattr(prepared, "MAX_SHAPES", 2)
    projects = [ProjectFactory() for _ in range(3)]
    in_projects = Prepared(lambda p: Project.objects.filter(pk__in=p.ids).order_by("pk"))
    for length in (1, 2, 3):
        ids = tuple(project.pk for project in projects[:length])
        assert [project.pk for project in in_projects(ids=ids)] == list(ids)
    assert len(in_projects._compiled) == 1  # emptied when full, then the third shape


def test_fixed_values_are_part_of_the_shape_and_reach_the_builder_as_they_are():
    welper = QuartierFactory(slug="welper")
    for number in range(5):
        ProjectFactory(title=f"Projekt {number}", quartier=welper)
    page = Prepared(
        lambda p: Project.objects.filter(quartier_id=p.quartier_id).order_by("title")[
            p.start : p.start + 2
        ]
    )
    assert titles(page(quartier_id=welper.pk, start=Fixed(0))) == ["Projekt 0", "Projekt 1"]
    assert titles(page(quartier_id=welper.pk, start=Fixed(2))) == ["Projekt 2", "Projekt 3"]
    assert titles(page(quartier_id=welper.pk, start=Fixed(4))) == ["Projekt 4"]
    # One compiled query per page (the LIMIT and OFFSET are in the SQL), none built anew.
    assert len(page._compiled) == 3
    assert all(compiled is not None for compiled in page._compiled.values())


def test_prepared_rows_compile_each_chain_once_and_run_it_with_the_calls_values(
    settings, django_assert_num_queries
):
    settings.PREPARED_CHECK = False  # the check builds every query again: count the builds
    welper, blankenstein = QuartierFactory(slug="welper"), QuartierFactory(slug="blankenstein")
    for number in range(3):
        OpportunityFactory(title=f"Welper {number}", quartier=welper, project=None)
    OpportunityFactory(title="Blankenstein", quartier=blankenstein, project=None)
    builds = []

    def build(p):
        builds.append(p.quartier_id)
        return Opportunity.objects.filter(quartier_id=p.quartier_id).order_by("title")

    offers = Prepared(build)
    for _ in range(2):
        rows = offers.rows(quartier_id=welper.pk)
        with django_assert_num_queries(1):
            window = rows[1:3]
            assert titles(window) == ["Welper 1", "Welper 2"]
            assert len(window) == 2 and window  # run once, then its rows
        with django_assert_num_queries(1):
            assert titles(rows[0:2]) == ["Welper 0", "Welper 1"]
        assert len(rows.order_by().values_list("pk")[:10]) == 3
        assert rows.count() == 3  # the usual query
    assert titles(offers.rows(quartier_id=blankenstein.pk)[0:2]) == ["Blankenstein"]
    # Each chain built once with stand-ins (and the usual query of `count()` twice); the
    # Blankenstein page is the shape of the Welper one.
    assert len([b for b in builds if b not in (welper.pk, blankenstein.pk)]) == 3
    assert builds.count(welper.pk) == 2
    assert len(offers._compiled) == 3
    with pytest.raises(AttributeError):
        offers.rows(quartier_id=welper.pk).no_such_method  # noqa: B018
    with pytest.raises(TypeError):
        offers.rows(quartier_id=welper.pk)[2]


def test_card_prefetches_run_compiled_and_fill_what_the_cards_read(
    settings, django_assert_num_queries
):
    """Topics and gallery of project cards: read with prepared queries of their own (once
    compiled per number of rows), put where Django's prefetch puts them, fresh every call."""
    from quartiere.models import ProjectQuerySet
    from tests.factories import ProjectImageFactory, TopicFactory

    settings.PREPARED_CHECK = False  # the check builds every query again: count the builds
    umwelt, kultur = TopicFactory(name="Umwelt"), TopicFactory(name="Kultur")
    first = ProjectFactory(title="A", topics=[umwelt, kultur])
    second = ProjectFactory(title="B")
    ProjectImageFactory(project=first, position=2, alt_text="zwei")
    ProjectImageFactory(project=first, position=1, alt_text="eins")
    cards = Prepared(lambda p: Project.objects.filter(pk__in=p.ids).for_cards().order_by("title"))
    ids = (first.pk, second.pk)
    with django_assert_num_queries(3):  # the projects, their topics, their pictures
        rows = cards(ids=ids)
    with django_assert_num_queries(0):
        assert [topic.name for topic in rows[0].topics.all()] == ["Kultur", "Umwelt"]
        assert [picture.alt_text for picture in rows[0].gallery] == ["eins", "zwei"]
        assert rows[0].gallery[0].project is rows[0]
        assert list(rows[1].topics.all()) == [] and rows[1].gallery == []
    second.topics.add(umwelt)
    rows = cards(ids=ids)
    assert [topic.name for topic in rows[1].topics.all()] == ["Umwelt"]
    # Still the relation: narrowing the prefetched topics asks about this project only.
    assert [topic.name for topic in rows[1].topics.filter(name="Umwelt")] == ["Umwelt"]
    assert list(rows[1].topics.filter(name="Kultur")) == []
    for lookup in ProjectQuerySet.card_prefetches():
        assert all(compiled is not None for compiled in lookup._query._compiled.values())
