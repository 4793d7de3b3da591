"""The town's coverage with district conferences: which Stadtteil has one, and where people
wish for one. A read across Quartier, Conference and ConferenceWish for the overview page.

The goal of the programme is a conference in every Ortsteil; the overview lists every
Stadtteil with its active conferences (those of its neighbourhoods included) or the number of
confirmed wishes for one.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When, Window
from django.db.models.functions import Coalesce, RowNumber

from engagierte_stadt.prepared import Prepared
from konferenzen.models import Conference, ConferenceWish
from quartiere.models import Quartier


@dataclass
class DistrictCoverage:
    """One Stadtteil on the overview: its active conferences, or how many people wish for one."""

    district: Quartier
    conferences: list = field(default_factory=list)
    wishes: int = 0
    more: int = 0  # active conferences beyond `CONFERENCES_PER_DISTRICT` (on its page)

    def content(self) -> tuple:
        """Everything of the row that the overview's table shows: the key of its rendered
        markup (`konferenzen_tags.coverage_table`)."""
        district = self.district
        return (
            district.pk,
            district.name,
            district.slug,
            self.wishes,
            self.more,
            tuple(
                (
                    c.pk,
                    c.slug,
                    c.title,
                    c.title_en,
                    c.quartier_id,
                    c.quartier.name if c.quartier_id != district.pk and c.quartier else "",
                    c.next_starts_at,
                    c.next_slug,
                )
                for c in self.conferences
            ),
        )


# The overview names at most this many conferences per Stadtteil and links to the Stadtteil's
# page for the rest, so its size does not grow with the number of conferences.
CONFERENCES_PER_DISTRICT = 5


def district_coverage(now=None) -> list[DistrictCoverage]:
    """Every Stadtteil with its active conferences (those of its neighbourhoods included) and
    the confirmed wishes for a conference in it or its neighbourhoods. Two queries: the
    Quartiere with both counts, and the conferences named.

    Only the conferences the overview names are read with their next meeting: the first
    `CONFERENCES_PER_DISTRICT` of each Stadtteil, picked in the database; the rest are
    counted with the Quartiere, so the work does not grow with the number of conferences.
    """
    # Only what the table shows of a Stadtteil, with its two counts as subqueries (two
    # joins would multiply each other's rows, and a query of their own costs a round trip).
    quartiere = QUARTIERE_WITH_COUNTS()
    # The Stadtteil a Quartier belongs to: itself, or the district it lies in.
    district_of = {
        q.pk: q.pk if q.kind == Quartier.Kind.DISTRICT or q.parent_id is None else q.parent_id
        for q in quartiere
    }
    rows = {
        q.pk: DistrictCoverage(district=q) for q in quartiere if q.kind == Quartier.Kind.DISTRICT
    }
    for conference in NAMED_ON_OVERVIEW(**({"now": now} if now else {})):
        row = rows.get(district_of.get(conference.quartier_id))
        if row is not None:
            row.conferences.append(conference)
    for q in quartiere:
        row = rows.get(district_of[q.pk])
        if row is not None:
            row.more += q.active_conferences
            row.wishes += q.wishes
    for row in rows.values():
        row.more -= len(row.conferences)
    return list(rows.values())


def _count(rows):
    """The number of `rows` (of a model with a `quartier`) in the outer query's Quartier."""
    counted = (
        rows.filter(quartier=OuterRef("pk"))
        .order_by()
        .values("quartier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _named_on_overview():
    """The ids of the first `CONFERENCES_PER_DISTRICT` active conferences of each Stadtteil
    (by title, as listed), as a subquery: the same Stadtteil as `district_of` above."""
    district = Case(
        When(
            Q(quartier__kind=Quartier.Kind.DISTRICT) | Q(quartier__parent__isnull=True),
            then=F("quartier_id"),
        ),
        default=F("quartier__parent_id"),
    )
    return (
        Conference.objects.active()
        .annotate(rank=Window(RowNumber(), partition_by=[district], order_by=[F("title"), F("pk")]))
        .filter(rank__lte=CONFERENCES_PER_DISTRICT)
        .values("pk")
    )


# Both queries compiled once per process (engagierte_stadt.prepared).
QUARTIERE_WITH_COUNTS = Prepared(
    lambda p: (
        Quartier.objects.only("name", "slug", "kind", "parent")
        .annotate(
            active_conferences=_count(Conference.objects.active()),
            wishes=_count(ConferenceWish.objects.confirmed()),
        )
        .order_by("name", "pk")
    ),
    generic=True,
)
NAMED_ON_OVERVIEW = Prepared(
    lambda p: Conference.objects.filter(pk__in=_named_on_overview()).for_lists(),
    generic=True,
)
