"""The pages link KERN's stylesheet trimmed to what they use, and nothing they use is missing.

`scripts/trim_css.py` writes `static/vendor/kern/kern.trimmed.css` from the vendored full
stylesheet. These tests check that the committed file is up to date with the templates and
code, and — by their own means, not the script's search — that every KERN class the sources
name and the demo pages carry is still styled, and every custom property our stylesheets
read is still defined.
"""

import re
import sys
from pathlib import Path

import pytest
from django.conf import settings

from quartiere.models import Opportunity
from tests.engagierte_stadt.test_page_weight import demo_pages
from tests.html import parse
from tests.signup_helpers import form_data

ROOT = Path(settings.BASE_DIR)
KERN = ROOT / "static" / "vendor" / "kern"
FULL = (KERN / "kern.min.css").read_text(encoding="utf-8")
TRIMMED = (KERN / "kern.trimmed.css").read_text(encoding="utf-8")

sys.path.insert(0, str(ROOT / "scripts"))
import trim_css  # noqa: E402


def css_classes(css: str) -> set[str]:
    css = re.sub(r'url\("[^"]*"\)', "", css)  # icons are data URLs
    return set(re.findall(r"\.(kern-[\w-]+)", css))


def defined_properties(css: str) -> set[str]:
    return set(re.findall(r"(--kern-[\w-]+)\s*:", css))


def selectors(css: str) -> set[str]:
    return {
        selector
        for rule in trim_css._style_rules(trim_css.parse(css))
        for selector in trim_css.split_top_level(rule.prelude, ",")
    }


FULL_SELECTORS = selectors(FULL)
TRIMMED_SELECTORS = selectors(TRIMMED)


def lost_selectors(used: set[str]) -> set[str]:
    """Selectors of the full stylesheet made only of `used` classes, missing after trimming.

    Classes inside :not() need not be used; a selector that also names a class nobody
    uses (or KERN's data-kern-theme attribute) may go."""
    lost = set()
    for selector in FULL_SELECTORS - TRIMMED_SELECTORS:
        names = css_classes(re.sub(r":not\([^)]*\)", "", selector))
        if names and names <= used and "data-kern-theme" not in selector:
            lost.add(selector)
    return lost


def test_the_committed_trimmed_stylesheet_is_what_the_script_writes_from_the_sources():
    font_css = trim_css.FONT_CSS.read_text(encoding="utf-8")
    assert trim_css.trim(FULL, trim_css.find_usage(ROOT), font_css) == TRIMMED, (
        "static/vendor/kern/kern.trimmed.css is out of date: run `make trim-css`"
    )


def head_of_every_page() -> str:
    """base.html and the fixed links of its head (includes/head_links.html, which base.html
    takes in through `{% fixed_include %}`)."""
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert '{% fixed_include "includes/head_links.html" %}' in base
    return base + (ROOT / "templates" / "includes" / "head_links.html").read_text(encoding="utf-8")


def test_the_trimmed_stylesheet_is_much_smaller_and_the_pages_link_it():
    assert len(TRIMMED) < len(FULL) / 2
    base = head_of_every_page()
    assert "vendor/kern/kern.trimmed.css" in base
    assert "kern.min.css" not in base


def classes_in_sources() -> dict[str, str]:
    """KERN classes written out in templates, JavaScript and Python, with where they are."""
    found = {}
    patterns = [
        (ROOT / "templates", "*.html", r'class="([^"]*)"'),
        (
            ROOT / "static" / "js",
            "*.js",
            r"""(?:classList\.\w+\(|querySelector(?:All)?\()"""
            r"""\s*["']([^"']*)""",
        ),
    ]
    for folder in trim_css.PYTHON_DIRS:
        attribute = r"""(?:css_class|"class"|'class'|class)\s*[=:]\s*\\?["']([^"'\\]*)"""
        patterns.append((ROOT / folder, "*.py", attribute))
    for folder, glob, pattern in patterns:
        for path in folder.rglob(glob):
            for value in re.findall(pattern, path.read_text(encoding="utf-8")):
                # Only whole words: "kern-alert--{% if … %}" is completed while rendering.
                value = re.sub(r"\{[{%].*?[%}]\}", " ", value)
                for word in re.findall(r"(?<![\w{}-])kern-[\w-]+(?![\w{-])", value):
                    found.setdefault(word, str(path.relative_to(ROOT)))
    return found


def test_every_kern_class_the_sources_write_out_is_in_the_trimmed_stylesheet():
    used = classes_in_sources()
    assert {"kern-btn", "kern-card", "kern-alert", "kern-form-input__input"} <= set(used)
    assert not lost_selectors(set(used))


def classes_on_page(html: str) -> set[str]:
    return {
        name
        for _tag, attrs in parse(html).elements
        for name in (attrs.get("class") or "").split()
        if name.startswith("kern-")
    }


