"""Every Quartier page names someone to ask: its own contact person, else the portal's."""

from engagierte_stadt.models import SiteSettings
from tests.factories import QuartierFactory


def contact_section(html: str) -> str:
    return html.split('id="quartier-contact-heading"')[1].split("</section>")[0]


def site_contact(**fields):
    site = SiteSettings.load()
    for name, value in fields.items():
        setattr(site, name, value)
    site.save()


def test_quartier_page_names_its_own_contact_person(db, client):
    site_contact(contact_name="Sabine Portal", contact_email="portal@hattingen.example")
    QuartierFactory(
        slug="welper",
        name="Welper",
        contact_name="Aylin Hüttner",
        contact_role="Quartiersentwicklung",
        contact_email="welper@hattingen.example",
    )
    section = contact_section(client.get("/quartiere/welper/").content.decode())
    assert "Aylin Hüttner, Quartiersentwicklung" in section
    assert 'href="mailto:welper@hattingen.example"' in section
    assert "Sabine Portal" not in section and "keine eigene Ansprechperson" not in section


def test_quartier_without_contact_names_the_towns_team(db, client):
    site_contact(
        contact_name="Sabine Portal",
        contact_organisation="Stadt Hattingen – Quartiersentwicklung",
        contact_email="portal@hattingen.example",
    )
    QuartierFactory(slug="welper", name="Welper")
    section = contact_section(client.get("/quartiere/welper/").content.decode())
    assert "Welper hat noch keine eigene Ansprechperson." in section
    assert "Sabine Portal, Stadt Hattingen – Quartiersentwicklung" in section
    assert 'href="mailto:portal@hattingen.example"' in section


def test_every_demo_stadtteil_has_its_own_contact_marked_as_example(db):
    import io

    from django.core.management import call_command

    from quartiere.models import Quartier

    call_command("load_demo", stdout=io.StringIO())
    districts = Quartier.objects.districts()
    assert districts.count() == 11
    for district in districts:
        assert district.own_contact(), district.name
        assert district.contact_name.endswith("(Beispiel)"), district.contact_name
        assert district.contact_email.endswith("@hattingen.example")
