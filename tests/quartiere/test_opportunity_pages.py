"""Opportunity list "Mitmachen" with filters, and the opportunity page with its sign-up spot."""

import datetime
import re

import pytest
from django.utils import timezone

from quartiere.models import Opportunity, Publication, Quartier
from tests.factories import (
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
    TopicFactory,
)
from tests.html import assert_headings_in_order, card_titles, find_all, parse


@pytest.fixture
def town(db):
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    rauendahl = QuartierFactory(
        name="Rauendahl", slug="rauendahl", kind=Quartier.Kind.NEIGHBOURHOOD, parent=mitte
    )
    welper = QuartierFactory(name="Welper", slug="welper")
    umwelt = TopicFactory(name="Umwelt und Klima", slug="umwelt")
    garten = ProjectFactory(
        title="Gemeinschaftsgarten", slug="gemeinschaftsgarten", quartier=rauendahl, topics=[umwelt]
    )
    cafe = ProjectFactory(title="Nachbarschaftscafé", slug="nachbarschaftscafe", quartier=mitte)
    return {"mitte": mitte, "welper": welper, "garten": garten, "cafe": cafe}


@pytest.fixture
def offers(town):
    return {
        "giessen": OpportunityFactory(
            project=town["garten"],
            title="Beete gießen",
            slug="beete-giessen",
            commitment=Opportunity.Commitment.REGULAR,
            hours_per_month=4,
            weekdays=["mo", "mi"],
            suitable_families=True,
            step_free=True,
        ),
        "kuchen": OpportunityFactory(
            project=town["cafe"],
            title="Kuchen backen",
            slug="kuchen-backen",
            suitable_families=True,
        ),
        "ufer": OpportunityFactory(
            project=None,
            quartier=town["welper"],
            title="Ufer aufräumen",
            slug="ufer-aufraeumen",
            commitment=Opportunity.Commitment.ONCE,
            starts_at=timezone.make_aware(datetime.datetime(2030, 7, 13, 10, 0)),
            ends_at=timezone.make_aware(datetime.datetime(2030, 7, 13, 14, 0)),
            step_free=True,
            suitable_youth=True,
        ),
    }


# --- List ------------------------------------------------------------------------------


def test_list_shows_published_opportunities_only(offers, town, client):
    OpportunityFactory(project=town["cafe"], title="Nicht veröffentlicht", is_published=False)
    draft = ProjectFactory(publication=Publication.DRAFT)
    OpportunityFactory(project=draft, title="Im Entwurfsprojekt")
    html = client.get("/mitmachen/").content.decode()
    assert sorted(card_titles(html)) == ["Beete gießen", "Kuchen backen", "Ufer aufräumen"]


def test_list_announces_the_number_of_results(offers, client):
    html = client.get("/mitmachen/").content.decode()
    assert '<p class="kern-body site-result-count" role="status">3 Angebote gefunden</p>' in html


def test_list_puts_free_places_first_then_full_then_closed(town, client):
    OpportunityFactory(project=town["cafe"], title="A geschlossen", places=5, is_open=False)
    OpportunityFactory(project=town["cafe"], title="B ausgebucht", places=0)
    OpportunityFactory(project=town["cafe"], title="C frei", places=3)
    OpportunityFactory(project=town["cafe"], title="D unbegrenzt", places=None)
    html = client.get("/mitmachen/").content.decode()
    assert card_titles(html) == ["C frei", "D unbegrenzt", "B ausgebucht", "A geschlossen"]


def test_card_shows_project_quartier_time_places_and_suitability(offers, client):
    html = client.get("/mitmachen/").content.decode()
    assert "Gemeinschaftsgarten · Rauendahl" in html
    assert "Regelmäßig, etwa 4 Stunden im Monat (Montag, Mittwoch)" in html
    assert "Plätze: unbegrenzt" in html
    assert '<li class="site-tag">Für Familien geeignet</li>' in html
    assert '<li class="site-tag">Stufenloser Zugang</li>' in html


def test_card_marks_closed_opportunities(town, client):
    OpportunityFactory(project=town["cafe"], title="Vorbei", is_open=False)
    html = client.get("/mitmachen/").content.decode()
    assert "Anmeldung geschlossen" in html


def test_list_filters_by_quartier_including_its_neighbourhoods(offers, client):
    html = client.get("/mitmachen/?quartier=hattingen-mitte").content.decode()
    assert card_titles(html) == ["Beete gießen", "Kuchen backen"]


def test_list_filters_by_the_topic_of_the_project(offers, client):
    html = client.get("/mitmachen/?topic=umwelt").content.decode()
    assert card_titles(html) == ["Beete gießen"]


def test_list_filters_by_time_commitment(offers, client):
    html = client.get("/mitmachen/?commitment=einmalig").content.decode()
    assert card_titles(html) == ["Ufer aufräumen"]


def test_suitability_filter_shows_offers_that_fit_every_ticked_box(offers, client):
    html = client.get("/mitmachen/?suitable=families&suitable=step_free").content.decode()
    assert card_titles(html) == ["Beete gießen"]


