#!/usr/bin/env python3
"""What a phone downloads for the first view of the home page, and what Lighthouse says.

Not a test: it prints figures (target: at most 60 KB without content pictures; Lighthouse
mobile 100 in all four categories).

    make bench-firstview
    .venv/bin/python bench/firstview.py --reuse-db --no-lighthouse

Needs PostgreSQL on 127.0.0.1:5432 (as bench/pages.py), Debian's Chromium at
/usr/bin/chromium, and for the second part Lighthouse 12 from npm (`npm install
lighthouse@12.8.2` in bench/ or anywhere; pass `--lighthouse PATH` or set LIGHTHOUSE, else
bench/node_modules/.bin/lighthouse and then `lighthouse` on PATH are tried). Only ever
against 127.0.0.1. What it does:

1. builds the scratch database `es_bench_firstview` with the demo (or reuses it with
   `--reuse-db`), collects the static files and starts gunicorn with the production
   settings as bench/pages.py does;
2. opens the home page in a fresh Chromium profile (Playwright) at a 390 × 844 phone viewport
   and sums the bytes transferred per resource type from the DevTools protocol
   (`Network.loadingFinished` → `encodedDataLength`: headers plus the compressed body),
   leaving out content pictures (anything under /media/);
3. runs Lighthouse (mobile, its default throttling) on the home page, /mitmachen/, an
   opportunity, /stadtteilkonferenzen/ and a meeting, and prints the four category scores
   and every audit that did not pass; with `--runs N` each page N times, showing the best
   run and every run's scores (on a shared machine the performance score moves with the
   load: Total Blocking Time is the main thread's time, slowed four times);
4. writes all of it with the machine's description to bench/results/<date>-firstview.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import (  # noqa: E402
    HOST,
    PYTHON,
    build_database,
    database_loaded,
    git_head,
    machine,
    production_env,
    psql,
    start_gunicorn,
    wait_for,
)

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DATABASE = "es_bench_firstview"
TARGET_BYTES = 60 * 1024


# --- First view -----------------------------------------------------------------------------


def first_view(base: str, path: str = "/") -> list[dict]:
    """Every response of a first (cold cache) view of `path` at a phone viewport."""
    from playwright.sync_api import sync_playwright

    responses: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

        def received(event):
            response = event["response"]
            responses[event["requestId"]] = {
                "url": response["url"],
                "type": event.get("type", "Other"),
                "status": response["status"],
                "encoding": response.get("headers", {}).get("content-encoding", "")
                or response.get("headers", {}).get("Content-Encoding", ""),
                "bytes": 0,
            }

        def finished(event):
            if event["requestId"] in responses:
                responses[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        page.goto(base + path, wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(500)
        browser.close()
    return list(responses.values())


def first_view_lines(rows: list[dict], base: str) -> tuple[list[str], int]:
    rows = [r for r in rows if not r["url"].startswith("data:")]  # nothing transferred
    counted = [r for r in rows if "/media/" not in r["url"]]
    pictures = [r for r in rows if "/media/" in r["url"]]
    total = sum(r["bytes"] for r in counted)
    lines = [
        "| resource | type | encoding | bytes |",
        "|---|---|---|--:|",
        *(
            f"| `{r['url'].removeprefix(base)}` | {r['type']} | {r['encoding'] or '–'}"
            f" | {r['bytes']:,} |"
            for r in sorted(counted, key=lambda r: -r["bytes"])
        ),
        "",
        f"**First view without content pictures: {total / 1024:.1f} KB** "
        f"({total:,} bytes, {len(counted)} requests; target ≤ {TARGET_BYTES // 1024} KB: "
        f"{'met' if total <= TARGET_BYTES else 'missed'}). Content pictures on top: "
        f"{len(pictures)} requests, {sum(r['bytes'] for r in pictures) / 1024:.1f} KB.",
    ]
    by_type: dict[str, int] = {}
    for row in counted:
        by_type[row["type"]] = by_type.get(row["type"], 0) + row["bytes"]
    lines.append(
        "By type: " + ", ".join(f"{t} {b / 1024:.1f} KB" for t, b in sorted(by_type.items()))
    )
    return lines, total


# --- Lighthouse -----------------------------------------------------------------------------


def find_lighthouse(given: str | None) -> str | None:
    for candidate in (given, os.environ.get("LIGHTHOUSE")):
        if candidate:
            return candidate
    local = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
    if local.exists():
        return str(local)
    return shutil.which("lighthouse")


def lighthouse(binary: str, url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        out = Path(tmp) / "report.json"
        command = [
            binary,
            url,
            "--quiet",
            "--chrome-flags=--headless " + " ".join(CHROMIUM_ARGS),
            "--only-categories=performance,accessibility,best-practices,seo",
            "--output=json",
            f"--output-path={out}",
        ]
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        for _attempt in range(2):  # Chromium sometimes fails to start on a loaded machine
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
            if result.returncode == 0 and out.exists():
                return json.loads(out.read_text())
        raise RuntimeError(f"lighthouse failed on {url}: {result.stderr.strip()[-500:]}")


def category_scores(report: dict) -> dict[str, int]:
    return {
        key: round((category["score"] or 0) * 100) for key, category in report["categories"].items()
    }


def lighthouse_lines(name: str, url: str, reports: list[dict]) -> list[str]:
    """The scores and failing audits of the best of `reports` (several runs of one page:
    the performance score moves with the machine's load), and every run's scores."""
    runs = [category_scores(report) for report in reports]
    best = max(
        range(len(reports)),
        key=lambda i: (
            runs[i]["performance"],
            sum(runs[i].values()),
            -reports[i]["audits"]["total-blocking-time"]["numericValue"],
        ),
    )
    report, scores = reports[best], runs[best]
    failing = [
        audit
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    metrics = report["audits"]
    lines = [
        f"### {name} `{url}`",
        "",
        "performance {performance}, accessibility {accessibility}, best practices "
        "{best-practices}, SEO {seo}".format(**scores),
        f"(FCP {metrics['first-contentful-paint']['displayValue']}, LCP "
        f"{metrics['largest-contentful-paint']['displayValue']}, TBT "
        f"{metrics['total-blocking-time']['displayValue']}, CLS "
        f"{metrics['cumulative-layout-shift']['displayValue']})",
        "",
    ]
    if len(reports) > 1:
        spread = {
            key: " / ".join(str(run[key]) for run in runs)
            for key in ("performance", "accessibility", "best-practices", "seo")
        }
        tbt = " / ".join(r["audits"]["total-blocking-time"]["displayValue"] for r in reports)
        lines[-1:-1] = [
            f"{len(reports)} runs, the best shown: performance {spread['performance']}, "
            f"accessibility {spread['accessibility']}, best practices "
            f"{spread['best-practices']}, SEO {spread['seo']} (TBT {tbt})",
        ]
    if failing:
        lines += [
            f"- {audit['id']} ({audit['score']:.2f}): {audit['title']}"
            + (f" — {audit['displayValue']}" if audit.get("displayValue") else "")
            for audit in sorted(failing, key=lambda a: a["score"])
        ]
    else:
        lines.append("- every audit passed")
    return [*lines, ""]


def lighthouse_pages() -> list[tuple[str, str]]:
    from konferenzen.models import Meeting
    from quartiere.models import Opportunity

    opportunity = Opportunity.search_queryset().order_by("pk").first()
    meeting = Meeting.search_queryset().select_related("conference").order_by("pk").first()
    return [
        ("Startseite", "/"),
        ("Mitmachen", "/mitmachen/"),
        ("Mitmach-Angebot", opportunity.get_absolute_url()),
        ("Stadtteilkonferenzen", "/stadtteilkonferenzen/"),
        ("Sitzung", meeting.get_absolute_url()),
    ]


# --- Main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse-db", action="store_true", help="keep a loaded scratch DB")
    parser.add_argument("--port", type=int, default=8741, help="portal port")
    parser.add_argument("--lighthouse", help="path of the lighthouse binary")
    parser.add_argument("--no-lighthouse", action="store_true", help="first view only")
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="Lighthouse runs per page; the best is shown with every run's scores",
    )
    args = parser.parse_args()

    load_at_start = os.getloadavg()
    env = {**os.environ, **production_env(DATABASE, args.port)}
    os.chdir(ROOT)
    manage = [PYTHON, "manage.py"]
    if args.reuse_db and database_loaded(DATABASE):
        print(f"Reusing the loaded database {DATABASE}.")
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
        # Renditions of pictures stored before a new format or spec came.
        subprocess.run(
            [*manage, "generateimages", "engagierte_stadt:**"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    else:
        print(f"Building {DATABASE} (demo) …", flush=True)
        build_database(DATABASE, 0, env)
    psql("VACUUM ANALYZE", DATABASE)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)

    os.environ.update(env)
    import django

    django.setup()
    pages = lighthouse_pages()
    from django.db import connections

    connections.close_all()

    binary = None if args.no_lighthouse else find_lighthouse(args.lighthouse)
    base = f"http://{HOST}:{args.port}"
    portal = start_gunicorn("engagierte_stadt.wsgi", args.port, env)
    report: list[str] = []
    try:
        wait_for(base + "/robots.txt")
        for _name, url in pages:  # warm the workers (and any page cache), as a visitor would
            wait_for(base + url)
        view_lines, total = first_view_lines(first_view(base), base)
        print("\n".join(["", "First view of / at 390 px:", *view_lines]), flush=True)
        lighthouse_report: list[str] = []
        if binary is None and not args.no_lighthouse:
            lighthouse_report = ["Lighthouse not found: `npm install lighthouse@12.8.2`."]
        elif binary:
            version = subprocess.run([binary, "--version"], capture_output=True, text=True)
            lighthouse_report.append(
                f"Lighthouse {version.stdout.strip()}, mobile, defaults; {args.runs} run(s) a page."
            )
            lighthouse_report.append("")
            for name, url in pages:
                try:
                    reports = [lighthouse(binary, base + url) for _run in range(args.runs)]
                    lines = lighthouse_lines(name, url, reports)
                except RuntimeError as error:
                    lines = [f"### {name} `{url}`", "", f"- {error}", ""]
                print("\n".join(lines), flush=True)
                lighthouse_report += lines
        report = [
            "## First view of the home page (390 × 844, cold cache)",
            "",
            *view_lines,
            "",
            "## Lighthouse",
            "",
            *(lighthouse_report or ["not run (--no-lighthouse)"]),
        ]
    finally:
        portal.terminate()
        portal.wait(timeout=30)

    if args.no_save:
        return
    stamp = datetime.now(UTC)
    out = ROOT / "bench" / "results" / f"{stamp:%Y-%m-%d}-firstview.md"
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True)
    text = [
        "# First view and Lighthouse",
        "",
        f"Run {stamp:%Y-%m-%d %H:%M} UTC with `bench/firstview.py` at commit {git_head()}; "
        "demo data on PostgreSQL, gunicorn -w 3 with the production settings.",
        "",
        "## Machine",
        "",
        # machine() reads the load now, at the end; Lighthouse's scores depend on it.
        *(line for line in machine() if not line.startswith("- load average")),
        f"- load average at start: {' '.join(f'{x:.2f}' for x in load_at_start)}, at end: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (the performance score moves with it)",
        f"- {chromium.stdout.strip().splitlines()[-1] if chromium.stdout else 'Chromium ?'}",
        "",
        *report,
    ]
    out.write_text("\n".join(text) + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)} (first view {total / 1024:.1f} KB)")


if __name__ == "__main__":
    main()
