"""The home page, composed for the visitor who wants to help but does not know how yet."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from konferenzen.models import Meeting
from tests.factories import (
    ArticleFactory,
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
)
from tests.html import assert_headings_in_order, card_titles
from tests.partner.factories import PartnerFactory


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def build_home(size: int) -> None:
    """`size` opportunities of each kind, meetings, partners, featured projects and articles."""
    welper = QuartierFactory(name="Welper", slug="welper")
    project = ProjectFactory(quartier=welper, featured=True)
    for n in range(size):
        OpportunityFactory(project=project, title=f"Frei {n}", places=5)
        OpportunityFactory(project=project, title=f"Voll {n}", places=0)
        ConferenceFactory(quartier=QuartierFactory(name=f"Ort {n}", slug=f"ort-{n}"))
        PartnerFactory(name=f"Verein {n}")
        ProjectFactory(quartier=welper, featured=True)
        ArticleFactory()
    for conference in list(ConferenceFactory._meta.model.objects.all()):
        MeetingFactory(conference=conference)


@pytest.mark.parametrize("size", [2, 30])
def test_home_needs_the_same_queries_with_many_meetings_and_partners(db, client, size):
    build_home(size)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="meetings-heading"' in html and 'id="partners-heading"' in html
    # site settings, opportunities, meetings, articles, featured projects, their topics and
    # pictures, partners – the same budget as tests/quartiere/test_query_budgets.py
    assert len(queries) == 8, [q["sql"] for q in queries]


def test_home_offers_only_ways_to_help_with_free_places(db, client):
    project = ProjectFactory()
    OpportunityFactory(project=project, title="Ohne Grenze", places=None)
    OpportunityFactory(project=project, title="Noch Platz", places=3)
    OpportunityFactory(project=project, title="Ausgebucht", places=0)
    OpportunityFactory(project=project, title="Geschlossen", is_open=False)
    html = client.get("/").content.decode()
    titles = card_titles(section(html, "opportunities-heading"))
    assert titles == ["Noch Platz", "Ohne Grenze"]
    assert "Mitmachen, wo noch Plätze frei sind" in html
    assert 'href="/mitmachen/">Alle Mitmach-Angebote</a>' in html


def test_home_without_free_places_says_whom_to_ask(db, client):
    OpportunityFactory(title="Ausgebucht", places=0)
    html = client.get("/").content.decode()
    assert "Zurzeit hat kein Angebot freie Plätze." in section(html, "opportunities-heading")


def test_home_lists_the_next_district_conferences_and_partners(db, client):
    soon = MeetingFactory(conference=ConferenceFactory(title="Stadtteilkonferenz Welper"))
    MeetingFactory(
        conference=ConferenceFactory(title="Vorbei"),
        starts_at=timezone.now() - timezone.timedelta(days=3),
        ends_at=timezone.now() - timezone.timedelta(days=3, hours=-2),
    )
    PartnerFactory(name="Bürgergesellschaft Blankenstein e.V.")
    html = client.get("/").content.decode()
    meetings = section(html, "meetings-heading")
    assert "Die nächsten Stadtteilkonferenzen" in html
    assert card_titles(meetings) == ["Stadtteilkonferenz Welper"]
    assert soon.get_absolute_url() in meetings
    assert 'href="/stadtteilkonferenzen/">Alle Stadtteilkonferenzen</a>' in meetings
    assert card_titles(section(html, "partners-heading")) == [
        "Bürgergesellschaft Blankenstein e.V."
    ]
    assert_headings_in_order(html)


def test_home_without_meetings_or_partners_leaves_those_sections_out(db, client):
    assert not Meeting.objects.exists()
    html = client.get("/").content.decode()
    assert 'id="meetings-heading"' not in html and 'id="partners-heading"' not in html


def test_demo_home_promises_no_account_and_not_no_signup(db, client):
    """Every offer asks for a sign-up (name and e-mail); what it does not need is an account."""
    call_command("load_demo", stdout=io.StringIO())
    intro = section(client.get("/").content.decode(), "intro-heading")
    assert "ohne Konto" in intro
    # (A meeting card may truthfully say "Ohne Anmeldung – einfach vorbeikommen".)
    assert "ohne anmeldung" not in intro.lower()
