"""The partner card as a simple tag: `{% partner_card partner show_quartiere=True %}`
(partner/cards.py; `engagierte_stadt.cards` says how its template stays the reference)."""

from django import template

from engagierte_stadt.cards import card_tag
from partner import cards

register = template.Library()

card_tag(register, "partner/includes/partner_card.html")(cards.partner_card)
