"""The conference section of the Quartier page (see `quartiere.sections`).

`quartiere` does not import this app, so the section is registered from
`KonferenzenConfig.ready()`. Its context function runs in the page's view.
"""

from engagierte_stadt.prepared import Prepared
from konferenzen.models import Conference, ConferenceWish
from quartiere import sections
from quartiere.models import Quartier

# At most this many conferences in the section; the overview lists every one.
CONFERENCES_SHOWN = 5


# Compiled once per process (engagierte_stadt.prepared); `parent_id` None or not is part of
# the query's shape (`Conference.objects.around()`).
AROUND_QUARTIER = Prepared(
    lambda p: (
        Conference.objects.active()
        .around(Quartier(pk=p.quartier_id, parent_id=p.parent_id))
        .for_lists()[: CONFERENCES_SHOWN + 1]
    ),
    generic=True,
)


def quartier_section(quartier) -> dict:
    """The conference section of a Quartier page, in one or two queries.

    The conferences meeting for the Quartier: its own, its neighbourhoods' and, for a
    neighbourhood, its district's — at most `CONFERENCES_SHOWN`, and `more` when there are
    others (one row more than shown tells, without a count): the page costs the same however
    many conferences a town has. Without any, the number of confirmed wishes for one in the
    Quartier (or its neighbourhoods).
    """
    found = AROUND_QUARTIER(quartier_id=quartier.pk, parent_id=quartier.parent_id)
    conferences = found[:CONFERENCES_SHOWN]
    wishes = 0 if conferences else ConferenceWish.objects.confirmed().in_quartier(quartier).count()
    return {
        "conferences": conferences,
        "more": len(found) > CONFERENCES_SHOWN,
        "wishes": wishes,
        "quartier": quartier,
    }


def register_all() -> None:
    # The Quartier page shows its conference (or how to wish for one).
    sections.register(
        "quartier",
        order=10,
        template_name="konferenzen/includes/quartier_section.html",
        context=quartier_section,
    )
    # The Engagement-Finder names the conference of the chosen Stadtteil as another way in.
    sections.register(
        "finder",
        order=10,
        template_name="konferenzen/includes/finder_section.html",
        context=quartier_section,
    )
