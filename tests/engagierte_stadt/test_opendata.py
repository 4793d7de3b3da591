"""Open data: JSON and CSV of the public content, documented on /offene-daten/, catalogued in
DCAT-AP.de, and never carrying personal data."""

import csv
import io
import json
import re
import uuid

import pytest
from django.utils import timezone

from engagierte_stadt import opendata
from engagierte_stadt.models import SiteSettings
from konferenzen.models import AgendaItem, ConferenceWish, Meeting, Registration
from partner.models import PartnerApplication, PartnerKind
from quartiere.models import Opportunity, Project, Publication, Quartier, Signup
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

VOLUNTEER_NAME = "Quirin Zabelthau"
VOLUNTEER_EMAIL = "quirin.zabelthau@freiwillig.example"
VOLUNTEER_PHONE = "0151 98765432"
HIDDEN_CONTACT_EMAIL = "verborgen.kontakt@stadt.example"
HIDDEN_CONTACT_PHONE = "02324 999888"
SHOWN_CONTACT_EMAIL = "gezeigt.kontakt@stadt.example"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def fetch_all(client, slug: str, fmt: str) -> list:
    """Every page of a data set: JSON rows, or CSV rows as dicts (header checked per page)."""
    rows, url = [], f"/offene-daten/{slug}.{fmt}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        if fmt == "json":
            body = json.loads(response.content)
            rows += body["data"]
            url = body["links"].get("next", "").removeprefix("http://testserver")
        else:
            rows += list(csv.DictReader(io.StringIO(response.content.decode())))
            nxt = re.search(r'<http://testserver([^>]+)>; rel="next"', response.get("Link", ""))
            url = nxt.group(1) if nxt else ""
    return rows


def raw_exports(client) -> dict[str, str]:
    """The text of every export of every data set (all pages), and the catalogue."""
    texts = {"katalog": client.get("/offene-daten/katalog.jsonld").content.decode()}
    for dataset in opendata.datasets():
        for fmt in ("json", "csv"):
            texts[f"{dataset.slug}.{fmt}"] = json.dumps(
                fetch_all(client, dataset.slug, fmt), ensure_ascii=False
            )
    return texts


@pytest.fixture
def full_of_signups(demo):
    """The demo plus a volunteer who signed up for everything there is to sign up for."""
    person = {"name": VOLUNTEER_NAME, "email": VOLUNTEER_EMAIL, "phone": VOLUNTEER_PHONE}
    now = timezone.now()
    for opportunity in Opportunity.objects.published()[:20]:
        Signup.objects.create(
            opportunity=opportunity,
            **person,
            message=f"Grüße von {VOLUNTEER_NAME}",
            status="confirmed",
            token_hash=uuid.uuid4().hex,
            consent_at=now,
            confirmed_at=now,
        )
    for meeting in Meeting.objects.all()[:20]:
        Registration.objects.create(
            meeting=meeting,
            **person,
            status="confirmed",
            token_hash=uuid.uuid4().hex,
            consent_at=now,
        )
    for quartier in Quartier.objects.all()[:5]:
        ConferenceWish.objects.create(
            quartier=quartier,
            name=VOLUNTEER_NAME,
            email=VOLUNTEER_EMAIL,
            token_hash=uuid.uuid4().hex,
            status="confirmed",
        )
    PartnerApplication.objects.create(
        organisation="Zabelthau Werkstatt",
        kind=PartnerKind.BUSINESS,
        contact_name=VOLUNTEER_NAME,
        email=VOLUNTEER_EMAIL,
        phone=VOLUNTEER_PHONE,
        offer="Werkzeug",
        token_hash=uuid.uuid4().hex,
        status="new",
    )
    # Contact persons: what staff hid stays hidden, what they show may be exported.
    hidden, shown = Project.objects.published()[:2]
    Project.objects.filter(pk=hidden.pk).update(
        contact_name="Verborgene Person",
        contact_email=HIDDEN_CONTACT_EMAIL,
        contact_phone=HIDDEN_CONTACT_PHONE,
        show_contact_name=False,
        show_contact_email=False,
        show_contact_phone=False,
    )
    Project.objects.filter(pk=shown.pk).update(
        contact_email=SHOWN_CONTACT_EMAIL, show_contact_email=True
    )


