"""The Engagement-Finder: a person's answers become ranked, explained opportunities.

Every question is optional; an answered question is a *condition* an opportunity meets or not.
The ranking is one transparent score, so the page costs the same few queries with 30 000
offers as with 30:

    Stadtteil      3 points in the chosen one (or a Quartier inside it),
                   2 points in a neighbouring one ("gleich nebenan")
    time           2 points: "once" fits one-off and flexible offers; "a few hours a month"
                   fits flexible offers and regular ones of at most FEW_HOURS hours a month
                   (or without hours given); "weekly" fits regular and flexible offers
    topics         2 points when one of the offer's own or its project's topics was chosen
    what suits you 2 points for each ticked box the offer has (without German, …)
    when           1 point when the offer takes place at a chosen time, or by arrangement
    skills         1 point when the offer asks for one of the chosen skills

Higher scores come first; on equal scores, offers with free places before full ones, then
by sign-up deadline (soonest first, none last), title and id, so the same answers always give
the same order. An offer that meets every condition is a match. One in a neighbouring
Stadtteil is a match only when "auch in benachbarten Stadtteilen" was ticked; otherwise it
relaxes the Stadtteil condition. With fewer than ALTERNATIVES_BELOW matches the finder adds
the nearest alternatives: the offers that miss the fewest conditions, by score, each naming
what it relaxes ("in Blankenstein, gleich nebenan", "einmalig statt regelmäßig").

A match meets every condition, so matches differ in score only by their Stadtteil: they are
read in groups of equal score, each in the order of an index, a page at a time
(`MatchList`), rather than scored and sorted all. The alternatives are scored in the
database over all open offers.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.paginator import EmptyPage
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from engagierte_stadt.memo import Table, interned
from engagierte_stadt.pagination import CappedCountPaginator
from engagierte_stadt.prepared import Fixed, Prepared, query_now
from engagierte_stadt.submissions.counters import is_full_expression
from quartiere.filters import choice_rows
from quartiere.models import (
    FEW_HOURS,
    TIME_MONTHLY,
    TIME_ONCE,
    TIME_WEEKLY,
    Opportunity,
    OpportunityQuerySet,
    Project,
    Quartier,
    Skill,
    at_times_q,
    open_order,
    time_fits_q,
)

# The questions' choices by the rows they are made of (engagierte_stadt.memo).
_CHOICES = Table(maxsize=16)

PLACE_POINTS = 3
NEAR_POINTS = 2
TIME_POINTS = 2
TOPIC_POINTS = 2
SUIT_POINTS = 2
WHEN_POINTS = 1
SKILL_POINTS = 1

PAGE_SIZE = 10
ALTERNATIVES_BELOW = 3  # fewer matches than this: show alternatives and other ways in
ALTERNATIVES = 5
PROJECTS_LOOKING = 3

ONCE, MONTHLY, WEEKLY = TIME_ONCE, TIME_MONTHLY, TIME_WEEKLY

# Short words for what suits a person, as the finder asks and explains it (the model's field
# names are longer: "possible without German skills").
SUIT_LABELS = {
    "no_german": gettext_lazy("without German"),
    "families": gettext_lazy("with children"),
    "step_free": gettext_lazy("step-free"),
    "seniors": gettext_lazy("for older people"),
    "youth": gettext_lazy("for young people"),
}


@dataclass(frozen=True)
class Place:
    pk: int
    slug: str
    name: str
    parent_id: int | None


@dataclass
class Choices:
    """Everything the questions offer, loaded once per request (1 query)."""

    places: list[Place]
    topics: list[tuple[int, str, str]]  # (pk, slug, name)
    skills: list[tuple[int, str, str]]
    # The rows they were made of: what the questions (and their markup) depend on.
    key: tuple = ()

    @classmethod
    def load(cls) -> "Choices":
        """In one query (`filters.choice_rows`); made once per content of those rows."""
        rows = choice_rows("quartier", "topic", "skill")
        key = interned(tuple((kind, tuple(found)) for kind, found in rows.items()))
        return _CHOICES.kept(key, lambda: cls._made(rows, key))

    @classmethod
    def _made(cls, rows, key) -> "Choices":
        return cls(
            places=[
                Place(pk, slug, name, parent_id)
                for pk, slug, name, parent_id, _ in rows["quartier"]
            ],
            topics=[(pk, slug, name) for pk, slug, name, *_parent in rows["topic"]],
            skills=[(pk, slug, name) for pk, slug, name, *_parent in rows["skill"]],
            key=key,
        )

    def place_label(self, place: Place) -> str:
        parent = self.place_by_pk(place.parent_id)
        return f"{place.name} ({parent.name})" if parent else place.name

    def place_by_pk(self, pk) -> Place | None:
        return next((p for p in self.places if p.pk == pk), None)

    def place_by_slug(self, slug) -> Place | None:
        return next((p for p in self.places if p.slug == slug), None)

    def with_children(self, pks: set[int]) -> set[int]:
        return pks | {p.pk for p in self.places if p.parent_id in pks}


@dataclass
class Answers:
    """The answers given, as keys of the model (time: ONCE/MONTHLY/WEEKLY, `when`: keys of
    `Opportunity.TIME_FIELDS`, `suits`: keys of `Opportunity.SUITABILITY_FIELDS`)."""

    topics: list[str] = field(default_factory=list)  # slugs
    place: str = ""  # slug
    neighbours: bool = False
    time: str = ""
    when: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)  # slugs
    suits: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(
            self.topics or self.place or self.time or self.when or self.skills or self.suits
        )


@dataclass
class Match:
    """One opportunity in the results, with why it fits and what does not."""

    opportunity: Opportunity
    reasons: list[str]
    differences: list[str]


@dataclass
class Result:
    matches: list[Match]
    match_count: int  # up to MatchList.count_limit
    more_matches: bool  # more than match_count ("mehr als 100")
    page: object  # django.core.paginator.Page of the matches
    alternatives: list[Match]
    projects: list[Project]  # projects looking for people near the chosen Stadtteil
    place: Place | None
    near: list[Place]
    few: bool  # fewer matches than ALTERNATIVES_BELOW for some answers: show other ways in


# The Quartiere next to one, compiled once per process (engagierte_stadt.prepared).
NEIGHBOURS = Prepared(
    lambda p: Quartier.neighbours.through.objects.filter(from_quartier_id=p.quartier_id).only(
        "to_quartier_id"
    ),
    generic=True,
)


class Ranking:
    """The score and the explanations for one set of answers (see the module docstring)."""

    def __init__(self, answers: Answers, choices: Choices):
        self.answers = answers
        self.choices = choices
        self.place = choices.place_by_slug(answers.place) if answers.place else None
        self.place_pks: set[int] = set()
        self.near_pks: set[int] = set()
        self.near: list[Place] = []
        if self.place is not None:
            self.place_pks = choices.with_children({self.place.pk})
            # Neighbours of the Quartier; a Quartier inside a district also lies next to
            # the rest of that district.
            near = {row.to_quartier_id for row in NEIGHBOURS(quartier_id=self.place.pk)}
            if self.place.parent_id:
                near.add(self.place.parent_id)
            self.near = sorted((p for p in choices.places if p.pk in near), key=lambda p: p.name)
            self.near_pks = choices.with_children(near) - self.place_pks
        slugs = set(answers.topics)
        self.topic_pks = [pk for pk, slug, _name in choices.topics if slug in slugs]
        self.topic_names = {pk: name for pk, _slug, name in choices.topics}
        slugs = set(answers.skills)
        self.skill_pks = [pk for pk, slug, _name in choices.skills if slug in slugs]
        # {opportunity id: its topics' and its project's topics' ids}, for the explanations
        # of the shown offers (`find()` fills it in with `offer_topic_ids()`).
        self.topic_ids: dict[int, set[int]] = {}

    # --- conditions, as database expressions --------------------------------------------
    #
    # Built from `v`, the answers as values (`query_values()`): the ids of the chosen and the
    # neighbouring Stadtteile, topics and skills as tuples, the rest as given. So the same
    # code builds a query with this request's values or, once per shape, with the stand-ins
    # of a prepared query (engagierte_stadt.prepared): nothing here reads the answers or the
    # ids in any other way.

    def query_values(self) -> dict:
        """The values the conditions are built from: the ids (parameters of a prepared
        query; None where there are none) and the other answers (its shape)."""
        answers = self.answers

        def ids(pks):
            return tuple(sorted(pks)) if pks else None

        return {
            # A prepared query must use every id it is given: the flags say which exist.
            "has_place": bool(self.place_pks),
            "has_near": bool(self.near_pks),
            "place": ids(self.place_pks),
            "near": ids(self.near_pks),
            "here": ids(self.place_pks | self.near_pks),
            "topics": ids(self.topic_pks),
            "skills": ids(self.skill_pks),
            "neighbours": bool(answers.neighbours),
            "time": Fixed(answers.time),
            "when": Fixed(tuple(answers.when)),
            "suits": Fixed(tuple(answers.suits)),
        }

    @property
    def values(self):
        """`query_values()` as they are, for the conditions of an ordinary query."""
        return SimpleNamespace(
            **{
                name: value.value if isinstance(value, Fixed) else value
                for name, value in self.query_values().items()
            }
        )

    @staticmethod
    def _in(pks) -> models.Q:
        return models.Q(quartier_id__in=pks)

    @staticmethod
    def _topic_q(v) -> models.Q:
        own = Opportunity.topics.through.objects.filter(
            opportunity_id=models.OuterRef("pk"), topic_id__in=v.topics
        )
        of_project = Project.topics.through.objects.filter(
            project_id=models.OuterRef("project_id"), topic_id__in=v.topics
        )
        return models.Q(models.Exists(own)) | models.Q(models.Exists(of_project))

    @staticmethod
    def _skill_q(v) -> models.Q:
        return models.Q(
            models.Exists(
                Opportunity.skills.through.objects.filter(
                    opportunity_id=models.OuterRef("pk"), skill_id__in=v.skills
                )
            )
        )

    def conditions(self, v=None, *, place_q=None, with_near=True):
        """(condition, points, partly, points when partly) of every answered question.

        `partly` is the neighbouring Stadtteil: points, but a match only when neighbours
        were asked for. `place_q` stands for the Stadtteil's condition, and `with_near`
        False leaves `partly` out, where a query has no use for them (a prepared query must
        use every id it reads from `v`).
        """
        v = self.values if v is None else v
        found = []
        if v.has_place:
            near = self._in(v.near) if with_near and v.has_near else None
            place = self._in(v.place) if place_q is None else place_q
            found.append((place, PLACE_POINTS, near, NEAR_POINTS))
        if v.time:
            found.append((time_fits_q(v.time), TIME_POINTS, None, 0))
        if v.topics is not None:
            found.append((self._topic_q(v), TOPIC_POINTS, None, 0))
        for key in v.suits:
            found.append(
                (models.Q(**{Opportunity.SUITABILITY_FIELDS[key]: True}), SUIT_POINTS, None, 0)
            )
        if v.when:
            found.append((at_times_q(v.when), WHEN_POINTS, None, 0))
        if v.skills is not None:
            found.append((self._skill_q(v), SKILL_POINTS, None, 0))
        return found

    def match_q(self, v=None) -> models.Q:
        """Every condition met (`finder_misses` = 0), as a filter the database can answer
        from an index: the same conditions as `annotate()`, without the CASE around them."""
        v = self.values if v is None else v
        # With the neighbours asked for: one list of Stadtteile (an index condition), not an
        # OR of two.
        here = self._in(v.here) if v.has_place and v.neighbours and v.has_near else None
        found = models.Q()
        for condition, *_rest in self.conditions(v, place_q=here, with_near=False):
            found &= condition
        return found

    def group_count(self, v=None) -> int:
        v = self.values if v is None else v
        return 2 if v.has_place and v.neighbours and v.has_near else 1

    def match_group(self, n: int, v=None) -> models.Q:
        """The matches in descending score come in groups of equal score; this is group `n`.

        A match meets every condition, so all its points but the Stadtteil's are the same
        for every match: only "in the chosen Stadtteil" (3) and "next door" (2) tell them
        apart. Within a group the order is the one of the open offers (`open_order()`), which
        the index `opportunity_open_order` holds: a page is the first rows of an index scan,
        not a sort of every match."""
        v = self.values if v is None else v
        if self.group_count(v) == 1:
            return models.Q()
        return self._in(v.place if n == 0 else v.near)

    def match_groups(self, v=None) -> list[models.Q]:
        """Every group of `match_group()`, best first."""
        return [self.match_group(n, v) for n in range(self.group_count(v))]

    def annotate(self, queryset, v=None):
        """`finder_score` and `finder_misses` (conditions not met) on every row."""
        v = self.values if v is None else v
        score = models.Value(0)
        misses = models.Value(0)
        for condition, points, partly, partly_points in self.conditions(v):
            whens = [models.When(condition, then=models.Value(points))]
            if partly is not None:
                whens.append(models.When(partly, then=models.Value(partly_points)))
            score = score + models.Case(*whens, default=models.Value(0))
            met = condition
            if partly is not None and v.neighbours:
                met = condition | partly
            misses = misses + models.Case(
                models.When(met, then=models.Value(0)), default=models.Value(1)
            )
        return queryset.annotate(
            finder_score=models.ExpressionWrapper(score, output_field=models.IntegerField()),
            finder_misses=models.ExpressionWrapper(misses, output_field=models.IntegerField()),
        )

    # --- explanations, in Python for the shown rows --------------------------------------

    def explain(self, opportunity: Opportunity) -> Match:
        reasons, differences = [], []
        answers = self.answers
        if not answers:
            reasons += [self._where(opportunity), time_text(opportunity)]
            return Match(opportunity, [r for r in reasons if r], [])
        if self.place is not None:
            name = self._where(opportunity)
            if opportunity.quartier_id in self.place_pks:
                reasons.append(name)
            elif opportunity.quartier_id in self.near_pks:
                near = _("%(place)s, right next door") % {"place": name}
                (reasons if answers.neighbours else differences).append(near)
            else:
                differences.append(
                    _("%(place)s, not in %(chosen)s") % {"place": name, "chosen": self.place.name}
                )
        if answers.time:
            self._explain_time(opportunity, reasons, differences)
        if self.topic_pks:
            own = self.topic_ids.get(opportunity.pk, set())
            shared = [self.topic_names[pk] for pk in self.topic_pks if pk in own]
            if shared:
                reasons += shared
            else:
                names = sorted(self.topic_names[pk] for pk in own)
                differences.append(
                    _("another topic: %(topics)s") % {"topics": ", ".join(names)}
                    if names
                    else _("no topic of yours")
                )
        for key in answers.suits:
            label = str(SUIT_LABELS[key])
            if getattr(opportunity, Opportunity.SUITABILITY_FIELDS[key]):
                reasons.append(label)
            else:
                differences.append(_("not marked “%(label)s”") % {"label": label})
        if answers.when:
            chosen = {Opportunity.TIME_FIELDS[key] for key in answers.when}
            ticked = [f for f in Opportunity.TIME_FIELDS.values() if getattr(opportunity, f)]
            if not ticked:
                reasons.append(_("times by arrangement"))
            elif chosen & set(ticked):
                reasons += [
                    str(Opportunity._meta.get_field(f).verbose_name) for f in ticked if f in chosen
                ]
            else:
                differences.append(
                    _("at other times: %(times)s")
                    % {"times": ", ".join(str(t) for t in opportunity.time_labels)}
                )
        if self.skill_pks:
            wanted = [s.name for s in opportunity.skills.all() if s.pk in self.skill_pks]
            if wanted:
                reasons += wanted
            else:
                differences.append(_("asks for other skills"))
        return Match(opportunity, reasons, differences)

    def _where(self, opportunity) -> str:
        quartier = opportunity.quartier
        return _("in %(place)s") % {"place": quartier.name} if quartier else ""

    def _explain_time(self, opportunity, reasons, differences):
        Commitment = Opportunity.Commitment
        text = time_text(opportunity)
        time = self.answers.time
        if opportunity.commitment == Commitment.FLEXIBLE:
            reasons.append(text)
        elif time == ONCE:
            if opportunity.commitment == Commitment.ONCE:
                reasons.append(text)
            else:
                differences.append(_("regularly instead of once"))
        elif opportunity.commitment == Commitment.ONCE:
            differences.append(_("once instead of regularly"))
        elif time == MONTHLY and (opportunity.hours_per_month or 0) > FEW_HOURS:
            differences.append(_("more time: %(time)s") % {"time": text})
        else:
            reasons.append(text)


def time_text(opportunity: Opportunity) -> str:
    """The time an offer takes, in words ("about 2 hours a month", "once, about 3 hours")."""
    Commitment = Opportunity.Commitment
    if opportunity.commitment == Commitment.ONCE:
        hours = opportunity.hours_per_date
        if hours is None:
            return _("once")
        hours = int(hours) if hours == int(hours) else hours
        return ngettext("once, about %(hours)s hour", "once, about %(hours)s hours", hours) % {
            "hours": hours
        }
    hours = opportunity.hours_per_month
    if hours:
        return ngettext("about %(hours)s hour a month", "about %(hours)s hours a month", hours) % {
            "hours": hours
        }
    if opportunity.commitment == Commitment.REGULAR:
        return _("regularly")
    return _("flexible, whenever you have time")


def open_offers(*, row_by_row=False):
    """The offers the finder looks at: published, open for sign-ups, not over (the rows
    alone, for counting). `row_by_row`: for reads that stop after a few offers (a page, a
    count up to its limit), each offer's project is asked of its joined row rather than
    every published project collected first (`published_row_by_row()`)."""
    now = query_now()
    offers = Opportunity.objects
    return (
        (offers.published_row_by_row() if row_by_row else offers.published())
        .open()
        .exclude(commitment=Opportunity.Commitment.ONCE, starts_at__lt=now)
    )


def candidates(*, row_by_row=False):
    """`open_offers()` with what a result card shows."""
    return (
        open_offers(row_by_row=row_by_row)
        .annotate_places()
        .annotate(is_full=is_full_expression())
        .select_related("quartier", "project")
        # The columns of a card and the times the explanations name, no more: the long
        # texts, carried through the sort of the matches, made it spill to disk.
        .only(*OpportunityQuerySet.CARD_FIELDS, *Opportunity.TIME_FIELDS.values())
    )


# Without a deadline an offer sorts as if its deadline were `NO_DEADLINE` (the last day
# there is), as in the lists: the same order as "no deadline last", in the keys of the index
# `opportunity_open_order` (`open_order()`), which `MatchList` reads.
ORDER = ("-finder_score", *open_order())


class MatchList:
    """The matches of a `Ranking` in the order of ORDER, for a `CappedCountPaginator`.

    Ranking every match (a third of all offers for a Stadtteil and its neighbours) and
    sorting them cost more the more offers there are. The matches are read instead group by
    group of equal score (`Ranking.match_groups()`), each in the order of the index
    `opportunity_open_order`: a page is one query reading a page's worth of that index, two
    groups' parts where a page crosses from one group to the next are still one query.

    Each group is counted only up to `count_limit` + 1 matches, one query per group that
    reads the narrow index `opportunity_finder` and stops there (issue #17: counting the
    8 000 matches of a Stadtteil and its neighbours at ten times the demo data took longer
    than all the rest of the page's queries). Beyond the limit the finder says "mehr als 100"
    and pages on without a last page; only a page behind the first hundred matches of a
    group that has more counts that group in full, to know where the next one begins.
    """

    ordered = True  # for the Paginator: the order is ORDER
    count_limit = 100

    def __init__(self, ranking: "Ranking"):
        self.ranking = ranking
        self._counts = None
        self._sizes = {}

    # The usual querysets, only for what is not a prepared query (a group counted in full):
    # built when asked for, not on every request.
    @cached_property
    def groups(self) -> list[models.Q]:
        return self.ranking.match_groups()

    @cached_property
    def match_q(self) -> models.Q:
        return self.ranking.match_q()

    def _group(self, n: int):
        return open_offers(row_by_row=True).filter(self.match_q & self.groups[n]).order_by()

    def counts(self) -> list[int]:
        """The matches of each group, each counted up to `count_limit` + 1 (a query compiled
        once per shape of the answers)."""
        if self._counts is None:
            values = self.ranking.query_values()
            limit = Fixed(self.count_limit + 1)
            self._counts = [
                len(GROUP_IDS(self.ranking, **values, group=Fixed(n), limit=limit))
                for n in range(self.ranking.group_count())
            ]
        return self._counts

    def count(self) -> int:
        """All matches, as far as counted (more than `count_limit`: "mehr als 100")."""
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def _size(self, n: int, needed: int) -> int:
        """The size of group `n` as a slice needs it: its count, or where it is cut off, the
        whole group counted when the slice reaches beyond that."""
        counted = self.counts()[n]
        if counted <= self.count_limit or needed <= counted:
            return counted
        if n not in self._sizes:
            self._sizes[n] = self._group(n).count()
        return self._sizes[n]

    def _part(self, n: int, start: int, stop: int):
        values = self.ranking.query_values()
        return GROUP_PAGE(
            self.ranking, **values, group=Fixed(n), start=Fixed(start), stop=Fixed(stop)
        )

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("MatchList takes a slice without step")
        start, stop = key.start or 0, self.count() if key.stop is None else key.stop
        parts, offset = [], 0
        groups = self.ranking.group_count()
        for n in range(groups):
            last = n == groups - 1
            # The last group ends where the matches end: its size is never needed.
            end = stop if last else offset + self._size(n, stop - offset)
            if start < end and stop > offset:
                parts.append((n, max(start - offset, 0), min(stop, end) - offset))
            if end >= stop:
                break
            offset = end
        if not parts:
            return []
        if len(parts) == 1:
            return self._part(*parts[0])
        values = self.ranking.query_values()
        return GROUP_ACROSS(self.ranking, **values, parts=Fixed(tuple(parts)))


def _group_matches(p, row=open_offers):
    """The matches of group `p.group` of the answers `p` (`Ranking.query_values()`)."""
    ranking = p.context  # its conditions read only `p`, not its own answers
    return row(row_by_row=True).filter(ranking.match_q(p)).filter(ranking.match_group(p.group, p))


def _across_groups(p):
    """A page across groups: its parts `p.parts` ((group, start, stop), …) of the answers `p`,
    each found by its index (plain ids, no score, no joins), in one query of the rows with
    what a card shows, in the order of the groups."""
    ranking = p.context
    match = ranking.match_q(p)
    rows = models.Q()
    for n, start, stop in p.parts:
        ids = (
            open_offers(row_by_row=True)
            .filter(match & ranking.match_group(n, p))
            .order_by(*open_order())
            .values("pk")[start:stop]
        )
        rows |= models.Q(pk__in=ids)
    group = models.Case(
        *(
            models.When(ranking.match_group(n, p), then=models.Value(n))
            for n in range(ranking.group_count(p))
        ),
        output_field=models.IntegerField(),
    )
    return (
        candidates(row_by_row=True)
        .filter(match)
        .filter(rows)
        .alias(finder_group=group)
        .order_by("finder_group", *open_order())
    )


# MatchList's queries, compiled once per shape of the answers (engagierte_stadt.prepared).
# A page across groups was built and compiled on every request: at demo size, where the
# chosen Stadtteil has few matches, on nearly every first page (issue #17).
GROUP_IDS = Prepared(lambda p: _group_matches(p).order_by().values_list("pk")[: p.limit])
GROUP_PAGE = Prepared(
    lambda p: _group_matches(p, candidates).order_by(*open_order())[p.start : p.stop]
)
GROUP_ACROSS = Prepared(_across_groups)


def find(answers: Answers, choices: Choices, *, page_number=1) -> Result:
    """The finder's results for `answers`: a page of matches, and alternatives when few match.

    Reads only; the same answers give the same result. At most 8 queries whatever the
    number of offers: neighbours, the count of the matches (one per group, each up to
    `MatchList.count_limit` + 1), page of matches, alternatives, the topics (their own and
    their projects') and the skills of the shown offers when topics or skills were asked for
    (one query each), projects looking for people.
    """
    ranking = Ranking(answers, choices)
    paginator = CappedCountPaginator(MatchList(ranking), PAGE_SIZE)
    try:
        page = paginator.get_page(page_number)
    except EmptyPage:  # beyond the end of more matches than counted: the first page
        page = paginator.page(1)
    shown = list(page.object_list)
    alternatives = []
    projects = []
    few = page.paginator.count < ALTERNATIVES_BELOW and bool(answers)
    if few:
        ranked = ranking.annotate(candidates())  # every open offer scored: only when few
        alternatives = list(
            ranked.filter(finder_misses__gt=0).order_by("finder_misses", *ORDER)[:ALTERNATIVES]
        )
        projects = list(projects_looking(ranking))
    # What the explanations name beyond the row: topics and skills, only when asked for.
    explained = [*shown, *alternatives]
    if ranking.topic_pks:
        ranking.topic_ids = offer_topic_ids(explained)
    if ranking.skill_pks:
        models.prefetch_related_objects(
            explained, models.Prefetch("skills", queryset=Skill.objects.only("name"))
        )
    return Result(
        matches=[ranking.explain(o) for o in shown],
        match_count=page.paginator.count,
        more_matches=page.paginator.open_ended,
        page=page,
        alternatives=[ranking.explain(o) for o in alternatives],
        projects=projects,
        place=ranking.place,
        near=ranking.near,
        few=few,
    )


def offer_topic_ids(opportunities) -> dict[int, set[int]]:
    """{opportunity id: ids of its own topics and its project's}, in one query."""
    project_of = {o.pk: o.project_id for o in opportunities}
    if not project_of:
        return {}
    own = (
        Opportunity.topics.through.objects.filter(opportunity_id__in=project_of)
        .annotate(of_project=models.Value(False))
        .values_list("of_project", "opportunity_id", "topic_id")
    )
    projects = {pk for pk in project_of.values() if pk is not None}
    of_projects = (
        Project.topics.through.objects.filter(project_id__in=projects)
        .annotate(of_project=models.Value(True))
        .values_list("of_project", "project_id", "topic_id")
    )
    by_offer = {pk: set() for pk in project_of}
    by_project = {pk: set() for pk in projects}
    for of_project, pk, topic_id in own.union(of_projects, all=True):
        (by_project if of_project else by_offer)[pk].add(topic_id)
    for pk, project_id in project_of.items():
        by_offer[pk] |= by_project.get(project_id, set())
    return by_offer


def projects_looking(ranking: Ranking):
    """Published projects with open offers in or next to the chosen Stadtteil (else
    anywhere), nearest first: another way in when few offers fit."""
    today = timezone.localdate()
    open_offers = Opportunity.objects.filter(
        project_id=models.OuterRef("pk"), is_published=True, is_open=True
    ).filter(models.Q(signup_deadline__isnull=True) | models.Q(signup_deadline__gte=today))
    projects = Project.objects.published().filter(models.Exists(open_offers))
    if ranking.place is not None:
        here = ranking.place_pks | ranking.near_pks
        projects = projects.filter(quartier_id__in=sorted(here)).annotate(
            is_here=models.Case(
                models.When(quartier_id__in=sorted(ranking.place_pks), then=models.Value(0)),
                default=models.Value(1),
            )
        )
        projects = projects.order_by("is_here", "title", "pk")
    else:
        projects = projects.order_by("title", "pk")
    return projects.select_related("quartier").only(
        "quartier", "title", "title_en", "slug", "quartier__name"
    )[:PROJECTS_LOOKING]
