"""The article card as a simple tag: `{% article_card article heading_level="h3" %}`.

It gives exactly the markup of `components/article_card.html` (`engagierte_stadt.cards` says
why and how the templates stay the reference); with `CARDS_CHECK` it renders the template as
well and fails on any difference. The apps' cards have their tags in the apps' own libraries:
`opportunity_tags` (opportunity, project, Quartier, finder result), `konferenzen_tags`
(meeting), `partner_tags` (partner), `ideen_tags` (idea).
"""

from django import template

from engagierte_stadt.cards import card, card_tag, date, e, language_note, text_of
from engagierte_stadt.templatetags.image_tags import responsive_image
from engagierte_stadt.templatetags.site_tags import machine_time

register = template.Library()

ARTICLE_SIZES = "(min-width: 75em) 24rem, (min-width: 40em) 50vw, 100vw"


def article_card(article, heading_level=None) -> str:
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


card_tag(register, "components/article_card.html")(article_card)
