"""The partner demo: the two cooperation partners, invented associations and businesses,
the programme's supporters, cities of the network and a placeholder partner city."""

import io

import pytest

from bench import scale_data
from partner import demo as partner_demo
from partner.models import (
    ExchangeTopic,
    NetworkCity,
    Partner,
    PartnerKind,
    ProgrammeSupporter,
    ProjectPartner,
)
from tests.html import card_titles


def test_demo_has_the_two_cooperation_partners_first(demo, client):
    html = client.get("/partner/").content.decode()
    assert card_titles(html)[:2] == ["Bürgergesellschaft Blankenstein e.V.", "hwg eG"]
    hwg = Partner.objects.get(slug="hwg-eg")
    assert hwg.kind == PartnerKind.HOUSING and hwg.is_cooperation_partner
    assert "Wohnungsgenossenschaft in Hattingen" in hwg.teaser
    # Real organisations: no invented logo, website or contact details.
    for real in Partner.objects.filter(is_cooperation_partner=True):
        assert not (real.logo or real.website or real.contact_email or real.street)


def test_invented_partners_say_they_are_examples(demo):
    invented = Partner.objects.exclude(is_cooperation_partner=True)
    assert invented.count() >= 5
    for partner in invented:
        assert "(Beispiel)" in partner.name
        assert not partner.website or ".example.org" in partner.website
        assert not partner.contact_email or partner.contact_email.endswith("@hattingen.example")
    assert Partner.objects.businesses().count() >= 4  # three businesses and hwg eG


def test_demo_partners_have_roles_in_demo_projects_and_show_there(demo, client):
    assert ProjectPartner.objects.count() >= 8
    html = client.get("/projekte/repair-cafe-winz-baak/").content.decode()
    assert "Partner dieses Projekts" in html and "Repair-Freunde Winz-Baak (Beispiel)" in html


def test_demo_network_has_supporters_cities_placeholder_and_topics(demo, client):
    names = list(ProgrammeSupporter.objects.values_list("name", flat=True))
    assert len(names) == 8
    assert "Körber-Stiftung" in names and "Deutscher Städtetag" in names
    placeholder = NetworkCity.objects.get(is_partner_city=True)
    assert placeholder.name == "Partnerstadt – noch offen"
    assert NetworkCity.objects.filter(is_partner_city=False).count() >= 5
    assert ExchangeTopic.objects.count() >= 3
    html = client.get("/partner/netzwerk/").content.decode()
    assert "Partnerstadt – noch offen" in html and "Bundesnetzwerk Bürgerschaftliches" in html


def test_every_demo_page_answers(demo, client):
    for partner in Partner.objects.all():
        assert client.get(partner.get_absolute_url()).status_code == 200, partner.slug


def test_loading_again_creates_nothing(demo):
    before = Partner.objects.count(), ProjectPartner.objects.count(), NetworkCity.objects.count()
    created = partner_demo.load(stdout=io.StringIO())
    assert set(created.values()) == {0}
    assert (
        Partner.objects.count(),
        ProjectPartner.objects.count(),
        NetworkCity.objects.count(),
    ) == (before)


@pytest.mark.django_db
def test_bulk_adds_many_partners_with_roles(demo):
    counts = scale_data.partners(1, unit=100, stdout=io.StringIO())
    assert counts["partners"] == 100
    assert Partner.objects.filter(slug__startswith=counts["prefix"]).count() == 100
    assert counts["roles"] > 0
    again = scale_data.partners(1, unit=10)
    assert again["prefix"] != counts["prefix"]
