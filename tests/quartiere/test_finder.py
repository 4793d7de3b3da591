"""The Engagement-Finder (/mitmachen/finden/): ranking on a fixed data set, reasons, alternatives.

The town: Welper next to Blankenstein and Hattingen-Mitte; Holthausen further away.

    offer          where         time                      when       topic       suits
    Kuchen backen  Welper        flexible, 2 h a month     –          –           no German
    Lesen          Welper        regular, 10 h a month     weekdays   –           –
    Ufer putzen    Welper        once, 3 hours, in 10 days weekdays   own: Umwelt no German
    Burg zeigen    Blankenstein  regular, 3 h a month      weekends   Kultur      no German
    Garten gießen  Holthausen    regular, 4 h a month      weekdays   project: Umwelt (Handwerk)
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from quartiere import finder
from quartiere.models import Opportunity, Quartier, Skill
from tests.factories import (
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
    TopicFactory,
)
from tests.html import assert_headings_in_order, card_titles
from tests.signup_helpers import consent_at_button

URL = "/mitmachen/finden/"
REGULAR = Opportunity.Commitment.REGULAR


@pytest.fixture
def town(db):
    welper = QuartierFactory(name="Welper", slug="welper")
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    holthausen = QuartierFactory(name="Holthausen", slug="holthausen")
    welper.neighbours.add(blankenstein, mitte)
    umwelt = TopicFactory(name="Umwelt", slug="umwelt")
    kultur = TopicFactory(name="Kultur", slug="kultur")
    handwerk = Skill.objects.create(name="Handwerk", slug="handwerk")
    cafe = ProjectFactory(title="Erzählcafé", slug="erzaehlcafe", quartier=welper)
    burg = ProjectFactory(
        title="Burggeschichten", slug="burg", quartier=blankenstein, topics=[kultur]
    )
    garten = ProjectFactory(title="Garten", slug="garten", quartier=holthausen, topics=[umwelt])
    start = timezone.now() + datetime.timedelta(days=10)
    offers = {
        "kuchen": OpportunityFactory(
            project=cafe, title="Kuchen backen", hours_per_month=2, suitable_without_german=True
        ),
        "lesen": OpportunityFactory(
            project=cafe, title="Lesen", commitment=REGULAR, hours_per_month=10, on_weekdays=True
        ),
        "ufer": OpportunityFactory(
            project=None,
            quartier=welper,
            title="Ufer putzen",
            commitment=Opportunity.Commitment.ONCE,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            on_weekdays=True,
            suitable_without_german=True,
        ),
        "burg": OpportunityFactory(
            project=burg,
            title="Burg zeigen",
            commitment=REGULAR,
            hours_per_month=3,
            at_weekends=True,
            suitable_without_german=True,
        ),
        "garten": OpportunityFactory(
            project=garten,
            title="Garten gießen",
            commitment=REGULAR,
            hours_per_month=4,
            on_weekdays=True,
            skills=[handwerk],
        ),
    }
    offers["ufer"].topics.add(umwelt)
    return {"welper": welper, "blankenstein": blankenstein, **offers}


def results(client, query):
    """(matches, alternatives): the card titles of the two lists, in page order."""
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    matches, _sep, alternatives = html.partition('id="alternatives-heading"')
    return card_titles(matches), card_titles(alternatives)


def card(html: str, title: str) -> str:
    """The text of the card with `title`, tags removed."""
    start = html.index(f">{title}</a>")
    block = html[html.rfind("<article", 0, start) : html.index("</article>", start)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))


# --- the questions ---------------------------------------------------------------------------


def test_finder_asks_its_questions_in_one_get_form(town, client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<form class="site-finder__form" method="get" action="/mitmachen/finden/#ergebnisse"'
        in html
    )
    for question in (
        "Wo?",
        "auch in benachbarten Stadtteilen",
        "Wie viel Zeit haben Sie?",
        "ein paar Stunden im Monat",
        "Wann?",
        "Was liegt Ihnen am Herzen?",
        "Was können Sie, oder was möchten Sie lernen?",
        "Was soll zu Ihnen passen?",
        "ohne Deutschkenntnisse",
    ):
        assert question in html
    assert card_titles(html) == []  # no results before asking
    assert_headings_in_order(html)


def test_finder_is_linked_from_the_home_page_and_the_opportunity_list(town, client):
    assert f'href="{URL}"' in client.get("/").content.decode()
    assert f'href="{URL}"' in client.get("/mitmachen/").content.decode()


# --- the ranking: each answer changes the order as documented ----------------------------------


def test_without_answers_every_open_offer_is_listed_by_free_places_deadline_and_title(town, client):
    matches, alternatives = results(client, "stadtteil=")
    assert matches == ["Burg zeigen", "Garten gießen", "Kuchen backen", "Lesen", "Ufer putzen"]
    assert alternatives == []


def test_stadtteil_puts_its_offers_first_and_only_they_match(town, client):
    matches, alternatives = results(client, "stadtteil=welper")
    assert matches == ["Kuchen backen", "Lesen", "Ufer putzen"]
    assert alternatives == []  # three matches are enough


def test_neighbours_count_as_matches_after_the_stadtteil_itself(town, client):
    matches, _alternatives = results(client, "stadtteil=welper&nachbarn=on")
    assert matches == ["Kuchen backen", "Lesen", "Ufer putzen", "Burg zeigen"]


def test_a_finder_page_with_neighbours_compiles_no_query_on_its_second_request(
    town, client, settings, compiled_queries
):
    """Issue #17: the Stadtteil's neighbours were a query built and compiled on every
    request; now every query of the finder's page is compiled once per process."""
    settings.PAGE_CACHE = False
    first = results(client, "stadtteil=welper&nachbarn=on")
    compiled_queries.clear()
    assert results(client, "stadtteil=welper&nachbarn=on") == first
    assert first[0] == ["Kuchen backen", "Lesen", "Ufer putzen", "Burg zeigen"]
    assert compiled_queries == []


