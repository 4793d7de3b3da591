"""Small HTML inspection helpers for view tests (standard library parser)."""

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
