#!/usr/bin/env python3
"""Vendor the KERN design system (npm package @kern-ux/native) into static/vendor/kern/.

Run via ``make vendor-kern``. The script

1. downloads the pinned npm tarball with ``npm pack`` into a temporary directory and
   verifies its SHA-512 against ``KERN_INTEGRITY`` (the registry's ``dist.integrity``),
2. copies ``dist/kern.min.css`` and ``LICENSE.md`` and writes ``VERSION`` and ``README.md``,
3. trims the stylesheet to the classes the portal uses (``scripts/trim_css.py``, also run
   alone by ``make trim-css``) into ``kern.trimmed.css``, the file ``base.html`` links,
4. subsets the Fira Sans faces the trimmed stylesheet uses to what German text needs
   (fontTools, WOFF2), each in two files split by ``unicode-range`` (a browser fetches the
   second only for a page with letters beyond Latin-1), and writes ``fonts/fira-sans.css``
   with matching ``@font-face`` rules.

The output is byte-for-byte reproducible for a given fontTools/brotli version: the
tarball is pinned by hash, fontTools keeps the ``head`` timestamps of the source fonts
(checked below), and nothing else in the output depends on time or environment.

The whole output directory is regenerated on every run; do not edit it by hand.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import fontTools
import trim_css
from fontTools import subset
from fontTools.ttLib import TTFont

try:  # only for recording the toolchain in VERSION; fontTools needs brotli for WOFF2
    import brotli

    BROTLI_VERSION = getattr(brotli, "__version__", "unknown")
except ImportError:  # pragma: no cover - fontTools fails later with a clear message
    BROTLI_VERSION = "missing"

# --- Pins -------------------------------------------------------------------------------

KERN_PACKAGE = "@kern-ux/native"
KERN_VERSION = "2.7.2"
KERN_LICENSE = "EUPL-1.2"
# `npm view @kern-ux/native@2.7.2 dist.integrity`
KERN_INTEGRITY = (
    "sha512-"
    "TN0Mqbasp7S1IOqurXickde8MDj5hIcgT4s3f1i33wyv2iVgA1dTO/FoQyi6rgM9KYTYkIthl9k72g7fBUUvHg=="
)

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "static" / "vendor" / "kern"

# --- Fonts ------------------------------------------------------------------------------

FONT_SRC_DIR = "dist/fonts/fira-sans"  # inside the package
FONT_FAMILY = "Fira Sans"
# (font-weight, font-style) -> file name in dist/fonts/fira-sans/ (kept for the output).
FONT_FILES = {
    (300, "normal"): "FiraSans-Light.woff2",
    (400, "normal"): "FiraSans-Regular.woff2",
    (500, "normal"): "FiraSans-Medium.woff2",
    (600, "normal"): "FiraSans-SemiBold.woff2",
    (700, "normal"): "FiraSans-Bold.woff2",
    (400, "italic"): "FiraSans-Italic.woff2",
}
# Faces always shipped. Further upright weights are added automatically if the trimmed
# stylesheet uses them (e.g. 700 -> Bold); see used_font_weights(). 400 italic: staff text
# goes through Markdown, which allows <em> (engagierte_stadt/markup.py); without the face
# browsers would slant the upright one. A browser downloads a face only when a page uses it.
BASE_FACES = [(400, "normal"), (500, "normal"), (600, "normal"), (400, "italic")]

# OpenType features kept: those browsers apply by default (kerning, ligatures, contextual
# forms, marks, localised forms) and tabular figures, which Chromium's own stylesheet sets on
# list markers (`::marker { font-variant-numeric: tabular-nums }`: the "1." of an <ol>). The
# others of Fira Sans (small caps, old-style and fraction figures, stylistic sets,
# superiors, …) are switched on by no stylesheet that uses Fira Sans, and their alternate
# glyphs made up ~45 % of each file. A stylesheet that starts using one (font-variant-*,
# font-feature-settings) must add it here.
LAYOUT_FEATURES = [
    "ccmp", "locl", "mark", "mkmk", "kern", "liga", "clig", "calt", "rlig", "rvrn", "tnum",
]  # fmt: skip

# Hinting (TrueType instructions) makes up ~25 % of each subset (e.g. Regular 31 KB ->
# 23 KB). Modern browsers on macOS, iOS, Android and Linux ignore it, and Windows
# (DirectWrite) renders the unhinted outlines fine at body text sizes, so we drop it.
KEEP_HINTING = False


def _r(first: int, last: int) -> set[int]:
    return set(range(first, last + 1))


# What German text (plus names of people and places) needs.
UNICODES: set[int] = (
    _r(0x0020, 0x007E)  # Basic Latin (printable)
    | _r(0x00A0, 0x00FF)  # Latin-1 Supplement (printable; incl. NBSP, « » · § ¶ ° ½ ¹ × ÷ ©)
    | _r(0x0100, 0x017F)  # Latin Extended-A
    | {
        0x1E9E,  # ẞ capital sharp s
        0x201E, 0x201C, 0x201D,  # „ “ ”
        0x201A, 0x2018, 0x2019,  # ‚ ‘ ’
        0x2039, 0x203A,  # ‹ ›
        0x2013, 0x2014, 0x2011,  # – — ‑ (non-breaking hyphen)
        0x2026,  # …
        0x2022,  # •
        0x20AC,  # €
        0x202F, 0x2009,  # narrow no-break space, thin space
        0x2122,  # ™
        0x2190, 0x2191, 0x2192, 0x2193,  # ← ↑ → ↓
        0x2212,  # − minus sign
    }
)  # fmt: skip

# The first file of each face (what German text needs: Latin-1 and its punctuation); the
# second, fetched only for a page with anything else (Latin Extended-A, capital sharp s,
# arrows, ™, the minus sign), holds the rest of UNICODES.
CORE_UNICODES: set[int] = (
    _r(0x0020, 0x007E)
    | _r(0x00A0, 0x00FF)
    | {0x2011, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E}
    | {0x2026, 0x2039, 0x203A, 0x2022, 0x20AC, 0x202F, 0x2009}
)
SUBSETS = {"latin": CORE_UNICODES, "latin-ext": UNICODES - CORE_UNICODES}

# Code points Fira Sans 4.106 lacks but which are by definition the same glyph as one it
# has: map them onto that glyph so they do not fall back to another font.
CMAP_ALIASES = {
    0x2011: 0x002D,  # NON-BREAKING HYPHEN -> HYPHEN-MINUS glyph ("hyphen")
}

# fontTools warns about fsSelection bits 7-9 in the source fonts' OS/2 table (version 3);
# that is a quirk of the upstream fonts and harmless for browsers.
logging.getLogger("fontTools.ttLib.tables.O_S_2f_2").setLevel(logging.ERROR)


# --- Helpers ----------------------------------------------------------------------------


def fail(message: str) -> None:
    sys.exit(f"vendor_kern: error: {message}")


def sri_sha512(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def human(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def npm_pack(workdir: Path) -> Path:
    """Download the pinned tarball with `npm pack` and return its path."""
    spec = f"{KERN_PACKAGE}@{KERN_VERSION}"
    npm = shutil.which("npm")
    if npm is None:
        fail("npm not found on PATH")
    print(f"npm pack {spec} ...")
    proc = subprocess.run(
        [npm, "pack", spec, "--json", "--ignore-scripts", "--pack-destination", str(workdir)],
        cwd=workdir,
        stdout=subprocess.PIPE,
        check=False,
    )
    if proc.returncode != 0:
        fail(f"npm pack failed with exit code {proc.returncode}")
    try:
        filename = json.loads(proc.stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError):
        tarballs = sorted(workdir.glob("*.tgz"))
        if len(tarballs) != 1:
            fail("could not find the tarball written by npm pack")
        return tarballs[0]
    return workdir / filename


def verify_and_extract(tarball: Path, dest: Path) -> Path:
    data = tarball.read_bytes()
    integrity = sri_sha512(data)
    if integrity != KERN_INTEGRITY:
        fail(
            f"integrity mismatch for {tarball.name}:\n"
            f"  expected {KERN_INTEGRITY}\n  got      {integrity}"
        )
    print(f"integrity ok: {integrity}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(dest, filter="data")
    package = dest / "package"
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    if (meta.get("name"), meta.get("version")) != (KERN_PACKAGE, KERN_VERSION):
        fail(f"unexpected package.json: {meta.get('name')} {meta.get('version')}")
    if meta.get("license") != KERN_LICENSE:
        fail(f"licence changed: {meta.get('license')!r} (expected {KERN_LICENSE})")
    return package


_KEYWORD_WEIGHTS = {"normal": 400, "bold": 700}


def used_font_weights(css: str) -> set[int]:
    """All font weights dist/kern.css can resolve to (declarations, var() fallbacks and
    the numeric --kern-typography-font-weight-* tokens)."""
    weights: set[int] = set()
    values = re.findall(r"(?<![-\w])font-weight\s*:\s*([^;}]+)", css)
    values += re.findall(r"--[\w-]*font-weight[\w-]*\s*:\s*([^;}]+)", css)
    for value in values:
        value = re.sub(r"--[\w-]+", "", value)  # drop custom property names ("...-semi-bold")
        for token in re.findall(r"(?<![\w-])(\d{3}|normal|bold|bolder|lighter)(?![\w-])", value):
            if token in ("bolder", "lighter"):
                fail(f"kern.css uses relative font-weight {token!r}; check the face list")
            weights.add(_KEYWORD_WEIGHTS.get(token) or int(token))
    if re.search(r"(?<![-\w])font\s*:", css):
        print("warning: kern.css uses the `font` shorthand; weights in it are not checked")
    return weights


def faces_to_ship(kern_css: str) -> list[tuple[int, str]]:
    weights = used_font_weights(kern_css)
    print(f"font-weight values in the trimmed stylesheet: {sorted(weights)}")
    faces = list(BASE_FACES)
    for weight in sorted(weights):
        if (weight, "normal") not in faces:
            if (weight, "normal") not in FONT_FILES:
                fail(f"kern.css uses font-weight {weight}, which has no entry in FONT_FILES")
            faces.append((weight, "normal"))
    if re.search(r"font-style\s*:\s*(italic|oblique)", kern_css):
        print("note: kern.css uses italic; only the faces in BASE_FACES are shipped italic")
    return sorted(faces, key=lambda f: (f[1] != "normal", f[0]))


def add_cmap_aliases(font: TTFont) -> None:
    for table in font["cmap"].tables:
        if not table.isUnicode() or table.format == 14:
            continue
        for alias, target in CMAP_ALIASES.items():
            if alias not in table.cmap and target in table.cmap:
                table.cmap[alias] = table.cmap[target]


def subset_options() -> subset.Options:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = LAYOUT_FEATURES
    options.name_IDs = ["*"]  # keep copyright (0), licence (13) and licence URL (14): OFL
    options.hinting = KEEP_HINTING
    options.notdef_outline = True  # visible .notdef box instead of an empty glyph
    options.recalc_timestamp = False  # keep head.modified from the (pinned) source font
    options.recalc_bounds = True
    return options


def subset_font(src: Path, dest: Path, unicodes: set[int]) -> set[int]:
    """Subset src into dest; return the code points the result maps."""
    options = subset_options()
    font = subset.load_font(str(src), options)
    created, modified = font["head"].created, font["head"].modified
    add_cmap_aliases(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    # Belt and braces: the timestamps must come from the pinned source, never the clock.
    font["head"].created, font["head"].modified = created, modified
    subset.save_font(font, str(dest), options)
    font.close()

    with TTFont(str(dest)) as check:
        if (check["head"].created, check["head"].modified) != (created, modified):
            fail(f"{dest.name}: head timestamps changed on save")
        return set(check.getBestCmap())


def unicode_range(codepoints: set[int]) -> str:
    ranges: list[list[int]] = []
    for cp in sorted(codepoints):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ", ".join(
        f"U+{first:04X}" if first == last else f"U+{first:04X}-{last:04X}" for first, last in ranges
    )


# --- Generated text files ---------------------------------------------------------------

README = f"""\
# KERN design system (vendored)

