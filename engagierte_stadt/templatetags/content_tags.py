"""Staff-written texts in the page's language (`engagierte_stadt.translations`).

- `{{ obj|in_language:"title" }}`: the plain text, for attributes, `<title>` and meta tags.
- `{{ obj|translated:"title" }}`: inline HTML; a German text standing in for a missing
  translation is wrapped in `<span lang="de">`, so screen readers pronounce it as German.
- `{{ meeting.display_title|marked }}`: the same for a text a model property passes on.
- `{% translated_prose obj "description" %}`: a Markdown text as `<div class="site-prose">`,
  with `lang="de"` when it stands in for a missing translation.
- `{% german_only_note obj "title" "teaser" "description" %}`: a short note in the page's
  language that the content is only available in German, when any of the texts fell back:
  once on a detail page (in its header) or once per card (`card=True`), never per word.

On German pages all of them give what `{{ obj.title }}` and `{{ obj.description|markdown }}`
gave before.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from engagierte_stadt.markup import render_markdown
from engagierte_stadt.translations import TranslatedText

register = template.Library()


def _text(obj, name: str) -> TranslatedText:
    in_language = getattr(obj, "in_language", None)
    if in_language is None:  # a model without translations: its German text as it is
        return TranslatedText(getattr(obj, name, "") or "", "")
    return in_language(name)


@register.filter
def in_language(obj, name: str) -> TranslatedText:
    return _text(obj, name)


@register.filter
def translated(obj, name: str):
    text = _text(obj, name)
    if text.fallback:
        return format_html('<span lang="{}">{}</span>', text.language, text)
    return conditional_escape(text)  # as format_html("{}", text)


@register.filter
def marked(text):
    """A text from `in_language()` (or a property passing one on) as inline HTML."""
    if getattr(text, "fallback", False):
        return format_html('<span lang="{}">{}</span>', text.language, text)
    return format_html("{}", text)


@register.simple_tag
def translated_prose(obj, name: str):
    text = _text(obj, name)
    html = mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3
    if text.fallback:
        return format_html('<div class="site-prose" lang="{}">{}</div>', text.language, html)
    return format_html('<div class="site-prose">{}</div>', html)


@register.simple_tag
def german_only_note(obj, *names: str, card: bool = False):
    """The note once for a page (or, `card=True`, a card) whose texts fell back."""
    if not any(_text(obj, name).fallback for name in names):
        return ""
    if card:
        message = _("Only available in German.")
    else:
        message = _("This content is only available in German.")
    return format_html('<p class="kern-body kern-body--small site-language-note">{}</p>', message)
