"""Projects and ways to help: citizens filter and open them, staff publish them in the admin.

The "Must show" line of the Quartiere issue: a citizen filters opportunities by Quartier and
topic and opens one; axe finds nothing on lists, details, filtered, empty and error states; a
staff member creates a project with an image in the admin and sees it on the site.

Fields, buttons and links are found by their German role, name or label, the way a screen
reader user finds them. Expected results come from the same ORM queries the views use, so
the tests follow the demo content instead of hard-coding counts.
"""

import re
from urllib.parse import parse_qs, urljoin, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import Locator, Page, expect

from quartiere.filters import OpportunityFilter, ProjectFilter
from quartiere.models import Opportunity, Project, Publication, Quartier
from tests.e2e.a11y import assert_accessible, assert_page_basics
from tests.e2e.staff import log_in_with_code
from tests.images import image_bytes

# A Quartier and a topic with several open ways to help in the demo (Repair-Café and the
# clean-up day at the Ruhr, both in Winz-Baak).
QUARTIER, QUARTIER_NAME = "winz-baak", "Winz-Baak"
TOPIC, TOPIC_NAME = "umwelt-und-klima", "Umwelt und Klima"

UNKNOWN_VALUE = "Diesen Wert kennen wir nicht, darum wurde dieser Filter nicht angewendet."


def check_page(page: Page, context: str) -> None:
    assert_page_basics(page)
    assert_accessible(page, context)


def opportunity_titles(params: dict) -> list[str]:
    """What the opportunity list shows for these GET parameters, from the database."""
    base = Opportunity.objects.published().free_places_first().for_cards()
    return [o.title for o in OpportunityFilter(params, queryset=base).qs]


def project_titles(params: dict) -> list[str]:
    base = Project.objects.published().for_cards().order_by("title", "pk")
    return [p.title for p in ProjectFilter(params, queryset=base).qs]


def result_cards(page: Page) -> Locator:
    return page.locator(".site-results").get_by_role("article")


def card_titles(page: Page) -> list[str]:
    return [text.strip() for text in result_cards(page).get_by_role("heading").all_inner_texts()]


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def assert_error_tied_to_field(page: Page, field: Locator, message: str) -> None:
    """The field is marked invalid and its error text is announced with it."""
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = (field.get_attribute("aria-describedby") or "").split()
    described = " ".join(page.locator(f"#{ident}").inner_text() for ident in described_by)
    assert message in described, (
        f"the field's aria-describedby ({described_by}) does not carry {message!r}: {described!r}"
    )


def assert_pictures_complete(page: Page, where: str) -> list[dict]:
    """Every picture in main has alt text, width, height and srcset; returns their attributes."""
    pictures = (
        page.get_by_role("main")
        .locator("img")
        .evaluate_all(
            """(images) => images.map((img) => ({
            alt: img.getAttribute("alt"),
            width: img.getAttribute("width"),
            height: img.getAttribute("height"),
            srcset: img.getAttribute("srcset"),
            src: img.getAttribute("src"),
        }))"""
        )
    )
    assert pictures, f"no pictures on {where}"
    incomplete = [
        picture
        for picture in pictures
        if not (picture["alt"] or "").strip()
        or not picture["width"]
        or not picture["height"]
        or not picture["srcset"]
    ]
    assert not incomplete, f"pictures on {where} without alt, width, height or srcset: {incomplete}"
    return pictures


def srcset_urls(srcset: str) -> list[str]:
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()]


def assert_renditions_load(page: Page, srcset: str) -> None:
    """Every file the srcset offers answers 200 with an image."""
    urls = srcset_urls(srcset)
    assert urls, f"empty srcset {srcset!r}"
    for url in urls:
        response = page.request.get(urljoin(page.url, url))
        assert response.status == 200, f"{url} answered {response.status}"
        assert response.headers.get("content-type", "").startswith("image/"), (
            f"{url} is not an image: {response.headers.get('content-type')}"
        )


# --- citizens ------------------------------------------------------------------------------


