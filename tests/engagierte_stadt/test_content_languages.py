"""Content in more than one language: staff give an English version of a public text; where
there is none, an English page shows the German text inside an element with lang="de" and a
short English note (once per page, once per card). German pages are unchanged."""

import json
import re

import pytest
from django.utils import translation

from engagierte_stadt.translations import TranslatedText
from tests.factories import (
    ArticleFactory,
    ConferenceFactory,
    OpportunityFactory,
    PageFactory,
    ProjectFactory,
    QuartierFactory,
)
from tests.html import find_all, parse

NOTE = "This content is only available in German."
CARD_NOTE = "Only available in German."


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def offers(db):
    german = OpportunityFactory(
        title="Beete gießen",
        slug="beete-giessen",
        description="Jeden Dienstag **gießen** wir die Beete.",
        requirements="Gute Schuhe",
    )
    english = OpportunityFactory(
        title="Kuchen backen",
        slug="kuchen-backen",
        description="Für das Erzählcafé backen.",
        title_en="Baking cakes",
        description_en="Bake a cake for the storytelling café.",
        requirements="Eine Schürze",
        requirements_en="An apron",
        place="Rathaus",  # a name: marked as German, but not missing
    )
    return german, english


def test_offer_without_english_text_shows_the_german_text_marked_as_german(client, offers):
    html = html_of(client, "/en/mitmachen/beete-giessen/")
    page = parse(html)
    assert page.h1_texts == ["Beete gießen"]
    assert '<h1 class="kern-heading-x-large"><span lang="de">Beete gießen</span></h1>' in html
    assert (
        '<div class="site-prose" lang="de"><p>Jeden Dienstag <strong>gießen</strong> '
        "wir die Beete.</p></div>" in html
    )
    assert '<span lang="de">Gute Schuhe</span>' in html
    # One note for the page, in English and not marked as German.
    assert html.count(NOTE) == 1
    assert find_all(html, "html")[0]["lang"] == "en"
    assert page.title.startswith("Beete gießen")


def test_offer_with_english_text_shows_english_without_a_language_mark(client, offers):
    html = html_of(client, "/en/mitmachen/kuchen-backen/")
    assert parse(html).h1_texts == ["Baking cakes"]
    assert '<div class="site-prose"><p>Bake a cake for the storytelling café.</p></div>' in html
    assert "An apron" in html
    # Marked as German: its project's title (a project without English version) and the
    # place, a name; neither calls for the note.
    project = offers[1].project.title
    assert re.findall(r'<span lang="de">([^<]*)</span>', html) == [project, "Rathaus", project]
    assert '<div class="site-prose" lang="de">' not in html
    assert NOTE not in html and "Kuchen backen" not in html and "Erzählcafé" not in html


def test_german_pages_show_the_german_text_without_mark_or_note(client, offers):
    for url, title in [
        ("/mitmachen/kuchen-backen/", "Kuchen backen"),
        ("/mitmachen/beete-giessen/", "Beete gießen"),
    ]:
        html = html_of(client, url)
        assert parse(html).h1_texts == [title]
        assert NOTE not in html and "Baking cakes" not in html
        assert re.findall(r'<span lang="de">', html) == []


def test_english_list_cards_mark_german_titles_once_per_card(client, offers):
    html = html_of(client, "/en/mitmachen/")
    assert ">Baking cakes</a>" in html
    assert '><span lang="de">Beete gießen</span></a>' in html
    assert html.count(CARD_NOTE) == 1  # the German card only
    german = html_of(client, "/mitmachen/")
    assert ">Kuchen backen</a>" in german and CARD_NOTE not in german


def test_previews_and_structured_data_use_the_english_text(client, offers):
    html = html_of(client, "/en/mitmachen/kuchen-backen/")
    description = find_all(html, "meta", name="description")[0]["content"]
    assert description == "Bake a cake for the storytelling café."
    assert find_all(html, "meta", property="og:title")[0]["content"] == "Baking cakes"
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )
    assert data["title"] == "Baking cakes"
    assert data["description"] == "Bake a cake for the storytelling café."
    german = html_of(client, "/mitmachen/kuchen-backen/")
    assert find_all(german, "meta", property="og:title")[0]["content"] == "Kuchen backen"


def test_search_on_english_pages_finds_english_texts_and_shows_them(client, offers):
    html = html_of(client, "/en/suche/?q=storytelling")
    assert ">Baking cakes</a>" in html
    # A German hit on an English page: its title and snippet are marked as German.
    html = html_of(client, "/en/suche/?q=Dienstag")
    assert '<span lang="de">Beete gießen</span>' in html
    assert 'site-search__snippet" lang="de"' in html
    german = html_of(client, "/suche/?q=storytelling")
    assert ">Kuchen backen</a>" in german


