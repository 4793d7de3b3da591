"""The cards of every list as simple tags: `{% opportunity_card opportunity heading_level="h3" %}`.

Each tag gives exactly the markup of its card template (`engagierte_stadt.cards` says why and
how the templates stay the reference); with `CARDS_CHECK` it renders the template as well and
fails on any difference.
"""

from django import template

from engagierte_stadt.cards import card, checked, date, e, language_note, text_of
from engagierte_stadt.templatetags.image_tags import responsive_image
from engagierte_stadt.templatetags.site_tags import machine_time

register = template.Library()

ARTICLE_SIZES = "(min-width: 75em) 24rem, (min-width: 40em) 50vw, 100vw"


def article_card_html(article, heading_level=None) -> str:
    """`components/article_card.html`."""
    media = ""
    if article.photo:
        image = responsive_image(article.photo, "card", sizes=ARTICLE_SIZES, alt="")
        media = f'<div class="kern-card__media">{image}</div>\n  '
    return card(
        media=media,
        preline=f'<time datetime="{e(machine_time(article.publish_at))}">'
        f"{date(article.publish_at)}</time>",
        url=e(article.get_absolute_url()),
        title=text_of(article, "title"),
        body=f"{language_note(article, 'title', 'teaser')}"
        f'<p class="kern-body">{text_of(article, "teaser")}</p>',
        heading_level=heading_level,
    )


@register.simple_tag
def article_card(article, heading_level=None):
    return checked(
        article_card_html(article, heading_level),
        "components/article_card.html",
        {"article": article, "heading_level": heading_level},
    )


@register.simple_tag
def opportunity_card(opportunity, heading_level=None):
    from quartiere.cards import opportunity_card

    return checked(
        opportunity_card(opportunity, heading_level),
        "quartiere/includes/opportunity_card.html",
        {"opportunity": opportunity, "heading_level": heading_level},
    )


@register.simple_tag
def project_card(project, heading_level=None):
    from quartiere.cards import project_card

    return checked(
        project_card(project, heading_level),
        "quartiere/includes/project_card.html",
        {"project": project, "heading_level": heading_level},
    )


@register.simple_tag
def quartier_card(district, heading_level=None):
    from quartiere.cards import quartier_card

    return checked(
        quartier_card(district, heading_level),
        "quartiere/includes/quartier_card.html",
        {"district": district, "heading_level": heading_level},
    )


@register.simple_tag
def finder_card(match, heading_level=None, alternative=False):
    from quartiere.cards import finder_card

    return checked(
        finder_card(match, heading_level, alternative),
        "quartiere/includes/finder_card.html",
        {"match": match, "heading_level": heading_level, "alternative": alternative},
    )


@register.simple_tag
def meeting_card(meeting, heading_level=None, show_conference=False):
    from konferenzen.cards import meeting_card

    return checked(
        meeting_card(meeting, heading_level, show_conference),
        "konferenzen/includes/meeting_card.html",
        {"meeting": meeting, "heading_level": heading_level, "show_conference": show_conference},
    )


@register.simple_tag
def partner_card(partner, heading_level=None, show_quartiere=False):
    from partner.cards import partner_card

    return checked(
        partner_card(partner, heading_level, show_quartiere),
        "partner/includes/partner_card.html",
        {"partner": partner, "heading_level": heading_level, "show_quartiere": show_quartiere},
    )


@register.simple_tag
def idea_card(idea, heading_level=None):
    from ideen.cards import idea_card

    return checked(
        idea_card(idea, heading_level),
        "ideen/includes/idea_card.html",
        {"idea": idea, "heading_level": heading_level},
    )