def test_citizen_filters_ways_to_help_by_quartier_and_topic_and_opens_one(
    page: Page, demo_site_readonly
):
    expected = opportunity_titles({"quartier": QUARTIER, "topic": TOPIC})
    assert 1 < len(expected) <= 12, f"the demo should give one page of results: {expected}"

    page.goto(demo_site_readonly + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Mitmachen", exact=True
    ).click()
    expect(page).to_have_url(demo_site_readonly + "/mitmachen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mitmachen")
    check_page(page, "Mitmachen, ungefiltert")

    filters = page.get_by_role("form", name="Angebote filtern")
    filters.get_by_label("Stadtteil/Quartier").select_option(label=QUARTIER_NAME)
    filters.get_by_label("Themenfeld").select_option(label=TOPIC_NAME)
    filters.get_by_role("button", name="Filtern").click()

    # A shareable address: readable values in the query string.
    expect(page).to_have_url(re.compile(r"/mitmachen/\?"))
    query = query_of(page)
    assert query.get("quartier") == [QUARTIER], query
    assert query.get("topic") == [TOPIC], query
    expect(page).to_have_title(re.compile(rf"^Mitmachen: {QUARTIER_NAME}, {TOPIC_NAME} – "))

    expect(page.get_by_role("status")).to_have_text(f"{len(expected)} Angebote gefunden")
    expect(result_cards(page)).to_have_count(len(expected))
    assert card_titles(page) == expected
    for card in result_cards(page).all():
        # The preline names project and Quartier: "Repair-Café Winz-Baak · Winz-Baak".
        expect(card.locator(".kern-preline")).to_have_text(re.compile(rf"· {QUARTIER_NAME}$"))

    # The form keeps the choices, so the next change starts from them.
    expect(filters.get_by_label("Stadtteil/Quartier")).to_have_value(QUARTIER)
    expect(filters.get_by_label("Themenfeld")).to_have_value(TOPIC)
    expect(filters.get_by_role("link", name="Filter zurücksetzen")).to_have_attribute(
        "href", "/mitmachen/"
    )
    check_page(page, "Mitmachen, gefiltert")

    first = expected[0]
    result_cards(page).first.get_by_role("link", name=first).click()
    opportunity = Opportunity.objects.get(title=first)
    expect(page).to_have_url(demo_site_readonly + opportunity.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    signup = page.locator("section#anmelden")
    expect(signup.get_by_role("heading", level=2)).to_have_text("Anmelden")
    page.get_by_role("link", name="So melden Sie sich an").click()
    expect(page).to_have_url(re.compile(r"#anmelden$"))
    expect(page.get_by_role("main").get_by_role("link", name=QUARTIER_NAME).first).to_be_visible()
    check_page(page, "Angebot")


def test_filter_without_results_says_what_to_do_instead(page: Page, demo_site_readonly):
    # Holthausen's garden days are outdoors on uneven ground: nothing there is step-free.
    assert not opportunity_titles({"quartier": "holthausen", "suitable": ["step_free"]})

    page.goto(demo_site_readonly + "/mitmachen/")
    filters = page.get_by_role("form", name="Angebote filtern")
    filters.get_by_label("Stadtteil/Quartier").select_option(label="Holthausen")
    filters.get_by_role("group", name="Zeitaufwand").get_by_label("Alle", exact=True).check()
    filters.get_by_role("group", name="Eignung").get_by_label("Stufenloser Zugang").check()
    filters.get_by_role("button", name="Filtern").click()

    query = query_of(page)
    assert query.get("quartier") == ["holthausen"], query
    assert query.get("suitable") == ["step_free"], query
    expect(result_cards(page)).to_have_count(0)
    empty = page.locator(".site-results").get_by_role("status")
    expect(empty).to_contain_text("Kein Angebot passt zu diesen Filtern")
    expect(empty).to_contain_text("Lassen Sie einen Filter weg")
    expect(empty.get_by_role("link", name="Alle Angebote anzeigen")).to_have_attribute(
        "href", "/mitmachen/"
    )
    expect(filters.get_by_label("Stufenloser Zugang")).to_be_checked()
    expect(filters.get_by_label("Stadtteil/Quartier")).to_have_value("holthausen")
    check_page(page, "Mitmachen, keine Treffer")

    empty.get_by_role("link", name="Alle Angebote anzeigen").click()
    expect(page).to_have_url(demo_site_readonly + "/mitmachen/")
    expect(result_cards(page).first).to_be_visible()


def test_unknown_filter_values_are_explained_at_the_fields(page: Page, demo_site_readonly):
    response = page.goto(demo_site_readonly + "/mitmachen/?quartier=gibtsnicht&topic=999&page=abc")
    assert response.status == 200, response.status

    # The error summary lists both problems, links to the fields and takes the focus.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Es gibt ein Problem")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Stadtteil/Quartier –")).to_have_attribute(
        "href", "#id_quartier"
    )
    expect(summary.get_by_role("link", name="Themenfeld –")).to_have_attribute("href", "#id_topic")

    filters = page.get_by_role("form", name="Angebote filtern")
    quartier = filters.get_by_label("Stadtteil/Quartier")
    topic = filters.get_by_label("Themenfeld")
    assert_error_tied_to_field(page, quartier, UNKNOWN_VALUE)
    assert_error_tied_to_field(page, topic, UNKNOWN_VALUE)
    expect(quartier).to_have_value("")
    expect(topic).to_have_value("")

    # The unknown filters are left out; "page=abc" shows the first page of everything.
    everything = opportunity_titles({})
    expect(page.get_by_role("status")).to_have_text(f"{len(everything)} Angebote gefunden")
    assert card_titles(page) == everything[:12]
    check_page(page, "Mitmachen, unbekannte Filterwerte")

    summary.get_by_role("link", name="Themenfeld –").click()
    expect(topic).to_be_focused()