def test_a_few_hours_a_month_keeps_flexible_and_short_regular_offers(town, client):
    matches, alternatives = results(client, "stadtteil=welper&zeit=monatlich")
    assert matches == ["Kuchen backen"]
    # Nearest first: one condition missed each; Blankenstein has 2 + 2 points, the Welper
    # offers 3, Holthausen 2.
    assert alternatives == ["Burg zeigen", "Lesen", "Ufer putzen", "Garten gießen"]


def test_without_german_moves_offers_that_say_so_up(town, client):
    matches, alternatives = results(client, "stadtteil=welper&passt=ohne-deutsch")
    assert matches == ["Kuchen backen", "Ufer putzen"]
    assert alternatives == ["Burg zeigen", "Lesen", "Garten gießen"]


def test_topic_finds_offers_with_their_own_topic_and_their_projects(town, client):
    matches, _alternatives = results(client, "thema=umwelt")
    assert matches == ["Garten gießen", "Ufer putzen"]


def test_skill_finds_the_offers_asking_for_it(town, client):
    matches, _alternatives = results(client, "kann=handwerk")
    assert matches == ["Garten gießen"]


def test_weekends_fit_weekend_offers_and_those_by_arrangement(town, client):
    matches, _alternatives = results(client, "wann=wochenende")
    assert matches == ["Burg zeigen", "Kuchen backen"]


def test_once_fits_one_off_and_flexible_offers(town, client):
    matches, _alternatives = results(client, "zeit=einmalig")
    assert matches == ["Kuchen backen", "Ufer putzen"]


