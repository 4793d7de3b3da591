"""Date formats per language (settings.FORMAT_MODULE_PATH), ahead of Django's own: German as
the portal always wrote it, English in the British way ("Tuesday 22 December 2026").

Besides Django's names, WEEKDAY_DATE_FORMAT and WEEKDAY_DATETIME_FORMAT, used through the
`weekday_date` and `weekday_datetime` filters (site_tags) and `local_format()`. A language
without a module here takes the German ones.
"""

import datetime

from django.utils import formats, translation

from engagierte_stadt.memo import settings_memo


def local_format(name: str) -> str:
    """The active language's format `name` (Django's or one of ours), German if it has none."""
    for language in (translation.get_language(), "de"):
        for module in formats.get_format_modules(language):
            if hasattr(module, name):
                return getattr(module, name)
    return formats.get_format(name)


def date_text(value, format_string: str, *, time: bool = False) -> str:
    """`formats.date_format(value, format_string)` (`time_format` with `time`) of a date or a
    local time, worked out once per value, format and language in a process: a list page
    writes the same few dates on many cards, and each took about 40 µs (issue #17). Pure
    formatting, no data: the result depends on nothing else."""
    offset = value.utcoffset() if isinstance(value, datetime.datetime) else None
    return _date_text(value, offset, format_string, time, translation.get_language())


@settings_memo(maxsize=4096)
def _date_text(value, _offset, format_string, time, _language) -> str:
    if time:
        return formats.time_format(value, format_string)
    return formats.date_format(value, format_string)
