#!/usr/bin/env python3
"""Trim the vendored KERN stylesheet to what the portal uses.

Run via ``make trim-css`` (``make vendor-kern`` runs it too, after fetching KERN). Reads
``static/vendor/kern/kern.min.css`` (KERN's full stylesheet, kept in the repository as
fetched) and writes ``static/vendor/kern/kern.trimmed.css``, the file ``base.html`` links.
The output depends only on the two inputs below, so it is byte-for-byte reproducible:

* the full stylesheet;
* the names the portal uses, found in its sources (``USED_IN``): every ``kern-…`` word in
  the templates, in ``static/js/`` and in the Python code (forms, crispy layouts, widget
  attributes and template tags build class strings there), every ``data-…`` attribute, and
  every ``--kern-…`` custom property the project's own stylesheets and templates name.
  A class completed while rendering (``kern-alert--{% if … %}``, ``kern-form-check__{{ kind
  }}``) keeps the endings listed in ``COMPLETED_CLASSES``; ``ALWAYS_KEEP`` lists the classes
  kept although no source names them. Each entry says why.

What is dropped:

* a selector (one item of a selector list) that needs a ``kern-`` class nobody uses, or a
  ``data-`` attribute nobody writes. Classes inside ``:not(…)`` need not be used (the
  selector matches without them); of ``:is(…)``/``:where(…)`` one alternative suffices.
  Selectors made of elements, pseudo-classes and other attributes stay;
* a rule left without selectors, an ``@media`` block left empty;
* a custom property (``--kern-…: …``) that neither a kept declaration, nor the project's
  stylesheets, nor another kept custom property reads with ``var()``;
* ``@keyframes`` that no kept declaration names.

The ``@font-face`` rules of ``fonts/fira-sans.css`` go at the top of the output, so pages
link one stylesheet for KERN and its fonts.

``tests/engagierte_stadt/test_trimmed_css.py`` checks that the committed file is what this
script writes from the current sources, and, independently of this script's own search,
that every class the templates use is still in it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERN_DIR = ROOT / "static" / "vendor" / "kern"
SOURCE = KERN_DIR / "kern.min.css"
TARGET = KERN_DIR / "kern.trimmed.css"
# The @font-face rules of the subset Fira Sans (written by vendor_kern.py), put at the top of
# the trimmed file so that a page needs one stylesheet request for KERN, not two.
FONT_CSS = KERN_DIR / "fonts" / "fira-sans.css"

# Where the portal names KERN classes, data attributes and custom properties.
PYTHON_DIRS = ("engagierte_stadt", "quartiere", "konferenzen", "partner", "ideen")
USED_IN = {
    "templates": ("templates", ("*.html", "*.txt")),
    "javascript": ("static/js", ("*.js",)),
    "stylesheets": ("static/css", ("*.css",)),
}

# Classes no source file names but that must stay, with the reason.
ALWAYS_KEEP: dict[str, str] = {
    # <body class="kern-light"> pins the light theme; listed in case the body class is ever
    # set from a setting instead of the template.
    "kern-light": "theme class on <body> (templates/base.html)",
}

# Class names completed while rendering ("kern-alert--{% if … %}danger{% else %}{{ level }}…",
# "kern-form-check__{{ kind }}"): the endings they can get. A prefix found in the sources but
# missing here stops the script, so a new one is never trimmed away unnoticed.
COMPLETED_CLASSES: dict[str, tuple[tuple[str, ...], str]] = {
    "kern-alert--": (
        ("success", "info", "warning", "danger"),
        "message levels (includes/messages.html: error -> danger, debug -> info) and the "
        "status boxes of ideas and partner applications",
    ),
    "kern-icon--": (("success", "info", "warning", "danger"), "the icon of those alerts"),
    "kern-badge--": (("success", "info"), "project and idea status badges"),
    "kern-form-check__": (
        ("radio", "checkbox", "radio--error", "checkbox--error"),
        "kern/fields/choice_group.html: kind is radio or checkbox",
    ),
    "kern-btn--": ((), "kern/layout/baseinput.html only tests for it; classes are written out"),
}

_WORD = re.compile(r"(?<![\w-])kern-[A-Za-z0-9_-]*")
_DATA_ATTR = re.compile(r"(?<![\w-])(data-[a-z0-9-]*[a-z0-9])")
_CUSTOM_PROPERTY = re.compile(r"--kern-[A-Za-z0-9_-]+")


# --- What the portal uses ----------------------------------------------------------------


@dataclass
class Usage:
    classes: set[str] = field(default_factory=set)
    data_attributes: set[str] = field(default_factory=set)
    properties: set[str] = field(default_factory=set)  # --kern-… named by our own CSS

    def uses_class(self, name: str) -> bool:
        return name in self.classes


def source_files(root: Path = ROOT) -> list[Path]:
    files: list[Path] = []
    for folder, patterns in USED_IN.values():
        for pattern in patterns:
            files += (root / folder).rglob(pattern)
    for folder in PYTHON_DIRS:
        files += (path for path in (root / folder).rglob("*.py") if "migrations" not in path.parts)
    return sorted(set(files))


def find_usage(root: Path = ROOT) -> Usage:
    usage = Usage(classes=set(ALWAYS_KEEP))
    for path in source_files(root):
        text = path.read_text(encoding="utf-8")
        is_css = path.suffix == ".css"
        usage.properties.update(_CUSTOM_PROPERTY.findall(text))
        if is_css:
            continue  # selectors in our CSS style KERN classes, they do not use them
        for word in _WORD.findall(text):
            if word.endswith(("-", "_")):
                if word not in COMPLETED_CLASSES:
                    raise SystemExit(
                        f"trim_css: {path.relative_to(root)} completes the class {word!r} while "
                        "rendering: list its possible endings in COMPLETED_CLASSES."
                    )
                usage.classes.update(word + end for end in COMPLETED_CLASSES[word][0])
            else:
                usage.classes.add(word)
        usage.data_attributes.update(_DATA_ATTR.findall(text))
    return usage


# --- A small parser for (minified) CSS ---------------------------------------------------


@dataclass
class Rule:
    """A style rule, an at-rule with a block (children parsed for @media/@supports), or a
    statement (@charset)."""

    prelude: str
    body: str | None = None  # declarations or raw block
    children: list[Rule] | None = None  # for grouping at-rules

    @property
    def is_at_rule(self) -> bool:
        return self.prelude.startswith("@")


GROUPING_AT_RULES = ("@media", "@supports", "@layer", "@container")


def _skip(css: str, i: int) -> int:
    """Index after the string, comment or url(...) starting at i, or i if none starts there."""
    char = css[i]
    if char in "\"'":
        j = i + 1
        while css[j] != char:
            j += 2 if css[j] == "\\" else 1
        return j + 1
    if css.startswith("/*", i):
        return css.index("*/", i + 2) + 2
    if css.startswith("url(", i) and not re.match(r"url\(\s*[\"']", css[i:]):
        return css.index(")", i) + 1
    return i


def _until(css: str, i: int, stops: str) -> int:
    """Index of the first character in `stops` at nesting depth 0 (parentheses)."""
    depth = 0
    while i < len(css):
        j = _skip(css, i)
        if j != i:
            i = j
            continue
        char = css[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char in stops:
            return i
        i += 1
    return i


def _block_end(css: str, i: int) -> int:
    """Index of the "}" closing the block whose "{" is at i."""
    depth = 0
    while True:
        j = _skip(css, i)
        if j != i:
            i = j
            continue
        if css[i] == "{":
            depth += 1
        elif css[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1


def parse(css: str) -> list[Rule]:
    rules: list[Rule] = []
    i = 0
    while i < len(css):
        while i < len(css) and (css[i].isspace() or css.startswith("/*", i)):
            i = _skip(css, i) if css.startswith("/*", i) else i + 1
        if i >= len(css):
            break
        stop = _until(css, i, "{;}")
        prelude = css[i:stop].strip()
        if stop >= len(css) or css[stop] == ";":
            rules.append(Rule(prelude))
            i = stop + 1
            continue
        if css[stop] == "}":
            raise ValueError(f"unexpected '}}' after {prelude[:60]!r}")
        end = _block_end(css, stop)
        body = css[stop + 1 : end]
        if prelude.startswith(GROUPING_AT_RULES):
            rules.append(Rule(prelude, children=parse(body)))
        else:
            if not prelude.startswith("@") and "{" in body:
                raise ValueError(f"nested CSS is not supported: {prelude[:60]!r}")
            rules.append(Rule(prelude, body=body))
        i = end + 1
    return rules


def split_top_level(text: str, separator: str) -> list[str]:
    parts, start, i = [], 0, 0
    while True:
        stop = _until(text, i, separator)
        parts.append(text[start:stop])
        if stop >= len(text):
            return parts
        start = i = stop + 1


def declarations(body: str) -> list[tuple[str, str]]:
    result = []
    for item in split_top_level(body, ";"):
        if ":" in item:
            name, value = item.split(":", 1)
            result.append((name.strip(), value.strip()))
    return result


# --- Selectors ---------------------------------------------------------------------------

_PSEUDO_FUNCTION = re.compile(r":(not|is|where|matches|has|nth-[a-z-]+|lang|dir)\(", re.I)
_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
_ATTRIBUTE = re.compile(r"\[\s*([\w-]+)\s*(?:([~|^$*]?=)\s*(\"[^\"]*\"|'[^']*'|[^\]\s]+))?[^\]]*\]")


def _selector_matches_possible(selector: str, usage: Usage) -> bool:
    """Whether the portal's markup can match `selector` (False only when it certainly can't)."""
    rest, i = "", 0
    while True:
        match = _PSEUDO_FUNCTION.search(selector, i)
        if not match:
            rest += selector[i:]
            break
        rest += selector[i : match.start()]
        close = _until(selector, match.end(), ")")
        inner = selector[match.end() : close]
        name = match.group(1).lower()
        if name in ("is", "where", "matches"):
            if not any(_selector_matches_possible(s, usage) for s in split_top_level(inner, ",")):
                return False
        elif name == "has":
            if not any(
                _selector_matches_possible(s.lstrip(" >+~"), usage)
                for s in split_top_level(inner, ",")
            ):
                return False
        # :not(), :nth-*(), :lang(), :dir(): nothing inside is required
        i = close + 1
    for attribute, operator, value in _ATTRIBUTE.findall(rest):
        value = value.strip("\"'")
        if attribute.startswith("data-") and attribute not in usage.data_attributes:
            return False
        if attribute == "class" and operator and value.startswith("kern-"):
            names = usage.classes
            if operator in ("*=",) and not any(value in n or n in value for n in names):
                return False
            if operator in ("^=", "|=", "=", "~=") and not any(
                n.startswith(value) or value.startswith(n) for n in names
            ):
                return False
    rest = _ATTRIBUTE.sub("", rest)
    return all(usage.uses_class(name) for name in _CLASS.findall(rest) if name.startswith("kern-"))


def keep_selectors(prelude: str, usage: Usage) -> list[str]:
    return [s for s in split_top_level(prelude, ",") if _selector_matches_possible(s, usage)]


# --- Trimming ----------------------------------------------------------------------------

_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_ANIMATION = re.compile(r"^(?:-webkit-)?animation(?:-name)?$")


def _filter_rules(rules: list[Rule], usage: Usage) -> list[Rule]:
    kept: list[Rule] = []
    for rule in rules:
        if rule.children is not None:
            children = _filter_rules(rule.children, usage)
            if children:
                kept.append(Rule(rule.prelude, children=children))
        elif rule.is_at_rule or rule.body is None:
            kept.append(rule)
        else:
            selectors = keep_selectors(rule.prelude, usage)
            if selectors:
                kept.append(Rule(",".join(selectors), body=rule.body))
    return kept


def _walk(rules: list[Rule]):
    for rule in rules:
        if rule.children is not None:
            yield from _walk(rule.children)
        else:
            yield rule


def _style_rules(rules: list[Rule]):
    return (r for r in _walk(rules) if r.body is not None and not r.is_at_rule)


def _needed_properties(rules: list[Rule], usage: Usage) -> set[str]:
    """Custom properties read by kept declarations or our own CSS, and what those read."""
    definitions: dict[str, list[str]] = {}
    needed: set[str] = set(usage.properties)
    for rule in _walk(rules):
        if rule.body is None:
            continue
        for name, value in declarations(rule.body) if not rule.is_at_rule else []:
            if name.startswith("--"):
                definitions.setdefault(name, []).append(value)
            else:
                needed.update(_VAR.findall(value))
        if rule.is_at_rule:  # @keyframes, @font-face: read everything they name
            needed.update(_VAR.findall(rule.body))
    pending = list(needed)
    while pending:
        for value in definitions.get(pending.pop(), []):
            for name in _VAR.findall(value):
                if name not in needed:
                    needed.add(name)
                    pending.append(name)
    return needed


def _drop_properties(rules: list[Rule], needed: set[str]) -> list[Rule]:
    kept: list[Rule] = []
    for rule in rules:
        if rule.children is not None:
            children = _drop_properties(rule.children, needed)
            if children:
                kept.append(Rule(rule.prelude, children=children))
        elif rule.body is not None and not rule.is_at_rule:
            body = ";".join(
                item
                for item in split_top_level(rule.body, ";")
                if item.strip()
                and (not item.strip().startswith("--") or item.split(":", 1)[0].strip() in needed)
            )
            if body:
                kept.append(Rule(rule.prelude, body=body))
        else:
            kept.append(rule)
    return kept


def _drop_keyframes(rules: list[Rule]) -> list[Rule]:
    named = set()
    for rule in _style_rules(rules):
        for name, value in declarations(rule.body):
            if _ANIMATION.match(name):
                named.update(re.findall(r"[\w-]+", value))

    def keep(rule: Rule) -> bool:
        match = re.match(r"@(?:-webkit-)?keyframes\s+(\S+)", rule.prelude)
        return not match or match.group(1) in named

    def walk(items: list[Rule]) -> list[Rule]:
        result = []
        for rule in items:
            if rule.children is not None:
                children = walk(rule.children)
                if children:
                    result.append(Rule(rule.prelude, children=children))
            elif keep(rule):
                result.append(rule)
        return result

    return walk(rules)


def serialise(rules: list[Rule]) -> str:
    out = []
    for rule in rules:
        if rule.children is not None:
            out.append(f"{rule.prelude}{{{serialise(rule.children)}}}")
        elif rule.body is None:
            out.append(f"{rule.prelude};")
        else:
            out.append(f"{rule.prelude}{{{rule.body}}}")
    return "".join(out)


def font_faces(font_css: str) -> str:
    """The @font-face rules of fonts/fira-sans.css, their URLs made relative to KERN_DIR."""
    faces = [rule for rule in parse(font_css) if rule.prelude.lower() == "@font-face"]
    text = serialise(faces)
    text = re.sub(r"\s*\n\s*", "", text)
    return re.sub(r'url\("\./', 'url("fonts/', text)


def trim(css: str, usage: Usage, font_css: str = "") -> str:
    rules = _filter_rules(parse(css), usage)
    rules = _drop_properties(rules, _needed_properties(rules, usage))
    rules = _drop_keyframes(rules)
    charset = [r for r in rules if r.prelude.lower().startswith("@charset")]
    others = [r for r in rules if r not in charset]
    header = (
        "/* KERN (@kern-ux/native, EUPL-1.2, see LICENSE.md): kern.min.css trimmed to the"
        " classes the portal uses.\n * Generated by scripts/trim_css.py (make trim-css) -"
        " do not edit by hand. */\n"
    )
    return serialise(charset) + header + font_faces(font_css) + serialise(others) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    font_css = FONT_CSS.read_text(encoding="utf-8") if FONT_CSS.exists() else ""
    trimmed = trim(SOURCE.read_text(encoding="utf-8"), find_usage(), font_css)
    if check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != trimmed:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run `make trim-css`.")
            return 1
        return 0
    TARGET.write_bytes(trimmed.encode("utf-8"))
    before, after = SOURCE.stat().st_size, TARGET.stat().st_size
    print(
        f"Wrote {TARGET.relative_to(ROOT)}: {after / 1024:,.1f} KiB "
        f"(from {before / 1024:,.1f} KiB, {after / before:.0%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
