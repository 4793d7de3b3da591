#!/usr/bin/env python3
"""How close is every public page to a bare Django view? Not a test: it prints figures.

    make bench                                  # demo data
    make bench BENCH_ARGS="--scale 10"          # the demo plus 10 units of bulk data
    .venv/bin/python bench/pages.py --scale 10 --duration 5

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust, as in docs) and wrk
(`apt-get install -y wrk`). What it does, only ever against 127.0.0.1:

1. creates a scratch database `es_bench_s<N>` (dropped and rebuilt unless `--reuse-db` finds
   it loaded), migrates it and loads the demo, with `--scale N` also N units of the bulk data
   of bench/scale_data.py (`load_demo --scale N`), then VACUUM ANALYZE (as autovacuum would);
2. in this process, with the production settings: fetches each page with Django's test client
   and counts its SQL queries (CaptureQueriesContext), its HTML bytes and its time, and runs
   EXPLAIN (ANALYZE, BUFFERS) on its slowest query;
3. starts gunicorn as in production (gunicorn.conf.py, 3 sync workers, no control socket,
   DEBUG off, the HTTPS-only settings relaxed as `make run` does, access log /dev/null) and
   beside it the one-view bare Django app of bench/bare/app.py under the same gunicorn;
4. runs `wrk -t1 -c8 -d<duration>s --timeout 10s --latency` alternately against the bare
   view and each page, so that both see the same machine load, and divides:
   ratio = page req/s ÷ bare req/s;
5. prints a table and writes it with the machine's description and the EXPLAIN appendix to
   bench/results/<date>-scale<N>[-label].md.

Absolute req/s swing on a shared machine; the ratio to the bare view is the figure to compare.
"""

import argparse
import gzip
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
WORK = Path(os.environ.get("BENCH_WORK_DIR", "/tmp/es-bench"))


