"""Accessibility checks for the browser tests: axe-core plus the portal's own basics.

axe-core comes from the PyPI package ``axe-playwright-python`` (``axe.min.js``). It cannot be
added with ``page.add_script_tag(path=...)``: that inserts an inline ``<script>``, which the
portal's Content-Security-Policy (``script-src 'self'``) blocks. ``page.evaluate(source)`` runs
the source through the DevTools protocol (``Runtime.evaluate``), which CSP does not govern, so
axe is defined in the page's main world and its checks run there. ``test_harness.py`` proves
this on every run by planting a violation and expecting axe to find it.
"""

from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
from playwright.sync_api import Page, expect

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(
    encoding="utf-8"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Footer links every page must carry: (what it is, path).
FOOTER_LINKS = [
    ("Impressum", "/impressum/"),
    ("Datenschutz", "/datenschutz/"),
    ("Barrierefreiheit", "/barrierefreiheit/"),
    ("Leichte Sprache", "/leichte-sprache/"),
    ("Gebärdensprache", "/gebaerdensprache/"),
    ("Kontakt", "/kontakt/"),
]
TITLE_SEPARATOR = " – "


def run_axe(page: Page, tags: list[str] | None = None, *, preload: bool = True) -> list[dict]:
    """Run axe-core on the current document and return its violations.

    `preload=False` for pages whose stylesheets `@import` others (the admin's forms.css):
    axe's preload copies such sheets into inline `<style>` elements, which the CSP blocks
    and the harness reports; only the rule on orientation lock needs the preload."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")  # contrast depends on the fonts
    if not page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """([tags, preload]) => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
            preload: preload,
        }).then((results) => results.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            helpUrl: v.helpUrl,
            tags: v.tags,
            nodes: v.nodes.map((n) => ({
                target: n.target,
                html: n.html,
                summary: n.failureSummary,
            })),
        })))""",
        [tags or WCAG_TAGS, preload],
    )


def format_violations(violations: list[dict], where: str) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {where}:"]
    for violation in violations:
        lines.append("")
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(violation['nodes'])} node(s)) – {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(
                ", ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    target: {target}")
            lines.append(f"    html:   {node['html'][:300]}")
            if node.get("summary"):
                for summary_line in node["summary"].splitlines():
                    lines.append(f"            {summary_line}")
    return "\n".join(lines)


def assert_accessible(page: Page, context: str = "", *, preload: bool = True) -> None:
    """Fail with a readable report if axe finds WCAG 2.0/2.1 A or AA violations."""
    violations = run_axe(page, preload=preload)
    if violations:
        where = f"{context} ({page.url})" if context else page.url
        raise AssertionError(format_violations(violations, where))


def _place_focus_at_document_start(page: Page) -> None:
    """Make the next Tab behave like the first Tab on a freshly loaded page.

    On a fresh page nothing is focused and Tab starts at the top. After a redirect to a
    fragment (``#rueckmeldung``) or after earlier key presses the starting point is elsewhere,
    so a temporary, not tabbable element at the very start of <body> takes the focus first.
    """
    fresh = page.evaluate(
        "document.activeElement === document.body && !location.hash"
        " && !document.querySelector(':focus')"
    )
    if fresh:
        return
    page.evaluate(
        """() => {
            const anchor = document.createElement("span");
            anchor.tabIndex = -1;
            anchor.id = "e2e-focus-start";
            document.body.prepend(anchor);
            anchor.focus();
        }"""
    )


def assert_skip_link(page: Page) -> None:
    """The first Tab focuses a visible skip link to #inhalt, and main#inhalt exists."""
    _place_focus_at_document_start(page)
    page.keyboard.press("Tab")
    page.evaluate("document.getElementById('e2e-focus-start')?.remove()")
    focused = page.locator(":focus")
    expect(focused, "the first Tab should focus the skip link").to_have_attribute("href", "#inhalt")
    expect(focused, "the focused skip link must become visible").to_be_visible()
    assert focused.inner_text().strip(), "the skip link has no text"
    expect(page.locator("main#inhalt"), "the skip link target main#inhalt").to_have_count(1)


def assert_page_basics(page: Page) -> str:
    """Language, title, one h1, skip link and footer links. Returns the page title."""
    where = page.url
    expect(page.locator("html"), f"html[lang=de] on {where}").to_have_attribute("lang", "de")

    title = page.title().strip()
    assert title, f"empty <title> on {where}"
    specific, _sep, _site = title.partition(TITLE_SEPARATOR)
    assert specific.strip() and _sep, (
        f"<title> {title!r} on {where} should start with the page's own name, "
        f"then {TITLE_SEPARATOR!r} and the portal name"
    )

    h1_texts = page.locator("h1").all_inner_texts()
    assert len(h1_texts) == 1, f"expected exactly one <h1> on {where}, found {h1_texts!r}"
    assert h1_texts[0].strip(), f"the <h1> on {where} is empty"

    assert_skip_link(page)

    footer = page.locator("footer")
    expect(footer, f"one <footer> on {where}").to_have_count(1)
    hrefs = footer.locator("a[href]").evaluate_all(
        "(links) => links.map((a) => [a.getAttribute('href'), a.textContent.trim()])"
    )
    paths = {urlsplit(href).path: text for href, text in hrefs}
    missing = [name for name, path in FOOTER_LINKS if path not in paths]
    assert not missing, f"footer on {where} lacks links to {missing}; it has {hrefs!r}"
    unnamed = [path for _name, path in FOOTER_LINKS if not paths[path]]
    assert not unnamed, f"footer links without text on {where}: {unnamed}"
    return title
