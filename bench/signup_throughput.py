#!/usr/bin/env python3
"""How many sign-ups per second does the portal take under gunicorn on PostgreSQL?

Not a test: it prints figures.

    .venv/bin/python bench/signup_throughput.py --clients 4 --requests 50 --workers 3

What it does, all on 127.0.0.1 (it never talks to another host):

1. creates a throwaway database on the PostgreSQL server at 127.0.0.1:5432 (user postgres,
   trust authentication), migrates it, collects the static files into a temporary directory
   and creates one opportunity with unlimited places (in a Quartier with a contact address, so
   every confirmation also queues the contact person's mail, as in production);
2. starts gunicorn with the project's gunicorn.conf.py on a free port, with the production
   settings relaxed only where plain HTTP on 127.0.0.1 needs it, no minimum fill time and no
   REDIS_URL (so no per-IP rate limit);
3. submit phase: `--clients` threads, each signing up `--requests` different people: GET the
   opportunity page (CSRF cookie, CSRF token and the signed `started` value from the HTML),
   POST the form (expects the redirect to the "check your mail" page);
4. reads the confirmation links from the outbox table (see "Mail" below);
5. confirm phase: the same threads POST every confirmation link once (expects the redirect back
   to the link; the redirect is not followed);
6. checks that the database holds one sign-up per successful submit and one confirmed sign-up
   per successful confirmation, prints requests/s and p50/p95 latencies, stops gunicorn (only
   the process it started) and drops the database.

Mail: gunicorn runs with the portal's default backend, django-mailer's database outbox
(`mailer.backend.DbBackend`), not the locmem backend: locmem would keep the mails in the memory
of the gunicorn workers, out of reach, while the outbox is what production does on every
sign-up (the mail is rendered and stored as a `mailer_message` row inside the request), so its
cost is part of the figures, and the confirmation links can be read back from that table
without a mail server. Nothing is sent: no `send_mail` runs.

The clients run in this process on the same machine as gunicorn and PostgreSQL, so they
compete for the same CPUs; the figures are a lower bound for a dedicated server.
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

HOST = "127.0.0.1"  # the only host this script talks to
PG_PORT = 5432
PG_USER = "postgres"
SLUG = "bench-anmeldung"
CONFIRM_SUBJECT = "Bitte bestätigen Sie Ihre Anmeldung"
CONFIRM_PATH = re.compile(r"https?://[^/\s]+(/mitmachen/anmeldung/[\w-]+/bestaetigen/)")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED_INPUT = re.compile(r'name="started" value="([^"]+)"')
FORM_ACTION = re.compile(r'<form action="([^"#]+)[^"]*"[^>]*method="post"')


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_admin_connection():
    import psycopg2

    connection = psycopg2.connect(host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    connection.autocommit = True
    return connection


def create_database(name: str) -> str:
    """Create the database; returns the server's version. (No `with connection:`, which
    psycopg2 turns into a transaction block, where CREATE DATABASE is not allowed.)"""
    connection = pg_admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def drop_database(name: str) -> None:
    connection = pg_admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


# --- gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(database_url: str, static_root: str, port: int, workers: int | None):
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing from the caller's environment that could point the portal elsewhere.
        if not key.startswith(("DJANGO_", "GUNICORN_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="engagierte_stadt.settings",
        DJANGO_SECRET_KEY="bench-" + secrets.token_urlsafe(40),
        DATABASE_URL=database_url,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_SIGNUP_MIN_FILL_SECONDS="0",
        DJANGO_STATIC_ROOT=static_root,
        DJANGO_SITE_URL=f"http://{HOST}:{port}",
        GUNICORN_BIND=f"{HOST}:{port}",
        GUNICORN_ACCESSLOG="/dev/null",
        GUNICORN_LOGLEVEL="warning",
    )
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    return env


def start_gunicorn(env: dict, log_path: Path) -> subprocess.Popen:
    with open(log_path, "wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [str(REPO / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "engagierte_stadt.wsgi"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_until_up(process: subprocess.Popen, port: int, path: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(
                f"gunicorn exited with {process.returncode}; see {log_path}:\n"
                + log_path.read_text(errors="replace")[-3000:]
            )
        try:
            status, _headers, _body = request(port, "GET", path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer on {HOST}:{port} within 60 s; see {log_path}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    """Stop the gunicorn master this script started (it stops its own workers)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- HTTP ------------------------------------------------------------------------------------