def test_projects_by_status_and_topic_gallery_and_quartier_page(page: Page, demo_site_readonly):
    params = {"status": "geplant", "topic": TOPIC}
    expected = project_titles(params)
    assert len(expected) >= 2, f"the demo should have planned projects on {TOPIC}: {expected}"

    page.goto(demo_site_readonly + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Projekte", exact=True
    ).click()
    expect(page).to_have_url(demo_site_readonly + "/projekte/")
    check_page(page, "Projekte, ungefiltert")

    filters = page.get_by_role("form", name="Projekte filtern")
    filters.get_by_label("Status").select_option(label="geplant")
    filters.get_by_label("Themenfeld").select_option(label=TOPIC_NAME)
    filters.get_by_role("button", name="Filtern").click()
    query = query_of(page)
    assert query.get("status") == ["geplant"] and query.get("topic") == [TOPIC], query
    expect(page.get_by_role("status")).to_have_text(f"{len(expected)} Projekte gefunden")
    assert card_titles(page) == expected
    for card in result_cards(page).all():
        expect(card.locator(".kern-preline")).to_have_text(re.compile(r"· geplant$"))
        expect(card).to_contain_text(TOPIC_NAME)
    expect(filters.get_by_label("Status")).to_have_value("geplant")
    assert_pictures_complete(page, "Projekte, gefiltert")
    check_page(page, "Projekte, gefiltert")

    # A project whose Quartier has other projects, so "Mehr aus diesem Quartier" has cards.
    project = next(
        p
        for p in Project.objects.published().filter(title__in=expected)
        if Project.objects.published().in_quartier(p.quartier).exclude(pk=p.pk).exists()
        and p.images.exists()
    )
    result_cards(page).get_by_role("link", name=project.title).click()
    expect(page).to_have_url(demo_site_readonly + project.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)

    gallery = page.get_by_role("region", name="Bilder")
    expect(gallery.get_by_role("img")).to_have_count(project.images.count())
    for image in project.images.all():
        picture = gallery.get_by_role("img", name=image.alt_text)
        expect(picture).to_have_attribute("srcset", re.compile(r"\S+ \d+w"))
        expect(picture).to_have_attribute("width", re.compile(r"^\d+$"))
        expect(picture).to_have_attribute("height", re.compile(r"^\d+$"))
        assert_renditions_load(page, picture.get_attribute("srcset"))
    assert_pictures_complete(page, "Projektseite")

    more = page.get_by_role("region", name="Mehr aus diesem Quartier")
    others = list(Project.objects.published().in_quartier(project.quartier).exclude(pk=project.pk))
    expect(more.get_by_role("article")).to_have_count(min(len(others), 3))
    expect(more.get_by_role("link", name=others[0].title)).to_be_visible()
    check_page(page, "Projektseite")

    # The Quartier page: its published projects and open ways to help.
    page.goto(demo_site_readonly + "/quartiere/welper/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welper")
    projects = page.get_by_role("region", name="Projekte")
    welper_projects = Project.objects.published().filter(quartier__slug="welper")
    expect(projects.get_by_role("article")).to_have_count(welper_projects.count())
    for welper_project in welper_projects:
        expect(projects.get_by_role("link", name=welper_project.title)).to_be_visible()
    assert not projects.get_by_text("Jugendraum").count(), "a draft project is listed"
    helping = page.get_by_role("region", name="Mitmachen")
    open_here = Opportunity.objects.published().open().filter(quartier__slug="welper")
    expect(helping.get_by_role("article")).to_have_count(open_here.count())
    for opportunity in open_here:
        expect(helping.get_by_role("link", name=opportunity.title)).to_be_visible()
    check_page(page, "Quartier Welper")


