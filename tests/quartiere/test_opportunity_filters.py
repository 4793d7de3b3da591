"""The finder's filters on /mitmachen/: neighbours, hours, date range, skill, own topics."""

import datetime

import pytest
from django.utils import timezone

from engagierte_stadt.prepared import Prepared
from quartiere.models import Opportunity, Skill
from tests.factories import OpportunityFactory, ProjectFactory, QuartierFactory, TopicFactory
from tests.html import card_titles, find_all

REGULAR = Opportunity.Commitment.REGULAR


def at(day: int, hour: int = 10):
    return timezone.make_aware(datetime.datetime(2030, 7, day, hour, 0))


@pytest.fixture
def offers(db):
    welper = QuartierFactory(name="Welper", slug="welper")
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    holthausen = QuartierFactory(name="Holthausen", slug="holthausen")
    welper.neighbours.add(blankenstein)
    umwelt = TopicFactory(name="Umwelt", slug="umwelt")
    handwerk = Skill.objects.create(name="Handwerk", slug="handwerk")
    burg = ProjectFactory(title="Burg", quartier=blankenstein, topics=[umwelt])
    ufer = OpportunityFactory(
        project=None,
        quartier=welper,
        title="Ufer putzen",
        commitment=Opportunity.Commitment.ONCE,
        starts_at=at(13),
        ends_at=at(13, 14),
    )
    ufer.topics.add(umwelt)
    OpportunityFactory(
        project=burg, title="Burg zeigen", commitment=REGULAR, hours_per_month=3, skills=[handwerk]
    )
    OpportunityFactory(
        project=None,
        quartier=holthausen,
        title="Garten gießen",
        commitment=REGULAR,
        hours_per_month=8,
        starts_at=at(20),
    )
    OpportunityFactory(
        project=None, quartier=welper, title="Kuchen backen", hours_per_month=2, starts_at=at(1)
    )


def titles(client, query):
    response = client.get(f"/mitmachen/?{query}")
    assert response.status_code == 200
    return sorted(card_titles(response.content.decode()))


def test_topic_filter_finds_offers_with_their_own_topic_and_their_projects(offers, client):
    assert titles(client, "topic=umwelt") == ["Burg zeigen", "Ufer putzen"]


def test_neighbours_widen_the_district_filter(offers, client):
    assert titles(client, "quartier=welper") == ["Kuchen backen", "Ufer putzen"]
    assert titles(client, "quartier=welper&neighbours=on") == [
        "Burg zeigen",
        "Kuchen backen",
        "Ufer putzen",
    ]


def test_hours_filter_keeps_offers_within_the_hours_a_month(offers, client):
    assert titles(client, "hours=5") == ["Burg zeigen", "Kuchen backen"]
    assert titles(client, "hours=10") == ["Burg zeigen", "Garten gießen", "Kuchen backen"]


def test_date_range_keeps_offers_with_a_date_in_it(offers, client):
    assert titles(client, "date_from=2030-07-10&date_until=2030-07-15") == ["Ufer putzen"]
    assert titles(client, "date_from=2030-07-10") == ["Garten gießen", "Ufer putzen"]


def test_skill_filter(offers, client):
    assert titles(client, "skill=handwerk") == ["Burg zeigen"]


def test_new_filters_combine_with_the_old_ones(offers, client):
    query = "quartier=welper&neighbours=on&topic=umwelt&commitment=regelmaessig&hours=5"
    assert titles(client, query) == ["Burg zeigen"]


def test_new_filters_keep_their_choices(offers, client):
    html = client.get(
        "/mitmachen/?quartier=welper&neighbours=on&hours=5&skill=handwerk&date_from=2030-07-10"
    ).content.decode()
    assert "checked" in find_all(html, "input", name="neighbours")[0]
    assert '<option value="5" selected>bis 5 Stunden im Monat</option>' in html
    assert '<option value="handwerk" selected>Handwerk</option>' in html
    assert find_all(html, "input", name="date_from")[0]["value"] == "2030-07-10"


def test_unknown_values_of_the_new_filters_are_explained(offers, client):
    response = client.get("/mitmachen/?hours=viel&skill=zaubern&date_from=morgen&neighbours=ja")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(card_titles(html)) == 4
    assert "Stunden im Monat – Diesen Wert kennen wir nicht" in html
    assert "Fähigkeit oder Interesse – Diesen Wert kennen wir nicht" in html
    assert "Mit Termin ab – Diesen Wert kennen wir nicht" in html


def test_list_links_to_the_finder(offers, client):
    html = client.get("/mitmachen/").content.decode()
    assert '<a class="kern-link" href="/mitmachen/finden/">' in html


