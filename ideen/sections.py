"""The ideas sections of the Quartier page and the project page (see `quartiere.sections`)."""

from ideen.models import Idea
from quartiere import sections

QUARTIER_PAGE_LIMIT = 3


def quartier_section(quartier) -> dict:
    """The newest published ideas of the Quartier (and the Quartiere inside it), in one query;
    one row more than shown tells whether to link to all of them."""
    ideas = list(
        Idea.objects.public()
        .in_quartier(quartier)
        .for_cards()
        .latest_first()[: QUARTIER_PAGE_LIMIT + 1]
    )
    return {
        "ideas": ideas[:QUARTIER_PAGE_LIMIT],
        "more": len(ideas) > QUARTIER_PAGE_LIMIT,
        "quartier": quartier,
    }


def project_section(project) -> dict | None:
    """ "Aus einer Idee": the published idea the project was taken up from (one query), or
    None, which leaves the section out."""
    idea = Idea.objects.public().filter(project=project).only("pk", "title").first()
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