def test_score_outweighs_alphabet(town, client):
    """Time (2 points) plus neighbour (2) beat the Stadtteil alone (3)."""
    ranking = finder.Ranking(
        finder.Answers(place="welper", neighbours=True, time=finder.WEEKLY),
        finder.Choices.load(),
    )
    ranked = ranking.annotate(finder.candidates()).order_by(*finder.ORDER)
    scores = {o.title: o.finder_score for o in ranked}
    assert scores == {
        "Lesen": 5,
        "Kuchen backen": 5,
        "Burg zeigen": 4,
        "Ufer putzen": 3,
        "Garten gießen": 2,
    }


# --- reasons ----------------------------------------------------------------------------------


def test_every_result_states_why_it_fits(town, client):
    html = client.get(f"{URL}?stadtteil=welper&nachbarn=on").content.decode()
    for title in ("Kuchen backen", "Lesen", "Ufer putzen", "Burg zeigen"):
        assert "Passt, weil:" in card(html, title), title
    assert "Passt, weil: in Burg zeigen" not in html
    assert "Passt, weil: in Blankenstein, gleich nebenan" in card(html, "Burg zeigen")


def test_card_leads_straight_to_the_offers_sign_up_form(town, client):
    html = client.get(f"{URL}?stadtteil=welper&zeit=monatlich").content.decode()
    kuchen = town["kuchen"].get_absolute_url()
    # The title leads to the offer's page, the main action to its form there.
    assert f'<a class="kern-link kern-link--stretched" href="{kuchen}">Kuchen backen</a>' in html
    assert (
        f'<a class="kern-btn kern-btn--primary" href="{kuchen}#anmelden" '
        'aria-label="Anmelden: Kuchen backen">'
    ) in html
    page = client.get(kuchen).content.decode()
    assert 'id="anmelden"' in page
    assert consent_at_button(page)["button"] == "Einverstanden – Anmeldung absenden"


def test_card_explains_place_time_and_suitability(town, client):
    html = client.get(
        f"{URL}?stadtteil=welper&zeit=monatlich&passt=ohne-deutsch&thema=umwelt"
    ).content.decode()
    assert "Passt, weil: in Welper · etwa 2 Stunden im Monat · ohne Deutschkenntnisse" in card(
        html, "Kuchen backen"
    )
    assert "Abweichend: keines Ihrer Themen" in card(html, "Kuchen backen")


def test_without_answers_cards_state_place_and_time(town, client):
    html = client.get(f"{URL}?stadtteil=").content.decode()
    assert "Passt, weil: in Welper · etwa 2 Stunden im Monat" in card(html, "Kuchen backen")
    assert "Passt, weil: in Welper · einmalig, etwa 3 Stunden" in card(html, "Ufer putzen")


# --- nothing fits exactly ---------------------------------------------------------------------


def test_no_match_shows_alternatives_naming_the_relaxed_condition(town, client):
    response = client.get(f"{URL}?stadtteil=welper&zeit=woechentlich&thema=kultur")
    html = response.content.decode()
    assert "Noch passt kein Angebot zu allen Ihren Angaben" in html
    _matches, alternatives = results(client, "stadtteil=welper&zeit=woechentlich&thema=kultur")
    assert alternatives[0] == "Burg zeigen"
    assert "Abweichend: in Blankenstein, gleich nebenan" in card(html, "Burg zeigen")
    assert "Passt, weil: etwa 3 Stunden im Monat · Kultur" in card(html, "Burg zeigen")
    assert "einmalig statt regelmäßig" in card(html, "Ufer putzen")
    assert "in Holthausen, nicht in Welper" in card(html, "Garten gießen")


def test_no_match_names_other_ways_in(town, client):
    conference = ConferenceFactory(quartier=town["welper"], title="Stadtteilkonferenz Welper")
    MeetingFactory(conference=conference)
    html = client.get(f"{URL}?stadtteil=welper&zeit=woechentlich&thema=kultur").content.decode()
    assert "Andere Wege zum Mitmachen" in html
    assert "Die Stadtteilkonferenz in Welper" in html
    assert "Stadtteilkonferenz Welper</a> – Nächster Termin:" in html
    assert "Projekte, die Mitstreiter suchen" in html
    assert '<a class="kern-link" href="/projekte/erzaehlcafe/">Erzählcafé</a>' in html
    assert 'href="/quartiere/welper/"' in html
    assert_headings_in_order(html)