def production_env(database: str, port: int) -> dict[str, str]:
    """The production settings with exactly the HTTPS-only ones relaxed (Makefile's LOCAL_ENV)."""
    return {
        "DJANGO_SETTINGS_MODULE": "engagierte_stadt.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SITE_URL": f"http://{HOST}:{port}",
        "DATABASE_URL": f"postgres://postgres@{HOST}:5432/{database}",
        "DJANGO_MEDIA_ROOT": str(WORK / database / "media"),
        # One folder per checkout: two checkouts collecting into one folder break each
        # other's manifest.
        "DJANGO_STATIC_ROOT": str(WORK / f"static-{ROOT.name}"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESSLOG": "/dev/null",
        "GUNICORN_LOGLEVEL": "warning",
        "GUNICORN_WORKERS": "3",
    }


# --- The scratch database -------------------------------------------------------------------


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-d", database, "-tAc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def database_loaded(database: str) -> bool:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
    if not exists:
        return False
    try:
        return psql("SELECT count(*) FROM quartiere_quartier", database) not in ("", "0")
    except subprocess.CalledProcessError:
        return False


def build_database(database: str, scale: int, env: dict[str, str]) -> float:
    """Drop, create, migrate and load; returns the seconds `load_demo` took."""
    psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{database}"')
    shutil.rmtree(WORK / database, ignore_errors=True)
    (WORK / database / "media").mkdir(parents=True)
    manage = [PYTHON, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    load = [*manage, "load_demo"] + (["--scale", str(scale)] if scale else [])
    subprocess.run(load, cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


# --- The pages ------------------------------------------------------------------------------


def public_urls() -> list[tuple[str, str]]:
    """(name, address) of every public page type, on demo rows (not the bulk rows)."""
    from engagierte_stadt.models import Article, Page
    from konferenzen.models import Conference, Meeting
    from partner.models import Partner
    from quartiere.models import Opportunity, Project, Quartier, Topic

    def demo_row(queryset):
        row = queryset.exclude(slug__startswith="bulk").order_by("pk").first()
        return row or queryset.order_by("pk").first()

    quartier = Quartier.objects.filter(slug="welper").first() or demo_row(Quartier.objects)
    topic = demo_row(Topic.objects)
    meeting = demo_row(Meeting.search_queryset().select_related("conference"))
    pages = [
        ("Startseite", "/"),
        ("Mitmachen", "/mitmachen/"),
        ("Mitmachen gefiltert", f"/mitmachen/?quartier={quartier.slug}&topic={topic.slug}"),
        ("Mitmach-Angebot", demo_row(Opportunity.search_queryset()).get_absolute_url()),
        ("Projekte", "/projekte/"),
        ("Projekte gefiltert", f"/projekte/?quartier={quartier.slug}"),
        ("Projekt", demo_row(Project.search_queryset()).get_absolute_url()),
        ("Quartiere", "/quartiere/"),
        ("Quartier", quartier.get_absolute_url()),
        ("Stadtteilkonferenzen", "/stadtteilkonferenzen/"),
        ("Konferenz", demo_row(Conference.search_queryset()).get_absolute_url()),
        ("Sitzung", meeting.get_absolute_url()),
        ("Partner", "/partner/"),
        ("Partnerseite", demo_row(Partner.search_queryset()).get_absolute_url()),
        ("Aktuelles", "/aktuelles/"),
        ("Artikel", demo_row(Article.search_queryset()).get_absolute_url()),
        ("Inhaltsseite", "/impressum/" if Page.objects.filter(slug="impressum").exists() else None),
        ("Finder mit Antworten", f"/mitmachen/finden/?stadtteil={quartier.slug}&nachbarn=on"),
        ("Suche", "/suche/?q=Nachbarn"),
        # Nothing found (a misspelt word): "Meinten Sie …?" and the popular topics.
        ("Suche ohne Treffer", "/suche/?q=Zeppelinlandeplatz"),
    ]
    if pages[16][1] is None:
        pages[16] = ("Inhaltsseite", demo_row(Page.search_queryset()).get_absolute_url())
    # A Quartier whose offers come late in the order of all offers, with a topic few of
    # them have (at 10x: Winz-Baak and Kultur), where Welper's figures above hid what a
    # filtered list cost: 13 offers found after reading 6 600.
    late = Quartier.objects.filter(slug="winz-baak").first()
    rare = Topic.objects.filter(slug="kultur").first()
    if late and rare:
        pages.insert(3, ("Mitmachen selten", f"/mitmachen/?quartier={late.slug}&topic={rare.slug}"))
    return pages


def measure_in_process(urls, repeat: int = 3) -> dict[str, dict]:
    """Queries, bytes, time and the slowest query of each page, with Django's test client."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()
    figures = {}
    for _name, url in urls:
        times = []
        for _ in range(repeat):
            # The work of making the page (a stored copy would run no query at all).
            with override_settings(PAGE_CACHE=False), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        body = response.content
        selects = [
            q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
        ]
        slowest = max(selects, key=lambda q: float(q["time"]), default=None)
        plan = ""
        if slowest is not None:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
        figures[url] = {
            "status": response.status_code,
            "queries": len(captured.captured_queries),
            "bytes": len(body),
            "gzip": len(gzip.compress(body, 6)),
            "ms": statistics.median(times),
            "slowest_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
            "slowest_sql": slowest["sql"] if slowest else "",
            "plan": plan,
        }
    return figures


# --- Servers and wrk ------------------------------------------------------------------------


def start_gunicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    command = [GUNICORN, "-c", "gunicorn.conf.py", "-w", "3", "--no-control-socket"]
    command += ["--bind", f"{HOST}:{port}", app]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=10).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:  # not listening yet, or still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, duration: int) -> dict:
    command = ["wrk", "-t1", "-c8", f"-d{duration}s", "--timeout", "10s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    done = int(re.search(r"(\d+) requests in", output).group(1))
    # Without one finished request wrk prints 0 as every percentile: no figure at all.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)) if done else math.inf
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)) if done else math.inf
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(bad.group(1)) if bad else 0,
        "errors": errors.group(0) if errors else "",
    }


def response_headers(base: str) -> list[str]:
    """What a browser gets for the home page, a hashed stylesheet and a picture: compression
    and cache lifetime (asked with Accept-Encoding: gzip, as browsers do)."""

    def fetch(url: str):
        request = urllib.request.Request(base + url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.headers, response.read()

    headers, body = fetch("/")
    html = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
    text = html.decode()
    lines = [
        f"- `/`: Content-Encoding {headers.get('Content-Encoding', '–')}, "
        f"{len(body) / 1024:.1f} KB sent for {len(html) / 1024:.1f} KB of HTML, "
        f"Vary {headers.get('Vary', '–')}"
    ]
    found = [
        re.search(r"/static/css/site\.[0-9a-f]+\.css", text),
        re.search(r'/media/[^" ]+\.(?:jpg|png|webp)', text),
    ]
    for match in filter(None, found):
        headers, body = fetch(match.group(0))
        lines.append(
            f"- `{match.group(0)}`: Cache-Control {headers.get('Cache-Control', '–')}, "
            f"Content-Encoding {headers.get('Content-Encoding', '–')}"
        )
    return lines


# --- Report ---------------------------------------------------------------------------------


def machine() -> list[str]:
    import django

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    os_name = "?"
    if Path("/etc/os-release").exists():
        match = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text())
        os_name = match.group(1) if match else os_name
    gunicorn = subprocess.run([GUNICORN, "--version"], capture_output=True, text=True)
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return [
        f"- CPU: {os.cpu_count()} cores, {cpu}",
        f"- RAM: {mem_kb / 1024 / 1024:.1f} GiB",
        f"- OS: {os_name}, kernel {platform.release()}",
        f"- Python {platform.python_version()}, Django {django.get_version()}, "
        f"{(gunicorn.stdout or gunicorn.stderr).strip()}",
        f"- PostgreSQL: {psql('SHOW server_version')}",
        f"- {(wrk_version.stdout or wrk_version.stderr).splitlines()[0].strip()}",
        f"- load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


def table(rows) -> list[str]:
    lines = [
        "| page | req/s | p50 ms | p99 ms | bare req/s | ratio | queries | HTML KB | gzip KB"
        " | in-process ms | slowest query ms | load |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f}"
            f" | {row['bare']:.0f} | {row['ratio']:.3f} | {row['queries']}"
            f" | {row['bytes'] / 1024:.1f} | {row['gzip'] / 1024:.1f} | {row['ms']:.1f}"
            f" | {row['slowest_ms']:.1f} | {row['load']:.1f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=0, help="units of bulk data (default 0)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--reuse-db", action="store_true", help="keep a loaded scratch DB")
    parser.add_argument("--port", type=int, default=8731, help="portal port (bare: +1)")
    parser.add_argument("--only", help="measure only pages whose name contains this")
    parser.add_argument("--label", default="", help="suffix of the results file")
    parser.add_argument("--no-save", action="store_true", help="print only")
    parser.add_argument(
        "--page-cache",
        choices=["on", "off"],
        default="on",
        help="the page cache for anonymous visitors (DJANGO_PAGE_CACHE; default on, as in "
        "production)",
    )
    parser.add_argument("--database", help="scratch database name (default es_bench_s<N>)")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        sys.exit("wrk is missing: install it with `apt-get install -y wrk` (Debian/Ubuntu).")
    database = args.database or f"es_bench_s{args.scale}"
    env = {**os.environ, **production_env(database, args.port)}
    env["DJANGO_PAGE_CACHE"] = "true" if args.page_cache == "on" else "false"
    os.chdir(ROOT)

    build_seconds = None
    if args.reuse_db and database_loaded(database):
        print(f"Reusing the loaded database {database} (migrating it to this code).")
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
    else:
        print(f"Building {database} (demo, --scale {args.scale}) …", flush=True)
        build_seconds = build_database(database, args.scale, env)
        print(f"load_demo took {build_seconds:.0f} s")
    # A bulk load leaves the planner without statistics; autovacuum would catch up within
    # minutes on a live server, so measure what it would see.
    psql("VACUUM ANALYZE", database)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    os.environ.update(env)
    import django

    django.setup()
    from quartiere.models import Opportunity, Project

    sizes = f"{Project.objects.count()} projects, {Opportunity.objects.count()} opportunities"
    urls = public_urls()
    if args.only:
        urls = [(name, url) for name, url in urls if args.only.lower() in name.lower()]
    print(f"Measuring {len(urls)} pages in process ({sizes}) …", flush=True)
    in_process = measure_in_process(urls)
    from django.db import connections

    connections.close_all()

    portal_env = {**env}
    bare_env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    portal = start_gunicorn("engagierte_stadt.wsgi", args.port, portal_env)
    bare = start_gunicorn("bench.bare.app", args.port + 1, bare_env)
    rows = []
    try:
        base, bare_url = f"http://{HOST}:{args.port}", f"http://{HOST}:{args.port + 1}/"
        wait_for(base + "/robots.txt")
        wait_for(bare_url)
        headers = response_headers(base)
        for name, url in urls:
            urllib.request.urlopen(base + url, timeout=30).read()  # warm, and fail on 4xx/5xx
            bare_run = wrk(bare_url, args.duration)
            page_run = wrk(base + url, args.duration)
            figures = in_process[url]
            row = {"name": f"{name} `{url}`", "url": url, **figures, **page_run}
            row["bare"] = bare_run["rps"]
            row["load"] = os.getloadavg()[0]
            row["ratio"] = page_run["rps"] / bare_run["rps"]
            rows.append(row)
            print(
                f"{name:24} {page_run['rps']:7.0f} req/s  p99 {page_run['p99']:6.1f} ms"
                f"  bare {bare_run['rps']:6.0f}  ratio {row['ratio']:.3f}"
                f"  {figures['queries']:3} queries  {figures['bytes'] / 1024:5.1f} KB",
                flush=True,
            )
            if page_run["non2xx"] or page_run["errors"]:
                print(f"  ! {page_run['non2xx']} non-2xx, {page_run['errors']}")
    finally:
        for server in (portal, bare):
            server.terminate()
        for server in (portal, bare):
            server.wait(timeout=30)

    ratios = [row["ratio"] for row in rows]
    worst = min(rows, key=lambda row: row["ratio"])
    summary = (
        f"Median ratio {statistics.median(ratios):.3f}, worst {worst['ratio']:.3f} "
        f"({worst['name']}); {sum(r['ratio'] >= 0.25 for r in rows)} of {len(rows)} pages "
        f"≥ 0.25×, {sum(r['p99'] <= 50 for r in rows)} with p99 ≤ 50 ms."
    )
    lines = table(rows)
    print("\n".join(["", *lines, "", summary]))
    if args.no_save:
        return

    stamp = datetime.now(UTC)
    name = f"{stamp:%Y-%m-%d}-scale{args.scale}" + (f"-{args.label}" if args.label else "")
    if args.page_cache == "off":
        name += "-nocache"
    out = ROOT / "bench" / "results" / f"{name}.md"
    text = [
        f"# Pages against a bare Django view — scale {args.scale}"
        + (f" ({args.label})" if args.label else ""),
        "",
        f"Run {stamp:%Y-%m-%d %H:%M} UTC with `bench/pages.py --scale {args.scale} "
        f"--duration {args.duration} --page-cache {args.page_cache}` at commit {git_head()}.",
        f"Data: {sizes}." + (f" `load_demo` took {build_seconds:.0f} s." if build_seconds else ""),
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Figures",
        "",
        "gunicorn -w 3 (sync), production settings, PostgreSQL; `wrk -t1 -c8 "
        f"-d{args.duration}s --timeout 10s --latency`, bare view and page alternately; "
        "ratio = page req/s ÷ the bare run just before it. Queries, HTML size and "
        "in-process ms from Django's test client (median of 3) with CaptureQueriesContext. "
        "Load = the machine's 1-minute load average after the page's run: on a shared "
        "machine, figures under high load are low. p50/p99 `inf`: no request finished.",
        "",
        *lines,
        "",
        summary,
        "",
        "## What a browser gets",
        "",
        *headers,
        "",
        "## Appendix: the slowest query of each page, EXPLAIN (ANALYZE, BUFFERS)",
        "",
    ]
    for row in rows:
        text += [
            f"### {row['name']} — {row['slowest_ms']:.1f} ms",
            "",
            "```sql",
            row["slowest_sql"],
            "```",
            "",
            "```",
            row["plan"],
            "```",
            "",
        ]
    out.write_text("\n".join(text))
    print(f"\nWritten to {out.relative_to(ROOT)}")


def git_head() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout.strip() or "?"


if __name__ == "__main__":
    main()
