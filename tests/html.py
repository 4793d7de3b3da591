"""Small HTML inspection helpers for view tests (standard library parser)."""

import re
from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs dict)
        self.title = ""
        self._in_title = False
        self.h1_texts = []
        self._h1_depth = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self._h1_depth += 1
            self.h1_texts.append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._h1_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._h1_depth:
            self.h1_texts[-1] += data


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def find_all(html: str, tag: str, **attrs) -> list[dict]:
    """Attribute dicts of every `tag` whose attributes include `attrs`."""
    return [
        a
        for t, a in parse(html).elements
        if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())
    ]


def heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def assert_headings_in_order(html: str) -> None:
    """Exactly one h1, first; no level skipped on the way down."""
    levels = heading_levels(html)
    assert levels.count(1) == 1 and levels[0] == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def card_titles(html: str) -> list[str]:
    """The titles of the cards (their stretched links), in page order."""
    return re.findall(r'class="kern-link kern-link--stretched" href="[^"]+">([^<]+)</a>', html)
