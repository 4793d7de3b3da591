"""Memos of pure work (formatting, fixed words, URL patterns) for the pages' hot paths (issue #17).

A memo here keeps what a function computes from its arguments and from settings, never data
from the database: dates formatted per value and language, a card's fixed words per language,
the pattern of a row's address per route and language. Where the work depends on rows (a
filter form's choices), the rows read on this request are part of the key (`Table.kept`).
`settings_memo` is `lru_cache` that also forgets when a setting they depend on changes (tests
switch languages, formats, time zones and URLconfs with `override_settings`).
"""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# The settings whose change makes every memo here stale.
SETTINGS = {
    "LANGUAGES",
    "LANGUAGE_CODE",
    "LOCALE_PATHS",
    "FORMAT_MODULE_PATH",
    "TIME_ZONE",
    "USE_TZ",
    "ROOT_URLCONF",
    "FORCE_SCRIPT_NAME",
    "MEDIA_URL",
    "STATIC_URL",
    "STORAGES",
}

_memos = []


def settings_memo(maxsize: int = 1024):
    def decorate(function):
        memo = functools.lru_cache(maxsize=maxsize)(function)
        _memos.append(memo)
        return memo

    return decorate


class Table(dict):
    """A memo keyed by the caller (where the arguments are not all hashable or should not be
    kept): at most `maxsize` entries, emptied when full, and on the same setting changes."""

    def __init__(self, maxsize: int):
        super().__init__()
        self.maxsize = maxsize
        _memos.append(self)

    def put(self, key, value):
        if len(self) >= self.maxsize:
            self.clear()
        self[key] = value
        return value

    def kept(self, key, build):
        """The value for `key`, built once (`build()`). With `CARDS_CHECK` (the test
        settings) it is built every time and must come out the same as the kept one: a
        value that depends on anything but its key shows up in the first test that
        reaches it twice."""
        value = self.get(key)
        if value is None or settings.CARDS_CHECK:
            fresh = build()
            if value is not None and fresh != value:
                raise AssertionError(
                    f"Memo of {key!r} changed (not fixed by its key):\n{value!r}\n---\n{fresh!r}"
                )
            value = self.put(key, fresh)
        return value

    def cache_clear(self):
        self.clear()


_INTERNED = Table(maxsize=64)


def interned(value):
    """One object for equal values (rows read on every request and used in keys): the keys
    of many entries share it instead of each holding its own copy."""
    return _INTERNED.get(value) or _INTERNED.put(value, value)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in SETTINGS:
        for memo in _memos:
            memo.cache_clear()
