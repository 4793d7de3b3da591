"""The finder reads its matches group by group of equal score, each in index order
(`quartiere.finder.MatchList`), instead of ranking every offer: the same matches in the same
order, page by page, as ranking them all by score.

The reference below is that ranking, as the finder did it before: every open offer scored,
those that meet every condition sorted by score, then free before full, deadline (none
last), title and id.
"""

import datetime
import itertools
import re

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quartiere import finder
from quartiere.models import Opportunity, Quartier, Skill
from tests.factories import OpportunityFactory, ProjectFactory, QuartierFactory, TopicFactory

Commitment = Opportunity.Commitment


@pytest.fixture
def town(db):
    """Four Stadtteile, one with a Quartier inside it, and 90 offers with every combination
    of the things the finder asks about, many with the same title and deadline."""
    welper = QuartierFactory(name="Welper", slug="welper")
    QuartierFactory(name="Hügel", slug="huegel", parent=welper)
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    QuartierFactory(name="Holthausen", slug="holthausen")
    welper.neighbours.add(blankenstein, mitte)
    places = list(Quartier.objects.order_by("pk"))
    topics = [
        TopicFactory(name="Umwelt", slug="umwelt"),
        TopicFactory(name="Kultur", slug="kultur"),
    ]
    skill = Skill.objects.create(name="Handwerk", slug="handwerk")
    projects = [ProjectFactory(quartier=q, topics=[topics[n % 2]]) for n, q in enumerate(places)]
    today = timezone.localdate()
    deadlines = [
        None,
        today,
        today + datetime.timedelta(days=3),
        today + datetime.timedelta(days=9),
    ]
    commitments = [Commitment.FLEXIBLE, Commitment.REGULAR, Commitment.ONCE]
    start = timezone.now() + datetime.timedelta(days=20)
    for n in range(90):
        offer = OpportunityFactory(
            project=projects[n % len(projects)] if n % 4 else None,
            quartier=places[n % len(places)],
            title=f"Angebot {n % 7}",
            commitment=commitments[n % 3],
            starts_at=start if n % 3 == 2 else None,
            hours_per_month=[None, 3, 10][n % 3 if n % 5 else 0],
            places=[None, 2][n % 2],
            signup_deadline=deadlines[n % 4],
            on_weekdays=n % 2 == 0,
            in_evenings=n % 5 == 0,
            suitable_without_german=n % 3 == 0,
            step_free=n % 4 == 1,
            skills=[skill] if n % 3 == 1 else [],
        )
        if n % 5 == 0:
            offer.topics.add(topics[n % 2])
        if n % 6 == 1:  # every place taken: full offers follow the free ones
            Opportunity.objects.filter(pk=offer.pk).update(places_taken=2)


def reference(answers):
    """Every match of `answers` in the finder's order, by ranking every open offer."""
    ranking = finder.Ranking(answers, finder.Choices.load())
    # Whole rows (not values_list): with the score selected, a constant score (no answers)
    # is ordered by its column, not by the literal.
    return [
        offer.pk
        for offer in ranking.annotate(finder.candidates())
        .filter(finder_misses=0)
        .order_by(
            "-finder_score",
            "is_full",
            models.F("signup_deadline").asc(nulls_last=True),
            "title",
            "pk",
        )
    ]


def pages(answers):
    """Every match the finder shows, page after page, and the count it states."""
    choices = finder.Choices.load()
    first = finder.find(answers, choices)
    shown = []
    for number in first.page.paginator.page_range:
        result = finder.find(answers, choices, page_number=number)
        shown += [match.opportunity.pk for match in result.matches]
    return shown, first.match_count


ANSWERS = [
    finder.Answers(),
    finder.Answers(place="welper"),
    finder.Answers(place="welper", neighbours=True),
    finder.Answers(place="huegel", neighbours=True),
    finder.Answers(place="holthausen", neighbours=True),
    finder.Answers(place="welper", neighbours=True, time=finder.MONTHLY),
    finder.Answers(place="blankenstein", neighbours=True, topics=["umwelt"]),
    finder.Answers(time=finder.WEEKLY, when=["weekdays"]),
    finder.Answers(time=finder.ONCE, suits=["no_german"]),
    finder.Answers(place="welper", neighbours=True, skills=["handwerk"], suits=["step_free"]),
    finder.Answers(topics=["kultur"], when=["evenings", "weekends"]),
]