def test_time_filter_asks_as_the_finder_does(offers, client):
    # Flexible offers fit every answer; "a few hours a month" is at most six.
    assert titles(client, "time=once") == ["Kuchen backen", "Ufer putzen"]
    assert titles(client, "time=monthly") == ["Burg zeigen", "Kuchen backen"]
    assert titles(client, "time=weekly") == ["Burg zeigen", "Garten gießen", "Kuchen backen"]


def test_when_filter_keeps_offers_at_a_chosen_time_or_by_arrangement(offers, client):
    Opportunity.objects.filter(title="Burg zeigen").update(in_evenings=True)
    Opportunity.objects.filter(title="Garten gießen").update(on_weekdays=True, at_weekends=True)
    Opportunity.objects.filter(title="Ufer putzen").update(at_weekends=True)
    assert titles(client, "when=evenings") == ["Burg zeigen", "Kuchen backen"]
    assert titles(client, "when=weekends&when=evenings") == [
        "Burg zeigen",
        "Garten gießen",
        "Kuchen backen",
        "Ufer putzen",
    ]
    # Combined with the other filters, and the choices kept.
    html = client.get("/mitmachen/?quartier=welper&neighbours=on&time=monthly&when=evenings")
    html = html.content.decode()
    assert sorted(card_titles(html)) == ["Burg zeigen", "Kuchen backen"]
    assert "checked" in find_all(html, "input", name="time", value="monthly")[0]
    assert "checked" in find_all(html, "input", name="when", value="evenings")[0]
    assert "checked" not in find_all(html, "input", name="when", value="weekends")[0]


def test_unknown_time_and_when_are_explained(offers, client):
    response = client.get("/mitmachen/?time=immer&when=nachts")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(card_titles(html)) == 4
    assert "Wie viel Zeit haben Sie? – Diesen Wert kennen wir nicht" in html
    assert "Wann? – Diesen Wert kennen wir nicht" in html


def test_several_topics_or_skills_in_the_address_find_offers_with_any_of_them(offers, client):
    # A saved search from the finder may carry several; the select shows one of them.
    Skill.objects.create(name="Kochen", slug="kochen")
    TopicFactory(name="Kultur", slug="kultur")
    Opportunity.objects.get(title="Kuchen backen").topics.add(
        *TopicFactory._meta.model.objects.filter(slug="kultur")
    )
    assert titles(client, "topic=umwelt&topic=kultur") == [
        "Burg zeigen",
        "Kuchen backen",
        "Ufer putzen",
    ]
    assert titles(client, "skill=handwerk&skill=kochen") == ["Burg zeigen"]
    html = client.get("/mitmachen/?topic=kultur").content.decode()
    assert '<option value="kultur" selected>Kultur</option>' in html
    # An unknown value among them is explained, and that filter is left out.
    response = client.get("/mitmachen/?topic=umwelt&topic=zaubern")
    assert len(card_titles(response.content.decode())) == 4
    assert "Themenfeld – Diesen Wert kennen wir nicht" in response.content.decode()


# --- the filters kept per query, the list compiled once (issue #17) ---------------------------


def test_filters_are_built_once_per_query_and_follow_new_choices_at_once(
    offers, client, settings, monkeypatch
):
    settings.CARDS_CHECK = settings.PREPARED_CHECK = False  # they build everything again
    from engagierte_stadt import viewmixins

    forms = []
    state = viewmixins.FilteredListMixin._filter_state

    def counting_state(self, data, choices):
        forms.append(data)
        return state(self, data, choices)

    monkeypatch.setattr(viewmixins.FilteredListMixin, "_filter_state", counting_state)
    compiled = []
    compile_ = Prepared._compile

    def counting_compile(self, values, context, chain):
        compiled.append(chain)
        return compile_(self, values, context, chain)

    monkeypatch.setattr(Prepared, "_compile", counting_compile)
    monkeypatch.setattr(viewmixins, "_FILTERED_ROWS", {})
    query = "quartier=welper&neighbours=on&topic=umwelt"
    for _ in range(3):
        assert titles(client, query) == ["Burg zeigen", "Ufer putzen"]
    assert len(forms) == 1  # the form, its validation and markup: once for this query
    list_queries = len(compiled)
    assert list_queries >= 2  # the count and the page, compiled on the first request
    # Another Stadtteil is the same query shape: the same compiled list, its own rows.
    assert titles(client, "quartier=holthausen&neighbours=on&topic=umwelt") == []
    assert titles(client, "quartier=blankenstein&neighbours=on&topic=umwelt") == [
        "Burg zeigen",
        "Ufer putzen",
    ]
    assert len(forms) == 3
    assert len(compiled) == list_queries
    # A new topic is a choice at once (the choice rows are part of what the form is kept by).
    TopicFactory(name="Sport", slug="sport")
    html = client.get("/mitmachen/?topic=sport").content.decode()
    assert '<option value="sport" selected>Sport</option>' in html
    assert "We do not know this value" not in html and "Wir kennen diesen Wert nicht" not in html