# --- staff -----------------------------------------------------------------------------------


def test_staff_member_creates_a_project_with_a_picture_and_sees_it_on_the_site(
    page: Page, demo_site, tmp_path
):
    group = Group.objects.get(name="Redaktion")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_project", "change_project", "add_projectimage", "view_quartier"} <= codenames
    staff = get_user_model().objects.create_user("quartiersredaktion", password="Welper-2026!x")
    staff.is_staff = True
    staff.save()
    staff.groups.add(group)
    photo = tmp_path / "zaun.jpg"
    photo.write_bytes(image_bytes(size=(1800, 1200), colour=(60, 140, 90)))
    alt = "Jugendliche streichen einen Holzzaun grün"

    page.goto(demo_site + "/admin/")
    log_in_with_code(page, staff, "Welper-2026!x")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inhalte des Portals")

    page.goto(demo_site + "/admin/quartiere/project/add/")
    # Typing the title fills in the address: the admin's JavaScript runs under the CSP.
    # ("Titel:" also labels the hidden template row of the opportunity inline, hence the id.)
    page.locator("#id_title").press_sequentially("Zaunfest in Welper")
    expect(page.locator("#id_slug")).to_have_value("zaunfest-in-welper")

    # The Quartier is a select2 autocomplete: open it, type, pick the suggestion. Its
    # combobox has no accessible name (select2 labels it by the empty selection), so it is
    # found through its form row.
    quartier_row = page.locator(".field-quartier")
    quartier_row.get_by_role("combobox").click()
    search = page.locator(".select2-container--open").get_by_role("searchbox")
    search.press_sequentially("Welp")
    page.get_by_role("option", name="Welper", exact=True).click()
    welper = Quartier.objects.get(slug="welper")
    expect(page.locator("#id_quartier")).to_have_value(str(welper.pk))

    page.get_by_label("Anreißer:").fill("Ein Nachmittag mit Pinsel, Farbe und Waffeln.")
    page.get_by_label("Status:").select_option(label="geplant")
    page.get_by_label("Veröffentlichung:").select_option(label="veröffentlicht")

    # The first (extra) row of the image inline; its inputs have no label of their own
    # (Django's tabular inline), so they are found by id.
    page.locator("#id_images-0-image").set_input_files(str(photo))
    page.locator("#id_images-0-alt_text").fill(alt)
    page.locator("#id_images-0-credit").fill("Foto: Jugendraum Welper")

    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    expect(page.locator(".messagelist")).to_contain_text("Zaunfest in Welper")
    expect(page.locator(".errornote")).to_have_count(0)

    project = Project.objects.get(slug="zaunfest-in-welper")
    assert project.publication == Publication.PUBLISHED and project.is_published
    assert project.quartier == welper
    image = project.images.get()
    assert image.alt_text == alt and image.width and image.height

    page.get_by_role("link", name="Auf der Website ansehen").click()
    expect(page).to_have_url(demo_site + "/projekte/zaunfest-in-welper/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zaunfest in Welper")
    picture = page.get_by_role("region", name="Bilder").get_by_role("img", name=alt)
    expect(picture).to_have_count(1)
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    srcset = picture.get_attribute("srcset") or ""
    # Chromium takes the first format it knows from the <picture>'s sources: AVIF.
    avif = picture.evaluate(
        "(img) => img.parentElement.querySelector('source[type=\"image/avif\"]').srcset"
    )
    current = picture.evaluate("(img) => img.currentSrc")
    assert urlsplit(current).path in srcset_urls(avif), (current, avif)
    assert all("/media/" in url for url in srcset_urls(srcset) + srcset_urls(avif)), srcset
    assert_renditions_load(page, srcset)
    assert_renditions_load(page, avif)
    expect(page.locator("figcaption")).to_contain_text("Foto: Jugendraum Welper")
    check_page(page, "Projekt aus dem Admin")

    # And it is listed on the Quartier page.
    page.goto(demo_site + "/quartiere/welper/")
    expect(
        page.get_by_role("region", name="Projekte").get_by_role("link", name="Zaunfest in Welper")
    ).to_be_visible()
