"""The idea card in Python: exactly `ideen/includes/idea_card.html` (see
`engagierte_stadt.cards`; the tag is in `engagierte_stadt.templatetags.card_tags`)."""

from django.template.defaultfilters import truncatewords

from engagierte_stadt.cards import capfirst, card, e, label, t
from engagierte_stadt.templatetags.image_tags import responsive_image

SIZES = "(min-width: 75em) 22rem, (min-width: 40em) 45vw, 100vw"


def idea_card(idea, heading_level=None) -> str:
    media = ""
    if idea.picture:
        image = responsive_image(idea.picture, "card", sizes=SIZES, alt=idea.picture_alt)
        media = f'<div class="kern-card__media">{image}</div>\n  '
    topic = ""
    if idea.topic:
        topic = (
            f'<p class="kern-body kern-body--small site-card__meta">{t("Topic:")} '
            f"{e(idea.topic.name)}</p>"
        )
    quartier = idea.quartier
    return card(
        media=media,
        preline=f"{e(quartier.name if quartier else None)} · {capfirst(label(idea, 'status'))}",
        url=e(idea.get_absolute_url()),
        title=e(idea.title),
        body=f'<p class="kern-body">{e(truncatewords(idea.description, 30))}</p>\n      {topic}',
        heading_level=heading_level,
    )