def test_no_export_contains_a_volunteers_name_address_or_phone(client, full_of_signups):
    texts = raw_exports(client)
    everything = "\n".join(texts.values())
    # The scan can see addresses: the contact staff chose to show is in the projects.
    assert SHOWN_CONTACT_EMAIL in texts["projekte.json"]
    assert SHOWN_CONTACT_EMAIL in texts["projekte.csv"]
    for secret in (
        VOLUNTEER_NAME,
        "Zabelthau",
        VOLUNTEER_EMAIL,
        VOLUNTEER_PHONE,
        HIDDEN_CONTACT_EMAIL,
        HIDDEN_CONTACT_PHONE,
        "Verborgene Person",
    ):
        assert secret not in everything, secret
    # Every address in any export is one that a public page shows as a contact.
    shown = set()
    for project in Project.objects.published():
        shown.add(project.public_contact["email"])
    for opportunity in Opportunity.objects.published():
        shown.add(opportunity.public_contact["email"])
    from konferenzen.models import Conference
    from partner.models import Partner

    shown |= {conference.contact_email for conference in Conference.objects.all()}
    shown |= {partner.public_contact["email"] for partner in Partner.objects.published()}
    site = SiteSettings.load()
    shown.add(site.contact_email)
    for name, text in texts.items():
        for address in EMAIL.findall(text):
            assert address in shown, (name, address)


def documented_fields(client) -> dict[str, list[str]]:
    html = client.get("/offene-daten/").content.decode()
    tables = re.findall(r'<table [^>]*data-dataset="([\w-]+)"(.*?)</table>', html, re.S)
    return {
        slug: re.findall(r'<code class="site-field-name">(\w+)</code>', body)
        for slug, body in tables
    }


def test_the_fields_on_the_page_are_the_fields_of_the_exports(demo, client):
    documented = documented_fields(client)
    assert set(documented) == {
        "projekte",
        "mitmachen",
        "stadtteilkonferenzen",
        "sitzungen",
        "tagesordnungspunkte",
        "partner",
    }
    for slug, names in documented.items():
        body = json.loads(client.get(f"/offene-daten/{slug}.json").content)
        assert body["data"], slug  # the demo has rows of every kind
        for row in body["data"]:
            assert list(row) == names, slug
        header = next(
            csv.reader(io.StringIO(client.get(f"/offene-daten/{slug}.csv").content.decode()))
        )
        assert header == names, slug


def test_page_names_the_licence_and_links_catalogue_and_exports(demo, client):
    html = client.get("/offene-daten/").content.decode()
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in html
    assert 'href="https://www.govdata.de/dl-de/by-2-0"' in html
    assert 'href="/offene-daten/katalog.jsonld"' in html
    assert 'href="/offene-daten/sitzungen.csv"' in html
    assert 'href="/offene-daten/"' in client.get("/").content.decode()  # footer


def test_licence_chosen_in_the_site_settings_is_the_one_stated(demo, client):
    site = SiteSettings.load()
    site.data_licence = "dl-zero-de/2.0"
    site.save()
    assert "Datenlizenz Deutschland – Zero" in client.get("/offene-daten/").content.decode()
    body = json.loads(client.get("/offene-daten/partner.json").content)
    assert body["license"] == "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"