@pytest.mark.django_db
def test_every_kern_class_on_the_demo_pages_is_in_the_trimmed_stylesheet(demo, client):
    """Rendered pages, so classes built in Python or completed in templates count too."""
    on_pages: dict[str, str] = {}
    for url in demo_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        for name in classes_on_page(response.content.decode()):
            on_pages.setdefault(name, url)
    # A form with errors (error summary, field errors) and a message box.
    opportunity = Opportunity.search_queryset().order_by("pk").first().get_absolute_url()
    data = form_data(email="not an address", name="", consent="")
    response = client.post(opportunity + "anmelden/", data)
    for name in classes_on_page(response.content.decode()):
        on_pages.setdefault(name, f"POST {opportunity}")
    assert "kern-form-input__input--error" in on_pages
    assert not lost_selectors(set(on_pages))


def test_every_kern_property_our_stylesheets_read_is_still_defined():
    read = set()
    for path in (ROOT / "static" / "css").glob("*.css"):
        read |= set(re.findall(r"var\(\s*(--kern-[\w-]+)", path.read_text(encoding="utf-8")))
    read |= set(re.findall(r"var\(\s*(--kern-[\w-]+)", TRIMMED))
    missing = (read & defined_properties(FULL)) - defined_properties(TRIMMED)
    assert not missing, sorted(missing)


# --- The trimmer itself: it removes what is unused and keeps what might match ----------------

SAMPLE = (
    '@charset "UTF-8";:root{--kern-a: red;--kern-b: var(--kern-a);--kern-unused: blue}'
    ".kern-used{color:var(--kern-b)}.kern-unused{color:green}"
    ".kern-used:not(.kern-other),.kern-gone .kern-used{margin:0}"
    "[data-kern-theme=dark]{color:black}[data-label]{color:grey}a[href]{color:blue}"
    "@media (min-width: 1px){.kern-unused{padding:0}}"
    ".kern-used:has(.kern-unused){padding:1px}"
    "@keyframes spin{to{rotate:1turn}}@keyframes kept{to{opacity:0}}"
    ".kern-used{animation:kept 1s}"
)


def test_the_trimmer_keeps_used_classes_and_what_they_need_and_drops_the_rest():
    usage = trim_css.Usage(classes={"kern-used"}, data_attributes={"data-label"})
    out = trim_css.trim(SAMPLE, usage)
    assert out.startswith('@charset "UTF-8";/*')
    assert ".kern-used{color:var(--kern-b)}" in out
    assert "--kern-a: red" in out and "--kern-b: var(--kern-a)" in out  # read through --kern-b
    assert ".kern-used:not(.kern-other){margin:0}" in out  # matches without .kern-other
    assert "[data-label]{color:grey}" in out and "a[href]{color:blue}" in out
    assert "@keyframes kept" in out
    gone = (".kern-unused", "--kern-unused", ".kern-gone", "data-kern-theme", "@media", "spin")
    assert not [text for text in gone if text in out]


def test_the_trimmer_refuses_a_class_completed_while_rendering_that_it_does_not_know(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.html").write_text('<p class="kern-text--{{ size }}">')
    with pytest.raises(SystemExit, match="COMPLETED_CLASSES"):
        trim_css.find_usage(tmp_path)


# --- Fonts -----------------------------------------------------------------------------------


def font_faces() -> list[dict]:
    faces = []
    for body in re.findall(r"@font-face\{([^}]*)\}", TRIMMED):
        faces.append(dict(trim_css.declarations(body)))
    return faces


def test_the_trimmed_stylesheet_brings_only_woff2_faces_of_the_weights_it_uses():
    import vendor_kern

    faces = font_faces()
    assert faces, "the @font-face rules are at the top of kern.trimmed.css"
    for face in faces:
        (url,) = re.findall(r'url\("([^"]+)"\)', face["src"])
        assert url.endswith(".woff2") and 'format("woff2")' in face["src"]
        assert (KERN / url).is_file(), url
    upright = {int(f["font-weight"]) for f in faces if f["font-style"] == "normal"}
    italic = {int(f["font-weight"]) for f in faces if f["font-style"] == "italic"}
    used = vendor_kern.used_font_weights(TRIMMED)
    assert upright == used == {400, 500, 600}
    assert italic == {400}  # <em> in Markdown text (engagierte_stadt/markup.py)


def test_no_stylesheet_of_the_pages_switches_on_a_font_feature_the_subsets_dropped():
    import vendor_kern

    sheets = [TRIMMED] + [
        (ROOT / "static" / "css" / name).read_text(encoding="utf-8")
        for name in ("site.css", "notice.css")
    ]
    for css in sheets:
        assert "font-feature-settings" not in css
        for value in re.findall(r"font-variant[\w-]*\s*:\s*([^;}]+)", css):
            assert value.strip() in ("normal", "tabular-nums"), value
    assert "tnum" in vendor_kern.LAYOUT_FEATURES  # Chromium's ::marker uses tabular figures


def test_the_fonts_the_base_template_preloads_are_faces_of_the_stylesheet():
    base = head_of_every_page()
    preloaded = re.findall(r"rel=\"preload\" href=\"\{% static '([^']+)' %\}\" as=\"font\"", base)
    assert len(preloaded) == 3
    sources = {
        "vendor/kern/" + url
        for face in font_faces()
        for url in re.findall(r'url\("([^"]+)"\)', face["src"])
    }
    assert set(preloaded) <= sources
