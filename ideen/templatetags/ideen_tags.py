"""The idea card as a simple tag: `{% idea_card idea %}` (ideen/cards.py;
`engagierte_stadt.cards` says how its template stays the reference)."""

from django import template

from engagierte_stadt.cards import checked
from ideen import cards

register = template.Library()


@register.simple_tag
def idea_card(idea, heading_level=None):
    return checked(
        cards.idea_card(idea, heading_level),
        "ideen/includes/idea_card.html",
        {"idea": idea, "heading_level": heading_level},
    )
