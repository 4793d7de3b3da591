"""The partner sections of the project and Quartier pages (see `quartiere.sections`).

Each context function runs in the page's view and costs one query.
"""

import functools

from django.utils.http import urlencode

from engagierte_stadt.prepared import Prepared
from quartiere import sections

# How many partners a Quartier page shows before linking to the filtered directory.
QUARTIER_PAGE_LIMIT = 6


@functools.cache
def _roles_in_project() -> Prepared:
    """Compiled once per process (engagierte_stadt.prepared), made on first use."""
    from partner.models import ProjectPartner

    return Prepared(
        lambda p: (
            ProjectPartner.objects.filter(project_id=p.project_id, partner__is_published=True)
            .select_related("partner")
            .only("role", "project", "partner__name", "partner__slug")
            .by_role()
        ),
        generic=True,
    )


def project_partners(project) -> dict | None:
    """The published partners of a project with their roles, responsible body first."""
    roles = _roles_in_project()(project_id=project.pk)
    if not roles:
        return None
    return {"roles": roles}


@functools.cache
def _active_in_quartier() -> Prepared:
    """Compiled once per process (engagierte_stadt.prepared); made on first use, as this
    module does not import the models when it is loaded."""
    from partner.models import Partner
    from quartiere.models import Quartier

    return Prepared(
        lambda p: (
            Partner.objects.published()
            .active_in_quartier(Quartier(pk=p.quartier_id))
            .card_columns()
            .directory_order()[: QUARTIER_PAGE_LIMIT + 1]
        ),
        generic=True,
    )


def quartier_partners(quartier) -> dict:
    """Published partners active in the Quartier (or in one inside it), cooperation partners
    first; one more than shown tells whether to link to the full list, without a count."""
    partners = _active_in_quartier()(quartier_id=quartier.pk)
    return {
        "partners": partners[:QUARTIER_PAGE_LIMIT],
        "more": len(partners) > QUARTIER_PAGE_LIMIT,
        "filter_query": urlencode({"quartier": quartier.slug}),
    }


def register_all() -> None:
    sections.register(
        "project",
        order=20,
        template_name="partner/includes/project_partners.html",
        context=project_partners,
    )
    sections.register(
        "quartier",
        order=20,
        template_name="partner/includes/quartier_partners.html",
        context=quartier_partners,
    )
