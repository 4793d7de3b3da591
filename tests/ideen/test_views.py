"""The public side of the ideas: the form (with its spam checks), the personal links, and
that only moderated ideas appear anywhere (list, page, Quartier page, search, sitemap)."""

import re
import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engagierte_stadt.submissions.forms import fill_stamp
from ideen import services
from ideen.models import Idea, IdeaStatus
from tests.factories import QuartierFactory, TopicFactory
from tests.ideen.helpers import EMAIL, confirmed, propose, published
from tests.images import upload
from tests.signup_helpers import consent_at_button, sent_path

pytestmark = pytest.mark.django_db

URL = "/ideen/einreichen/"
CONFIRM_LINK = re.compile(r"http://testserver(/ideen/idee/[\w-]+/bestaetigen/)")
MANAGE_LINK = re.compile(r"http://testserver(/ideen/idee/[\w-]+/)(?!bestaetigen)")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def welper():
    return QuartierFactory(name="Welper", slug="welper", contact_email="welper@stadt.example.org")


@pytest.fixture
def blankenstein():
    return QuartierFactory(name="Blankenstein", slug="blankenstein")


def form_data(quartier, **overrides) -> dict:
    data = {
        "quartier": str(quartier.pk),
        "topic": "",
        "title": "Bänke am Ruhrufer",
        "description": "Drei Bänke zwischen Brücke und Spielplatz.",
        "helpers": "Der Heimatverein",
        "would_help": "on",
        "name": "Ida Idee",
        "email": EMAIL,
        "consent": "on",
        "website": "",
        "started": fill_stamp(time.time() - 10, purpose="ideen.idea"),
    }
    data.update(overrides)
    return data


def propose_by_form(client, quartier, url=URL, **overrides):
    return client.post(url, form_data(quartier, **overrides))


# --- the form ------------------------------------------------------------------------------


def test_sending_the_form_stores_an_unconfirmed_idea_and_mails_the_link(client, welper):
    response = propose_by_form(client, welper)
    assert response.status_code == 302 and sent_path(response) == "/ideen/einreichen/danke/"
    idea = Idea.objects.get()
    assert idea.status == IdeaStatus.UNCONFIRMED
    assert (idea.quartier, idea.would_help, idea.show_name) == (welper, True, False)
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "Bitte bestätigen Sie Ihre Idee: Bänke am Ruhrufer"
    assert CONFIRM_LINK.search(message.body) and MANAGE_LINK.search(message.body)
    page = client.get(response["Location"])
    assert "Bitte bestätigen Sie Ihre Idee" in page.content.decode()
    assert "noindex" in page["X-Robots-Tag"]


