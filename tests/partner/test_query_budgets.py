"""Query budgets of the partner pages, measured with 1 000 partners.

Each page needs exactly its budget with few rows and with many, so the count cannot grow
with the data (no query per card, logo, Quartier or role in a template).
"""

import itertools

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partner.models import Partner, PartnerKind, ProjectPartner, ProjectRole
from quartiere.models import Opportunity, Project, Publication
from tests.factories import QuartierFactory
from tests.images import image_bytes

MAX_QUERIES = 10

BUDGETS = {
    # site settings, Quartier choices, count, page, Quartiere of the cards
    "directory": ("/partner/", 5),
    "directory_filtered": ("/partner/?art=unternehmen&quartier=mitte", 5),
    "directory_page_3": ("/partner/?quartier=welper&page=3", 5),
    # site settings, partner, its Quartiere, its roles with projects, open opportunities
    "detail": ("/partner/gross/", 5),
    # site settings, businesses, their Quartiere
    "for_business": ("/partner/fuer-unternehmen/", 3),
    # site settings, supporters, cities, topics
    "network": ("/partner/netzwerk/", 4),
    # site settings, Quartier choices
    "apply": ("/partner/partner-werden/", 2),
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def build_network(size):
    """`size` published partners (and some unpublished ones) with logos, Quartiere and roles."""
    mitte = QuartierFactory(name="Mitte", slug="mitte")
    quartiere = [
        mitte,
        QuartierFactory(name="Rauendahl", slug="rauendahl", parent=mitte, kind="quartier"),
        QuartierFactory(name="Welper", slug="welper"),
    ]
    projects = Project.objects.bulk_create(
        Project(
            quartier=quartiere[n % 3],
            title=f"Projekt {n}",
            slug=f"projekt-{n}",
            teaser="Ein Projekt.",
            publication=Publication.PUBLISHED,
        )
        for n in range(20)
    )
    Opportunity.objects.bulk_create(
        Opportunity(
            project=project,
            quartier=project.quartier,
            title=f"Angebot {n}",
            slug=f"angebot-{n}",
            description="Helfen Sie mit.",
            places=5,
        )
        for n, project in enumerate(projects * 2)
    )
    logo = default_storage.save("partner/budget.png", ContentFile(image_bytes("PNG")))
    # Businesses first, so that even the small network has one for every page.
    kinds = itertools.cycle(
        [PartnerKind.BUSINESS, *(k for k in PartnerKind.values if k != PartnerKind.BUSINESS)]
    )
    partners = Partner.objects.bulk_create(
        Partner(
            name=f"Partner {n:05d}",
            slug="gross" if n == 0 else f"partner-{n}",
            kind=next(kinds),
            teaser="Ein Partner im Netzwerk.",
            logo=logo if n % 2 else "",
            logo_width=40,
            logo_height=30,
            is_cooperation_partner=n % 50 == 0,
            is_published=n < size,
        )
        for n in range(size + size // 10)
    )
    Partner.quartiere.through.objects.bulk_create(
        Partner.quartiere.through(partner=partner, quartier=quartier)
        for n, partner in enumerate(partners)
        for quartier in quartiere[: 1 + n % 3]
    )
    ProjectPartner.objects.bulk_create(
        ProjectPartner(partner=partners[0], project=project, role=role)
        for project, role in zip(projects, itertools.cycle(ProjectRole.values), strict=False)
    )
    ProjectPartner.objects.bulk_create(
        ProjectPartner(partner=partner, project=projects[n % 20], role=ProjectRole.SUPPORTER)
        for n, partner in enumerate(partners[1:])
    )


CASES = [
    (page, size)
    for page in BUDGETS
    for size in (5, 1000)
    if not (page == "directory_page_3" and size == 5)  # five partners fill one page
]


@pytest.mark.parametrize(("page", "size"), CASES)
def test_page_needs_the_same_few_queries_with_many_partners(db, client, page, size):
    build_network(size)
    url, budget = BUDGETS[page]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) <= MAX_QUERIES
    assert len(queries) == budget, [q["sql"] for q in queries]


def test_directory_really_shows_cards_with_logos_and_quartiere(db, client):
    build_network(1000)
    response = client.get("/partner/?quartier=mitte")
    html = response.content.decode()
    shown = response.context["partners"]
    assert html.count('class="kern-card site-card site-partner-card"') == len(shown) == 24
    with_logo = [partner for partner in shown if partner.logo]
    assert 0 < len(with_logo) < 24
    assert html.count('src="/media/partner/budget') == len(with_logo)
    assert "Aktiv in: Mitte" in html
    assert Partner.objects.published().count() == 1000


@pytest.mark.parametrize("size", [5, 1000])
def test_partner_sections_cost_one_query_each(db, client, size):
    """The project and Quartier pages pay one query each for their partner section."""
    from quartiere import sections
    from quartiere.models import Quartier

    build_network(size)
    project = Project.objects.get(slug="projekt-0")
    for page, obj in (("project", project), ("quartier", Quartier.objects.get(slug="mitte"))):
        partner_sections = [s for s in sections._registry[page] if "partner/" in s.template_name]
        assert len(partner_sections) == 1
        with CaptureQueriesContext(connection) as queries:
            data = partner_sections[0].context(obj)
        assert len(queries) == 1, page
        assert data
