"""Date formats per language (settings.FORMAT_MODULE_PATH), ahead of Django's own: German as
the portal always wrote it, English in the British way ("Tuesday 22 December 2026").

Besides Django's names, WEEKDAY_DATE_FORMAT and WEEKDAY_DATETIME_FORMAT, used through the
`weekday_date` and `weekday_datetime` filters (site_tags) and `local_format()`. A language
without a module here takes the German ones.
"""

from django.utils import formats, translation


def local_format(name: str) -> str:
    """The active language's format `name` (Django's or one of ours), German if it has none."""
    for language in (translation.get_language(), "de"):
        for module in formats.get_format_modules(language):
            if hasattr(module, name):
                return getattr(module, name)
    return formats.get_format(name)
