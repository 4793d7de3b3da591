"""Project list with filters, project detail, the Quartier page's projects, featured projects."""

import pytest
from django.utils import timezone

from quartiere.models import Project, Publication, Quartier
from tests.factories import (
    OpportunityFactory,
    ProjectFactory,
    ProjectImageFactory,
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
    nachbarschaft = TopicFactory(name="Nachbarschaft", slug="nachbarschaft")
    return {
        "mitte": mitte,
        "rauendahl": rauendahl,
        "welper": welper,
        "umwelt": umwelt,
        "nachbarschaft": nachbarschaft,
    }


@pytest.fixture
def projects(town):
    return {
        "garten": ProjectFactory(
            title="Gemeinschaftsgarten",
            slug="gemeinschaftsgarten",
            quartier=town["rauendahl"],
            topics=[town["umwelt"]],
            status=Project.Status.RUNNING,
        ),
        "cafe": ProjectFactory(
            title="Nachbarschaftscafé",
            slug="nachbarschaftscafe",
            quartier=town["mitte"],
            topics=[town["nachbarschaft"]],
            status=Project.Status.PLANNED,
        ),
        "ufer": ProjectFactory(
            title="Ruhrufer sauber",
            slug="ruhrufer-sauber",
            quartier=town["welper"],
            topics=[town["umwelt"]],
            status=Project.Status.RUNNING,
        ),
    }


# --- Project list ------------------------------------------------------------------------


def test_project_list_shows_published_projects_only(projects, client):
    ProjectFactory(title="Geheimer Entwurf", publication=Publication.DRAFT)
    ProjectFactory(
        title="Erst nächste Woche", publish_at=timezone.now() + timezone.timedelta(days=7)
    )
    html = client.get("/projekte/").content.decode()
    assert card_titles(html) == ["Gemeinschaftsgarten", "Nachbarschaftscafé", "Ruhrufer sauber"]


def test_project_list_announces_the_number_of_results(projects, client):
    html = client.get("/projekte/").content.decode()
    assert '<p class="kern-body site-result-count" role="status">3 Projekte gefunden</p>' in html


def test_project_cards_are_a_list_with_links_named_after_the_project(projects, client):
    html = client.get("/projekte/").content.decode()
    assert '<ul class="site-cards">' in html
    assert (
        '<a class="kern-link kern-link--stretched" href="/projekte/gemeinschaftsgarten/">' in html
    )


def test_project_card_shows_quartier_status_topics_and_cover_picture(projects, client):
    ProjectImageFactory(project=projects["garten"], alt_text="Hochbeete im Garten", position=0)
    ProjectImageFactory(project=projects["garten"], alt_text="Zweites Bild", position=1)
    html = client.get("/projekte/").content.decode()
    assert "Rauendahl · läuft" in html
    assert "Themenfelder: Umwelt und Klima" in html
    alts = [img["alt"] for img in find_all(html, "img")]
    assert "Hochbeete im Garten" in alts and "Zweites Bild" not in alts


def test_project_list_filters_by_quartier_including_its_neighbourhoods(projects, client):
    html = client.get("/projekte/?quartier=hattingen-mitte").content.decode()
    assert card_titles(html) == ["Gemeinschaftsgarten", "Nachbarschaftscafé"]


def test_project_list_filters_by_topic(projects, client):
    html = client.get("/projekte/?topic=umwelt").content.decode()
    assert card_titles(html) == ["Gemeinschaftsgarten", "Ruhrufer sauber"]


def test_project_list_filters_by_status(projects, client):
    html = client.get("/projekte/?status=geplant").content.decode()
    assert card_titles(html) == ["Nachbarschaftscafé"]


def test_project_filters_combine(projects, client):
    html = client.get("/projekte/?quartier=hattingen-mitte&topic=umwelt&status=laeuft")
    assert card_titles(html.content.decode()) == ["Gemeinschaftsgarten"]
    assert "1 Projekt gefunden" in html.content.decode()


def test_filter_form_is_a_labelled_get_form_that_works_without_javascript(projects, client):
    html = client.get("/projekte/").content.decode()
    form = find_all(html, "form", action="/projekte/#ergebnisse")[0]
    assert form["method"] == "get" and form["aria-labelledby"] == "filter-heading"
    assert '<h2 id="filter-heading" class="kern-heading-small">Projekte filtern</h2>' in html
    for name, label in [("quartier", "Stadtteil/Quartier"), ("topic", "Themenfeld")]:
        assert f'<label class="kern-label" for="id_{name}">{label}' in html
    assert '<span class="kern-label">Filtern</span></button>' in html


def test_filter_form_offers_status_labels_in_german(projects, client):
    html = client.get("/projekte/").content.decode()
    for value, label in [
        ("idee", "Idee"),
        ("geplant", "geplant"),
        ("laeuft", "läuft"),
        ("abgeschlossen", "abgeschlossen"),
    ]:
        assert f'<option value="{value}">{label}</option>' in html


def test_filter_form_keeps_the_chosen_values(projects, client):
    html = client.get("/projekte/?quartier=welper&topic=umwelt&status=laeuft").content.decode()
    assert '<option value="welper" selected>Welper</option>' in html
    assert '<option value="umwelt" selected>Umwelt und Klima</option>' in html
    assert '<option value="laeuft" selected>läuft</option>' in html


def test_filter_form_names_the_district_of_a_neighbourhood(projects, client):
    html = client.get("/projekte/").content.decode()
    assert '<option value="rauendahl">Rauendahl (Hattingen-Mitte)</option>' in html


def test_reset_link_appears_once_a_filter_is_set(projects, client):
    assert "Filter zurücksetzen" not in client.get("/projekte/").content.decode()
    html = client.get("/projekte/?status=laeuft").content.decode()
    assert '<a class="kern-link" href="/projekte/">Filter zurücksetzen</a>' in html


def test_unknown_filter_values_are_ignored_and_explained(projects, client):
    response = client.get("/projekte/?quartier=gibtsnicht&status=xyz&page=abc&topic=999999")
    html = response.content.decode()
    assert response.status_code == 200
    assert card_titles(html) == ["Gemeinschaftsgarten", "Nachbarschaftscafé", "Ruhrufer sauber"]
    assert "Es gibt ein Problem" in html
    message = "Diesen Wert kennen wir nicht, darum wurde dieser Filter nicht angewendet."
    assert html.count(message) == 6  # once in the summary, once at the field, for 3 fields


def test_one_unknown_value_leaves_the_other_filters_working(projects, client):
    html = client.get("/projekte/?quartier=gibtsnicht&topic=umwelt").content.decode()
    assert card_titles(html) == ["Gemeinschaftsgarten", "Ruhrufer sauber"]


@pytest.mark.parametrize("value", ["%00", "'%3B--", "a" * 500, "1.5", "%F0%9F%90%9B"])
def test_odd_filter_values_never_fail(projects, client, value):
    response = client.get(f"/projekte/?quartier={value}&topic={value}&status={value}")
    assert response.status_code == 200


def test_project_list_paginates_twelve_per_page(town, client):
    for n in range(14):
        ProjectFactory(title=f"Projekt {n:02d}", quartier=town["welper"])
    first = client.get("/projekte/").content.decode()
    second = client.get("/projekte/?page=2").content.decode()
    assert len(card_titles(first)) == 12 and card_titles(second) == ["Projekt 12", "Projekt 13"]
    assert "14 Projekte gefunden" in second
    assert "Seite 2 von 2" in second


def test_pagination_keeps_the_filters(town, client):
    for n in range(14):
        ProjectFactory(title=f"Projekt {n:02d}", quartier=town["welper"], topics=[town["umwelt"]])
    ProjectFactory(title="Anderswo", quartier=town["mitte"])
    html = client.get("/projekte/?quartier=welper&topic=umwelt").content.decode()
    next_link = find_all(html, "a", rel="next")[0]
    assert next_link["href"] == "?quartier=welper&topic=umwelt&page=2"


def test_nonsense_page_number_shows_the_first_page(projects, client):
    response = client.get("/projekte/?page=abc")
    assert response.status_code == 200
    assert card_titles(response.content.decode())[0] == "Gemeinschaftsgarten"


@pytest.mark.parametrize("page", ["99", "0", "-1"])
def test_page_beyond_the_end_is_not_found(projects, client, page):
    assert client.get(f"/projekte/?page={page}").status_code == 404


def test_empty_project_list_says_what_to_do_instead(db, client):
    html = client.get("/projekte/").content.decode()
    assert "Noch keine Projekte" in html
    assert '<a class="kern-link" href="/mitmachen/">Mitmach-Angebote finden</a>' in html
    assert "gefunden" not in html


def test_filter_without_results_offers_all_projects(projects, client):
    html = client.get("/projekte/?quartier=welper&status=idee").content.decode()
    assert "Kein Projekt passt zu diesen Filtern" in html
    assert '<a class="kern-link" href="/projekte/">Alle Projekte anzeigen</a>' in html


def test_project_list_has_one_h1_and_headings_in_order(projects, client):
    html = client.get("/projekte/?quartier=gibtsnicht").content.decode()
    assert parse(html).h1_texts == ["Projekte"]
    assert_headings_in_order(html)


def test_main_navigation_marks_projects_as_current(projects, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert any(a["href"] == "/projekte/" for a in find_all(html, "a", aria_current="page"))


# --- Project detail ----------------------------------------------------------------------


@pytest.fixture
def garten(projects, town):
    project = projects["garten"]
    project.teaser = "Wir gärtnern gemeinsam im Rauendahl."
    project.description = "Jeden Samstag **pflanzen** wir."
    project.start_date = timezone.datetime(2025, 3, 1).date()
    project.end_date = timezone.datetime(2026, 10, 31).date()
    project.easy_language = "Wir haben einen Garten.\n\nAlle dürfen mitmachen."
    project.contact_name = "Erika Muster"
    project.contact_role = "Quartiersmanagerin"
    project.contact_email = "garten@hattingen.example"
    project.contact_phone = "02324 123456"
    project.show_contact_phone = False
    project.save()
    project.topics.add(town["nachbarschaft"])
    return project


def test_project_detail_shows_title_teaser_description_and_status(garten, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert parse(html).h1_texts == ["Gemeinschaftsgarten"]
    assert "Wir gärtnern gemeinsam im Rauendahl." in html
    assert "<strong>pflanzen</strong>" in html
    assert "Status: läuft" in html


def test_project_detail_shows_dates_quartier_and_topics_as_filter_links(garten, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert "1. März 2025 bis 31. Oktober 2026" in html
    assert '<a class="kern-link" href="/quartiere/rauendahl/">Rauendahl</a>' in html
    assert '<a class="kern-link" href="/projekte/?topic=umwelt">Umwelt und Klima</a>' in html
    assert '<a class="kern-link" href="/projekte/?topic=nachbarschaft">Nachbarschaft</a>' in html


def test_project_detail_shows_only_a_start_date_as_from(garten, client):
    garten.end_date = None
    garten.save()
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert "ab 1. März 2025" in html


def test_project_detail_shows_easy_language_with_the_kern_icon(garten, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert (
        '<span class="kern-icon kern-icon--easy-language" aria-hidden="true"></span>'
        "In Leichter Sprache</h2>"
    ) in html
    assert "<p>Wir haben einen Garten.</p>" in html


def test_project_without_easy_language_has_no_such_section(projects, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert "In Leichter Sprache" not in html


def test_project_detail_shows_gallery_in_order_with_captions_and_credits(garten, client):
    ProjectImageFactory(project=garten, alt_text="Zweites", position=2, credit="Foto: B")
    ProjectImageFactory(
        project=garten, alt_text="Erstes", position=1, caption="Die Beete", credit="Foto: A"
    )
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert '<h2 id="gallery-heading" class="kern-heading-medium">Bilder</h2>' in html
    assert [img["alt"] for img in find_all(html, "img") if img["alt"]] == ["Erstes", "Zweites"]
    assert 'Die Beete · <span class="site-figure__credit">Foto: A</span>' in html


def test_project_detail_shows_only_the_contact_details_staff_made_public(garten, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert "Erika Muster, Quartiersmanagerin" in html
    assert 'href="mailto:garten@hattingen.example"' in html
    assert "02324" not in html


def test_project_without_public_contact_points_to_the_quartier(garten, client):
    garten.show_contact_name = garten.show_contact_email = False
    garten.save()
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert "Erika Muster" not in html and "garten@hattingen.example" not in html
    assert "Ansprechperson für Rauendahl" in html


def test_project_detail_lists_its_published_opportunities_free_places_first(garten, client):
    OpportunityFactory(project=garten, title="Ausgebucht", places=0)
    OpportunityFactory(project=garten, title="Beete gießen", places=4)
    OpportunityFactory(project=garten, title="Nicht veröffentlicht", is_published=False)
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    section = html.split('id="opportunities-heading"')[1].split("</section>")[0]
    assert card_titles(section) == ["Beete gießen", "Ausgebucht"]
    assert "4 von 4 Plätzen frei" in section
    assert "Ausgebucht – Warteliste" in section


def test_project_without_opportunities_says_how_to_help_anyway(garten, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert "Zurzeit gibt es in diesem Projekt kein Mitmach-Angebot." in html
    assert 'href="/mitmachen/?quartier=rauendahl">Mitmach-Angebote in Rauendahl</a>' in html


def test_project_detail_shows_more_from_the_same_quartier(garten, town, client):
    ProjectFactory(title="Spielplatz Rauendahl", quartier=town["rauendahl"])
    ProjectFactory(
        title="Entwurf Rauendahl", quartier=town["rauendahl"], publication=Publication.DRAFT
    )
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    section = html.split('id="more-heading"')[1]
    assert "Mehr aus diesem Quartier" in html
    assert card_titles(section) == ["Spielplatz Rauendahl"]
    assert 'href="/projekte/?quartier=rauendahl">Alle Projekte in Rauendahl</a>' in section


def test_project_alone_in_its_quartier_links_to_all_projects(garten, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert "In Rauendahl gibt es noch keine weiteren Projekte." in html


def test_project_detail_has_one_h1_and_headings_in_order(garten, client):
    OpportunityFactory(project=garten)
    ProjectImageFactory(project=garten)
    ProjectFactory(quartier=garten.quartier)
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    assert_headings_in_order(html)


def test_project_detail_has_breadcrumbs_back_to_the_list(garten, client):
    html = client.get("/projekte/gemeinschaftsgarten/").content.decode()
    nav = html.split('class="site-breadcrumbs"')[1].split("</nav>")[0]
    assert '<a class="kern-link" href="/projekte/">Projekte</a>' in nav


def test_draft_project_is_not_found(projects, client):
    ProjectFactory(slug="entwurf", publication=Publication.DRAFT)
    assert client.get("/projekte/entwurf/").status_code == 404


def test_unknown_project_gets_the_sites_404_page(db, client):
    response = client.get("/projekte/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Diese Seite gibt es nicht" in response.content.decode()


# --- Quartier page and home page -------------------------------------------------------


def test_quartier_page_lists_its_projects_and_those_of_its_neighbourhoods(projects, client):
    html = client.get("/quartiere/hattingen-mitte/").content.decode()
    section = html.split('id="projects-heading"')[1].split("</section>")[0]
    assert sorted(card_titles(section)) == ["Gemeinschaftsgarten", "Nachbarschaftscafé"]


def test_quartier_page_lists_open_opportunities_only(projects, client):
    OpportunityFactory(project=projects["cafe"], title="Kuchen backen")
    OpportunityFactory(project=projects["cafe"], title="Geschlossen", is_open=False)
    OpportunityFactory(
        project=projects["cafe"],
        title="Frist vorbei",
        signup_deadline=timezone.localdate() - timezone.timedelta(days=1),
    )
    OpportunityFactory(project=None, quartier=projects["cafe"].quartier, title="Ohne Projekt")
    html = client.get("/quartiere/hattingen-mitte/").content.decode()
    section = html.split('id="opportunities-heading"')[1].split("</section>")[0]
    assert card_titles(section) == ["Kuchen backen", "Ohne Projekt"]


def test_quartier_page_lists_the_opportunities_of_its_neighbourhoods(projects, client):
    OpportunityFactory(project=projects["garten"], title="Beete gießen")  # in Rauendahl
    OpportunityFactory(project=projects["cafe"], title="Kuchen backen")  # in Mitte itself
    OpportunityFactory(project=projects["ufer"], title="Ufer putzen")  # in Welper
    html = client.get("/quartiere/hattingen-mitte/").content.decode()
    section = html.split('id="opportunities-heading"')[1].split("</section>")[0]
    assert card_titles(section) == ["Beete gießen", "Kuchen backen"]
    # A neighbourhood's page lists its own only.
    html = client.get("/quartiere/rauendahl/").content.decode()
    section = html.split('id="opportunities-heading"')[1].split("</section>")[0]
    assert card_titles(section) == ["Beete gießen"]


def test_quartier_page_links_to_the_filtered_list_when_it_has_more_projects(town, client):
    for n in range(7):
        ProjectFactory(quartier=town["welper"], title=f"Welper {n}")
    html = client.get("/quartiere/welper/").content.decode()
    section = html.split('id="projects-heading"')[1].split("</section>")[0]
    assert len(card_titles(section)) == 6
    assert 'href="/projekte/?quartier=welper">Alle Projekte in Welper</a>' in section


def test_quartier_without_projects_says_what_to_do_instead(town, client):
    html = client.get("/quartiere/welper/").content.decode()
    assert "Für Welper stehen noch keine Projekte im Portal." in html
    assert "In Welper gibt es zurzeit kein offenes Mitmach-Angebot." in html
    assert (
        '<a class="kern-link" href="/mitmachen/">Mitmach-Angebote in allen Stadtteilen</a>' in html
    )


def test_quartier_page_has_headings_in_order(projects, client):
    OpportunityFactory(project=projects["cafe"])
    html = client.get("/quartiere/hattingen-mitte/").content.decode()
    assert_headings_in_order(html)


def test_home_shows_featured_published_projects(projects, client):
    Project.objects.filter(slug="gemeinschaftsgarten").update(featured=True)
    ProjectFactory(title="Entwurf auf der Startseite", featured=True, publication=Publication.DRAFT)
    html = client.get("/").content.decode()
    section = html.split('id="featured-heading"')[1].split("</section>")[0]
    assert "Ausgewählte Projekte" in html
    assert card_titles(section) == ["Gemeinschaftsgarten"]
    assert '<a class="kern-link" href="/projekte/">Alle Projekte</a>' in section


def test_home_without_featured_projects_has_no_such_section(projects, client):
    assert "Ausgewählte Projekte" not in client.get("/").content.decode()


def test_home_page_headings_stay_in_order_with_featured_projects(projects, client):
    Project.objects.update(featured=True)
    assert_headings_in_order(client.get("/").content.decode())


def test_filtered_list_names_the_filters_in_the_page_title(db, client):
    from tests.factories import QuartierFactory
    from tests.html import parse

    QuartierFactory(name="Welper", slug="welper")
    html = client.get("/projekte/?quartier=welper&status=laeuft&topic=gibtsnicht").content.decode()
    assert parse(html).title.startswith("Projekte: Welper, läuft – ")
