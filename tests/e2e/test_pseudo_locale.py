"""The right-to-left pseudo-locale (tests/pseudo_locale.py) in Chromium at 320 px: every public
page type of the phone test, with its strings 40 % longer, is marked right to left, scrolls
not sideways, cuts nothing off, and mirrors: the logo at the right edge, the menu at the left.

One walk over the pages with the demo loaded once; the text checks are Django-client tests in
tests/engagierte_stadt/test_pseudo_locale.py.
"""

from playwright.sync_api import expect

from tests.e2e.test_phone import NARROW, public_pages

# Elements that leave the screen or whose text a box with hidden overflow cuts off. Boxes of
# a pixel or less are visually hidden on purpose (text for screen readers only).
LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (e) => e.outerHTML.slice(0, 140);
  const outside = [], clipped = [];
  for (const e of document.querySelectorAll("body *")) {
    if (!e.checkVisibility({visibilityProperty: true})) continue;
    if (e.closest(".kern-sr-only, .skip-link")) continue;
    // A file field's "no file chosen" is Chromium's own text, shortened by the browser.
    if (e.matches("input[type=file]")) continue;
    const box = e.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    if (box.left < -0.5 || box.right > width + 0.5) outside.push(describe(e));
    const style = getComputedStyle(e);
    const hides = ["hidden", "clip"].includes(style.overflowX) || style.textOverflow === "ellipsis";
    if (hides && e.scrollWidth > e.clientWidth + 1) clipped.push(describe(e));
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    outside: outside.slice(0, 5),
    clipped: clipped.slice(0, 5),
  };
}"""

MIRRORED = """() => {
  const inner = document.querySelector(".site-header__inner");
  const box = inner.getBoundingClientRect(), style = getComputedStyle(inner);
  return {
    left: box.left + parseFloat(style.paddingLeft),
    right: box.right - parseFloat(style.paddingRight),
    logoRight: document.querySelector(".site-brand__logo").getBoundingClientRect().right,
    menuLeft: document.querySelector(".site-menu__button").getBoundingClientRect().left,
  };
}"""


def test_pseudo_locale_pages_at_320_px_are_rtl_and_neither_overflow_nor_cut_off(
    new_context, demo_site, pseudo_locale
):
    page = new_context(viewport=NARROW).new_page()
    problems = {}
    # every German page type, in the pseudo-locale (the walk's English pages are the same types)
    paths = [path for path in public_pages() if not path.startswith("/en/")]
    assert len(paths) > 25
    for path in paths:
        url = demo_site + pseudo_locale.rstrip("/") + path
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        layout = page.evaluate(LAYOUT)
        if layout["scrollWidth"] > layout["innerWidth"] or layout["outside"] or layout["clipped"]:
            problems[path] = layout
        if path == "/":
            # Mirrored: the logo at the right edge of the header's content box, the menu
            # button at its left edge (beside the brand or, with its longer label, below it).
            edges = page.evaluate(MIRRORED)
            assert abs(edges["logoRight"] - edges["right"]) < 1, edges
            assert abs(edges["menuLeft"] - edges["left"]) < 1, edges
            assert edges["left"] >= 12, edges
    assert problems == {}, problems
