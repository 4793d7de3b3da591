"""The partner card as a simple tag: `{% partner_card partner show_quartiere=True %}`
(partner/cards.py; `engagierte_stadt.cards` says how its template stays the reference)."""

from django import template

from engagierte_stadt.cards import checked
from partner import cards

register = template.Library()


@register.simple_tag
def partner_card(partner, heading_level=None, show_quartiere=False):
    return checked(
        cards.partner_card(partner, heading_level, show_quartiere),
        "partner/includes/partner_card.html",
        {"partner": partner, "heading_level": heading_level, "show_quartiere": show_quartiere},
    )
