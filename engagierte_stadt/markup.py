"""Markdown written by staff, rendered to sanitised HTML."""

import functools
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> str:
    """Turn Markdown into HTML that cannot carry scripts, styles or event handlers.

    Headings start at h2 because every page already has its own h1.
    """
    if not text:
        return ""
    return _render(text)


_converters = threading.local()


def _converter() -> markdown.Markdown:
    """One converter per thread, reset before each text: setting one up (its extensions and
    their patterns) cost more than converting a short text."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
        _converters.markdown = converter
    return converter


@functools.lru_cache(maxsize=1024)
def _render(text: str) -> str:
    # A pure function of the text: a page shown again renders its Markdown once per process
    # (about 2 ms for a page of prose), and an edited text is a new key.
    html = _converter().reset().convert(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