def test_opportunity_filters_combine(offers, client):
    url = "/mitmachen/?quartier=hattingen-mitte&commitment=flexibel&suitable=families"
    assert card_titles(client.get(url).content.decode()) == ["Kuchen backen"]


def test_time_commitment_is_a_radio_group_with_german_labels(offers, client):
    html = client.get("/mitmachen/").content.decode()
    assert '<legend class="kern-label">Zeitaufwand' in html
    labels = re.findall(r'<label class="kern-label" for="id_commitment_\d">([^<]+)</label>', html)
    assert labels == ["Alle", "einmalig", "regelmäßig", "flexibel"]
    assert "checked" in find_all(html, "input", id="id_commitment_0")[0]


def test_suitability_is_a_checkbox_group(offers, client):
    html = client.get("/mitmachen/").content.decode()
    assert '<legend class="kern-label">Eignung' in html
    values = [i["value"] for i in find_all(html, "input", type="checkbox", name="suitable")]
    assert values == ["youth", "families", "seniors", "no_german", "step_free"]


def test_filter_form_keeps_the_chosen_values(offers, client):
    html = client.get(
        "/mitmachen/?quartier=welper&commitment=einmalig&suitable=youth&suitable=step_free"
    ).content.decode()
    assert '<option value="welper" selected>Welper</option>' in html
    checked = {(i["name"], i["value"]) for i in find_all(html, "input") if "checked" in i}
    checked.discard(("frequency", "sofort"))  # the alert form's default, not a filter
    checked.discard(("time", ""))  # "Any": no time chosen
    assert checked == {("commitment", "einmalig"), ("suitable", "youth"), ("suitable", "step_free")}


