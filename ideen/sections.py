"""The ideas sections of the Quartier page and the project page (see `quartiere.sections`)."""

from engagierte_stadt.prepared import Prepared
from ideen.models import Idea
from quartiere import sections
from quartiere.models import Quartier

QUARTIER_PAGE_LIMIT = 3


# Compiled once per process (engagierte_stadt.prepared).
NEWEST_IN_QUARTIER = Prepared(
    lambda p: (
        Idea.objects.public()
        .in_quartier(Quartier(pk=p.quartier_id))
        .for_cards()
        .latest_first()[: QUARTIER_PAGE_LIMIT + 1]
    ),
    generic=True,
)


def quartier_section(quartier) -> dict:
    """The newest published ideas of the Quartier (and the Quartiere inside it), in one query;
    one row more than shown tells whether to link to all of them."""
    ideas = NEWEST_IN_QUARTIER(quartier_id=quartier.pk)
    return {
        "ideas": ideas[:QUARTIER_PAGE_LIMIT],
        "more": len(ideas) > QUARTIER_PAGE_LIMIT,
        "quartier": quartier,
    }


TAKEN_UP_INTO = Prepared(
    lambda p: Idea.objects.public().filter(project_id=p.project_id).only("pk", "title")[:1],
    generic=True,
)


def project_section(project) -> dict | None:
    """ "Aus einer Idee": the published idea the project was taken up from (one query), or
    None, which leaves the section out."""
    found = TAKEN_UP_INTO(project_id=project.pk)
    idea = found[0] if found else None
    return {"idea": idea} if idea is not None else None


def register_all() -> None:
    sections.register(
        "project",
        order=5,
        template_name="ideen/includes/project_section.html",
        context=project_section,
    )
    sections.register(
        "quartier",
        order=15,
        template_name="ideen/includes/quartier_section.html",
        context=quartier_section,
    )