def test_catalogue_is_dcat_ap_de_with_a_dataset_per_export(demo, client):
    response = client.get("/offene-daten/katalog.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["dct:license"]["@id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    datasets = catalogue["dcat:dataset"]
    assert len(datasets) == len(opendata.datasets())
    for dataset in datasets:
        urls = {d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]}
        assert len(urls) == 2
        for url in urls:
            assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_meetings_follow_oparl(demo, client):
    meeting = json.loads(client.get("/offene-daten/sitzungen.json").content)["data"][0]
    assert meeting["type"] == "https://schema.oparl.org/1.1/Meeting"
    items = json.loads(client.get("/offene-daten/tagesordnungspunkte.json").content)["data"]
    assert items[0]["type"] == "https://schema.oparl.org/1.1/AgendaItem"
    by_meeting = [item for item in items if item["meeting"] == items[0]["meeting"]]
    assert [item["number"] for item in by_meeting] == [
        str(n) for n in range(1, len(by_meeting) + 1)
    ]


def test_minutes_appear_only_once_published(demo, client):
    meeting = Meeting.objects.filter(minutes_summary="").first() or Meeting.objects.first()
    Meeting.objects.filter(pk=meeting.pk).update(
        minutes_summary="Geheimes Protokoll", minutes_published_at=None
    )
    assert "Geheimes Protokoll" not in json.dumps(
        fetch_all(client, "sitzungen", "json"), ensure_ascii=False
    )
    Meeting.objects.filter(pk=meeting.pk).update(minutes_published_at=timezone.now())
    assert "Geheimes Protokoll" in json.dumps(
        fetch_all(client, "sitzungen", "json"), ensure_ascii=False
    )


def test_unknown_data_set_is_404_and_a_bad_page_number_is_no_error(db, client):
    assert client.get("/offene-daten/anmeldungen.json").status_code == 404
    assert client.get("/offene-daten/projekte.json?seite=abc").status_code == 200
    assert client.get("/offene-daten/projekte.csv?seite=999").status_code == 200


def many_projects(count: int):
    quartier = ProjectFactory(publication=Publication.PUBLISHED).quartier
    Project.objects.bulk_create(
        Project(
            quartier=quartier,
            title=f"Projekt {n}",
            slug=f"offene-daten-test-{n}",
            teaser="Kurz",
            publication=Publication.PUBLISHED,
            publish_at=timezone.now(),
        )
        for n in range(count)
    )


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_large_sets_come_in_pages_with_a_constant_query_budget(
    db, client, monkeypatch, django_assert_max_num_queries, fmt
):
    monkeypatch.setattr(opendata, "PAGE_SIZE", 100)
    many_projects(250)
    # settings (1), count (1), rows (1), topics (1), pictures (1)
    with django_assert_max_num_queries(5):
        first = client.get(f"/offene-daten/projekte.{fmt}")
    assert first.status_code == 200
    assert first.status_code == 200
    pages = json.loads(client.get("/offene-daten/projekte.json").content)["pagination"]
    total = Project.objects.published().count()
    assert total > 250 and pages["totalPages"] == -(-total // 100)
    # The last page costs what the first costs.
    with django_assert_max_num_queries(5):
        assert client.get(f"/offene-daten/projekte.{fmt}?seite=3").status_code == 200
    rows = fetch_all(client, "projekte", fmt)
    assert len(rows) == total
    assert len({str(row["id"]) for row in rows}) == total


def test_query_budget_holds_for_every_data_set_at_many_rows(
    demo, client, django_assert_max_num_queries
):
    many_projects(600)
    for dataset in opendata.datasets():
        # settings, count, rows and at most three prefetched relations
        with django_assert_max_num_queries(6):
            assert client.get(f"/offene-daten/{dataset.slug}.json").status_code == 200


def test_agenda_items_only_of_existing_meetings(demo):
    dataset = opendata.get_dataset("tagesordnungspunkte")
    assert dataset.queryset().count() == AgendaItem.objects.count()


def test_csv_keeps_a_formula_as_text_and_json_keeps_the_text_as_it_is(db, client):
    ProjectFactory(publication=Publication.PUBLISHED, title='=HYPERLINK("http://x.example")')
    rows = fetch_all(client, "projekte", "csv")
    assert '\'=HYPERLINK("http://x.example")' in {row["title"] for row in rows}
    rows = fetch_all(client, "projekte", "json")
    assert '=HYPERLINK("http://x.example")' in {row["title"] for row in rows}