def test_unknown_filter_values_are_ignored_and_explained(offers, client):
    response = client.get(
        "/mitmachen/?quartier=gibtsnicht&topic=999999&commitment=oft&suitable=tiere&page=abc"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert len(card_titles(html)) == 3
    assert "Es gibt ein Problem" in html
    assert "Eignung – Diesen Wert kennen wir nicht" in html


def test_pagination_keeps_the_filters_including_every_ticked_box(town, client):
    for n in range(13):
        OpportunityFactory(project=town["cafe"], title=f"Angebot {n:02d}", step_free=True)
    html = client.get("/mitmachen/?suitable=step_free&commitment=").content.decode()
    assert find_all(html, "a", rel="next")[0]["href"] == "?suitable=step_free&page=2"


def test_page_beyond_the_end_is_not_found(offers, client):
    assert client.get("/mitmachen/?page=7").status_code == 404


def test_empty_list_says_what_to_do_instead(db, client):
    html = client.get("/mitmachen/").content.decode()
    assert "Noch keine Mitmach-Angebote" in html
    assert '<a class="kern-link" href="/quartiere/">Ihren Stadtteil finden</a>' in html


def test_filter_without_results_offers_all_opportunities(offers, client):
    html = client.get("/mitmachen/?quartier=welper&suitable=seniors").content.decode()
    assert "Kein Angebot passt zu diesen Filtern" in html
    assert '<a class="kern-link" href="/mitmachen/">Alle Angebote anzeigen</a>' in html


def test_list_has_one_h1_and_headings_in_order(offers, client):
    html = client.get("/mitmachen/?suitable=tiere").content.decode()
    assert parse(html).h1_texts == ["Mitmachen"]
    assert_headings_in_order(html)


# --- Detail ----------------------------------------------------------------------------


def test_detail_shows_what_you_do_and_links_project_and_quartier(offers, client):
    html = client.get("/mitmachen/beete-giessen/").content.decode()
    assert parse(html).h1_texts == ["Beete gießen"]
    assert "Was Sie tun" in html
    assert (
        '<a class="kern-link" href="/projekte/gemeinschaftsgarten/">Gemeinschaftsgarten</a>' in html
    )
    assert '<a class="kern-link" href="/quartiere/rauendahl/">Rauendahl</a>' in html


def test_detail_shows_date_and_time_of_a_one_off_opportunity(offers, client):
    html = client.get("/mitmachen/ufer-aufraeumen/").content.decode()
    assert "Einmalig: " in html
    assert "Samstag, 13. Juli 2030, 10:00 Uhr</time> bis 14:00 Uhr" in html


def test_detail_shows_hours_and_weekdays_of_a_regular_opportunity(offers, client):
    html = client.get("/mitmachen/beete-giessen/").content.decode()
    assert "Regelmäßig, etwa 4 Stunden im Monat (Montag, Mittwoch)" in html


def test_detail_shows_a_flexible_opportunity_as_flexible(offers, client):
    html = client.get("/mitmachen/kuchen-backen/").content.decode()
    assert "Flexibel – wann es Ihnen passt" in html


@pytest.mark.parametrize(
    ("places", "text"),
    [(None, "Plätze: unbegrenzt"), (10, "10 von 10 Plätzen frei"), (1, "1 von 1 Platz frei")],
)
def test_detail_shows_the_places(offers, client, places, text):
    Opportunity.objects.filter(slug="kuchen-backen").update(places=places)
    assert text in client.get("/mitmachen/kuchen-backen/").content.decode()


def test_detail_shows_place_suitability_requirements_skills_and_deadline(offers, client):
    from quartiere.models import Skill

    offer = offers["giessen"]
    offer.place = "Gartenstraße 5"
    offer.requirements = "Feste Schuhe"
    offer.signup_deadline = datetime.date(2030, 6, 30)
    offer.save()
    offer.skills.set([Skill.objects.create(name="Gärtnern", slug="gaertnern")])
    html = client.get("/mitmachen/beete-giessen/").content.decode()
    for text in [
        "Gartenstraße 5",
        '<li class="site-tag">Für Familien geeignet</li>',
        '<li class="site-tag">Stufenloser Zugang</li>',
        "Feste Schuhe",
        "Gärtnern",
        "Anmeldeschluss",
        "30. Juni 2030",
        "Anmeldung offen",
    ]:
        assert text in html, text


def test_detail_has_a_signup_section_that_names_the_project_contact(offers, town, client):
    garten = town["garten"]
    garten.contact_name = "Erika Muster"
    garten.contact_email = "garten@hattingen.example"
    garten.save()
    html = client.get("/mitmachen/beete-giessen/").content.decode()
    section = html.split('id="anmelden"')[1].split("</section>")[0]
    assert '<h2 id="anmelden-heading" class="kern-heading-medium">Anmelden</h2>' in section
    assert 'action="/mitmachen/beete-giessen/anmelden/#anmelden"' in section
    assert "Erika Muster" in section and 'href="mailto:garten@hattingen.example"' in section
    assert '<a class="kern-link" href="#anmelden">So melden Sie sich an</a>' in html


def test_signup_section_falls_back_to_the_quartier_contact(offers, town, client):
    welper = town["welper"]
    welper.contact_name = "Max Quartier"
    welper.save()
    html = client.get("/mitmachen/ufer-aufraeumen/").content.decode()
    assert "Max Quartier" in html.split('id="anmelden"')[1]


def test_signup_section_hides_contact_details_staff_keep_private(offers, town, client):
    garten = town["garten"]
    garten.contact_name = "Erika Muster"
    garten.contact_phone = "02324 999"
    garten.show_contact_name = False
    garten.save()
    html = client.get("/mitmachen/beete-giessen/").content.decode()
    assert "Erika Muster" not in html and "02324 999" not in html


def test_closed_opportunity_says_signup_is_closed(offers, client):
    Opportunity.objects.filter(slug="kuchen-backen").update(is_open=False)
    html = client.get("/mitmachen/kuchen-backen/").content.decode()
    assert "Für dieses Angebot ist keine Anmeldung mehr möglich." in html
    assert "Anmeldung geschlossen" in html
    assert 'href="#anmelden"' not in html


def test_opportunity_past_its_deadline_counts_as_closed(offers, client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Opportunity.objects.filter(slug="kuchen-backen").update(signup_deadline=yesterday)
    assert "Anmeldung geschlossen" in client.get("/mitmachen/kuchen-backen/").content.decode()


def test_detail_has_one_h1_and_headings_in_order(offers, client):
    assert_headings_in_order(client.get("/mitmachen/beete-giessen/").content.decode())


def test_unpublished_opportunity_is_not_found(offers, client):
    Opportunity.objects.filter(slug="kuchen-backen").update(is_published=False)
    assert client.get("/mitmachen/kuchen-backen/").status_code == 404


def test_opportunity_of_a_draft_project_is_not_found(offers, town, client):
    town["cafe"].publication = Publication.DRAFT
    town["cafe"].save()
    assert client.get("/mitmachen/kuchen-backen/").status_code == 404


def test_unknown_opportunity_gets_the_sites_404_page(db, client):
    response = client.get("/mitmachen/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


def test_an_offer_page_shows_its_skills_and_project_picture_from_queries_compiled_once(
    town, client, settings, compiled_queries
):
    """Issue #17: the offer's skills and its project's picture (the share picture) were
    queries built and compiled on every request; now they are compiled once, like the rest
    of the page's queries."""
    from quartiere.models import Skill
    from tests.factories import ProjectImageFactory

    settings.PAGE_CACHE = False
    ProjectImageFactory(project=town["garten"], alt_text="Beete im Frühling")
    offer = OpportunityFactory(project=town["garten"], title="Beete gießen", slug="giessen")
    offer.skills.set([Skill.objects.create(name="Gärtnern", slug="gaertnern")])
    first = client.get("/mitmachen/giessen/").content.decode()
    assert "Gärtnern" in first
    assert '<meta property="og:image:alt" content="Beete im Frühling">' in first
    compiled_queries.clear()
    again = client.get("/mitmachen/giessen/").content.decode()
    assert "Gärtnern" in again and "Beete im Frühling" in again
    assert compiled_queries == []
