"""Two app servers on one PostgreSQL and one Redis, with nothing shared in memory.

Each server is gunicorn with the production settings (HTTPS-only settings relaxed as `make run`
does), on its own port on 127.0.0.1, spoken to over live HTTP. Runs in CI's PostgreSQL pass;
skipped on SQLite (which serialises writers, so it proves nothing) and without Redis.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import requests
from django.conf import settings
from django.db import connections

from engagierte_stadt.submissions import capacity
from engagierte_stadt.submissions.capacity import SignupStatus
from engagierte_stadt.submissions.forms import fill_stamp
from quartiere.models import Signup
from tests.factories import OpportunityFactory

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own, keys under a fresh prefix
RATE_LIMIT = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def database_url(db: dict) -> str:
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until_serving(url: str, process, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn ended:\n{log.read_text()[-3000:]}")
        try:
            requests.get(url + "/robots.txt", timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server_env(django_db_setup, tmp_path_factory):
    """The environment of the app servers: production settings on the test database and
    Redis, HTTPS-only settings relaxed as in `make run`; static files collected once."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it in its PostgreSQL pass")
    if not redis_answers():
        # CI starts Redis (.ci/run): there a missing Redis is a failure, not a skip.
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"needs Redis at {REDIS_URL}")
    folder = tmp_path_factory.mktemp("scale-out")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="engagierte_stadt.settings",
        # The test process makes links and form stamps: the servers must share its key.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_HSTS_SECONDS="0",
        DATABASE_URL=database_url(connections["default"].settings_dict),
        DJANGO_DB_CONN_MAX_AGE="0",
        REDIS_URL=REDIS_URL,
        DJANGO_SIGNUP_RATE_LIMIT=f"{RATE_LIMIT}/h",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_MEDIA_ROOT=str(folder / "media"),
        # 2 servers × 3 workers × 4 threads: all 20 confirmations are handled at once.
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="4",
        GUNICORN_ACCESSLOG="/dev/null",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return env, folder


@contextlib.contextmanager
def two_servers(env: dict, folder: Path, *, shared_redis_prefix: bool = True, locking: bool = True):
    """Start two gunicorn instances; yields their base URLs. With `shared_redis_prefix=False`
    each keeps its own keys in Redis, as if each had a cache of its own; `locking=False` turns
    the sign-up engine's lock off (both only for the controls). The application is the
    production one with the windows around the lock widened (tests/server_wsgi.py)."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    prefix = f"scale-out-test-{uuid.uuid4().hex}"
    started, urls = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = folder / f"gunicorn-{name}-{port}.log"
            server_env = {
                **env,
                "DJANGO_SITE_URL": f"http://127.0.0.1:{port}",
                "DJANGO_CACHE_KEY_PREFIX": prefix if shared_redis_prefix else f"{prefix}-{name}",
                "SCALE_OUT_TEST_SIGNUP_LOCKING": "true" if locking else "false",
            }
            process = subprocess.Popen(
                [
                    gunicorn,
                    *("-c", "gunicorn.conf.py", "--no-control-socket"),
                    *("--bind", f"127.0.0.1:{port}", "tests.server_wsgi"),
                ],
                cwd=ROOT,
                env=server_env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            started.append(process)
            urls.append(f"http://127.0.0.1:{port}")
            wait_until_serving(urls[-1], process, log)
        yield urls
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            process.wait(timeout=30)
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)


@pytest.fixture(scope="module")
def servers(server_env):
    """Base URLs of two gunicorn instances on the test database and one Redis."""
    with two_servers(*server_env) as urls:
        yield urls


def run_together(calls) -> list:
    """Run the calls in threads released at the same moment; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            results[index] = call(barrier)
        except Exception as exc:  # noqa: BLE001 - every error fails the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def confirm_twenty_at_once(servers):
    """20 pending sign-ups for 5 places, their links opened and confirmed at the same moment,
    alternating between the servers; the POST answers (server, status) and the sign-ups."""
    offer = OpportunityFactory(places=5, slug="fuenf-plaetze")
    tokens = [
        capacity.signup_submit(
            model=Signup, target=offer, name=f"Person {n}", email=f"person{n}@example.org"
        ).token
        for n in range(20)
    ]

    def confirm(base_url, token):
        def call(barrier):
            with requests.Session() as browser:
                url = f"{base_url}/mitmachen/anmeldung/{token}/bestaetigen/"
                page = browser.get(url, timeout=30)
                assert page.status_code == 200 and "Anmeldung bestätigen" in page.text
                barrier.wait(timeout=60)
                answer = browser.post(url, timeout=60, allow_redirects=False)
                return base_url, answer.status_code

        return call

    results = run_together([confirm(servers[n % 2], token) for n, token in enumerate(tokens)])
    return results, Signup.objects.filter(opportunity=offer)


