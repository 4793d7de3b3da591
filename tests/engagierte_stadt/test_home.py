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
from tests.html import assert_headings_in_order, card_titles, find_all
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
    # site settings, the Stadtteile of the finder's first question, opportunities, meetings,
    # articles, featured projects, their topics and pictures, partners
    assert len(queries) == 9, [q["sql"] for q in queries]


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


def test_home_asks_the_finders_first_questions_and_each_time_button_sends(db, client):
    """Where, without German, and how much time: the last answer is the tap that sends, to
    the finder's results with the finder's own values."""
    QuartierFactory(name="Welper", slug="welper")
    html = client.get("/").content.decode()
    intro = section(html, "intro-heading")
    [form] = find_all(html, "form", action="/mitmachen/finden/#ergebnisse")
    assert form["method"] == "get"
    assert '<option value="welper">Welper</option>' in intro
    [no_german] = find_all(html, "input", type="checkbox", id="quick-ohne-deutsch")
    assert (no_german["name"], no_german["value"]) == ("passt", "ohne-deutsch")
    assert 'for="quick-ohne-deutsch">ohne Deutschkenntnisse</label>' in intro
    sending = find_all(html, "button", type="submit", name="zeit")
    buttons = [(b["name"], b["value"]) for b in sending]
    assert buttons == [
        ("zeit", "einmalig"),
        ("zeit", "monatlich"),
        ("zeit", "woechentlich"),
        ("zeit", ""),
    ]
    assert "Ein paar Stunden im Monat" in intro
    # The finder answers what the home page sends.
    results = client.get("/mitmachen/finden/?stadtteil=welper&passt=ohne-deutsch&zeit=monatlich")
    assert results.status_code == 200
    assert 'id="ergebnisse"' in results.content.decode()