@pytest.mark.parametrize("answers", ANSWERS, ids=range(len(ANSWERS)))
def test_every_page_shows_the_matches_in_the_order_of_their_score(town, answers):
    expected = reference(answers)
    shown, count = pages(answers)
    assert count == len(expected)
    assert shown == expected


def test_town_has_matches_in_both_groups_and_a_page_across_them(town):
    """The case the groups are for: matches in the Stadtteil and next door, with a page
    that ends in the first group and goes on in the second."""
    answers = finder.Answers(place="welper", neighbours=True)
    counts = finder.MatchList(finder.Ranking(answers, finder.Choices.load())).counts()
    assert all(counts) and counts[0] % finder.PAGE_SIZE


def test_a_page_across_the_groups_is_one_query(town):
    answers = finder.Answers(place="welper", neighbours=True)
    matches = finder.MatchList(finder.Ranking(answers, finder.Choices.load()))
    here, _near = matches.counts()
    with CaptureQueriesContext(connection) as queries:
        rows = matches[here - 2 : here + 3]
    assert len(queries) == 1
    assert [o.pk for o in rows] == reference(answers)[here - 2 : here + 3]


def test_a_page_across_the_groups_is_compiled_once_not_on_every_request(town, compiled_queries):
    """Issue #17: at demo size the chosen Stadtteil has few matches, so nearly every first
    page crosses into the neighbours; that query was built and compiled on every request."""
    answers = finder.Answers(place="welper", neighbours=True)

    def page_across():
        matches = finder.MatchList(finder.Ranking(answers, finder.Choices.load()))
        here, _near = matches.counts()
        return [o.pk for o in matches[here - 2 : here + 3]], here

    first, here = page_across()  # compiles what this shape of answers needs
    assert first == reference(answers)[here - 2 : here + 3]
    compiled_queries.clear()
    again, _here = page_across()
    assert again == first
    # Neither the counts nor the page across the groups built an offer query again.
    assert [model for model in compiled_queries if model is Opportunity] == []


def test_each_group_is_counted_in_one_query_that_stops_at_the_limit(town):
    answers = finder.Answers(place="welper", neighbours=True, time=finder.WEEKLY)
    matches = finder.MatchList(finder.Ranking(answers, finder.Choices.load()))
    with CaptureQueriesContext(connection) as queries:
        count = matches.count()
        matches.counts()
    assert len(queries) == len(matches.groups) == 2
    assert all("LIMIT 101" in query["sql"] for query in queries)
    assert count == len(reference(answers))


def test_beyond_the_limit_the_finder_says_more_and_pages_on_in_order(town, client, monkeypatch):
    """More matches than counted: "Mehr als …", pages without a last one, and every match
    in the order of the ranking, also across the group cut off by the limit."""
    monkeypatch.setattr(finder.MatchList, "count_limit", 5)
    answers = finder.Answers(place="welper", neighbours=True)
    expected = reference(answers)
    matches = finder.MatchList(finder.Ranking(answers, finder.Choices.load()))
    here = matches._group(0).count()
    # Both groups are cut off at 6, and the first has more than a page.
    assert matches.counts() == [6, 6]
    assert here > finder.PAGE_SIZE and len(expected) - here > 6
    shown, number = [], 1
    while True:
        html = client.get(
            "/mitmachen/finden/", {"stadtteil": "welper", "nachbarn": "on", "page": number}
        ).content.decode()
        assert "Mehr als 5 Angebote passen zu Ihren Angaben" in html
        assert f'<span aria-current="page">Seite {number}</span>' in html
        slugs = re.findall(
            r'class="kern-link kern-link--stretched" href="/mitmachen/([^/]+)/"', html
        )
        assert slugs, number
        shown += slugs
        if 'rel="next"' not in html:
            break
        number += 1
    slug_of = dict(Opportunity.objects.values_list("pk", "slug"))
    assert shown == [slug_of[pk] for pk in expected]
    # A page behind the end (an old link) shows the first page, not an error.
    html = client.get("/mitmachen/finden/", {"stadtteil": "welper", "page": 99}).content.decode()
    assert '<span aria-current="page">Seite 1</span>' in html


@pytest.mark.parametrize(
    ("start", "stop"), list(itertools.product([0, 3, 11, 40], [0, 5, 12, 200]))
)
def test_any_slice_is_the_same_as_of_the_ranking(town, start, stop):
    answers = finder.Answers(place="welper", neighbours=True)
    matches = finder.MatchList(finder.Ranking(answers, finder.Choices.load()))
    assert [o.pk for o in matches[start:stop]] == reference(answers)[start:stop]
