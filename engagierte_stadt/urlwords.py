"""Words of the portal's own addresses, which no slug may take.

A slug sits in an address next to fixed words: `/mitmachen/<slug>/` next to
`/mitmachen/anmeldung/<token>/`, the editable pages at `/<slug>/` next to `/quartiere/`,
`/partner/`, `/admin/` …. An opportunity with the slug "anmeldung" would send its own sign-up
form to the personal-link view. The fixed words are read from the URLconf itself, so a new
route reserves its word without anyone keeping a list: for the route of a model's page, the
reserved words are the literal path segments that other routes have at the position of the
slug, after a prefix that can be the same.

`PublicAddressMixin` puts this on a model: it names the model's detail route once
(`DETAIL_ROUTE`), builds `get_absolute_url()` from it and refuses a reserved slug in `clean()`.
This module imports no app; the URLconf is read lazily, on the first check, and cached.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import (
    NoReverseMatch,
    URLResolver,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
)
from django.urls.converters import get_converters
from django.urls.resolvers import LocalePrefixPattern, RegexPattern
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.memo import settings_memo

RESERVED_MESSAGE = _("This address is used by the portal itself. Please choose another.")

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_PLAIN_REGEX = re.compile(r"(?:[\w\-~]|\\[^\w])*")


@dataclass(frozen=True)
class _Variable:
    """A path segment that takes a value: a converter, or a regex that is not plain text."""

    name: str
    regex: str

    def matches(self, word: str) -> bool:
        return re.fullmatch(self.regex, word) is not None


@dataclass(frozen=True)
class _Route:
    name: str | None  # "namespace:name", or None for a route without a name
    segments: tuple  # of str (a literal segment, may be "") and _Variable


def _split_top_level(text: str) -> list[str]:
    """Split at "/" outside brackets and parentheses (a regex may have "[^/]" in it)."""
    parts, depth, start, escaped = [], 0, 0, False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "/" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _regex_as_route(regex: str) -> str:
    """A regex pattern written like a route: plain segments as text, the others as variables."""
    regex = regex.removeprefix("^").removesuffix("$").removesuffix("\\Z")
    segments = []
    for part in _split_top_level(regex):
        if _PLAIN_REGEX.fullmatch(part):
            segments.append(re.sub(r"\\(.)", r"\1", part))
        else:
            segments.append("<path:_>")  # takes anything, also slashes
    return "/".join(segments)


def _pattern_routes(pattern) -> list[str]:
    """The pattern as one or more route strings (a language prefix gives one per language)."""
    if isinstance(pattern, LocalePrefixPattern):
        codes = [code for code, _name in settings.LANGUAGES]
        if pattern.prefix_default_language:
            return [f"{code}/" for code in codes]
        return [""] + [f"{code}/" for code in codes if code != settings.LANGUAGE_CODE]
    if isinstance(pattern, RegexPattern):
        return [_regex_as_route(str(pattern))]
    return [str(pattern)]


def _segment(text: str):
    """A literal segment, or a `_Variable` when a converter is in it.

    A segment with a converter and text around it ("<slug:slug>.ics") is not a word either,
    so it counts as a variable that takes anything.
    """
    parameter = _PARAMETER.fullmatch(text)
    if parameter:
        converter = get_converters()[parameter["converter"] or "str"]
        return _Variable(parameter["name"], converter.regex)
    if "<" in text:
        return _Variable("", ".*")
    return text


def _walk(patterns, prefix: str, namespace: str):
    for entry in patterns:
        for route in _pattern_routes(entry.pattern):
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from _walk(entry.url_patterns, prefix + route, inner)
            else:
                name = f"{namespace}{entry.name}" if entry.name else None
                segments = tuple(_segment(part) for part in (prefix + route).split("/"))
                yield _Route(name, segments)


@lru_cache(maxsize=8)
def _routes(resolver) -> tuple[_Route, ...]:
    """Every route of the URLconf with its segments (per resolver: tests may swap it)."""
    return tuple(_walk(resolver.url_patterns, "", ""))


def _compatible(ours, theirs) -> bool:
    """Whether one request path can have both segments at the same place."""
    if isinstance(ours, _Variable):
        return isinstance(theirs, _Variable) or ours.matches(theirs)
    if isinstance(theirs, _Variable):
        return theirs.matches(ours)
    return ours == theirs


def _served_outside_the_urlconf() -> set[str]:
    """First segments of STATIC_URL and MEDIA_URL: WhiteNoise or the web server in front
    answers them before the URLconf is asked."""
    words = set()
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and str(url).startswith("/"):
            words.add(str(url).strip("/").split("/")[0])
    return words - {""}


@lru_cache(maxsize=64)
def _reserved(resolver, route_name: str, kwarg: str) -> frozenset[str]:
    routes = _routes(resolver)
    own = [route for route in routes if route.name == route_name]
    if not own:
        raise ImproperlyConfigured(f"There is no route named {route_name!r}.")
    words = set()
    for route in own:
        position = next(
            (
                i
                for i, segment in enumerate(route.segments)
                if isinstance(segment, _Variable) and segment.name == kwarg
            ),
            None,
        )
        if position is None:
            raise ImproperlyConfigured(f"The route {route_name!r} has no parameter {kwarg!r}.")
        slot = route.segments[position]
        for other in routes:
            if len(other.segments) <= position:
                continue
            word = other.segments[position]
            if isinstance(word, _Variable) or not word or not slot.matches(word):
                continue
            if all(
                _compatible(ours, theirs)
                for ours, theirs in zip(route.segments[:position], other.segments, strict=False)
            ):
                words.add(word)
        if position == 0:
            words |= {word for word in _served_outside_the_urlconf() if slot.matches(word)}
    return frozenset(words)


def reserved_words(route_name: str, kwarg: str = "slug") -> frozenset[str]:
    """The words a value of `kwarg` in the route `route_name` ("app:name") cannot be.

    Read from the URLconf on first use and cached; raises ImproperlyConfigured for a route
    that does not exist or has no such parameter.
    """
    return _reserved(get_resolver(), route_name, kwarg)


def prefixes_before(kwarg: str) -> list[str]:
    """The literal beginnings ("/meine-daten/") of every route with a parameter `kwarg`
    ("token"): what robots.txt keeps crawlers out of, read from the URLconf like the
    reserved words, so a new personal link is covered without a list to keep."""
    prefixes = set()
    for route in _routes(get_resolver()):
        literal = []
        for segment in route.segments:
            if isinstance(segment, _Variable):
                if segment.name == kwarg and literal:
                    prefixes.add("/" + "/".join(literal) + "/")
                break
            literal.append(segment)
    return sorted(prefixes)


def is_reserved(word: str, route_name: str, kwarg: str = "slug") -> bool:
    return word in reserved_words(route_name, kwarg)


class PublicAddressMixin:
    """For a model whose `slug` is part of the address of its public page.

    `DETAIL_ROUTE` names that page's route ("app:name"), once: `get_absolute_url()` reverses
    it, and `clean()` (or `address_errors()` in a model's own `clean()`) refuses a slug that the
    URLconf uses as a fixed word at the same place. `SLUGS_WITH_OWN_ROUTE` are slugs whose rows
    a fixed route shows itself (the accessibility statement at /barrierefreiheit/ is a page).
    """

    DETAIL_ROUTE: ClassVar[str]
    SLUGS_WITH_OWN_ROUTE: ClassVar[frozenset[str]] = frozenset()

    def url_kwargs(self) -> dict[str, str]:
        return {"slug": self.slug}

    def get_absolute_url(self) -> str:
        return address(self.DETAIL_ROUTE, self.url_kwargs())

    @classmethod
    def slug_is_reserved(cls, slug: str) -> bool:
        return slug not in cls.SLUGS_WITH_OWN_ROUTE and is_reserved(slug, cls.DETAIL_ROUTE)

    def address_errors(self) -> dict[str, ValidationError]:
        """`{"slug": error}` when the slug is a word of the portal's own addresses, else {}."""
        if self.slug and self.slug_is_reserved(self.slug):
            return {"slug": ValidationError(RESERVED_MESSAGE, code="reserved")}
        return {}

    def clean(self):
        super().clean()
        errors = self.address_errors()
        if errors:
            raise ValidationError(errors)


# --- addresses of rows, without resolving the URLconf for each (issue #17) ---------------------

# Stand-ins that every path converter of a row's address accepts (slug, str, int).
_PLACEHOLDER = "9876543210{}"
_PLAIN = re.compile(r"[-a-zA-Z0-9_]+")


def address(route: str, kwargs: dict) -> str:
    """`reverse(route, kwargs=kwargs)` for a row's address: the URLconf is resolved once per
    route, language and script prefix, and each address fills in its values. A list page
    writes the address of every card, and `reverse()` took about 40 µs each. Values that are
    not plain (letters, digits, "-", "_") take `reverse()`, which quotes them."""
    values = [str(value) for value in kwargs.values()]
    if not all(_PLAIN.fullmatch(value) for value in values):
        return reverse(route, kwargs=kwargs)
    pattern = _address_pattern(
        route, tuple(kwargs), get_language(), get_script_prefix(), get_urlconf()
    )
    if pattern is None:
        return reverse(route, kwargs=kwargs)
    return pattern.format(*values)


@settings_memo(maxsize=1024)
def _address_pattern(route, names, _language, _prefix, _urlconf):
    """The address of `route` with `{0}`, `{1}` … for its values, or None when the stand-ins
    would not come back out exactly once each (then every address takes `reverse()`)."""
    stand_ins = [_PLACEHOLDER.format(number) for number in range(len(names))]
    try:
        url = reverse(route, kwargs=dict(zip(names, stand_ins, strict=True)))
    except NoReverseMatch:
        return None
    if "{" in url or "}" in url:
        return None
    for number, stand_in in enumerate(stand_ins):
        if url.count(stand_in) != 1:
            return None
        url = url.replace(stand_in, f"{{{number}}}")
    return url
