"""Memos of pure work (formatting, fixed words, URL patterns) for the pages' hot paths (issue #17).

A memo here keeps what a function computes from its arguments and from settings, never data
from the database: dates formatted per value and language, a card's fixed words per language,
the pattern of a row's address per route and language. `settings_memo` is `lru_cache` that
also forgets when a setting they depend on changes (tests switch languages, formats, time
zones and URLconfs with `override_settings`).
"""

import functools

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

    def cache_clear(self):
        self.clear()


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in SETTINGS:
        for memo in _memos:
            memo.cache_clear()