@pytest.mark.parametrize(
    ("factory", "fields", "url"),
    [
        (ProjectFactory, {"slug": "garten", "title": "Garten"}, "/en/projekte/garten/"),
        (PageFactory, {"slug": "kontakt", "title": "Kontakt"}, "/en/kontakt/"),
        (ArticleFactory, {"slug": "neu", "title": "Neu"}, "/en/aktuelles/neu/"),
        (
            ConferenceFactory,
            {"slug": "welper", "title": "Konferenz"},
            "/en/stadtteilkonferenzen/welper/",
        ),
    ],
)
def test_other_content_pages_follow_the_same_rule(client, db, factory, fields, url):
    item = factory(**fields)
    html = html_of(client, url)
    assert f'<span lang="de">{fields["title"]}</span>' in html and html.count(NOTE) == 1
    item.title_en = "In English"
    for name in item.TRANSLATED_FIELDS:
        if getattr(item, name):
            setattr(item, f"{name}_en", f"{name} in English")
    item.save()
    html = html_of(client, url)
    assert fields["title"] not in parse(html).h1_texts[0]
    assert NOTE not in html


def test_quartier_teaser_in_english(client, db):
    quartier = QuartierFactory(slug="welper", name="Welper", teaser="Früher Hütte", description="")
    html = html_of(client, "/en/quartiere/welper/")
    assert '<span lang="de">Früher Hütte</span>' in html and NOTE in html
    quartier.teaser_en = "Once an ironworks"
    quartier.save()
    html = html_of(client, "/en/quartiere/welper/")
    assert "Once an ironworks" in html and "Früher Hütte" not in html and NOTE not in html


def test_translated_text_knows_its_language(offers):
    german, english = offers
    with translation.override("en"):
        title = german.in_language("title")
        assert isinstance(title, TranslatedText) and title.fallback and title.language == "de"
        assert english.in_language("title") == "Baking cakes"
        assert not english.in_language("title").fallback
    assert german.in_language("title") == "Beete gießen"
    assert not german.in_language("title").fallback
    assert german.lacks_english and not english.lacks_english


# --- staff ------------------------------------------------------------------------------------


def test_admin_filter_counts_items_with_and_without_english(admin_client, offers):
    base = "/admin/quartiere/opportunity/"
    missing = admin_client.get(base + "?englisch=fehlt")
    assert [o.slug for o in missing.context["cl"].result_list] == ["beete-giessen"]
    present = admin_client.get(base + "?englisch=vorhanden")
    assert [o.slug for o in present.context["cl"].result_list] == ["kuchen-backen"]
    html = admin_client.get(base + "?_facets=1").content.decode()
    assert "Englische Fassung" in html
    assert re.search(r"fehlt \(1\)", html) and re.search(r"vorhanden \(1\)", html)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/quartiere/opportunity/add/",
        "/admin/quartiere/project/add/",
        "/admin/quartiere/quartier/add/",
        "/admin/konferenzen/conference/add/",
        "/admin/konferenzen/meeting/add/",
        "/admin/partner/partner/add/",
        "/admin/engagierte_stadt/page/add/",
        "/admin/engagierte_stadt/article/add/",
    ],
)
def test_change_forms_group_the_english_fields_in_a_collapsible_fieldset(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    fieldsets = response.context["adminform"].fieldsets
    name, options = fieldsets[-1]
    assert str(name) == "Englisch" and "collapse" in options["classes"]
    model = response.context["adminform"].form._meta.model
    assert options["fields"] == model.english_field_names()
    others = [f for _n, o in fieldsets[:-1] for f in o["fields"]]
    assert not set(others) & set(options["fields"])
    assert "nur auf Deutsch" in response.content.decode()  # the German help text


def test_change_list_filter_on_every_content_model(admin_client):
    for url in [
        "/admin/quartiere/quartier/",
        "/admin/quartiere/project/",
        "/admin/konferenzen/conference/",
        "/admin/konferenzen/meeting/",
        "/admin/partner/partner/",
        "/admin/engagierte_stadt/page/",
        "/admin/engagierte_stadt/article/",
    ]:
        html = admin_client.get(url + "?englisch=fehlt").content.decode()
        assert "Englische Fassung" in html, url


# --- demo ---------------------------------------------------------------------------------------


def test_demo_shows_both_cases(demo, client):
    html = html_of(client, "/en/quartiere/welper/")
    assert "Once shaped by the Henrichshütte ironworks" in html
    html = html_of(client, "/en/mitmachen/rauendahl-beete-bepflanzen/")
    assert parse(html).h1_texts == ["Planting the flower beds between the houses"]
    html = html_of(client, "/en/mitmachen/rauendahl-einkaufshilfe/")
    assert 'lang="de"' in html and NOTE in html
    html = html_of(client, "/en/ueber-das-programm/")
    assert "What Hattingen plans" in html and NOTE not in html


def test_mails_in_english_name_the_english_title_and_german_ones_the_german(client, offers):
    from django.core import mail

    from tests.signup_helpers import form_data

    client.post("/en/mitmachen/kuchen-backen/anmelden/", form_data())
    assert mail.outbox[-1].subject == "Please confirm your sign-up: Baking cakes"
    client.post("/mitmachen/kuchen-backen/anmelden/", form_data(email="b@example.org"))
    assert mail.outbox[-1].subject.endswith(": Kuchen backen")


def test_a_meeting_without_title_is_named_by_its_conference_and_date(db):
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(title="", conference__title="Konferenz Welper")
    meeting.conference.title_en = "Welper conference"
    with translation.override("en"):
        assert meeting.share_title().startswith("Welper conference: ")
        assert str(meeting) == meeting.share_title()
    assert meeting.share_title().startswith("Konferenz Welper: ")