This folder contains a vendored copy of the KERN design system
([`{KERN_PACKAGE}`](https://www.npmjs.com/package/{KERN_PACKAGE}) {KERN_VERSION},
https://kern-ux.de), used for the site's styling.

**Generated by `make vendor-kern` (`scripts/vendor_kern.py`) - do not edit by hand.**
To update, change the pinned version and integrity in the script and re-run it.

- `kern.min.css` - KERN stylesheet, unchanged (`dist/kern.min.css`). It contains no
  `@font-face` rules; load `fonts/fira-sans.css` as well. Not linked by any page.
- `kern.trimmed.css` - `kern.min.css` reduced to the classes the portal's templates,
  JavaScript and Python code use (`scripts/trim_css.py`; `make trim-css` after changing
  templates). It starts with the `@font-face` rules of `fonts/fira-sans.css`. This is
  the one KERN stylesheet the pages link.
- `fonts/fira-sans.css` - `@font-face` rules for the Fira Sans faces below (copied into
  `kern.trimmed.css`).
- `fonts/fira-sans/*.woff2` - Fira Sans ({{faces}}),
  subset to Basic Latin, Latin-1, Latin Extended-A and German typographic characters,
  each face in two files (`.latin`: Basic Latin, Latin-1 and punctuation; `.latin-ext`:
  the rest, fetched only when a page needs it). Hinting
  {"kept" if KEEP_HINTING else "removed"}; the OpenType features browsers use by default
  kept (see `LAYOUT_FEATURES` in the script).
- `VERSION` - package version and tarball integrity (SHA-512).

Licences: KERN is licensed under the {KERN_LICENSE} (`LICENSE.md`). Fira Sans
(c) 2012-2015 The Mozilla Foundation and Telefonica S.A. is licensed under the SIL Open
Font License 1.1 (https://openfontlicense.org); the subset fonts are modified versions
and carry the copyright and licence notice in their `name` table.
"""


def css_for_faces(faces: list[tuple[int, str, str, str]]) -> str:
    parts = [
        f"/* Fira Sans for {KERN_PACKAGE} {KERN_VERSION}, subset for German/Latin text.\n"
        " * Generated by `make vendor-kern` (scripts/vendor_kern.py) - do not edit by hand.\n"
        " * Fira Sans: (c) 2012-2015 The Mozilla Foundation and Telefonica S.A.,\n"
        " * SIL Open Font License 1.1. */\n"
    ]
    for weight, style, filename, urange in faces:
        parts.append(
            "\n@font-face {\n"
            f'  font-family: "{FONT_FAMILY}";\n'
            f'  src: url("./fira-sans/{filename}") format("woff2");\n'
            f"  font-weight: {weight};\n"
            f"  font-style: {style};\n"
            "  font-display: swap;\n"
            f"  unicode-range: {urange};\n"
            "}\n"
        )
    return "".join(parts)


def check_css_urls(css_path: Path) -> None:
    css = css_path.read_text(encoding="utf-8")
    urls = re.findall(r'url\("?([^")]+)"?\)', css)
    if not urls:
        fail(f"{css_path.name} references no files")
    for url in urls:
        if not (css_path.parent / url).resolve().is_file():
            fail(f"{css_path.name} references missing file {url}")


def write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))  # "\n" line endings on every platform


# --- Main -------------------------------------------------------------------------------


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="vendor-kern-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "dl").mkdir()
        package = verify_and_extract(npm_pack(tmp / "dl"), tmp / "src")

        stage = tmp / "out"
        font_out = stage / "fonts" / "fira-sans"
        font_out.mkdir(parents=True)

        shutil.copyfile(package / "dist" / "kern.min.css", stage / "kern.min.css")
        shutil.copyfile(package / "LICENSE.md", stage / "LICENSE.md")

        # The trimmed stylesheet decides which weights ship (trim_css reads the sources).
        kern_css = (package / "dist" / "kern.min.css").read_text(encoding="utf-8")
        trimmed = trim_css.trim(kern_css, trim_css.find_usage(ROOT))
        write_text(stage / trim_css.TARGET.name, trimmed)
        faces = faces_to_ship(trimmed)

        print("\nFira Sans subsets:")
        rows = []
        css_faces = []
        total_before = total_after = 0
        for weight, style in faces:
            filename = FONT_FILES[(weight, style)]
            src = package / FONT_SRC_DIR / filename
            mapped_all: set[int] = set()
            after = 0
            for subset_name, unicodes in SUBSETS.items():
                subset_file = filename.replace(".woff2", f".{subset_name}.woff2")
                dest = font_out / subset_file
                mapped = subset_font(src, dest, unicodes)
                mapped_all |= mapped
                after += dest.stat().st_size
                css_faces.append((weight, style, subset_file, unicode_range(mapped)))
            missing = UNICODES - mapped_all
            if missing:
                names = " ".join(f"U+{cp:04X}" for cp in sorted(missing))
                print(f"  note: {filename} lacks {names} (browser falls back to the next font)")
            before = src.stat().st_size
            total_before += before
            total_after += after
            rows.append((f"{filename} ({weight} {style})", before, after))
        rows.append(("total", total_before, total_after))
        for label, before, after in rows:
            print(
                f"  {label:<40} {human(before):>11} -> {human(after):>10}  ({after / before:.0%})"
            )

        css_path = stage / "fonts" / "fira-sans.css"
        write_text(css_path, css_for_faces(css_faces))
        check_css_urls(css_path)
        # Again, now with the @font-face rules at the top (what base.html links).
        trimmed = trim_css.trim(kern_css, trim_css.find_usage(ROOT), css_path.read_text())
        write_text(stage / trim_css.TARGET.name, trimmed)

        face_names = ", ".join(
            f"{FONT_FILES[(w, s)].removeprefix('FiraSans-').removesuffix('.woff2')} {w}"
            + (f" {s}" if s != "normal" else "")
            for w, s in faces
        )
        write_text(stage / "README.md", README.format(faces=face_names))
        write_text(
            stage / "VERSION",
            f"{KERN_PACKAGE} {KERN_VERSION}\n"
            f"{KERN_INTEGRITY}\n"
            f"# fonts subset with fonttools {fontTools.version}, brotli {BROTLI_VERSION}\n",
        )

        # Replace the output directory as a whole so no stale files survive.
        if OUT_DIR.exists():
            shutil.rmtree(OUT_DIR)
        OUT_DIR.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(stage, OUT_DIR)

    print(f"\nWrote {OUT_DIR.relative_to(ROOT)}/:")
    for path in sorted(p for p in OUT_DIR.rglob("*") if p.is_file()):
        print(f"  {str(path.relative_to(OUT_DIR)):<40} {human(path.stat().st_size):>11}")


if __name__ == "__main__":
    main()