def test_the_stadtteil_address_chooses_the_district(client, welper):
    response = client.get("/ideen/einreichen/welper/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Idee für Welper einreichen" in html
    assert re.search(rf'<option value="{welper.pk}"[^>]*selected', html)
    assert client.get("/ideen/einreichen/gibt-es-nicht/").status_code == 404


def test_empty_form_answers_422_with_german_errors_and_stores_nothing(client, welper):
    response = client.post(URL, form_data(welper, title="", description="", email="", consent=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Bitte nennen Sie Ihre Idee in wenigen Worten." in html
    assert "Bitte beschreiben Sie Ihre Idee und wo sie sein soll." in html
    assert "Bitte geben Sie Ihre E-Mail-Adresse an." in html
    consent = consent_at_button(html)  # consent by sending: no error, the statement stays
    assert consent["button"] == "Einverstanden – Idee absenden"
    assert 'href="/datenschutz/"' in consent["statement"]
    assert "Der Heimatverein" in html  # what was typed stays
    assert not Idea.objects.exists() and mail.outbox == []


def test_a_picture_needs_its_description_and_a_shown_name_needs_a_name(client, welper):
    response = client.post(URL, {**form_data(welper, name="", show_name="on"), "picture": upload()})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Bitte beschreiben Sie das Bild in einem Satz" in html
    assert "Bitte geben Sie Ihren Namen ein oder entfernen Sie das Häkchen darunter." in html
    assert not Idea.objects.exists()


def test_a_picture_goes_through_the_safe_image_pipeline(client, welper):
    data = {**form_data(welper, picture_alt="Die Wiese am Ufer"), "picture": upload("IMG 1.jpg")}
    assert client.post(URL, data).status_code == 302
    idea = Idea.objects.get()
    assert idea.picture.name.startswith("ideen/") and "IMG" not in idea.picture.name
    assert idea.picture_width and idea.picture_alt == "Die Wiese am Ufer"


def test_an_svg_is_refused_at_the_field(client, welper):
    svg = upload("bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/svg+xml")
    response = client.post(URL, {**form_data(welper, picture_alt="x"), "picture": svg})
    assert response.status_code == 422
    assert "SVG" in response.content.decode()
    assert not Idea.objects.exists()


def test_filled_honeypot_stores_nothing(client, welper):
    response = propose_by_form(client, welper, website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == URL
    assert not Idea.objects.exists() and mail.outbox == []


def test_forged_or_foreign_stamp_is_refused(client, welper):
    propose_by_form(client, welper, started="nonsense")
    foreign = fill_stamp(time.time() - 10, purpose="partner.partnerapplication")
    propose_by_form(client, welper, started=foreign)
    assert not Idea.objects.exists()


def test_too_fast_post_keeps_the_input_and_stores_nothing(client, welper):
    response = propose_by_form(client, welper, started=fill_stamp(purpose="ideen.idea"))
    assert response.status_code == 422
    assert "Bänke am Ruhrufer" in response.content.decode()
    assert not Idea.objects.exists()


def test_a_stamp_counts_once(client, welper):
    data = form_data(welper)
    client.post(URL, data)
    response = client.post(URL, {**data, "title": "Noch eine Idee"})
    assert response.status_code == 302
    assert Idea.objects.count() == 1


def test_rate_limit_refuses_after_too_many_ideas(client, welper, monkeypatch):
    from ideen import views

    monkeypatch.setattr(views.IdeaFormView, "is_ratelimited", lambda self: True)
    response = propose_by_form(client, welper)
    assert response.status_code == 302 and response["Location"] == URL
    assert not Idea.objects.exists()


def test_logs_hold_no_address_and_no_name(client, welper, caplog):
    caplog.set_level("INFO")
    propose_by_form(client, welper)
    confirm = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    client.post(confirm)
    assert EMAIL not in caplog.text and "Ida Idee" not in caplog.text


# --- the personal links ----------------------------------------------------------------------


def test_opening_the_link_does_not_confirm_but_the_button_does(client, welper):
    propose_by_form(client, welper)
    confirm = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    response = client.get(confirm)
    assert response.status_code == 200 and "Idee bestätigen" in response.content.decode()
    assert Idea.objects.get().status == IdeaStatus.UNCONFIRMED
    response = client.post(confirm)
    assert response.status_code == 302
    assert Idea.objects.get().status == IdeaStatus.NEW
    assert [m.to for m in mail.outbox[1:]] == [["welper@stadt.example.org"]]
    page = client.get(confirm).content.decode()
    assert "Das Team prüft Ihre Idee" in page


def test_personal_link_pages_send_no_referrer_no_index_and_no_cookie(client, welper):
    _idea, token = propose(welper)
    response = client.get(f"/ideen/idee/{token}/")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert not response.cookies
    assert "ida@example.org" in response.content.decode()
    assert client.get("/ideen/idee/gibt-es-nicht/").status_code == 404


def test_proposer_can_delete_their_data_and_the_idea_stays_without_name(client, welper):
    idea = published(welper, show_name=True)
    token = idea.personal_token()
    client.post(f"/ideen/idee/{token}/", {"action": "erase", "confirmed": "yes"})
    idea.refresh_from_db()
    assert idea.purged_at and idea.email == "" and idea.name == "" and not idea.show_name
    page = client.get(idea.get_absolute_url())
    assert page.status_code == 200 and "Ida Idee" not in page.content.decode()


# --- only moderated ideas are public -------------------------------------------------------

HIDDEN_FROM_PUBLIC = [IdeaStatus.UNCONFIRMED, IdeaStatus.EXPIRED, IdeaStatus.NEW, IdeaStatus.HIDDEN]


@pytest.mark.parametrize("status", HIDDEN_FROM_PUBLIC)
def test_an_unmoderated_or_hidden_idea_appears_nowhere(client, welper, status):
    idea, _token = propose(welper, title="Geheimprojekt Wasserspiel")
    Idea.objects.filter(pk=idea.pk).update(status=status)
    idea = Idea.objects.get(pk=idea.pk)
    idea.save()  # the search index is written as for every change
    assert client.get(idea.get_absolute_url()).status_code == 404
    for url in (
        "/ideen/",
        "/ideen/?quartier=welper",
        "/quartiere/welper/",
        "/suche/?q=Wasserspiel",
        "/sitemap-ideen.xml",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Geheimprojekt" not in response.content.decode(), url
        assert f"/ideen/{idea.pk}/" not in response.content.decode(), url


@pytest.mark.parametrize(
    "status",
    [IdeaStatus.PUBLISHED, IdeaStatus.AGENDA, IdeaStatus.TAKEN_UP, IdeaStatus.NOT_TAKEN_UP],
)
def test_a_moderated_idea_appears_everywhere(client, welper, status):
    idea, _token = propose(welper, title="Geheimprojekt Wasserspiel")
    Idea.objects.filter(pk=idea.pk).update(status=status)
    Idea.objects.get(pk=idea.pk).save()
    assert client.get(idea.get_absolute_url()).status_code == 200
    for url in ("/ideen/", "/quartiere/welper/", "/suche/?q=Wasserspiel", "/sitemap-ideen.xml"):
        assert f"/ideen/{idea.pk}/" in client.get(url).content.decode(), url


@pytest.mark.parametrize("url", ["/suche/?q=Wasserspiel", "/suche/?q=Wasserspiel&art=ideen"])
def test_the_search_finds_an_idea_without_reading_its_proposers_data(client, welper, url):
    idea = published(welper, title="Geheimprojekt Wasserspiel", show_name=True)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert f'href="/ideen/{idea.pk}/"' in html and "Geheimprojekt Wasserspiel" in html
    read = " ".join(query["sql"] for query in queries if '"ideen_idea"' in query["sql"])
    assert read  # the ideas were searched
    for column in ("email", "name", "token_hash", "link_key", "code_hash"):
        assert f'"ideen_idea"."{column}"' not in read, column


def test_the_name_is_shown_only_if_the_proposer_chose_so(client, welper):
    anonymous = published(welper, title="Ohne Namen")
    named = published(welper, title="Mit Namen", show_name=True, email="b@example.org")
    assert "Ida Idee" not in client.get(anonymous.get_absolute_url()).content.decode()
    assert "Ida Idee" in client.get(named.get_absolute_url()).content.decode()


def test_the_idea_page_tells_its_history_in_plain_words(client, welper):
    idea = published(welper)
    services.idea_put_on_agenda(idea=idea)
    services.idea_decline(idea=idea, reason="Am Ufer ist Naturschutzgebiet.")
    html = client.get(idea.get_absolute_url()).content.decode()
    for words in (
        "Die Idee wurde eingereicht.",
        "Die Idee wurde geprüft und veröffentlicht.",
        "Die Idee steht auf der Tagesordnung der Stadtteilkonferenz.",
        "Die Idee wurde nicht übernommen. Begründung: Am Ufer ist Naturschutzgebiet.",
    ):
        assert words in html


def test_the_reason_for_hiding_is_never_public(client, welper):
    idea = published(welper)
    services.idea_hide(idea=idea, reason="Beleidigt die Nachbarn")
    services.idea_move(idea=idea, to=IdeaStatus.PUBLISHED)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "Beleidigt" not in html and "ausgeblendet" not in html


def test_a_published_idea_can_be_reported_by_mail_to_the_contact(client, welper):
    idea = published(welper)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert 'href="mailto:welper@stadt.example.org?subject=Idee%20melden' in html
    assert "Idee melden" in html


def test_the_list_filters_by_stadtteil_topic_and_status(client, welper, blankenstein):
    umwelt = TopicFactory(name="Umwelt", slug="umwelt")
    published(welper, title="Idee Welper", topic=umwelt)
    taken = published(blankenstein, title="Idee Blankenstein", email="b@example.org")
    services.idea_take_up(idea=taken)

    def titles(query):
        html = client.get(f"/ideen/?{query}").content.decode()
        return {title for title in ("Idee Welper", "Idee Blankenstein") if title in html}

    assert titles("") == {"Idee Welper", "Idee Blankenstein"}
    assert titles("quartier=welper") == {"Idee Welper"}
    assert titles("topic=umwelt") == {"Idee Welper"}
    assert titles("status=taken_up") == {"Idee Blankenstein"}
    assert titles("status=new") == {"Idee Welper", "Idee Blankenstein"}  # unknown: ignored
    response = client.get("/ideen/?status=hidden")
    assert "nicht angewendet" in response.content.decode()


def test_the_quartier_page_invites_an_idea_for_that_stadtteil(client, welper):
    html = client.get("/quartiere/welper/").content.decode()
    assert 'href="/ideen/einreichen/welper/"' in html
    assert "Für Welper gibt es noch keine veröffentlichten Ideen." in html


def test_ideen_is_reserved_for_the_portal(welper):
    from engagierte_stadt.models import Page

    assert Page.slug_is_reserved("ideen")


def test_confirmed_idea_waits_for_staff(welper):
    idea = confirmed(welper)
    assert idea.status == IdeaStatus.NEW and not idea.is_public


def test_the_personal_page_lists_the_idea_with_download(client, welper):
    idea, token = propose(welper)
    html = client.get(f"/meine-daten/{token}/").content.decode()
    assert "Idee für mein Quartier" in html and "Bänke am Ruhrufer" in html
    data = client.get(f"/meine-daten/{token}/daten.json").json()
    (entry,) = data["entries"]
    assert entry["data"]["name"] == "Ida Idee" and entry["data"]["quartier"] == "Welper"
