"""The two lines of facts every opportunity card and page shows: time commitment and places.

Simple tags in Python rather than included templates: a list page shows them on every card,
and as templates they were about half of a card's rendering time.
"""

from django import template
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from engagierte_stadt.formats import date_text, local_format
from engagierte_stadt.memo import settings_memo
from engagierte_stadt.templatetags.site_tags import machine_time

register = template.Library()


def _local(value):
    """What a template filter with `expects_localtime` receives."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _translated(message: str, **values):
    """As `{% blocktranslate %}` does: the translation is trusted, the values are escaped."""
    return mark_safe(message % {name: conditional_escape(v) for name, v in values.items()})  # noqa: S308


def _time(value):
    return _translated(_("%(time)s o'clock"), time=date_text(_local(value), "H:i", time=True))


@settings_memo(maxsize=64)
def _words(_language: str) -> dict:
    """The fixed words of the two lines in one language, looked up once (a list page writes
    them on every card; through gettext and lazy labels each card took about 100 µs)."""
    from quartiere.models import Opportunity

    return {
        "kinds": {
            value: conditional_escape(capfirst(str(label)))
            for value, label in Opportunity.Commitment.choices
        },
        "weekdays": {value: str(label) for value, label in Opportunity.Weekday.choices},
        "oclock": _("%(time)s o'clock"),
        "until": conditional_escape(_("until")),
        "whenever": _translated(_("whenever it suits you")),
        "weekday_date": local_format("WEEKDAY_DATE_FORMAT"),
        "unlimited": _translated(_("Places: unlimited")),
        "booked": _translated(_("Fully booked – waiting list")),
    }


def _local_in(value, zone):
    """`_local()` with the time zone already looked up."""
    return value.astimezone(zone) if value.utcoffset() is not None else value


@register.simple_tag
def commitment(opportunity):
    """ "Einmalig: <time>Dienstag, 22. Dezember 2026, 18:00 Uhr</time> bis 20:00 Uhr",
    "Regelmäßig, etwa 4 Stunden im Monat (Montag, Mittwoch)" or "Flexibel – wann es passt"."""
    words = _words(get_language())
    kind = words["kinds"].get(opportunity.commitment)
    if kind is None:  # not one of the choices: as `get_commitment_display()` shows it
        kind = conditional_escape(capfirst(opportunity.get_commitment_display()))
    if opportunity.commitment == "einmalig":
        starts, ends = opportunity.starts_at, opportunity.ends_at
        if not starts:
            return kind
        zone = timezone.get_current_timezone()
        start = _local_in(starts, zone)
        when = (
            f'{kind}: <time datetime="{conditional_escape(machine_time(start))}">'
            f"{conditional_escape(date_text(start, words['weekday_date']))}, "
            f"{_clock(start, words)}</time>"
        )
        if not ends:
            return mark_safe(when)  # noqa: S308 - every part escaped above
        end = _local_in(ends, zone)
        end_day = ""
        if end.date() != start.date():
            end_day = conditional_escape(f"{date_text(end, words['weekday_date'])}, ")
        return mark_safe(f"{when} {words['until']} {end_day}{_clock(end, words)}")  # noqa: S308
    if opportunity.commitment == "regelmaessig":
        text = kind
        if opportunity.hours_per_month:
            hours = opportunity.hours_per_month
            text += ", " + _translated(
                ngettext("about %(hours)s hour a month", "about %(hours)s hours a month", hours),
                hours=formats.localize(hours),
            )
        if opportunity.weekdays:
            labels = words["weekdays"]
            days = [labels[value] for value in labels if value in opportunity.weekdays]
            if days:
                text += conditional_escape(" (" + ", ".join(days) + ")")
        return mark_safe(text)  # noqa: S308 - every part escaped above
    return mark_safe(f"{kind} – {words['whenever']}")  # noqa: S308 - both escaped


def _clock(value, words) -> str:
    """`_time()` of a value already in local time."""
    return _translated(words["oclock"], time=date_text(value, "H:i", time=True))


@register.simple_tag
def places(opportunity):
    """ "Plätze: unbegrenzt", "3 von 5 Plätzen frei" or "Ausgebucht – Warteliste"."""
    if opportunity.places is None:
        return _words(get_language())["unlimited"]
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
    return _words(get_language())["booked"]


# --- The cards (quartiere/cards.py), after the facts above that they use ----------------------

from engagierte_stadt.cards import card_tag  # noqa: E402
from quartiere import cards  # noqa: E402

card_tag(register, "quartiere/includes/opportunity_card.html")(cards.opportunity_card)
card_tag(register, "quartiere/includes/project_card.html")(cards.project_card)
card_tag(register, "quartiere/includes/quartier_card.html")(cards.quartier_card)
card_tag(register, "quartiere/includes/finder_card.html")(cards.finder_card)
