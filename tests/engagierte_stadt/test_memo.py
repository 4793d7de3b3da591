"""The memos of pure work on the pages' hot paths (issue #17): a row's address without
`reverse()` each time, choice labels and a card's fixed words once per language. Each must
give exactly what the slow way gives, in every language, and forget when settings change."""

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from engagierte_stadt.cards import label, t
from engagierte_stadt.urlwords import address
from quartiere.models import Opportunity, Project
from tests.factories import MeetingFactory, OpportunityFactory, ProjectFactory, QuartierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["de", "en"])
def test_addresses_are_those_of_reverse(language):
    quartier = QuartierFactory(slug="welper")
    project = ProjectFactory(slug="garten-2026", quartier=quartier)
    offer = OpportunityFactory(project=project, slug="kaffee_und_kuchen")
    meeting = MeetingFactory()
    with translation.override(language):
        for row in (quartier, project, offer, meeting):
            expected = reverse(row.DETAIL_ROUTE, kwargs=row.url_kwargs())
            assert row.get_absolute_url() == expected
            assert address(row.DETAIL_ROUTE, row.url_kwargs()) == expected  # the memo's turn
        assert project.get_absolute_url().startswith("/en/" if language == "en" else "/projekte/")


def test_a_value_that_is_not_plain_takes_reverse():
    """A value outside letters, digits, "-" and "_" goes to `reverse()`, which quotes it or,
    as here for a slug, refuses it: the same error as before."""
    with pytest.raises(NoReverseMatch):
        address("quartiere:project_detail", {"slug": "straße"})
    with pytest.raises(NoReverseMatch):
        address("quartiere:project_detail", {"slug": "a{0}b"})


def test_addresses_follow_a_changed_urlconf():
    with override_settings(ROOT_URLCONF="tests.engagierte_stadt.urlwords_urls"):
        assert address("dinge:detail", {"slug": "tisch"}) == "/dinge/tisch/"
        assert address("dinge:picture", {"slug": "tisch", "number": 3}) == "/dinge/tisch/bilder/3/"
    assert address("quartiere:detail", {"slug": "welper"}) == reverse(
        "quartiere:detail", kwargs={"slug": "welper"}
    )


@pytest.mark.parametrize("language", ["de", "en"])
def test_choice_labels_are_djangos(language):
    project = ProjectFactory()
    offer = OpportunityFactory(project=project, commitment=Opportunity.Commitment.REGULAR)
    with translation.override(language):
        for status, _text in Project.Status.choices:
            project.status = status
            assert label(project, "status") == project.get_status_display()
        assert label(offer, "commitment") == offer.get_commitment_display()
    project.status = "gibt-es-nicht"  # not a choice: shown as it is, as Django does
    assert label(project, "status") == "gibt-es-nicht"


def test_fixed_words_are_translated_per_language():
    with translation.override("de"):
        assert t("Topics:") == "Themenfelder:"
    with translation.override("en"):
        assert t("Topics:") == "Topics:"
    with translation.override("de"):
        assert t("Topics:") == "Themenfelder:"


def test_a_pictures_markup_is_that_of_its_template_when_the_check_is_off(settings):
    """`responsive_image` keeps a picture's markup per picture and arguments when the cards
    check is off (production); it must be the markup of the check's reference each time."""
    from django.template.loader import get_template

    from engagierte_stadt.templatetags.image_tags import (
        picture_context,
        picture_html,
        responsive_image,
    )
    from tests.factories import ProjectImageFactory

    picture = ProjectImageFactory(alt_text="Beet im Garten")
    settings.CARDS_CHECK = False
    reference = get_template("components/responsive_image.html").render(
        picture_context(picture, "card", sizes="100vw")
    )
    assert responsive_image(picture, "card", sizes="100vw") == reference
    assert responsive_image(picture, "card", sizes="100vw") == reference  # from the memo
    assert reference == picture_html(picture_context(picture, "card", sizes="100vw"))
    assert 'alt="Beet im Garten"' in reference and "<source" in reference
    other = responsive_image(picture, "card", sizes="100vw", alt="Anderer Text")
    assert 'alt="Anderer Text"' in other and other.replace("Anderer Text", "Beet im Garten") == (
        reference
    )


def test_a_fixed_fragment_is_rendered_once_per_language(settings, monkeypatch):
    from django.template.loader import get_template

    from engagierte_stadt.templatetags import site_tags

    settings.CARDS_CHECK = False
    renders = []

    def counting(name):
        renders.append(name)
        return get_template(name)

    monkeypatch.setattr(site_tags, "get_template", counting)
    form = "includes/search_form.html"
    with translation.override("de"):
        german = site_tags.fixed_include(form, field_id="kopf-suche-test", compact=True)
        assert site_tags.fixed_include(form, field_id="kopf-suche-test", compact=True) == german
    with translation.override("en"):
        english = site_tags.fixed_include(form, field_id="kopf-suche-test", compact=True)
    assert "Suchbegriff" in german
    assert "Search term" in english and english != german
    assert 'id="kopf-suche-test"' in german and "site-search--compact" in german
    assert renders == [form, form]  # once per language


def test_the_check_fails_on_a_fragment_that_is_not_fixed(settings, monkeypatch):
    from engagierte_stadt.templatetags import site_tags

    settings.CARDS_CHECK = True
    outputs = iter(["<p>eins</p>", "<p>zwei</p>"])

    class Changing:
        def render(self, context):
            return next(outputs)

    monkeypatch.setattr(site_tags, "get_template", lambda name: Changing())
    assert site_tags.fixed_include("gibt/es-nur-hier.html") == "<p>eins</p>"
    with pytest.raises(AssertionError, match="changed"):
        site_tags.fixed_include("gibt/es-nur-hier.html")
