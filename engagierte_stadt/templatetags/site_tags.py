import datetime
import functools
from pathlib import Path
from urllib.parse import quote

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.formats import date_text, local_format
from engagierte_stadt.markup import render_markdown
from engagierte_stadt.memo import Table

register = template.Library()


@register.filter(expects_localtime=True)
def weekday_date(value):
    """ "Dienstag, 22. Dezember 2026" / "Tuesday 22 December 2026"."""
    return date_text(value, local_format("WEEKDAY_DATE_FORMAT")) if value else ""


@register.filter(expects_localtime=True)
def weekday_datetime(value):
    """ "Dienstag, 22. Dezember 2026, 18:00" / "Tuesday 22 December 2026, 18:00"."""
    return date_text(value, local_format("WEEKDAY_DATETIME_FORMAT")) if value else ""


@register.filter
def machine_time(value):
    """A date or time for `<time datetime>`: ISO 8601 in local time, whole seconds (HTML allows
    at most three digits of a second; Django's `date:'c'` writes six)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter(name="markdown")
def markdown_filter(text):
    """Render staff-written Markdown as sanitised HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


MAIN_NAVIGATION = [
    (_("Districts"), "quartiere:list"),
    (_("Projects"), "quartiere:project_list"),
    (_("Get involved"), "quartiere:opportunity_list"),
    (_("District conferences"), "konferenzen:overview"),
    (_("Partners"), "partner:directory"),
    (_("News"), "article_list"),
]


@functools.lru_cache(maxsize=32)
def _navigation(language: str, prefix: str) -> tuple[tuple[str, str], ...]:
    """(label, address) of the menu's items: a pure function of language and script prefix."""
    return tuple((str(label), reverse(route)) for label, route in MAIN_NAVIGATION)


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The main menu; the section the visitor is in is marked with aria-current.

    Written here rather than as an included template: every page shows it, and its links are
    worked out once per language."""
    request = context.get("request")
    path = request.path if request is not None else ""
    current = ' aria-current="page"'
    items = "".join(
        f'      <li class="site-nav__item"><a class="site-nav__link" href="{escape(url)}"'
        f"{current if path.startswith(url) else ''}>{escape(label)}</a></li>\n"
        for label, url in _navigation(get_language(), get_script_prefix())
    )
    # Outside the f-string, where makemessages finds it.
    name = escape(gettext("Main navigation"))
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<nav class="site-nav" aria-label="{name}">\n'
        '  <div class="kern-container">\n'
        '    <ul class="site-nav__list">\n'
        f"{items}"
        "    </ul>\n"
        "  </div>\n"
        "</nav>\n"
    )


@functools.cache
def _svg_data_uri(path: str) -> str:
    from django.contrib.staticfiles import finders

    found = finders.find(path)
    if not found:
        raise ValueError(f"no static file {path!r}")
    svg = Path(found).read_text(encoding="utf-8").strip()
    return "data:image/svg+xml," + quote(svg, safe="=/:")


@register.simple_tag
def svg_data_uri(path: str) -> str:
    """A small static SVG as a `data:` URL (the favicon): one request less on a first view.

    Read once per process; the file is part of the release, like the code."""
    return _svg_data_uri(path)


# What the footer shows of the site settings; with the language and the script prefix this is
# everything its markup depends on.
FOOTER_FIELDS = (
    "contact_organisation",
    "contact_name",
    "contact_address",
    "contact_email",
    "contact_phone",
)


@functools.lru_cache(maxsize=64)
def _footer(language: str, script_prefix: str, values: tuple) -> str:
    from django.template.loader import get_template

    settings = dict(zip(FOOTER_FIELDS, values, strict=True))
    return get_template("includes/footer.html").render({"site_settings": settings})


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer (`includes/footer.html`), rendered once per language and contact details.

    Its markup is a pure function of the key: an edited contact is a new key, so nothing is
    ever stale; it saves a template rendering of every page (about a tenth of a light one).
    """
    from django.urls import get_script_prefix
    from django.utils.translation import get_language

    settings = context.get("site_settings")
    values = tuple(str(getattr(settings, name, "") or "") for name in FOOTER_FIELDS)
    return mark_safe(_footer(get_language(), get_script_prefix(), values))  # noqa: S308


@register.simple_tag
def fixed_include(template_name: str, **values):
    """`{% include template_name with values only %}` for a fragment that depends on these
    values, the language and the code alone (no row, no request, no token): rendered once
    per process and language, not on every page (issue #17: the head's static and feed
    links, the header's search form). With `CARDS_CHECK` (the test settings) it is rendered
    every time and fails when it comes out different from before: a fragment that depends
    on anything else shows up."""
    key = (template_name, tuple(sorted(values.items())), get_language())
    html = _FIXED.kept(key, lambda: get_template(template_name).render(values))
    return mark_safe(html)  # noqa: S308 - a rendered template


_FIXED = Table(maxsize=256)
