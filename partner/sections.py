"""The partner sections of the project and Quartier pages (see `quartiere.sections`).

Each context function runs in the page's view and costs one query.
"""

from django.utils.http import urlencode

from quartiere import sections

# How many partners a Quartier page shows before linking to the filtered directory.
QUARTIER_PAGE_LIMIT = 6


def project_partners(project) -> dict | None:
    """The published partners of a project with their roles, responsible body first."""
    from partner.models import ProjectPartner

    roles = list(
        ProjectPartner.objects.filter(project=project, partner__is_published=True)
        .select_related("partner")
        .only("role", "project", "partner__name", "partner__slug")
        .by_role()
    )
    if not roles:
        return None
    return {"roles": roles}


def quartier_partners(quartier) -> dict:
    """Published partners active in the Quartier (or in one inside it), cooperation partners
    first; one more than shown tells whether to link to the full list, without a count."""
    from partner.models import Partner

    partners = list(
        Partner.objects.published()
        .active_in_quartier(quartier)
        .card_columns()
        .directory_order()[: QUARTIER_PAGE_LIMIT + 1]
    )
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
