"""A third language added the way a city would add one (docs/sprachen.md): the pseudo-locale
of tests/pseudo_locale.py, right to left, generated at test time. Every public page in it is
marked `dir="rtl"` and shows no untranslated UI string: with the content written in Cyrillic
letters, every Latin letter left on a page is a string that missed the catalogue.

The browser half (320 px, nothing cut off, mirrored layout) is tests/e2e/test_pseudo_locale.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.engagierte_stadt.test_english import (
    MORE_URLS,
    english_public_urls,
    post_forms,
    rewrite_content,
    shape,
    visible_text,
)
from tests.html import find_all
from tests.pseudo_locale import BASE, CODE, pseudo

CYRILLIC = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ",
    "абцдефгхийклмнопярстуввхызӓӧӱсАБЦДЕФГХИЙКЛМНОПЯРСТУВВХЫЗӒӦӰ",
)
# Latin letters that are no untranslated string: addresses (content and links), and the names
# of formats, which are the same in every language.
NOT_UI = re.compile(
    r"\S+@\S+|https?://\S+|www\.\S+|[\w.-]+\.(?:de|org|example)\b"
    r"|(?<!\w)(?:RSS|Atom|iCal|ICS|CSV|JSON|JSON-LD|DCAT-AP\.de|PDF|MP4|WebM|WebVTT)(?!\w)"
)
LATIN = re.compile(r"[A-Za-zÄÖÜäöüß]+")


def ui_text(html: str) -> str:
    """What a reader of the page sees, without machine names (`<code>`: field names and types
    of the open data, the same in every language)."""
    return visible_text(re.sub(r"<code\b[^>]*>.*?</code>", " ", html, flags=re.S), BASE)


def untranslated(text: str) -> list[str]:
    """The Latin words of `text`, each with a little of what surrounds it."""
    text = NOT_UI.sub(" ", text)
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in LATIN.finditer(text)]


def in_pseudo(url: str) -> str:
    return f"/{CODE}/" + url.removeprefix("/en/")


def linked_pages(html: str) -> set[str]:
    prefix = f"/{CODE}/"
    return {
        href
        for attrs in find_all(html, "a")
        if (href := (attrs.get("href") or "").split("#")[0]).startswith(prefix)
        and "?" not in href
        and href.endswith("/")
    }


@pytest.fixture
def content_in_cyrillic(demo):
    rewrite_content(lambda text: text.translate(CYRILLIC))


def test_pseudo_strings_are_longer_accented_and_keep_placeholders_and_tags():
    assert pseudo("Skip to content") == "[ŠŠķķíþ ţţó ççóóññţéñţ]"
    text = pseudo('%(count)s places left, <a href="%(url)s">see all</a> {name} 100%%')
    assert "%(count)s" in text and '<a href="%(url)s">' in text and "{name}" in text
    assert "100%%" in text and not re.search(
        r"[A-Za-z]", re.sub(r"<[^>]+>|%\(\w+\)s|\{\w+\}", "", text)
    )
    assert len(pseudo("Find an opportunity that suits you")) >= 1.4 * 34


def test_check_finds_an_untranslated_string():
    (found,) = untranslated("[Šéåŕçĥ] Search 12 info@hattingen.de RSS Привет")
    assert "Search" in found
    assert ui_text('<p>[Ţýþé] <code>integer</code> <a lang="de">Deutsch</a></p>') == "[Ţýþé]"


def test_a_new_language_is_settings_and_a_catalogue(pseudo_locale, demo, client):
    """No code knows the language: the switch, the alternates and the addresses follow
    LANGUAGES; the text direction follows LANGUAGES_BIDI."""
    html = client.get(pseudo_locale).content.decode()
    root = find_all(html, "html")[0]
    assert (root["lang"], root["dir"]) == (CODE, "rtl")
    alternates = {
        a["hreflang"]: a["href"]
        for a in find_all(html, "link", rel="alternate")
        if a.get("hreflang")
    }
    # absolute addresses, as search engines want them
    assert alternates[CODE] == "http://testserver" + pseudo_locale
    assert alternates["de"] == "http://testserver/"
    german = find_all(client.get("/").content.decode(), "html")[0]
    assert german["lang"] == "de" and "dir" not in german  # left to right, as before
    with translation.override(CODE):
        assert translation.get_language_bidi()


def test_no_committed_catalogue_for_the_pseudo_locale():
    locale = Path(settings.BASE_DIR) / "locale"
    assert not any(path.name.startswith(BASE) for path in locale.iterdir())


MAX_PAGES = 400


def test_every_public_page_in_the_pseudo_locale_is_rtl_and_fully_translated(
    pseudo_locale, content_in_cyrillic, client, settings
):
    """The pages of the English walk (sitemap, fixed pages, what they link to), then one form
    of each kind sent empty so that its errors show."""
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    # The search for a word of the (Cyrillic) content instead of the English walk's ROT13 one.
    more = [url for url in MORE_URLS if "/suche/" not in url] + ["/en/suche/?q=гартен"]
    queue = [in_pseudo(url) for url in english_public_urls() + more]
    seen, found, forms = set(queue), {}, {}
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        if response.status_code == 302:  # the attendance list asks staff to log in
            assert "/admin/login/" in response["Location"], url
            continue
        html = response.content.decode()
        root = find_all(html, "html")[0]
        assert (root["lang"], root.get("dir")) == (CODE, "rtl"), url
        if words := untranslated(ui_text(html)):
            found[url] = words
        for action, hidden in post_forms(html).items():
            forms.setdefault(shape(action), (action, hidden))
        for link in linked_pages(html) - seen:
            seen.add(link)
            queue.append(link)
        assert len(seen) < MAX_PAGES, "the walk ran away"
    assert len(seen) > 120
    assert len(forms) >= 6, forms
    for action, hidden in forms.values():
        response = client.post(action, hidden, follow=True)
        assert b"kern-error" in response.content, action
        if words := untranslated(ui_text(response.content.decode())):
            found[f"POST {action}"] = words
    assert found == {}, "\n".join(f"{url}: {words}" for url, words in found.items())


PHYSICAL = re.compile(
    r"\b(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:"
    r"|\b(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
)


def test_site_css_says_start_and_end_not_left_and_right():
    """The site's own stylesheets mirror in a right-to-left language (the vendored KERN is
    KERN's business)."""
    css = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))
    assert css
    physical = {
        f"{path.name}:{number}": line.strip()
        for path in css
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PHYSICAL.search(line.split("/*")[0])
    }
    assert physical == {}
    assert PHYSICAL.search(".x { margin-left: 1rem; }") and PHYSICAL.search("a { left: 0 }")
