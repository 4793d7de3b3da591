"""The public partner pages: directory with filters, partner page, "Für Unternehmen", the
network, and the partner sections on the project and Quartier pages."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from engagierte_stadt.models import SiteSettings
from partner.models import PartnerKind, ProjectRole
from quartiere.models import Publication
from tests.factories import OpportunityFactory, ProjectFactory, QuartierFactory, login_staff
from tests.html import assert_headings_in_order, card_titles, parse
from tests.partner.factories import (
    ExchangeTopicFactory,
    NetworkCityFactory,
    PartnerFactory,
    ProjectPartnerFactory,
    SupporterFactory,
)

pytestmark = pytest.mark.django_db

UNKNOWN = "Diesen Wert kennen wir nicht, darum wurde dieser Filter nicht angewendet."


@pytest.fixture
def town():
    welper = QuartierFactory(name="Welper", slug="welper")
    mitte = QuartierFactory(name="Hattingen-Mitte", slug="hattingen-mitte")
    rauendahl = QuartierFactory(name="Rauendahl", slug="rauendahl", parent=mitte)
    return {"welper": welper, "mitte": mitte, "rauendahl": rauendahl}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- directory -------------------------------------------------------------------------------


def test_directory_lists_cooperation_partners_first_then_a_to_z(client, town):
    PartnerFactory(name="Zwergenhaus e.V.")
    PartnerFactory(name="Anker e.V.")
    PartnerFactory(
        name="Bürgergesellschaft", is_cooperation_partner=True, cooperation_since=date(2025, 7, 1)
    )
    PartnerFactory(name="Entwurf e.V.", is_published=False)
    html = page(client, "/partner/")
    assert card_titles(html) == ["Bürgergesellschaft", "Anker e.V.", "Zwergenhaus e.V."]
    assert "Kooperationspartner" in html
    assert "3 Partner gefunden" in html
    assert parse(html).title.startswith("Partner – ")
    assert_headings_in_order(html)


def test_directory_filters_combine(client, town):
    PartnerFactory(name="Bäckerei Welper", kind=PartnerKind.BUSINESS, quartiere=[town["welper"]])
    PartnerFactory(name="Verein Welper", quartiere=[town["welper"]])
    PartnerFactory(name="Bäckerei Mitte", kind=PartnerKind.BUSINESS, quartiere=[town["mitte"]])
    html = page(client, "/partner/?art=unternehmen&quartier=welper")
    assert card_titles(html) == ["Bäckerei Welper"]
    assert parse(html).title.startswith("Partner: Unternehmen, Welper – ")
    assert card_titles(page(client, "/partner/?art=unternehmen")) == [
        "Bäckerei Mitte",
        "Bäckerei Welper",
    ]
    assert card_titles(page(client, "/partner/?quartier=welper")) == [
        "Bäckerei Welper",
        "Verein Welper",
    ]


def test_district_filter_includes_partners_of_its_neighbourhoods(client, town):
    PartnerFactory(name="Quartiersbüro Rauendahl", quartiere=[town["rauendahl"]])
    PartnerFactory(name="Welper hilft", quartiere=[town["welper"]])
    assert card_titles(page(client, "/partner/?quartier=hattingen-mitte")) == [
        "Quartiersbüro Rauendahl"
    ]


def test_unknown_filter_values_are_explained_and_ignored(client, town):
    PartnerFactory(name="Bäckerei Welper", kind=PartnerKind.BUSINESS, quartiere=[town["welper"]])
    PartnerFactory(name="Verein Welper", quartiere=[town["welper"]])
    html = page(client, "/partner/?art=raumschiff&quartier=welper")
    assert UNKNOWN in html
    assert card_titles(html) == ["Bäckerei Welper", "Verein Welper"]
    assert parse(html).title.startswith("Partner: Welper – ")


def test_filter_form_offers_readable_values(client, town):
    html = page(client, "/partner/")
    assert '<option value="unternehmen">Unternehmen</option>' in html
    assert '<option value="rauendahl">Rauendahl (Hattingen-Mitte)</option>' in html


def test_empty_filter_result_says_so(client, town):
    PartnerFactory(name="Verein Welper", quartiere=[town["welper"]])
    html = page(client, "/partner/?art=stiftung")
    assert "Kein Partner passt zu diesen Filtern" in html


def test_empty_directory_invites_to_become_a_partner(client):
    html = page(client, "/partner/")
    assert "Noch keine Partner eingetragen" in html
    assert 'href="/partner/partner-werden/"' in html


def test_directory_cards_show_logo_with_name_as_alt_text(client, town):
    from django.core.files.base import ContentFile

    from tests.images import image_bytes

    partner = PartnerFactory(name="Logo-Verein")
    partner.logo.save("x.png", ContentFile(image_bytes("PNG", size=(900, 300))))
    html = page(client, "/partner/")
    image = next(a for t, a in parse(html).elements if t == "img" and "/media/partner/" in a["src"])
    assert image["alt"] == "Logo Logo-Verein"
    assert (image["width"], image["height"]) == ("600", "200")


def test_directory_pages_are_numbered(client):
    for n in range(30):
        PartnerFactory(name=f"Verein {n:02d}")
    assert len(card_titles(page(client, "/partner/"))) == 24
    html = page(client, "/partner/?page=2")
    assert card_titles(html) == [f"Verein {n:02d}" for n in range(24, 30)]
    assert "Seite 2" in parse(html).title
    assert client.get("/partner/?page=9").status_code == 404


# --- partner page ----------------------------------------------------------------------------


@pytest.fixture
def partner(town):
    partner = PartnerFactory(
        name="Repair-Freunde",
        slug="repair-freunde",
        teaser="Reparieren statt wegwerfen.",
        description="Wir **reparieren** gemeinsam.",
        website="https://repair.example.org",
        contact_name="Rainer Reparatur",
        contact_email="rainer@example.org",
        contact_phone="02324 99",
        show_contact_name=True,
        show_contact_email=True,
        quartiere=[town["welper"], town["mitte"]],
        is_cooperation_partner=True,
        cooperation_since=date(2025, 7, 1),
    )
    return partner


def test_partner_page_shows_who_they_are_and_what_staff_made_public(client, partner):
    html = page(client, "/partner/repair-freunde/")
    assert parse(html).h1_texts == ["Repair-Freunde"]
    assert "<strong>reparieren</strong>" in html
    assert "Kooperationspartner der Engagierten Stadt seit Juli 2025" in html
    assert "Rainer Reparatur" in html and "mailto:rainer@example.org" in html
    assert "02324 99" not in html  # the phone is not ticked as public
    assert 'href="https://repair.example.org"' in html
    assert 'href="/quartiere/welper/"' in html and 'href="/quartiere/hattingen-mitte/"' in html
    assert_headings_in_order(html)


def test_partner_page_lists_projects_with_roles_and_their_open_opportunities(client, partner, town):
    project = ProjectFactory(title="Repair-Café", quartier=town["welper"])
    draft = ProjectFactory(title="Geheimprojekt", publication=Publication.DRAFT)
    ProjectPartnerFactory(partner=partner, project=project, role=ProjectRole.RESPONSIBLE)
    ProjectPartnerFactory(partner=partner, project=draft, role=ProjectRole.FUNDER)
    OpportunityFactory(project=project, title="An der Werkbank helfen")
    OpportunityFactory(project=project, title="Geschlossenes Angebot", is_open=False)
    OpportunityFactory(title="Fremdes Angebot")
    html = page(client, "/partner/repair-freunde/")
    assert 'href="/projekte/' + project.slug + '/"' in html
    assert "Träger" in html
    assert "Geheimprojekt" not in html
    assert card_titles(html) == ["An der Werkbank helfen"]


def test_partner_without_projects_says_so(client, partner):
    html = page(client, "/partner/repair-freunde/")
    assert "Im Portal steht noch kein Projekt mit Repair-Freunde." in html
    assert "gibt es gerade kein offenes Mitmach-Angebot" in html


def test_unpublished_partner_is_hidden_from_the_public_but_staff_can_preview(client):
    PartnerFactory(name="Neu angenommen", slug="neu-angenommen", is_published=False)
    assert client.get("/partner/neu-angenommen/").status_code == 404
    staff = get_user_model().objects.create_user("redaktion", password="x", is_staff=True)
    login_staff(client, staff)
    response = client.get("/partner/neu-angenommen/")
    assert response.status_code == 200
    assert "Vorschau: nicht veröffentlicht" in response.content.decode()


def test_unknown_partner_is_404(client):
    assert client.get("/partner/gibt-es-nicht/").status_code == 404


# --- "Für Unternehmen" -----------------------------------------------------------------------


def test_for_business_page_explains_the_ways_and_lists_businesses(client, town):
    PartnerFactory(name="Malerbetrieb", kind=PartnerKind.BUSINESS)
    PartnerFactory(name="hwg eG", kind=PartnerKind.HOUSING)
    PartnerFactory(name="Sportverein", kind=PartnerKind.ASSOCIATION)
    PartnerFactory(name="Entwurf GmbH", kind=PartnerKind.BUSINESS, is_published=False)
    html = page(client, "/partner/fuer-unternehmen/")
    assert parse(html).h1_texts == ["Für Unternehmen"]
    for way in ("Freiwilligentage für Ihre Beschäftigten", "Sachspenden", "Fachwissen, pro bono"):
        assert way in html
    assert card_titles(html) == ["hwg eG", "Malerbetrieb"]
    assert 'href="/partner/partner-werden/?art=unternehmen#bewerbung"' in html
    assert_headings_in_order(html)


def test_for_business_link_preselects_business_in_the_form(client):
    html = page(client, "/partner/partner-werden/?art=unternehmen")
    assert 'value="unternehmen" class="kern-form-check__radio" id="id_kind_5" required checked' in (
        html
    )


# --- network ---------------------------------------------------------------------------------


def test_network_page_shows_programme_supporters_cities_and_topics(client):
    SiteSettings.objects.create(programme_text="Hattingen ist **Engagierte Stadt**.")
    SupporterFactory(name="Körber-Stiftung", website="https://koerber.example.org")
    NetworkCityFactory(name="Partnerstadt – noch offen", state="", is_partner_city=True)
    NetworkCityFactory(name="Bielefeld", note="Engagierte Stadt im Netzwerk.")
    ExchangeTopicFactory(title="Wirtschaft ins Netzwerk holen")
    html = page(client, "/partner/netzwerk/")
    assert "<strong>Engagierte Stadt</strong>" in html
    assert 'href="https://koerber.example.org"' in html and "Körber-Stiftung" in html
    assert "Partnerstadt – noch offen" in html
    assert '<th scope="row" class="kern-table__cell">Bielefeld</th>' in html
    assert "Wirtschaft ins Netzwerk holen" in html
    assert_headings_in_order(html)


def test_network_page_without_partner_city_says_one_is_sought(client):
    html = page(client, "/partner/netzwerk/")
    assert "Wir suchen eine Partnerstadt" in html


# --- sections on other pages -----------------------------------------------------------------


def test_project_page_names_its_partners_by_role(client, town):
    project = ProjectFactory(title="Lesepaten", slug="lesepaten", quartier=town["mitte"])
    ProjectPartnerFactory(project=project, partner__name="Lesefüchse", role=ProjectRole.RESPONSIBLE)
    ProjectPartnerFactory(project=project, partner__name="Bäckerei", role=ProjectRole.SUPPORTER)
    ProjectPartnerFactory(project=project, partner__name="Entwurf", partner__is_published=False)
    html = page(client, "/projekte/lesepaten/")
    assert "Partner dieses Projekts" in html
    section = html[html.index("Partner dieses Projekts") :]
    assert section.index("Träger") < section.index("Lesefüchse") < section.index("Unterstützer")
    assert section.index("Unterstützer") < section.index("Bäckerei")
    assert "Entwurf" not in html
    assert_headings_in_order(html)


def test_project_page_without_partners_has_no_partner_section(client, town):
    ProjectFactory(slug="ohne", quartier=town["mitte"])
    assert "Partner dieses Projekts" not in page(client, "/projekte/ohne/")


def test_quartier_page_shows_partners_active_there(client, town):
    PartnerFactory(name="Welper hilft", quartiere=[town["welper"]])
    PartnerFactory(name="Mitte-Verein", quartiere=[town["mitte"]])
    html = page(client, "/quartiere/welper/")
    assert "Welper hilft" in html and "Mitte-Verein" not in html
    assert_headings_in_order(html)


def test_quartier_page_links_to_all_its_partners_when_there_are_many(client, town):
    for n in range(7):
        PartnerFactory(name=f"Verein {n}", quartiere=[town["welper"]])
    html = page(client, "/quartiere/welper/")
    assert 'href="/partner/?quartier=welper"' in html
    assert "Alle Partner in Welper" in html


def test_quartier_page_without_partners_invites_to_apply(client, town):
    html = page(client, "/quartiere/welper/")
    assert "Für Welper ist noch keine Partnerorganisation eingetragen." in html


def test_opportunity_deadline_passed_is_not_shown_on_partner_page(client, partner, town):
    project = ProjectFactory(quartier=town["welper"])
    ProjectPartnerFactory(partner=partner, project=project)
    OpportunityFactory(
        project=project,
        title="Abgelaufen",
        signup_deadline=timezone.localdate() - timedelta(days=1),
    )
    assert "Abgelaufen" not in page(client, "/partner/repair-freunde/")
