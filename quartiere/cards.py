"""The cards of opportunities, projects, Stadtteile and finder results in Python.

Each function gives exactly the markup of its template in `templates/quartiere/includes/`
(see `engagierte_stadt.cards`); the tags are in `engagierte_stadt.templatetags.card_tags`.
"""

from django.utils.translation import gettext as _

from engagierte_stadt.cards import (
    capfirst,
    card,
    date,
    e,
    joined,
    label,
    language_note,
    listed,
    t,
    text_of,
)
from engagierte_stadt.templatetags.content_tags import in_language
from engagierte_stadt.templatetags.image_tags import responsive_image
from quartiere.templatetags.opportunity_tags import _translated, commitment, places

PROJECT_SIZES = "(min-width: 75em) 22rem, (min-width: 40em) 45vw, 100vw"


def _origin(opportunity) -> str:
    """The preline: "Project · Quartier", either alone, or nothing."""
    html = ""
    if opportunity.project:
        html = text_of(opportunity.project, "title")
        if opportunity.quartier:
            html += " · "
    if opportunity.quartier:
        html += e(opportunity.quartier.name)
    return html


def opportunity_card(opportunity, heading_level=None) -> str:
    """`quartiere/includes/opportunity_card.html`."""
    place = f"<li>{text_of(opportunity, 'place')}</li>" if opportunity.place else ""
    deadline = ""
    if opportunity.signup_deadline and opportunity.accepts_signups:
        until = _translated(_("Sign up by %(date)s"), date=date(opportunity.signup_deadline))
        deadline = f"<li>{until}</li>"
    labels = opportunity.suitability_labels
    badges = ""
    if labels:
        badges = (
            f'<ul class="site-badges" aria-label="{t("Suitability")}">'
            + "".join(f'<li class="site-tag">{capfirst(label)}</li>' for label in labels)
            + "</ul>"
        )
    closed = ""
    if not opportunity.accepts_signups:
        closed = (
            '<p class="kern-body"><span class="kern-badge kern-badge--warning">'
            f'<span class="kern-label">{t("Sign-up closed")}</span></span></p>'
        )
    body = (
        f'{language_note(opportunity, "title")}<ul class="site-facts">\n'
        f"        <li>{commitment(opportunity)}</li>\n"
        f"        {place}\n"
        f"        <li>{places(opportunity)}</li>\n"
        f"        {deadline}\n"
        "      </ul>\n"
        f"      {badges}\n"
        f"      {closed}"
    )
    return card(
        preline=_origin(opportunity),
        url=e(opportunity.get_absolute_url()),
        title=text_of(opportunity, "title"),
        body=body,
        heading_level=heading_level,
    )


def project_card(project, heading_level=None) -> str:
    """`quartiere/includes/project_card.html`."""
    media = ""
    picture = project.cover
    if picture:
        image = responsive_image(picture, "card", sizes=PROJECT_SIZES)
        media = f'<div class="kern-card__media">{image}</div>\n  '
    topics = list(project.topics.all())
    topic_line = ""
    if topics:
        topic_line = (
            f'<p class="kern-body kern-body--small site-card__meta">{t("Topics:")} '
            f"{listed(topic.name for topic in topics)}</p>"
        )
    quartier = project.quartier
    body = (
        f"{language_note(project, 'title', 'teaser')}"
        f'<p class="kern-body">{text_of(project, "teaser")}</p>\n'
        f"      {topic_line}"
    )
    return card(
        media=media,
        preline=f"{e(quartier.name if quartier else None)} · {e(label(project, 'status'))}",
        url=e(project.get_absolute_url()),
        title=text_of(project, "title"),
        body=body,
        heading_level=heading_level,
    )


def quartier_card(district, heading_level=None) -> str:
    """`quartiere/includes/quartier_card.html`: the title link does not cover the card."""
    teaser = ""
    if district.teaser:
        teaser = (
            f"{language_note(district, 'teaser')}"
            f'<p class="kern-body">{text_of(district, "teaser")}</p>'
        )
    children = list(district.children.all())
    links = ""
    if children:
        links = (
            "\n"
            f'      <p class="kern-body kern-body--small">{t("Neighbourhoods:")}\n        '
            + ", ".join(
                f'<a class="kern-link" href="{e(child.get_absolute_url())}">{e(child.name)}</a>'
                for child in children
            )
            + "</p>\n      "
        )
    return card(
        preline=capfirst(label(district, "kind")),
        url=e(district.get_absolute_url()),
        title=e(district.name),
        body=f"{teaser}\n      {links}",
        heading_level=heading_level,
        stretched=False,
    )


def finder_card(match, heading_level=None, alternative=False) -> str:
    """`quartiere/includes/finder_card.html`: with why it fits and a sign-up button."""
    opportunity = match.opportunity
    reasons = ""
    if match.reasons:
        reasons = (
            f'<p class="kern-body site-finder-reasons"><strong>{t("Fits because:")}</strong> '
            f"{joined(match.reasons)}</p>"
        )
    differences = ""
    if match.differences:
        label = t("Differs:") if alternative else t("Does not fit:")
        differences = (
            f'<p class="kern-body site-finder-differences"><strong>{label}</strong> '
            f"{joined(match.differences)}</p>"
        )
    action = ""
    if opportunity.accepts_signups:
        action = (
            '<p class="site-card__actions"><a class="kern-btn kern-btn--primary" '
            f'href="{e(opportunity.get_absolute_url())}#anmelden" '
            f'aria-label="{t("Sign up")}: {e(in_language(opportunity, "title"))}">'
            f'<span class="kern-label">{t("Sign up")}</span></a></p>'
        )
    body = (
        f"{language_note(opportunity, 'title')}{reasons}\n"
        f"      {differences}\n"
        '      <ul class="site-facts">\n'
        f"        <li>{commitment(opportunity)}</li>\n"
        f"        <li>{places(opportunity)}</li>\n"
        "      </ul>\n"
        f"      {action}"
    )
    return card(
        preline=_origin(opportunity),
        url=e(opportunity.get_absolute_url()),
        title=text_of(opportunity, "title"),
        body=body,
        heading_level=heading_level,
    )
