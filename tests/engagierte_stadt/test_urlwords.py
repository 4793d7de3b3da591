"""Words of the portal's own addresses: read from the URLconf, refused as slugs everywhere."""

import re

import pytest
from django.apps import apps
from django.contrib.admindocs.views import extract_views_from_urlpatterns
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import SlugField
from django.test import override_settings
from django.urls import get_resolver

from engagierte_stadt import urlwords
from engagierte_stadt.models import Article, Page
from engagierte_stadt.urlwords import PublicAddressMixin, reserved_words
from konferenzen.models import Conference, Meeting
from partner.models import Partner
from partner.services import application_accept
from quartiere.models import Opportunity, Project, Quartier, Skill, Topic
from tests.factories import (
    ArticleFactory,
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    PageFactory,
    ProjectFactory,
    QuartierFactory,
)
from tests.partner.factories import ApplicationFactory, PartnerFactory

REFUSED = "Diese Adresse wird vom Portal selbst verwendet. Bitte wählen Sie eine andere."

# Slugged models without a page of their own: their slugs are filter values in GET parameters
# (?topic=umwelt), which no fixed path word can clash with.
EXEMPT = {Topic, Skill}

SLUGGED = sorted(
    (
        model
        for model in apps.get_models()
        if any(isinstance(field, SlugField) for field in model._meta.fields)
    ),
    key=lambda model: model._meta.label,
)
PUBLIC = [model for model in SLUGGED if model not in EXEMPT]

# A saved, valid row of each public model, to change the slug of.
FACTORIES = {
    Quartier: QuartierFactory,
    Project: ProjectFactory,
    Opportunity: OpportunityFactory,
    Conference: ConferenceFactory,
    Meeting: MeetingFactory,
    Partner: PartnerFactory,
    Article: ArticleFactory,
    Page: PageFactory,
}
# An address that is nobody's word (a page's address is one of its choices).
NORMAL = {Page: Page.Slug.IMPRESSUM}


def label(model):
    return model._meta.label


def refused_words():
    """(model, word) for every word each public model's route reserves, for parametrize."""
    return [
        pytest.param(model, word, id=f"{label(model)}-{word}")
        for model in PUBLIC
        for word in sorted(reserved_words(model.DETAIL_ROUTE) - model.SLUGS_WITH_OWN_ROUTE)
    ]


def slug_messages(instance) -> list[str]:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict.get("slug", [])


# --- the words ---------------------------------------------------------------------------


def test_opportunity_address_cannot_be_the_word_of_the_personal_links_or_the_finder():
    assert reserved_words(Opportunity.DETAIL_ROUTE) == {"anmeldung", "benachrichtigung", "finden"}


def test_conference_address_cannot_be_a_fixed_word_under_stadtteilkonferenzen():
    assert reserved_words(Conference.DETAIL_ROUTE) == {
        "archiv",
        "quartier",
        "wunsch",
        "mein-wunsch",
        "anmeldung",
    }


def test_page_address_cannot_be_any_first_path_segment_of_the_site():
    words = reserved_words(Page.DETAIL_ROUTE)
    assert {
        "quartiere",
        "projekte",
        "mitmachen",
        "stadtteilkonferenzen",
        "partner",
        "aktuelles",
        "barrierefreiheit",
        "healthz",
        "admin",
        "media",
        "static",
    } <= words
    # Listed independently of the module under test, by Django's admindocs.
    first_segments = {
        route.lstrip("^").split("/")[0]
        for _view, route, _namespace, _name in extract_views_from_urlpatterns(
            get_resolver().url_patterns
        )
    }
    slug_like = {word for word in first_segments if re.fullmatch(r"[-a-zA-Z0-9_]+", word)}
    assert slug_like and slug_like <= words


def test_page_slugs_are_no_fixed_words_except_the_one_with_its_own_view():
    words = reserved_words(Page.DETAIL_ROUTE)
    assert words & set(Page.Slug.values) == {"barrierefreiheit"} == Page.SLUGS_WITH_OWN_ROUTE


@override_settings(ROOT_URLCONF="tests.engagierte_stadt.urlwords_urls")
def test_words_come_from_included_regex_and_language_routes_and_skip_converters():
    assert reserved_words("dinge:detail") == {"neu", "archiv"}
    assert reserved_words("dinge:picture") == {"neu", "archiv"}
    assert reserved_words("page") == {"dinge", "hilfe-seite", "ueber", "en", "static", "media"}


@override_settings(ROOT_URLCONF="tests.engagierte_stadt.urlwords_urls")
def test_unknown_route_or_parameter_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        reserved_words("dinge:nothing")
    with pytest.raises(ImproperlyConfigured):
        reserved_words("dinge:new")


def test_a_new_route_is_seen_after_the_urlconf_changes():
    before = reserved_words(Page.DETAIL_ROUTE)
    with override_settings(ROOT_URLCONF="tests.engagierte_stadt.urlwords_urls"):
        assert reserved_words(Page.DETAIL_ROUTE) != before
    assert reserved_words(Page.DETAIL_ROUTE) == before


# --- every slugged model -----------------------------------------------------------------


def test_every_slugged_model_has_a_public_address_or_is_exempt():
    assert EXEMPT <= set(SLUGGED)
    for model in PUBLIC:
        assert issubclass(model, PublicAddressMixin), label(model)
        assert model in FACTORIES, f"add a factory for {label(model)} above"
        reserved_words(model.DETAIL_ROUTE)  # names a route with a `slug` parameter
    for model in EXEMPT:
        assert not hasattr(model, "get_absolute_url"), f"{label(model)} has a page: not exempt"


@pytest.mark.django_db
@pytest.mark.parametrize("model, word", refused_words())
def test_reserved_word_is_refused_as_address(model, word):
    instance = FACTORIES[model]()
    instance.slug = word
    assert REFUSED in slug_messages(instance)


@pytest.mark.django_db
@pytest.mark.parametrize("model", PUBLIC, ids=label)
def test_clean_of_every_public_model_checks_its_address(model, monkeypatch):
    # Whatever words the routes have today: each model's clean() asks for them.
    monkeypatch.setattr(urlwords, "reserved_words", lambda *args: frozenset({"besetzt"}))
    instance = FACTORIES[model]()
    instance.slug = "besetzt"
    assert REFUSED in slug_messages(instance)


@pytest.mark.django_db
@pytest.mark.parametrize("model", PUBLIC, ids=label)
def test_normal_address_passes(model):
    instance = FACTORIES[model]()
    instance.slug = NORMAL.get(model, "ein-ganz-normaler-name")
    instance.full_clean()


@pytest.mark.django_db
def test_accessibility_page_keeps_the_address_of_its_own_view(client):
    page = PageFactory(slug=Page.Slug.BARRIEREFREIHEIT, title="Barrierefreiheit")
    page.full_clean()
    assert page.get_absolute_url() == "/barrierefreiheit/"


# --- slugs the portal makes itself ---------------------------------------------------------


@pytest.mark.django_db
def test_partner_from_an_application_does_not_get_a_fixed_word_as_address():
    partner = application_accept(application=ApplicationFactory(organisation="Netzwerk"))
    assert partner.slug == "netzwerk-2"


def test_demo_data_uses_no_reserved_word(demo):
    for model in PUBLIC:
        slugs = set(model.objects.values_list("slug", flat=True))
        assert slugs, label(model)
        assert not {slug for slug in slugs if model.slug_is_reserved(slug)}, label(model)
