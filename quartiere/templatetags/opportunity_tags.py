"""The two lines of facts every opportunity card and page shows: time commitment and places.

Simple tags in Python rather than included templates: a list page shows them on every card,
and as templates they were about half of a card's rendering time.
"""

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from engagierte_stadt.formats import date_text
from engagierte_stadt.templatetags.site_tags import machine_time, weekday_date

register = template.Library()


def _local(value):
    """What a template filter with `expects_localtime` receives."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _translated(message: str, **values):
    """As `{% blocktranslate %}` does: the translation is trusted, the values are escaped."""
    return mark_safe(message % {name: conditional_escape(v) for name, v in values.items()})  # noqa: S308


def _time(value):
    return _translated(_("%(time)s o'clock"), time=date_text(_local(value), "H:i", time=True))


@register.simple_tag
def commitment(opportunity):
    """ "Einmalig: <time>Dienstag, 22. Dezember 2026, 18:00 Uhr</time> bis 20:00 Uhr",
    "Regelmäßig, etwa 4 Stunden im Monat (Montag, Mittwoch)" or "Flexibel – wann es passt"."""
    kind = capfirst(opportunity.get_commitment_display())
    if opportunity.commitment == "einmalig":
        starts, ends = opportunity.starts_at, opportunity.ends_at
        if not starts:
            return conditional_escape(kind)
        when = format_html(
            '{}: <time datetime="{}">{}, {}</time>',
            kind,
            machine_time(starts),
            weekday_date(_local(starts)),
            _time(starts),
        )
        if not ends:
            return when
        end_day = ""
        if dateformat.format(_local(ends), "Ymd") != dateformat.format(_local(starts), "Ymd"):
            end_day = f"{weekday_date(_local(ends))}, "
        return format_html("{} {} {}{}", when, _("until"), end_day, _time(ends))
    if opportunity.commitment == "regelmaessig":
        text = conditional_escape(kind)
        if opportunity.hours_per_month:
            hours = opportunity.hours_per_month
            text += ", " + _translated(
                ngettext("about %(hours)s hour a month", "about %(hours)s hours a month", hours),
                hours=formats.localize(hours),
            )
        days = opportunity.weekday_labels
        if days:
            text += conditional_escape(" (" + ", ".join(str(day) for day in days) + ")")
        return mark_safe(text)  # noqa: S308 - every part escaped above
    return format_html("{} – {}", kind, _translated(_("whenever it suits you")))


@register.simple_tag
def places(opportunity):
    """ "Plätze: unbegrenzt", "3 von 5 Plätzen frei" or "Ausgebucht – Warteliste"."""
    if opportunity.places is None:
        return _translated(_("Places: unlimited"))
    if opportunity.free_places > 0:
        return _translated(
            ngettext(
                "%(free)s of %(places)s place free",
                "%(free)s of %(places)s places free",
                opportunity.places,
            ),
            free=formats.localize(opportunity.free_places),
            places=formats.localize(opportunity.places),
        )
    return _translated(_("Fully booked – waiting list"))


# --- The cards (quartiere/cards.py), after the facts above that they use ----------------------

from engagierte_stadt.cards import card_tag  # noqa: E402
from quartiere import cards  # noqa: E402

card_tag(register, "quartiere/includes/opportunity_card.html")(cards.opportunity_card)
card_tag(register, "quartiere/includes/project_card.html")(cards.project_card)
card_tag(register, "quartiere/includes/quartier_card.html")(cards.quartier_card)
card_tag(register, "quartiere/includes/finder_card.html")(cards.finder_card)