def test_no_conference_yet_offers_to_wish_for_one(town, client):
    html = client.get(f"{URL}?stadtteil=welper&thema=kultur&zeit=einmalig").content.decode()
    assert "Noch keine Stadtteilkonferenz" in html
    assert f'href="{reverse("konferenzen:wish", kwargs={"slug": "welper"})}"' in html


def test_page_is_never_empty_even_in_an_empty_town(db, client):
    QuartierFactory(name="Welper", slug="welper")
    html = client.get(f"{URL}?stadtteil=welper&zeit=monatlich").content.decode()
    assert "Noch passt kein Angebot zu allen Ihren Angaben" in html
    assert "Andere Wege zum Mitmachen" in html


# --- the address ------------------------------------------------------------------------------


def test_the_same_address_gives_the_same_results(town, client):
    query = "stadtteil=welper&nachbarn=on&zeit=monatlich&passt=ohne-deutsch"
    first = client.get(f"{URL}?{query}").content.decode()
    # Offers edited in between (a newer `updated_at`) keep their place: ties break by
    # places, deadline, title and id, never by the database's row order.
    town["kuchen"].save()
    town["burg"].save()
    second = client.get(f"{URL}?{query}").content.decode()
    assert card_titles(first) == card_titles(second)
    assert card_titles(first)


def test_form_keeps_the_answers(town, client):
    html = client.get(
        f"{URL}?stadtteil=welper&nachbarn=on&zeit=monatlich&passt=ohne-deutsch"
    ).content.decode()
    assert re.search(r'<option value="welper"\s+selected>', html)
    assert re.search(r'name="nachbarn"[^>]*checked', html)
    assert re.search(r'value="monatlich"[^>]*checked', html)
    assert re.search(r'value="ohne-deutsch"[^>]*checked', html)


def test_unknown_values_are_explained_and_the_rest_still_counts(town, client):
    response = client.get(f"{URL}?stadtteil=atlantis&zeit=morgen&passt=ohne-deutsch&page=x")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Einige Angaben wurden nicht berücksichtigt" in html
    assert "Diesen Wert kennen wir nicht, deshalb wurde diese Frage nicht berücksichtigt." in html
    matches, _alternatives = results(client, "stadtteil=atlantis&zeit=morgen&passt=ohne-deutsch")
    assert matches == ["Burg zeigen", "Kuchen backen", "Ufer putzen"]


@pytest.mark.parametrize(
    "query", ["page=999", "page=-1", "thema=x&thema=umwelt", "nachbarn=vielleicht"]
)
def test_odd_addresses_never_fail(town, client, query):
    assert client.get(f"{URL}?{query}").status_code == 200


def test_page_explains_the_order_in_one_sentence(town, client):
    html = client.get(f"{URL}?stadtteil=welper").content.decode()
    assert "Angebote, die mehr Ihrer Angaben erfüllen, stehen weiter oben" in html


def test_closed_full_draft_and_past_offers_are_not_suggested(town, client):
    OpportunityFactory(project=None, quartier=town["welper"], title="Zu", is_open=False)
    OpportunityFactory(project=None, quartier=town["welper"], title="Entwurf", is_published=False)
    past = timezone.now() - datetime.timedelta(days=2)
    OpportunityFactory(
        project=None,
        quartier=town["welper"],
        title="Vorbei",
        commitment=Opportunity.Commitment.ONCE,
        starts_at=past,
    )
    matches, alternatives = results(client, "stadtteil=")
    assert not {"Zu", "Entwurf", "Vorbei"} & set(matches + alternatives)


def test_neighbours_are_symmetric(town):
    assert town["welper"] in Quartier.objects.get(slug="blankenstein").neighbours.all()
