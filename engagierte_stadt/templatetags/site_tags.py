import datetime
import functools
from pathlib import Path
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.formats import local_format
from engagierte_stadt.markup import render_markdown

register = template.Library()


@register.filter(expects_localtime=True)
def weekday_date(value):
    """ "Dienstag, 22. Dezember 2026" / "Tuesday 22 December 2026"."""
    return formats.date_format(value, local_format("WEEKDAY_DATE_FORMAT")) if value else ""


@register.filter(expects_localtime=True)
def weekday_datetime(value):
    """ "Dienstag, 22. Dezember 2026, 18:00" / "Tuesday 22 December 2026, 18:00"."""
    return formats.date_format(value, local_format("WEEKDAY_DATETIME_FORMAT")) if value else ""


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


@register.inclusion_tag("includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    """The main menu; the section the visitor is in is marked with aria-current."""
    request = context.get("request")
    path = request.path if request is not None else ""
    items = []
    for label, route in MAIN_NAVIGATION:
        url = reverse(route)
        items.append({"label": label, "url": url, "current": path.startswith(url)})
    return {"items": items}


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
