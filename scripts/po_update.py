"""Update the German catalogue: collect new msgids, fill in translations, compile.

    .venv/bin/python scripts/po_update.py [translations.json ...]

Each JSON file maps an English msgid to its German text (for a plural msgid: a list of the
singular and plural German forms). Only empty or fuzzy entries are filled, unless `--force`.
Runs under a file lock, so several people (or helper sessions) can call it at once without
overwriting each other's catalogue. Prints the msgids still without a translation.
"""

import argparse
import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
LOCK = Path(os.environ.get("PO_LOCK", "/tmp/engagierte-stadt-po.lock"))
MANAGE = [sys.executable, str(ROOT / "manage.py")]
IGNORE = ["--ignore=.venv", "--ignore=staticfiles", "--ignore=tests", "--ignore=node_modules"]


def fill(catalogue: polib.POFile, translations: dict, force: bool) -> int:
    filled = 0
    for entry in catalogue:
        german = translations.get(entry.msgid)
        if german is None:
            continue
        open_entry = entry.fuzzy or not (entry.msgstr or any(entry.msgstr_plural.values()))
        if not (open_entry or force):
            continue
        if entry.msgid_plural:
            forms = german if isinstance(german, list) else [german, german]
            entry.msgstr_plural = {0: forms[0], 1: forms[1]}
        else:
            entry.msgstr = german if isinstance(german, str) else german[0]
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
        filled += 1
    return filled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--force", action="store_true", help="overwrite existing translations")
    args = parser.parse_args()
    translations = {}
    for file in args.files:
        translations.update(json.loads(file.read_text(encoding="utf-8")))
    env = {**os.environ, "DJANGO_DEBUG": "true"}
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [*MANAGE, "makemessages", "-l", "de", "--no-obsolete", "-v0", *IGNORE],
            check=True,
            cwd=ROOT,
            env=env,
        )
        catalogue = polib.pofile(str(PO), wrapwidth=79)
        filled = fill(catalogue, translations, args.force)
        catalogue.save()
        subprocess.run(
            [*MANAGE, "compilemessages", "-l", "de", "-v0", "--ignore=.venv"],
            check=True,
            cwd=ROOT,
            env=env,
        )
        missing = [
            e.msgid for e in catalogue if e.fuzzy or not (e.msgstr or any(e.msgstr_plural.values()))
        ]
    print(f"filled {filled}; without translation: {len(missing)}")
    for msgid in missing:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
