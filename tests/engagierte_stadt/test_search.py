"""Site search under /suche/: what a visitor finds, what never shows up, "Meinten Sie …?".

The tests without a mark run on SQLite (substring fallback) and PostgreSQL (full text) alike;
the ones marked `postgres_only` check what only the full-text search can do (stemming, ranking,
highlighting, trigram suggestions) and are skipped on SQLite with that reason.
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from engagierte_stadt import search
from engagierte_stadt.models import Article, SearchTerm
from quartiere.models import Project, Publication
from tests.factories import (
    AgendaItemFactory,
    ArticleFactory,
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    PageFactory,
    ProjectFactory,
    QuartierFactory,
    TopicFactory,
)
from tests.partner.factories import PartnerFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="German full-text search, ranking, ts_headline and pg_trgm exist only on PostgreSQL "
    "(SQLite runs the substring fallback, tested by the unmarked tests)",
)

URL = "/suche/"


def search_page(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def hit_titles(html: str) -> list[str]:
    return re.findall(
        r'<h3 class="kern-heading-small"><a class="kern-link" href="[^"]*">([^<]*)</a>', html
    )


def summary(html: str) -> str:
    return re.search(r'role="status">([^<]*)</p>', html).group(1)


def suggestion(html: str) -> str | None:
    found = re.search(r'id="meinten-sie">.*?<strong>([^<]*)</strong>', html, re.DOTALL)
    return found.group(1) if found else None


def project(title, teaser="Ein Projekt im Quartier.", description="", **kwargs):
    return ProjectFactory(title=title, teaser=teaser, description=description, **kwargs)


# --- the page ------------------------------------------------------------------------------


def test_every_page_has_the_search_field_in_its_header(client):
    html = client.get("/").content.decode()
    form = re.search(
        r'<form class="site-search[^"]*" role="search" action="/suche/" method="get"', html
    )
    assert form, "no search form in the header"
    assert '<label class="kern-label kern-sr-only" for="kopf-suche">Suchbegriff</label>' in html
    assert 'id="kopf-suche" name="q"' in html


def test_search_page_without_query_offers_topics_and_the_finder(client):
    TopicFactory(name="Nachbarschaft")
    html = search_page(client, "")
    assert "<h1" in html and ">Suche</h1>" in html
    assert "Was suchen Sie?" in html
    assert "Nachbarschaft" in html
    assert 'href="/mitmachen/"' in html


def test_search_finds_a_published_project_by_a_word_of_its_title(client):
    found = project("Mitfahrbank am Markt")
    html = search_page(client, "Mitfahrbank")
    assert hit_titles(html) == ["Mitfahrbank am Markt"]
    assert f'href="{found.get_absolute_url()}"' in html
    assert summary(html) == "1 Treffer für „Mitfahrbank“"


def test_search_result_title_is_in_the_page_title_and_the_field(client):
    html = search_page(client, "Mitfahrbank")
    assert "<title>Suche nach „Mitfahrbank“ –" in html
    assert 'id="suche-q" name="q" value="Mitfahrbank"' in html


def test_search_finds_every_kind_and_groups_them_with_counts(client):
    quartier = QuartierFactory(name="Welper", slug="welper")
    project("Obstwiese Welper", quartier=quartier)
    OpportunityFactory(title="Obstwiese mähen", description="Sensen und Rechen.")
    conference = ConferenceFactory(title="Konferenz Obstwiese", description="Über Wiesen.")
    meeting = MeetingFactory(conference=ConferenceFactory(title="Stadtteilkonferenz Holthausen"))
    AgendaItemFactory(meeting=meeting, title="Obstwiese: Ernte verteilen")
    PartnerFactory(name="Obstwiesenfreunde e.V.", teaser="Ein Verein.")
    ArticleFactory(title="Obstwiese blüht", teaser="Im Frühling.")
    PageFactory(slug="kontakt", title="Kontakt", body="Fragen zur Obstwiese? Schreiben Sie uns.")
    html = search_page(client, "Obstwiese")
    headings = re.findall(
        r'<h2 class="kern-heading-medium" id="treffer-([a-z]+)">([^<]*) <span', html
    )
    assert headings == [
        ("projekte", "Projekte"),
        ("mitmachen", "Mitmach-Angebote"),
        ("konferenzen", "Stadtteilkonferenzen"),
        ("termine", "Konferenztermine"),
        ("partner", "Partner"),
        ("aktuelles", "Aktuelles"),
        ("seiten", "Seiten"),
    ]
    assert summary(html) == "7 Treffer für „Obstwiese“"
    assert str(conference) in hit_titles(html)
    assert f"{meeting}" in hit_titles(html)


def test_kind_filter_shows_only_that_kind_and_links_back_to_all(client):
    project("Lesepaten gesucht")
    ArticleFactory(title="Lesepaten erzählen", teaser="Ein Bericht.")
    html = search_page(client, "Lesepaten", art="aktuelles")
    assert hit_titles(html) == ["Lesepaten erzählen"]
    assert 'href="?q=Lesepaten&amp;art=aktuelles" aria-current="page">Aktuelles (1)</a>' in html
    assert 'href="?q=Lesepaten">Alle (2)</a>' in html


def test_many_hits_of_one_kind_are_shortened_on_the_overview_and_paginated_in_the_filter(client):
    # A kind with few rows counts and ranks all its matches.
    for number in range(25):
        project(f"Gartentag {number:02d}", slug=f"gartentag-{number:02d}")
    overview = search_page(client, "Gartentag")
    assert len(hit_titles(overview)) == 5
    assert summary(overview) == "25 Treffer für „Gartentag“"
    assert "Alle 25 Treffer in „Projekte“ anzeigen" in overview
    first = search_page(client, "Gartentag", art="projekte")
    second = search_page(client, "Gartentag", art="projekte", page=2)
    assert len(hit_titles(first)) == 20
    assert len(hit_titles(second)) == 5
    assert "Seite 2 von 2" in second
    assert 'href="?q=Gartentag&amp;art=projekte&amp;page=1" rel="prev"' in second
    assert not set(hit_titles(first)) & set(hit_titles(second))


def test_a_kind_with_more_matches_than_it_looks_at_says_so_and_pages_through_them(
    client, monkeypatch
):
    # A kind with more rows than its recent ones: the overview looks at its newest 20 matches;
    # its own pages at the newest 100 among the recent rows, or (fewer there) at all.
    monkeypatch.setattr(search, "RECENT_ROWS", 22)
    for number in range(25):
        project(f"Gartentag {number:02d}", slug=f"gartentag-{number:02d}")
    overview = search_page(client, "Gartentag")
    assert summary(overview) == "Mehr als 20 Treffer für „Gartentag“"
    assert 'href="?q=Gartentag&amp;art=projekte">Projekte (mehr als 20)</a>' in overview
    assert 'id="treffer-projekte">Projekte <span class="site-search__count">(mehr als 20)' in (
        overview
    )
    assert "Jeder Bereich zeigt die passendsten unter den neuesten." in overview
    assert len(hit_titles(overview)) == 5
    assert "Weitere Treffer in „Projekte“ anzeigen" in overview
    assert "Alle 25 Treffer" not in overview
    first = search_page(client, "Gartentag", art="projekte")
    second = search_page(client, "Gartentag", art="projekte", page=2)
    assert summary(first) == "25 Treffer für „Gartentag“"
    assert len(hit_titles(first)) == 20
    assert len(hit_titles(second)) == 5
    assert "Seite 2 von 2" in second
    assert 'href="?q=Gartentag&amp;art=projekte&amp;page=1" rel="prev"' in second
    assert set(hit_titles(first)) | set(hit_titles(second)) == {
        f"Gartentag {number:02d}" for number in range(25)
    }


def test_a_kind_page_ranks_its_newest_matches_and_says_how_many(client, monkeypatch):
    monkeypatch.setattr(search, "RECENT_ROWS", 22)
    monkeypatch.setattr(search, "KIND_WINDOW", 10)
    for number in range(25):
        project(f"Gartentag {number:02d}", slug=f"gartentag-{number:02d}")
    html = search_page(client, "Gartentag", art="projekte")
    assert summary(html) == "Mehr als 10 Treffer für „Gartentag“"
    assert "Gezeigt werden die 10 neuesten Treffer, die passendsten zuerst." in html
    assert 'aria-current="page">Projekte (mehr als 10)</a>' in html
    assert sorted(hit_titles(html)) == [f"Gartentag {number:02d}" for number in range(15, 25)]


def test_a_rare_word_in_an_old_row_is_found_behind_the_recent_rows(client, monkeypatch):
    # Only the newest rows are read in order; a kind with fewer matches there ranks them all.
    monkeypatch.setattr(search, "RECENT_ROWS", 3)
    project("Streuobstwiese am Hang", slug="streuobst")
    for number in range(6):
        project(f"Gartentag {number}", slug=f"gartentag-{number}")
    html = search_page(client, "Streuobstwiese")
    assert hit_titles(html) == ["Streuobstwiese am Hang"]
    assert summary(html) == "1 Treffer für „Streuobstwiese“"
    kind = search_page(client, "Streuobstwiese", art="projekte")
    assert hit_titles(kind) == ["Streuobstwiese am Hang"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "Garten", "art": "unbekannt"},
        {"q": "Garten", "art": "projekte", "page": "abc"},
        {"q": "Garten", "art": "projekte", "page": "999"},
        {"q": "a & | ! :* ( ) <-> 'x' \\ \"y\""},
        {"q": "   "},
        {"q": "\x00"},
    ],
)
def test_odd_input_gives_a_page_not_an_error(client, params):
    project("Gartentag")
    response = client.get(URL, params)
    assert response.status_code == 200


def test_empty_result_suggests_topics_and_the_finder(client):
    project("Gartentag", topics=[TopicFactory(name="Umwelt und Klima")])
    html = search_page(client, "Zeppelinlandeplatz")
    assert summary(html) == "0 Treffer für „Zeppelinlandeplatz“"
    assert "Nichts gefunden – versuchen Sie es so" in html
    assert 'href="?q=Umwelt+und+Klima">Umwelt und Klima</a>' in html
    assert (
        '<a class="kern-link" href="/mitmachen/">Ein passendes Mitmach-Angebot finden</a>' in html
    )


def popular_topic_names(html: str) -> list[str]:
    listed = re.search(r'<ul class="site-search__topics">(.*?)</ul>', html, re.DOTALL).group(1)
    return re.findall(r'<a class="kern-link" href="[^"]*">([^<]*)</a>', listed)


def test_topics_on_a_search_without_hits_come_by_their_published_projects(client):
    sport, kultur, umwelt = (TopicFactory(name=n) for n in ("Sport", "Kultur", "Umwelt"))
    project("Lauftreff", topics=[sport])
    project("Radtour", topics=[sport])
    project("Lesecafé", topics=[kultur])
    # Drafts and projects not yet due do not count: Umwelt has none published.
    for number in range(3):
        project(f"Entwurf {number}", topics=[umwelt], publication=Publication.DRAFT)
    project("Später", topics=[umwelt], publish_at=timezone.now() + timezone.timedelta(days=1))
    html = search_page(client, "Zeppelinlandeplatz")
    assert popular_topic_names(html) == ["Sport", "Kultur", "Umwelt"]
    assert popular_topic_names(search_page(client, "")) == ["Sport", "Kultur", "Umwelt"]


def test_topics_count_their_projects_only_up_to_the_cap_then_go_by_name(client, monkeypatch):
    # Counting stops at the cap (the cost does not grow with the projects): with the cap at
    # 2, three projects count as much as two, and the name decides.
    from quartiere import models as quartiere_models

    zukunft, bildung = TopicFactory(name="Zukunft"), TopicFactory(name="Bildung")
    for number in range(3):
        project(f"Zukunftswerkstatt {number}", topics=[zukunft])
    for number in range(2):
        project(f"Lernpatenschaft {number}", topics=[bildung])
    assert popular_topic_names(search_page(client, "")) == ["Zukunft", "Bildung"]
    monkeypatch.setattr(quartiere_models, "POPULAR_COUNT_CAP", 2)
    assert popular_topic_names(search_page(client, "")) == ["Bildung", "Zukunft"]


def test_umlaut_written_out_finds_the_word_with_umlaut(client):
    project("Bürgerzentrum renovieren")
    assert hit_titles(search_page(client, "Buergerzentrum")) == ["Bürgerzentrum renovieren"]


def test_ss_finds_the_word_with_sharp_s(client):
    project("Straßenfest Winz-Baak")
    assert hit_titles(search_page(client, "Strassenfest")) == ["Straßenfest Winz-Baak"]


# --- only what is published ----------------------------------------------------------------


def test_unpublished_content_of_every_kind_never_appears(client):
    later = timezone.now() + timezone.timedelta(days=3)
    draft = project("Geheimtipp Entwurf", publication=Publication.DRAFT)
    project("Geheimtipp geplant", publish_at=later)
    OpportunityFactory(title="Geheimtipp Angebot", is_published=False)
    OpportunityFactory(title="Geheimtipp im Entwurf", project=draft)
    PartnerFactory(name="Geheimtipp e.V.", is_published=False)
    ArticleFactory(title="Geheimtipp Nachricht", status=Article.Status.DRAFT)
    ArticleFactory(title="Geheimtipp morgen", publish_at=later)
    meeting = MeetingFactory(minutes_summary="Der Geheimtipp des Abends.")
    html = search_page(client, "Geheimtipp")
    assert summary(html) == "0 Treffer für „Geheimtipp“"
    assert hit_titles(html) == []
    # The minutes become findable once they are published.
    meeting.minutes_published_at = timezone.now()
    meeting.save()
    assert hit_titles(search_page(client, "Geheimtipp")) == [str(meeting)]


def test_words_of_unpublished_texts_are_never_suggested(client):
    project("Geheimprojekt Sonnenuhr", publication=Publication.DRAFT)
    html = search_page(client, "Sonnenuh")
    assert suggestion(html) is None
    assert not SearchTerm.objects.filter(word="Sonnenuhr").exists()


# --- keeping the index current -------------------------------------------------------------


def test_a_changed_title_is_found_under_the_new_words_only(client):
    changed = project("Bouleplatz")
    changed.title = "Boccia am Fluss"
    changed.save()
    assert hit_titles(search_page(client, "Boccia")) == ["Boccia am Fluss"]
    assert hit_titles(search_page(client, "Bouleplatz")) == []


def test_a_new_agenda_item_makes_its_meeting_findable(client):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Kletterwand für die Turnhalle")
    assert hit_titles(search_page(client, "Kletterwand")) == [str(meeting)]


def test_rebuild_command_indexes_rows_written_without_save(client):
    quartier = QuartierFactory()
    Project.objects.bulk_create(
        [
            Project(
                quartier=quartier,
                title="Tauschregal",
                slug="tauschregal",
                teaser="Bücher tauschen.",
                publication=Publication.PUBLISHED,
                publish_at=timezone.now() - timezone.timedelta(hours=1),
            )
        ]
    )
    if connection.vendor == "postgresql":
        assert hit_titles(search_page(client, "Tauschregal")) == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Search index rebuilt" in out.getvalue()
    assert hit_titles(search_page(client, "Tauschregal")) == ["Tauschregal"]
    assert SearchTerm.objects.filter(word="Tauschregal").exists()


# --- "Meinten Sie …?" ----------------------------------------------------------------------


def test_repaircafe_suggests_repair_cafe_and_links_the_corrected_search(client):
    project("Repair-Café Winz-Baak", teaser="Kaputte Dinge gemeinsam reparieren.")
    html = search_page(client, "Repaircafe")
    assert suggestion(html) == "Repair-Café"
    assert "Meinten Sie" in html
    assert 'href="?q=Repair-Caf%C3%A9"' in html
    corrected = search_page(client, "Repair-Café")
    assert hit_titles(corrected) == ["Repair-Café Winz-Baak"]
    assert suggestion(corrected) is None


def test_no_suggestion_when_enough_is_found(client):
    for number in range(3):
        project(f"Repair-Café {number}", slug=f"repair-cafe-{number}")
    assert suggestion(search_page(client, "Repair")) is None


def test_suggestion_keeps_the_other_words_of_the_query():
    SearchTerm.objects.get_or_create(word="Repair-Café", folded="repaircafe")
    assert search.suggest("Repaircafe Welper") == "Repair-Café Welper"


# --- query budget --------------------------------------------------------------------------


def make_rows(count: int, word: str):
    for number in range(count):
        quartier = QuartierFactory()
        p = project(f"{word} Projekt {number}", quartier=quartier, slug=f"p-{word}-{number}")
        OpportunityFactory(title=f"{word} Angebot {number}", project=p, slug=f"o-{word}-{number}")
        meeting = MeetingFactory(
            conference=ConferenceFactory(title=f"{word} Konferenz {number}", quartier=quartier),
            slug=f"m-{number}",
        )
        AgendaItemFactory(meeting=meeting, title=f"{word} TOP")
        PartnerFactory(name=f"{word} Partner {number}", slug=f"v-{word}-{number}")
        ArticleFactory(title=f"{word} Nachricht {number}", slug=f"a-{word}-{number}")


@pytest.mark.parametrize("count", [2, 30])
def test_search_page_has_a_constant_query_budget(client, django_assert_max_num_queries, count):
    make_rows(count, "Wiese")
    # The recent rows of every kind = 1; per kind (8) its first hits with their count = 8;
    # site settings and the main navigation's read = 2; Meinten Sie (little found) or the
    # popular topics = at most 4.
    with django_assert_max_num_queries(15):
        html = search_page(client, "Wiese")
    assert len(hit_titles(html)) >= 6 * min(count, 5)
    # The recent rows = 1; the other kinds' counts = 7; the kind's ranked ids and its page's
    # rows = 2; site settings and navigation = 2; Meinten Sie or topics = at most 4.
    with django_assert_max_num_queries(16):
        search_page(client, "Wiese", art="termine")


# --- PostgreSQL: full text -----------------------------------------------------------------


@postgres_only
def test_nachbarn_finds_the_project_about_nachbarschaft(client):
    project(
        "Treffpunkt im Quartier",
        teaser="Wir stärken die Nachbarschaft im Rauendahl.",
        description="Jeden Donnerstag Kaffee und Gespräche.",
    )
    assert hit_titles(search_page(client, "Nachbarn")) == ["Treffpunkt im Quartier"]


@postgres_only
def test_a_title_hit_ranks_above_a_body_hit(client):
    project("Mitmachen beim Stadtputz", description="Wir treffen uns am Spielplatz Welper.")
    project("Spielplatz Welper streichen", description="Farbe und Pinsel sind da.")
    assert hit_titles(search_page(client, "Spielplatz")) == [
        "Spielplatz Welper streichen",
        "Mitmachen beim Stadtputz",
    ]


@postgres_only
def test_buergerzentrum_finds_buergerzentrum_in_a_meeting_agenda(client):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Umzug ins Bürgerzentrum Welper")
    html = search_page(client, "Buergerzentrum")
    assert hit_titles(html) == [str(meeting)]
    assert "<mark>Bürgerzentrum</mark>" in html


@postgres_only
def test_strasse_finds_strasse_with_sharp_s(client):
    project("Spielstraße", teaser="Einmal im Monat gehört die Straße den Kindern.")
    assert hit_titles(search_page(client, "Strasse")) == ["Spielstraße"]


@postgres_only
def test_snippet_highlights_the_words_and_escapes_staff_text(client):
    project(
        "Nachtcafé",
        teaser="Bitte <script>alert(1)</script> & <b>fett</b> <img src=x onerror=alert(2)>: "
        "Nachbarschaft bei Nacht.",
    )
    html = search_page(client, "Nachbarn")
    snippet = re.search(r'<p class="kern-body site-search__snippet">(.*?)</p>', html).group(1)
    assert "<mark>Nachbarschaft</mark>" in snippet
    # ts_headline drops what looks like a tag; everything else is escaped: no markup but ours.
    assert "<script" not in snippet and "<b>" not in snippet
    assert "&amp;" in snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


@postgres_only
def test_snippet_without_markdown_marks(client):
    project("Garten", description="**Gemüsebeete** für alle, [hier](https://example.org) mehr.")
    html = search_page(client, "Gemüsebeete")
    assert "<mark>Gemüsebeete</mark> für alle, hier mehr" in html


@postgres_only
def test_a_misspelt_word_suggests_the_closest_word_by_trigrams(client):
    project("Mitfahrbank am Markt")
    assert suggestion(search_page(client, "Mitfarbank")) == "Mitfahrbank"


@postgres_only
def test_search_vector_uses_the_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'project_search_vector'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition


def test_highlighted_snippet_escapes_everything_but_its_own_marks():
    raw = "a \x02<img src=x onerror=alert(1)>\x03 & b \x02 unbalanced"
    assert search.highlighted(raw) == (
        "a <mark>&lt;img src=x onerror=alert(1)&gt;</mark> &amp; b  unbalanced"
    )


def test_query_words_carry_no_search_operators():
    assert search.query_words("Garten & | ! :* (Welper) <-> x") == ["garten", "welper"]
    assert search.tsquery_text(["nachbarn"]) == "(nachbarn:* | nachbar:*)"


@postgres_only
def test_the_overview_asks_the_database_on_every_search(client):
    """The overview's ranking queries are compiled once per kind (issue #17,
    engagierte_stadt.prepared); every search still reads the rows: a new match shows at once,
    with its own words, and another word finds other rows."""
    project("Gartentag am Fluss", slug="gartentag-am-fluss")
    assert hit_titles(search_page(client, "Gartentag")) == ["Gartentag am Fluss"]
    project("Gartentag im Park", slug="gartentag-im-park")
    assert sorted(hit_titles(search_page(client, "Gartentag"))) == [
        "Gartentag am Fluss",
        "Gartentag im Park",
    ]
    assert hit_titles(search_page(client, "Park")) == ["Gartentag im Park"]
    assert hit_titles(search_page(client, "Wüste")) == []


@postgres_only  # SQLite's substring search (make run) builds its queries on every request
def test_a_search_without_hits_compiles_no_query_on_its_second_request(
    client, settings, compiled_queries
):
    """Issue #17: "Meinten Sie …?" and the popular topics were queries built and compiled on
    every request; now every query of the page is compiled once per process."""
    settings.PAGE_CACHE = False
    project("Lauftreff", topics=[TopicFactory(name="Sport")])
    SearchTerm.objects.get_or_create(word="Lauftreff", folded="lauftreff")
    first = search_page(client, "Lauftrff")
    assert summary(first) == "0 Treffer für „Lauftrff“"
    assert popular_topic_names(first) == ["Sport"]
    compiled_queries.clear()
    assert search_page(client, "Lauftrff") == first
    assert compiled_queries == []