@pytest.mark.django_db(transaction=True)
def test_twenty_confirmations_over_two_servers_fill_five_places_and_wait_fifteen(servers):
    results, signups = confirm_twenty_at_once(servers)

    assert sorted(results) == sorted([(servers[0], 302)] * 10 + [(servers[1], 302)] * 10)
    assert signups.filter(status=SignupStatus.CONFIRMED).count() == 5
    assert signups.filter(status=SignupStatus.WAITING).count() == 15


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_two_servers_overbook(server_env):
    """Proves the test above can fail: the same run on servers without the engine's row lock
    gives more than five places."""
    with two_servers(*server_env, locking=False) as urls:
        _results, signups = confirm_twenty_at_once(urls)

    assert signups.filter(status=SignupStatus.CONFIRMED).count() > 5


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def post_signups_alternately(servers, slug: str) -> list[tuple[str, bool]]:
    """Post the sign-up form of `slug` twice the rate limit, alternating between the servers
    (a, b, a, b, …), each with its own address; (server, accepted) for each post."""
    browsers = []
    for base_url in servers:
        browser = requests.Session()
        page = browser.get(f"{base_url}/mitmachen/{slug}/", timeout=30)
        assert page.status_code == 200
        browsers.append((base_url, browser, csrf_token(page.text)))
    answers = []
    for n in range(2 * RATE_LIMIT):
        base_url, browser, token = browsers[n % 2]
        form = {
            "csrfmiddlewaretoken": token,
            "name": f"Person {n}",
            "email": f"person{n}@example.org",
            "consent": "on",
            "website": "",
            "started": fill_stamp(time.time() - 10, purpose="quartiere.signup"),
        }
        answer = browser.post(
            f"{base_url}/mitmachen/{slug}/anmelden/", data=form, timeout=30, allow_redirects=False
        )
        assert answer.status_code == 302
        sent_page = urlsplit(answer.headers["Location"]).path  # the query names the entry
        answers.append((base_url, sent_page.endswith("/anmelden/danke/")))
    for _base_url, browser, _token in browsers:
        browser.close()
    return answers


@pytest.mark.django_db(transaction=True)
def test_the_per_address_limit_is_counted_across_both_servers(servers):
    offer = OpportunityFactory(slug="offen")

    answers = post_signups_alternately(servers, "offen")

    # The first three are accepted, whichever server took them; after that both refuse,
    # each having seen only some of the three: the count lives in the shared Redis.
    assert [accepted for _server, accepted in answers] == [True] * 3 + [False] * 3
    assert {server for server, accepted in answers if not accepted} == set(servers)
    assert Signup.objects.filter(opportunity=offer).count() == RATE_LIMIT


@pytest.mark.django_db(transaction=True)
def test_control_with_a_count_per_server_the_limit_lets_twice_as_many_through(server_env):
    """Proves the test above can fail: servers that each keep their own count (own keys)
    accept every post of the six, three each."""
    offer = OpportunityFactory(slug="offen")

    with two_servers(*server_env, shared_redis_prefix=False) as urls:
        answers = post_signups_alternately(urls, "offen")

    assert all(accepted for _server, accepted in answers)
    assert Signup.objects.filter(opportunity=offer).count() == 2 * RATE_LIMIT
