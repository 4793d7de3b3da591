"""A pseudo-locale for tests only: proof that a city can add a language (docs/sprachen.md).

`qps-plocm` is the private-use code Windows uses for its mirrored pseudo-locale. Its catalogue
is generated at test time from the msgids of the German catalogue (the portal's own strings)
and of Django's catalogue (form errors, month and day names), never committed: every string
comes out longer (about +40 %, as German or Finnish texts do), every letter accented and the
whole wrapped in brackets, so an untranslated string stands out and a cut-off one loses its
closing bracket. The language runs right to left (LANGUAGES_BIDI and LANG_INFO), so the layout
must mirror.

The `pseudo_locale` fixture switches it on through pytest-django's `settings` (the live server
of the browser tests runs in the same process and sees it too); the portal's code knows
nothing of it: adding a language is settings plus a catalogue.
"""

import math
import re
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings as django_settings
from django.conf.locale import LANG_INFO
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import to_locale, trans_real

CODE = "qps-plocm"
BASE = CODE.split("-")[0]  # what LANGUAGES_BIDI and the `lang` attribute's base compare
NAME_LOCAL = "[Ƥšéûðó-ŔŢĿ]"

CATALOGUES = [
    Path(django_settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po",
    Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
]

# Every ASCII letter has an accented twin; none of them is a German letter (ä, ö, ü, ß), so a
# page may hold no plain Latin letter and no umlaut outside content.
ACCENTED = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "åƀçðéƒĝĥíĵķĺɱñóþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÛṼŴẊÝŽ",
        strict=True,
    )
)
# What must stay as it is: placeholders, HTML tags and entities.
KEEP = re.compile(r"%\(\w+\)[sdfr]|%[sdfr%]|\{\w*\}|<[^>]+>|&#?\w+;")
WORD = re.compile(r"[A-Za-z]+")
GROWTH = 0.4


def _longer(match: re.Match) -> str:
    """A word about 40 % longer: its first letters doubled, then accented."""
    word = match.group(0)
    extra = math.ceil(len(word) * GROWTH)
    longer = "".join(letter * 2 if index < extra else letter for index, letter in enumerate(word))
    return "".join(ACCENTED[letter] for letter in longer)


def pseudo(text: str) -> str:
    """`text` in the pseudo-locale: "Skip to content" → "[ŠŠķķíþ ţţó ççóóññţéñţ]"."""
    if not text.strip():
        return text
    parts, position = [], 0
    for keep in KEEP.finditer(text):
        parts.append(WORD.sub(_longer, text[position : keep.start()]))
        parts.append(keep.group(0))
        position = keep.end()
    parts.append(WORD.sub(_longer, text[position:]))
    return "[" + "".join(parts) + "]"


def build_catalogue(directory: Path) -> int:
    """Write `<directory>/<locale>/LC_MESSAGES/django.mo`; return the number of strings."""
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": to_locale(CODE),
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    seen = set()
    for source in CATALOGUES:
        for entry in polib.pofile(str(source)):
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete or not entry.msgid or key in seen:
                continue
            seen.add(key)
            new = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid)
            if entry.msgid_plural:
                new.msgid_plural = entry.msgid_plural
                new.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
            else:
                new.msgstr = pseudo(entry.msgid)
            catalogue.append(new)
    target = directory / to_locale(CODE) / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalogue.save_as_mofile(str(target / "django.mo"))
    return len(catalogue)


@receiver(setting_changed)
def _forget_languages(*, setting, **kwargs):
    """Django's test signals forget the catalogues when LANGUAGES changes, not these two
    lookups: without this, the pseudo-locale would outlive the test that added it."""
    if setting == "LANGUAGES":
        trans_real.get_languages.cache_clear()
        trans_real._get_supported_language_variant.cache_clear()


@pytest.fixture(scope="session")
def pseudo_catalogue(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("pseudo-locale")
    assert build_catalogue(directory) > 1000
    return directory


@pytest.fixture
def pseudo_locale(settings, pseudo_catalogue, monkeypatch) -> str:
    """The portal with a third, right-to-left language under /qps-plocm/; returns its prefix.
    Through pytest-django's `settings`, so that it is undone in order with every other
    setting a test changes."""
    info = {"bidi": True, "code": CODE, "name": "Pseudo RTL", "name_local": NAME_LOCAL}
    monkeypatch.setitem(LANG_INFO, CODE, info)
    settings.LOCALE_PATHS = [pseudo_catalogue, *settings.LOCALE_PATHS]
    settings.LANGUAGES_BIDI = [*settings.LANGUAGES_BIDI, BASE]
    settings.LANGUAGES = [*settings.LANGUAGES, (CODE, "Pseudo right-to-left")]
    return f"/{CODE}/"
