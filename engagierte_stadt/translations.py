"""Staff-written content in more than one language: an English version beside the German text.

A shared building block: it imports no app. A model whose public texts may be translated
inherits `TranslatableMixin`, names those texts in `TRANSLATED_FIELDS` and declares one field
per text and language with `english_version()`, next to the German field:

    title = models.CharField(_("title"), max_length=200)
    title_en = english_version(title)

German stays the text of record (the field without suffix); `<name>_en` is optional. Why not
django-modeltranslation: see docs/sprachen.md. In short, a page must know *whether* a text
fell back to German (to mark it `lang="de"` with a note); modeltranslation's fallback answers
with the German value and does not say so, and it would rename the German columns.

`obj.in_language("title")` is the text for the active language as a `TranslatedText`: a `str`
that also says its language and whether it is the German text standing in (`fallback`). Pages
render it with the template tags in `templatetags/content_tags.py`; search, link previews and
structured data take the same value, so every place follows one rule.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ENGLISH = "en"
SUFFIX = f"_{ENGLISH}"
FALLBACK_HELP = _(
    "Optional. Empty: the English pages show the German text, marked as German, with a note "
    "that it is only available in German."
)


def english_version(field: models.Field, *, markdown: bool = False) -> models.Field:
    """A field for the English version of `field`: the same kind and length, optional."""
    _name, _path, args, kwargs = field.deconstruct()
    note = FALLBACK_HELP
    if markdown:
        note = format_lazy("{} {}", FALLBACK_HELP, _("Markdown is allowed."))
    kwargs.update(
        verbose_name=format_lazy(_("{name} (English)"), name=field.verbose_name),
        blank=True,
        default="",
        help_text=note,
    )
    kwargs.pop("null", None)
    return type(field)(*args, **kwargs)


def content_language() -> str:
    """The language pages are shown in (the active one), reduced to its base code."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


class TranslatedText(str):
    """A text in `language`; `fallback` when it is the German text on a page in another
    language (no version there)."""

    language: str
    fallback: bool

    def __new__(cls, value: str, language: str, fallback: bool = False):
        text = super().__new__(cls, value or "")
        text.language = language
        text.fallback = fallback
        return text


class TranslatableMixin:
    """A model with English versions of its public texts (see the module docstring)."""

    # The translated texts, each with a `<name>_en` field declared by `english_version()`.
    TRANSLATED_FIELDS: ClassVar[tuple[str, ...]] = ()
    # Translated texts that are often names (a meeting point, a place): without a version they
    # are marked as German like the others, but staff are not told they are missing.
    OPTIONAL_TRANSLATIONS: ClassVar[tuple[str, ...]] = ()

    def in_language(self, name: str, language: str | None = None) -> TranslatedText:
        """The text `name` in `language` (default: the active one), else the German text
        marked as a fallback. An empty German text is no fallback: there is nothing to mark."""
        code = language or content_language()
        german = getattr(self, name) or ""
        default = settings.LANGUAGE_CODE
        if code == default or name not in self.TRANSLATED_FIELDS:
            return TranslatedText(german, default)
        version = getattr(self, f"{name}_{code}", "") or ""
        if version.strip():
            return TranslatedText(version, code)
        return TranslatedText(german, default, fallback=bool(german.strip()))

    def english_texts(self) -> dict[str, str]:
        """{name: English version} of the texts that have one."""
        return {
            name: value
            for name in self.TRANSLATED_FIELDS
            if (value := getattr(self, name + SUFFIX, "") or "").strip()
        }

    # The search weight of an English text (`search.SearchableModel.english_search_texts`):
    # titles A, teasers and leads B, the rest C, as their German texts.
    SEARCH_WEIGHTS: ClassVar[dict[str, str]] = {"title": "A", "teaser": "B", "lead": "B"}

    def english_search_texts(self) -> dict[str, list[str]]:
        texts: dict[str, list[str]] = {}
        for name, value in self.english_texts().items():
            texts.setdefault(self.SEARCH_WEIGHTS.get(name, "C"), []).append(value)
        return texts

    @property
    def lacks_english(self) -> bool:
        """A German text without an English version (what the admin filter counts)."""
        return any(
            (getattr(self, name) or "").strip() and not (getattr(self, name + SUFFIX) or "").strip()
            for name in self.required_translations()
        )

    @classmethod
    def english_missing_q(cls) -> models.Q:
        """Rows with at least one German text whose English version is empty."""
        missing = models.Q(pk__in=[])
        for name in cls.required_translations():
            missing |= ~models.Q(**{name: ""}) & models.Q(**{name + SUFFIX: ""})
        return missing

    @classmethod
    def required_translations(cls) -> list[str]:
        return [n for n in cls.TRANSLATED_FIELDS if n not in cls.OPTIONAL_TRANSLATIONS]

    @classmethod
    def english_field_names(cls) -> list[str]:
        return [name + SUFFIX for name in cls.TRANSLATED_FIELDS]
