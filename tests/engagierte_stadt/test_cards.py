"""The cards of the lists in Python (engagierte_stadt/cards.py and the apps' cards.py).

The card templates are the reference. The test settings switch `CARDS_CHECK` on, so every card
any test renders is compared with its template; these tests render every card type in the
cases that change its markup, in German and English, and check that the check works.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.template import engines
from django.test import override_settings
from django.utils import timezone, translation

from engagierte_stadt import cards
from ideen.models import Idea
from konferenzen.models import Meeting
from partner.models import Partner
from quartiere.finder import Match
from quartiere.models import Opportunity, Project, Quartier
from tests.factories import (
    ArticleFactory,
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    ProjectImageFactory,
    QuartierFactory,
    TopicFactory,
)
from tests.ideen.helpers import published
from tests.images import image_bytes
from tests.partner.factories import PartnerFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["de", "en"]


def render(source: str, **context) -> str:
    libraries = "card_tags opportunity_tags konferenzen_tags partner_tags ideen_tags"
    template = engines["django"].from_string("{% load " + libraries + " %}" + source)
    return template.render(context)


def both_languages(source: str, **context) -> dict[str, str]:
    rendered = {}
    for language in LANGUAGES:
        with translation.override(language):
            rendered[language] = render(source, **context)
    return rendered


def test_opportunity_cards_in_every_state():
    soon = timezone.localdate() + datetime.timedelta(days=10)
    shown = [
        # Project and Quartier, a place, a deadline, suitability, a title with markup signs.
        OpportunityFactory(
            title="Kaffee & <Kuchen>",
            title_en="Coffee & cake",
            place="Gemeindehaus",
            signup_deadline=soon,
            places=5,
            suitable_youth=True,
            suitable_seniors=True,
        ),
        # No project; a one-off date; English missing (German marked as such).
        OpportunityFactory(
            project=None,
            quartier=QuartierFactory(),
            commitment=Opportunity.Commitment.ONCE,
            starts_at=timezone.now() + datetime.timedelta(days=3),
            ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
        ),
        # A project without a Quartier of its own; sign-up closed.
        OpportunityFactory(quartier=None, is_open=False, signup_deadline=soon),
    ]
    shown = [Opportunity.objects.for_cards().annotate_places().get(pk=o.pk) for o in shown]
    for opportunity in shown:
        for level in (None, "h3"):
            html = both_languages(
                "{% opportunity_card o heading_level=level %}", o=opportunity, level=level
            )
            assert html["de"].startswith('<article class="kern-card site-card">')
    german = both_languages("{% opportunity_card o %}", o=shown[0])["de"]
    assert "Kaffee &amp; &lt;Kuchen&gt;" in german and "<h2 " in german
    english = both_languages("{% opportunity_card o %}", o=shown[1])["en"]
    assert 'lang="de"' in english and "Only available in German." in english
    closed = both_languages("{% opportunity_card o %}", o=shown[2])["de"]
    assert "Anmeldung geschlossen" in closed


def test_project_cards_with_and_without_picture_and_topics():
    with_all = ProjectFactory(topics=[TopicFactory(name="Umwelt"), TopicFactory(name="Kultur")])
    ProjectImageFactory(project=with_all)
    bare = ProjectFactory(teaser="", title_en="Plain project")
    for project in Project.objects.for_cards().filter(pk__in=[with_all.pk, bare.pk]):
        html = both_languages("{% project_card p heading_level='h3' %}", p=project)
        if project.pk == with_all.pk:
            assert "<picture>" in html["de"] and "Kultur, Umwelt" in html["de"]


def test_quartier_cards_with_and_without_neighbourhoods():
    district = QuartierFactory(teaser="Am Fluss")
    QuartierFactory(parent=district, kind=Quartier.Kind.NEIGHBOURHOOD, name="Alt & Neu")
    QuartierFactory(parent=district, kind=Quartier.Kind.NEIGHBOURHOOD, name="Oben")
    lone = QuartierFactory(teaser="")
    for shown in Quartier.objects.prefetch_related("children").filter(
        pk__in=[district.pk, lone.pk]
    ):
        html = both_languages("{% quartier_card d %}", d=shown)
        if shown.pk == district.pk:
            assert "Alt &amp; Neu</a>, <a" in html["de"]
            assert "kern-link--stretched" not in html["de"]


def test_finder_cards_with_reasons_differences_and_as_alternative():
    opportunity = OpportunityFactory()
    closed = OpportunityFactory(is_open=False)
    matches = [
        Match(opportunity, ["in Welper", "Nachbarschaft"], []),
        Match(opportunity, [], ["weiter weg <2 km>"]),
        Match(closed, ["flexibel"], ["anderes Thema"]),
    ]
    for match in matches:
        for alternative in (False, True):
            html = both_languages(
                "{% finder_card m heading_level='h3' alternative=alt %}", m=match, alt=alternative
            )
            assert "site-facts" in html["de"]
    html = both_languages("{% finder_card m %}", m=matches[0])["de"]
    assert "in Welper · Nachbarschaft" in html and "#anmelden" in html


def test_meeting_cards_planned_cancelled_without_venue_and_with_title():
    conference = ConferenceFactory()
    planned = MeetingFactory(conference=conference, title="Frühjahr", registration_enabled=True)
    cancelled = MeetingFactory(
        conference=conference,
        starts_at=timezone.now() + datetime.timedelta(days=30),
        ends_at=None,
        slug="abgesagt",
        status=Meeting.Status.CANCELLED,
    )
    no_venue = MeetingFactory(
        conference=conference,
        starts_at=timezone.now() + datetime.timedelta(days=40),
        slug="ohne-ort",
        venue=None,
        room="",
    )
    for meeting in Meeting.objects.for_cards().filter(
        pk__in=[planned.pk, cancelled.pk, no_venue.pk]
    ):
        for show in (True, False):
            html = both_languages(
                "{% meeting_card m heading_level='h3' show_conference=show %}", m=meeting, show=show
            )
            if meeting.pk == cancelled.pk:
                assert "site-card--cancelled" in html["de"]


def test_partner_cards_with_logo_initial_and_quartiere():
    quartier = QuartierFactory(name="Welper")
    with_logo = PartnerFactory(
        name="Logo & Co", is_cooperation_partner=True, teaser="Wir helfen.", teaser_en=""
    )
    with_logo.logo = ContentFile(image_bytes("PNG", (60, 30)), name="logo.png")
    with_logo.save()
    with_logo.quartiere.add(quartier)
    initial = PartnerFactory(name="ökoverein")
    for partner in Partner.objects.prefetch_related("quartiere").filter(
        pk__in=[with_logo.pk, initial.pk]
    ):
        for show in (True, False):
            html = both_languages("{% partner_card p show_quartiere=show %}", p=partner, show=show)
            if partner.pk == initial.pk:
                assert ">Ö</span>" in html["de"]
            else:
                assert 'width="60" height="30"' in html["de"]


def test_article_cards_with_and_without_photo():
    photo = ArticleFactory(title_en="News")
    photo.photo = ContentFile(image_bytes(size=(800, 450)), name="foto.jpg")
    photo.save()
    plain = ArticleFactory()
    for article in (photo, plain):
        html = both_languages("{% article_card a heading_level='h3' %}", a=article)
        assert "<time datetime=" in html["de"]


def test_idea_cards_with_picture_topic_and_long_description():
    quartier = QuartierFactory()
    with_all = published(quartier, description=" ".join(["Wort"] * 40) + " <Ende>")
    with_all.picture = ContentFile(image_bytes(size=(800, 450)), name="bild.jpg")
    with_all.picture_alt = "Eine Bank"
    with_all.topic = TopicFactory()
    with_all.save()
    plain = published(quartier, title="Zweite Idee", email="zwei@example.org")
    for idea in Idea.objects.filter(pk__in=[with_all.pk, plain.pk]):
        html = both_languages("{% idea_card i %}", i=idea)
        if idea.pk == with_all.pk:
            assert "Wort …" in html["de"] and "&lt;Ende&gt;" not in html["de"]


def test_a_difference_from_the_template_fails_loudly(monkeypatch):
    opportunity = OpportunityFactory()
    real = cards.card
    monkeypatch.setattr(cards, "card", lambda **parts: real(**{**parts, "preline": "geändert"}))
    from quartiere import cards as quartiere_cards

    monkeypatch.setattr(quartiere_cards, "card", cards.card)
    with pytest.raises(AssertionError, match="differs from quartiere/includes/opportunity_card"):
        render("{% opportunity_card o %}", o=opportunity)


@override_settings(CARDS_CHECK=False)
def test_without_the_check_no_card_template_is_rendered(monkeypatch):
    opportunity = OpportunityFactory()
    rendered = []
    monkeypatch.setattr(cards, "get_template", lambda name: rendered.append(name))
    html = render("{% opportunity_card o %}", o=opportunity)
    assert rendered == []
    assert opportunity.title in html


def test_next_date_of_a_conference_with_and_without_a_meeting():
    from konferenzen.models import Conference

    with_meeting = ConferenceFactory(title="Mit Termin")
    MeetingFactory(conference=with_meeting)
    without = ConferenceFactory(title="Ohne Termin")
    for conference in Conference.objects.for_lists().filter(pk__in=[with_meeting.pk, without.pk]):
        html = both_languages("{% next_date c %}", c=conference)
        if conference.pk == with_meeting.pk:
            assert "o'clock</time></a>" in html["en"] and "Uhr</time></a>" in html["de"]
        else:
            assert html == {"de": "Nächster Termin folgt", "en": "Next date to be announced"}
