"""The cards of every list, written in Python.

`templates/components/card.html` and the card templates that extend it (projects,
opportunities, finder results, Quartiere, meetings, partners, articles, ideas) stay the
reference: each card has a simple tag that builds the same markup here, and with
`CARDS_CHECK` (on in the test settings) the tag renders the template too and fails on any
byte of difference. Change a card template and its function here together.

Why: a card through `{% include %}` and `{% extends %}` cost about 0.4 ms, and a list page
shows up to twenty of them — most of the page's rendering time.

The helpers below say which template expression each one stands for.
"""

import datetime
import functools
import inspect

from django.conf import settings
from django.template import defaultfilters
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engagierte_stadt.formats import date_text
from engagierte_stadt.memo import settings_memo
from engagierte_stadt.templatetags.content_tags import german_only_note, translated


def e(value) -> str:
    """`{{ value }}`: escaped; nothing for None (an attribute of a missing relation)."""
    if value is None:
        return ""
    return conditional_escape(value)


def t(message: str) -> str:
    """`{% translate "…" %}`: a card's fixed words, looked up once per language."""
    return _translated_words(message, get_language())


@settings_memo(maxsize=512)
def _translated_words(message: str, _language: str) -> str:
    return conditional_escape(_(message))


def date(value, arg: str = "DATE_FORMAT") -> str:
    """`{{ value|date:"DATE_FORMAT" }}` (local time, as the filter receives it)."""
    value = timezone.template_localtime(value)
    if isinstance(value, datetime.date):
        return e(date_text(value, arg))
    return e(defaultfilters.date(value, arg))


def label(obj, name: str) -> str:
    """`obj.get_<name>_display()`: the labels of the field's choices are looked up once per
    language (Django builds a dict of all choices for every call)."""
    value = getattr(obj, name)
    try:
        return _choice_labels(type(obj), name, get_language())[value]
    except (KeyError, TypeError):
        return getattr(obj, f"get_{name}_display")()


@settings_memo(maxsize=256)
def _choice_labels(model, name: str, _language: str) -> dict:
    return {value: str(text) for value, text in model._meta.get_field(name).flatchoices}


def capfirst(value) -> str:
    """`{{ value|capfirst }}`."""
    return e(defaultfilters.capfirst(value))


def joined(items, separator: str = " · ") -> str:
    """`{{ items|join:" · " }}`."""
    return conditional_escape(separator).join(conditional_escape(item) for item in items)


def listed(items) -> str:
    """`{% for x in items %}{{ x }}{% if not forloop.last %}, {% endif %}{% endfor %}`."""
    return ", ".join(conditional_escape(item) for item in items)


def text_of(obj, name: str) -> str:
    """`{{ obj|translated:"name" }}`."""
    return translated(obj, name)


def card(
    *,
    url: str,
    title: str,
    preline: str = "",
    body: str = "",
    media: str = "",
    modifiers: str = "",
    heading_level=None,
    stretched: bool = True,
) -> SafeString:
    """`components/card.html` with its blocks filled (every argument already HTML)."""
    level = e(heading_level or "h2")
    link = "kern-link kern-link--stretched" if stretched else "kern-link"
    return mark_safe(  # noqa: S308 - the caller escaped every part
        f'<article class="kern-card site-card{modifiers}">\n'
        f'  {media}<div class="kern-card__container">\n'
        '    <header class="kern-card__header">\n'
        f'      <p class="kern-preline">{preline}</p>\n'
        f'      <{level} class="kern-title"><a class="{link}" href="{url}">{title}</a></{level}>\n'
        "    </header>\n"
        '    <div class="kern-card__body">\n'
        f"      {body}\n"
        "    </div>\n"
        "  </div>\n"
        "</article>\n"
    )


def language_note(obj, *names: str) -> str:
    """`{% german_only_note obj "title" … card=True %}`."""
    return german_only_note(obj, *names, card=True)


def checked(html: str, template_name: str, context: dict) -> SafeString:
    """The card's markup; with `CARDS_CHECK`, compared with its template's first."""
    if settings.CARDS_CHECK:
        reference = get_template(template_name).render(context)
        if html != reference:
            raise AssertionError(
                f"The Python card differs from {template_name}:\n{html}\n"
                f"--- template ---\n{reference}"
            )
    return mark_safe(html)  # noqa: S308 - built from escaped parts


def card_tag(library, template_name: str):
    """Register `render` (a card function of an app's cards.py) as a simple tag of `library`
    under its own name, checked against `template_name`: the template gets the function's
    arguments under their parameter names (`opportunity`, `heading_level` …)."""

    def register(render):
        signature = inspect.signature(render)

        @functools.wraps(render)
        def tag(*args, **kwargs):
            html = render(*args, **kwargs)
            if not settings.CARDS_CHECK:
                return mark_safe(html)  # noqa: S308 - built from escaped parts
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return checked(html, template_name, dict(bound.arguments))

        library.simple_tag(tag, name=render.__name__)
        return render

    return register
