#!/usr/bin/env python3
"""Independent checkers over every public page, in German and in English. Not a test: it
prints findings per page and the totals (the goal is 0 and 0).

    .venv/bin/python bench/checkers.py                  # builds the demo database once
    .venv/bin/python bench/checkers.py --reuse-db --only /en/

1. the Nu Html Checker (vnu.jar, offline, Java 17): every error on every page;
2. pa11y 9 with HTML_CodeSniffer, standard WCAG2AA, in Debian's Chromium: every error.

Needs PostgreSQL on 127.0.0.1:5432, Java and Node 20. The two tools are npm packages, pinned
below and installed on first use into `--tools` (default /tmp/es-checkers-tools;
PUPPETEER_SKIP_DOWNLOAD=1, since pa11y drives /usr/bin/chromium). The portal runs as in
production (bench/pages.py: gunicorn, DEBUG off, the demo loaded into `es_checkers`), only
ever on 127.0.0.1.

The pages: every address of the sitemap in both languages, plus the pages the sitemap does
not list (forms, search, the finder with answers, a 404), the same set the English test walks.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402
    HOST,
    PYTHON,
    WORK,
    build_database,
    database_loaded,
    production_env,
    start_gunicorn,
    wait_for,
)

TOOLS = {"vnu-jar": "26.9.27", "pa11y": "9.1.1"}
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
DATABASE = "es_checkers"

# Pages no sitemap lists (German addresses; the English ones are these under /en/).
MORE_PAGES = [
    "/suche/?q=garten",
    "/mitmachen/finden/",
    "/mitmachen/finden/?quartier=welper&time=once",
    "/mitmachen/benachrichtigung/",
    "/mitmachen/?suitable=youth&hours=5",
    "/projekte/?quartier=welper&status=laeuft",
    "/partner/partner-werden/",
    "/partner/fuer-unternehmen/",
    "/partner/netzwerk/",
    "/stadtteilkonferenzen/archiv/",
    "/gibt-es-nicht/",
    "/meine-daten/kein-gueltiger-link/",
]


def install_tools(tools: Path) -> None:
    if all((tools / "node_modules" / name).is_dir() for name in TOOLS):
        return
    tools.mkdir(parents=True, exist_ok=True)
    (tools / "package.json").write_text('{"private": true}\n')
    print(f"Installing {', '.join(f'{n}@{v}' for n, v in TOOLS.items())} into {tools} …")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", *(f"{n}@{v}" for n, v in TOOLS.items())],
        cwd=tools,
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"},
        check=True,
    )


def public_pages() -> list[str]:
    """Every sitemap address in each language, then the pages the sitemap leaves out."""
    from django.conf import settings
    from django.utils import translation

    from engagierte_stadt.languages import path_in_language
    from engagierte_stadt.urls import SITEMAPS

    pages = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for sitemap in SITEMAPS.values():
                pages.extend(sitemap.location(item) for item in sitemap.items())
        for page in MORE_PAGES:
            path, _, query = page.partition("?")
            pages.append(path_in_language(path, code, query))
    return list(dict.fromkeys(pages))


def fetch(base: str, pages: list[str], directory: Path) -> dict[str, str]:
    """Save each page's HTML; returns file name → address."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    files = {}
    for number, page in enumerate(pages):
        try:
            html = urllib.request.urlopen(base + page, timeout=30).read()
        except urllib.error.HTTPError as error:  # the 404 page is a page too
            html = error.read()
        name = f"{number:04d}.html"
        (directory / name).write_bytes(html)
        files[str(directory / name)] = page
    return files


def nu_checker(tools: Path, files: dict[str, str]) -> dict[str, list[str]]:
    jar = tools / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
    )
    findings: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]:
        page = files.get(message.get("url", "").removeprefix("file:"), message.get("url"))
        where = f"line {message.get('lastLine', '?')}"
        extract = " ".join((message.get("extract") or "").split())[:100]
        findings.setdefault(page, []).append(f"{where}: {message['message']} [{extract}]")
    return findings


PA11Y_RUNNER = """
const pa11y = require("pa11y");
const puppeteer = require("puppeteer");
(async () => {
  const [chromium, base, ...pages] = process.argv.slice(1);
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  const findings = {};
  for (const page of pages) {
    const result = await pa11y(base + page, {
      browser, standard: "WCAG2AA", runners: ["htmlcs"], timeout: 60000,
    });
    const errors = result.issues.filter((issue) => issue.type === "error");
    if (errors.length) {
      findings[page] = errors.map((i) => `${i.code}: ${i.message} [${i.selector}]`);
    }
  }
  await browser.close();
  console.log(JSON.stringify(findings));
})().catch((error) => { console.error(error); process.exit(2); });
"""


def pa11y(tools: Path, base: str, pages: list[str]) -> dict[str, list[str]]:
    result = subprocess.run(
        ["node", "-e", PA11Y_RUNNER, CHROMIUM, base, *pages],
        cwd=tools,
        env={**os.environ, "NODE_PATH": str(tools / "node_modules")},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(name: str, findings: dict[str, list[str]], checked: int) -> int:
    count = sum(map(len, findings.values()))
    print(f"\n== {name}: {count} error(s) on {len(findings)} of {checked} pages")
    for page, messages in findings.items():
        print(f"  {page}")
        for message in messages:
            print(f"    - {message}")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--tools", type=Path, default=Path("/tmp/es-checkers-tools"))
    parser.add_argument("--reuse-db", action="store_true", help="keep a loaded es_checkers")
    parser.add_argument("--only", default="", help="check only addresses containing this")
    parser.add_argument("--skip-pa11y", action="store_true")
    args = parser.parse_args()

    install_tools(args.tools)
    env = {**os.environ, **production_env(DATABASE, args.port)}
    os.chdir(ROOT)
    if not (args.reuse_db and database_loaded(DATABASE)):
        print(f"Building {DATABASE} (demo) …", flush=True)
        build_database(DATABASE, 0, env)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True)

    os.environ.update(env)
    import django

    django.setup()
    pages = [page for page in public_pages() if args.only in page]
    server = start_gunicorn("engagierte_stadt.wsgi", args.port, env)
    try:
        base = f"http://{HOST}:{args.port}"
        wait_for(base + "/robots.txt")
        print(f"Checking {len(pages)} pages …", flush=True)
        files = fetch(base, pages, WORK / "checkers")
        nu = report("Nu Html Checker (errors)", nu_checker(args.tools, files), len(pages))
        access = 0
        if not args.skip_pa11y:
            access = report(
                "pa11y, HTML_CodeSniffer WCAG2AA (errors)",
                pa11y(args.tools, base, pages),
                len(pages),
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\nTotal: Nu Html Checker {nu}, pa11y {access}")
    return 1 if nu or access else 0


if __name__ == "__main__":
    sys.exit(main())