def request(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    """One request on a fresh connection (gunicorn's sync workers close after each response).
    Returns (status, headers, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@dataclass
class Timings:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def timed(timings: Timings, port, method, path, body=b"", headers=None):
    started = time.perf_counter()
    try:
        result = request(port, method, path, body, headers)
    except OSError as error:
        timings.fail(f"{method} {path}: {error!r}")
        return None
    timings.ok(time.perf_counter() - started)
    return result


def sign_up(port: int, page_path: str, email: str, name: str, get_t: Timings, post_t: Timings):
    """One person: GET the page, POST the form. True when the sign-up was accepted."""
    result = timed(get_t, port, "GET", page_path)
    if result is None:
        return False
    status, headers, body = result
    html = body.decode("utf-8", errors="replace")
    cookies = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    token, started, action = (
        CSRF_INPUT.search(html),
        STARTED_INPUT.search(html),
        FORM_ACTION.search(html),
    )
    if status != 200 or "csrftoken" not in cookies or not (token and started and action):
        get_t.fail(f"GET {page_path}: {status}, form or CSRF cookie missing")
        return False
    form = urlencode(
        {
            "csrfmiddlewaretoken": unescape(token.group(1)),
            "name": name,
            "email": email,
            "phone": "",
            "message": "",
            "needs": "",
            "website": "",
            "started": unescape(started.group(1)),
            "consent": "on",
            "send": "Anmeldung absenden",
        }
    ).encode()
    result = timed(
        post_t,
        port,
        "POST",
        unescape(action.group(1)),
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken'].value}",
        },
    )
    if result is None:
        return False
    status, headers, _body = result
    location = headers.get("Location", "")
    if status != 302 or not urlsplit(location).path.endswith("/anmelden/danke/"):
        post_t.fail(f"POST submit for {email}: {status} → {location!r}")
        return False
    return True


def confirm(port: int, path: str, timings: Timings) -> bool:
    result = timed(
        timings,
        port,
        "POST",
        path,
        b"",
        {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "0"},
    )
    if result is None:
        return False
    status, headers, _body = result
    if status != 302 or urlsplit(headers.get("Location", "")).path != path:
        timings.fail(f"POST confirm: {status} → {headers.get('Location')!r}")
        return False
    return True


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def report(label: str, count: int, seconds: float, timings: Timings) -> None:
    ms = [value * 1000 for value in timings.latencies]
    print(
        f"  {label:<22} {count:>6} ok {len(timings.errors):>4} failed   "
        f"{count / seconds:>8.1f} req/s   p50 {percentile(ms, 0.50):>7.1f} ms   "
        f"p95 {percentile(ms, 0.95):>7.1f} ms   max {max(ms, default=float('nan')):>7.1f} ms"
    )


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--requests", type=int, default=50, help="sign-ups per client (default 50)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn workers (default: gunicorn.conf.py's, 2 × CPUs + 1, at most 12)",
    )
    args = parser.parse_args()
    if args.clients < 1 or args.requests < 1 or (args.workers is not None and args.workers < 1):
        parser.error("--clients, --requests and --workers must be at least 1")

    run = f"{os.getpid()}_{secrets.token_hex(3)}"
    db_name = f"es_bench_{run}"
    port = free_port()
    static_root = tempfile.mkdtemp(prefix="es-bench-static-")
    log_path = Path(tempfile.gettempdir()) / f"es-bench-gunicorn-{run}.log"
    database_url = f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{db_name}"
    env = server_environment(database_url, static_root, port, args.workers)

    pg_version = create_database(db_name)
    process = None
    failed = True
    try:
        # The portal's settings in this process too (migrate, the opportunity, the checks).
        os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO_", "DATABASE"))})
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from mailer.models import Message

        from engagierte_stadt.submissions.capacity import SignupStatus
        from quartiere.models import Opportunity, Quartier, Signup

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        quartier = Quartier.objects.create(
            name="Bench-Quartier", slug="bench-quartier", contact_email="team@bench.example"
        )
        opportunity = Opportunity.objects.create(
            quartier=quartier,
            title="Anmeldung unter Last",
            slug=SLUG,
            description="Ein Angebot ohne Platzgrenze für die Messung.",
            places=None,
        )
        page_path = opportunity.get_absolute_url()
        connections.close_all()
        print(
            f"Database {db_name} on PostgreSQL {pg_version} at {HOST}:{PG_PORT}, "
            f"migrated in {time.perf_counter() - started:.1f} s"
        )

        process = start_gunicorn(env, log_path)
        wait_until_up(process, port, page_path, log_path)
        workers = args.workers or (
            f"{min((os.cpu_count() or 1) * 2 + 1, 12)} (gunicorn.conf.py's default)"
        )
        print(
            f"gunicorn on {HOST}:{port}, workers: {workers}, CPUs: {os.cpu_count()}; "
            f"mail: mailer.backend.DbBackend (outbox table); rate limit off (no REDIS_URL)"
        )
        for _ in range(10):  # warm up every worker's imports and template cache
            request(port, "GET", page_path)

        # --- submit phase ---
        get_t, post_t = Timings(), Timings()

        def submit_client(client: int) -> int:
            accepted = 0
            for number in range(args.requests):
                email = f"bench-{run}-{client}-{number}@bench.example"
                name = f"Person {client}-{number}"
                accepted += sign_up(port, page_path, email, name, get_t, post_t)
            return accepted

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            submitted = sum(pool.map(submit_client, range(args.clients)))
        submit_seconds = time.perf_counter() - started

        # --- the confirmation links, from the outbox ---
        links = {}
        for message in Message.objects.all():
            email = message.email
            if email is None or not email.subject.startswith(CONFIRM_SUBJECT):
                continue
            found = CONFIRM_PATH.search(email.body)
            if found:
                links[email.to[0]] = found.group(1)
        connections.close_all()

        # --- confirm phase ---
        confirm_t = Timings()
        paths = list(links.values())
        shares = [paths[client :: args.clients] for client in range(args.clients)]

        def confirm_client(share: list[str]) -> int:
            return sum(confirm(port, path, confirm_t) for path in share)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            confirmed = sum(pool.map(confirm_client, shares))
        confirm_seconds = time.perf_counter() - started

        # --- checks ---
        rows = Signup.objects.filter(opportunity__slug=SLUG).count()
        confirmed_rows = Signup.objects.filter(
            opportunity__slug=SLUG, status=SignupStatus.CONFIRMED
        ).count()
        outbox_rows = Message.objects.count()
        connections.close_all()

        attempts = args.clients * args.requests
        print(
            f"\n{args.clients} clients × {args.requests} sign-ups = {attempts} people; "
            f"submit phase {submit_seconds:.2f} s, confirm phase {confirm_seconds:.2f} s"
        )
        requests_in_phase = len(get_t.latencies) + len(post_t.latencies)
        print(
            f"Submit phase: {submitted / submit_seconds:.1f} sign-ups/s "
            f"(each a GET and a POST: {requests_in_phase / submit_seconds:.1f} requests/s)"
        )
        report("GET opportunity page", len(get_t.latencies), submit_seconds, get_t)
        report("POST sign-up form", submitted, submit_seconds, post_t)
        print(f"Confirm phase: {confirmed / confirm_seconds:.1f} confirmations/s")
        report("POST confirm", confirmed, confirm_seconds, confirm_t)

        checks = [
            (f"sign-up rows = accepted submits ({rows} = {submitted})", rows == submitted),
            (
                f"confirmation links in the outbox = accepted submits ({len(links)} = {submitted})",
                len(links) == submitted,
            ),
            (
                f"confirmed rows = accepted confirmations ({confirmed_rows} = {confirmed})",
                confirmed_rows == confirmed,
            ),
            (
                f"outbox rows = submits + 2 × confirmations ({outbox_rows} = "
                f"{submitted} + 2 × {confirmed})",
                outbox_rows == submitted + 2 * confirmed,
            ),
            (f"every sign-up accepted ({submitted} of {attempts})", submitted == attempts),
        ]
        print("\nChecks:")
        for text, passed in checks:
            print(f"  [{'ok' if passed else 'FAILED'}] {text}")
        errors = get_t.errors + post_t.errors + confirm_t.errors
        for error in errors[:10]:
            print(f"  error: {error}")
        failed = bool(errors) or not all(passed for _text, passed in checks)
    finally:
        if process is not None:
            stop_gunicorn(process)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 (Django may not be set up yet)
            pass
        drop_database(db_name)
        shutil.rmtree(static_root, ignore_errors=True)
        print(f"\ngunicorn stopped, database {db_name} dropped.")
        if failed:
            print(f"gunicorn log kept: {log_path}")
        else:
            log_path.unlink(missing_ok=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
