"""The idea card as a simple tag: `{% idea_card idea %}` (ideen/cards.py;
`engagierte_stadt.cards` says how its template stays the reference)."""

from django import template

from engagierte_stadt.cards import card_tag
from ideen import cards

register = template.Library()

card_tag(register, "ideen/includes/idea_card.html")(cards.idea_card)
