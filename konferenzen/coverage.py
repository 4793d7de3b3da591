"""The town's coverage with district conferences: which Stadtteil has one, and where people
wish for one. A read across Quartier, Conference and ConferenceWish for the overview page.

The goal of the programme is a conference in every Ortsteil; the overview lists every
Stadtteil with its active conferences (those of its neighbourhoods included) or the number of
confirmed wishes for one.
"""

from dataclasses import dataclass, field

from konferenzen.models import Conference, ConferenceWish
from quartiere.models import Quartier


@dataclass
class DistrictCoverage:
    """One Stadtteil on the overview: its active conferences, or how many people wish for one."""

    district: Quartier
    conferences: list = field(default_factory=list)
    wishes: int = 0
    more: int = 0  # active conferences beyond `CONFERENCES_PER_DISTRICT` (on its page)


# The overview names at most this many conferences per Stadtteil and links to the Stadtteil's
# page for the rest, so its size does not grow with the number of conferences.
CONFERENCES_PER_DISTRICT = 5


def district_coverage(now=None) -> list[DistrictCoverage]:
    """Every Stadtteil with its active conferences (those of its neighbourhoods included) and
    the confirmed wishes for a conference in it or its neighbourhoods. Three queries."""
    quartiere = list(Quartier.objects.order_by("name", "pk"))
    # The Stadtteil a Quartier belongs to: itself, or the district it lies in.
    district_of = {
        q.pk: q.pk if q.kind == Quartier.Kind.DISTRICT or q.parent_id is None else q.parent_id
        for q in quartiere
    }
    rows = {
        q.pk: DistrictCoverage(district=q) for q in quartiere if q.kind == Quartier.Kind.DISTRICT
    }
    for conference in Conference.objects.active().for_lists(now):
        row = rows.get(district_of.get(conference.quartier_id))
        if row is None:
            continue
        if len(row.conferences) < CONFERENCES_PER_DISTRICT:
            row.conferences.append(conference)
        else:
            row.more += 1
    for quartier_id, count in ConferenceWish.objects.confirmed().counts_by_quartier().items():
        row = rows.get(district_of.get(quartier_id))
        if row is not None:
            row.wishes += count
    return list(rows.values())
