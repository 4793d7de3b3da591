"""Structured logs: a request id on every response and log line, no personal data in any line."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from engagierte_stadt.logs import JsonFormatter, RequestIdMiddleware, mask_path
from tests.factories import OpportunityFactory
from tests.signup_helpers import EMAIL, confirm_link, form_data, mails_to, manage_link

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_log(caplog):
    """Everything logged from DEBUG up, formatted as DJANGO_LOG_FORMAT=json formats it."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    caplog.handler.setFormatter(JsonFormatter())

    def lines():
        return [json.loads(line) for line in caplog.text.splitlines() if line.strip()]

    return lines


def test_request_id_is_taken_from_a_safe_header_and_echoed(client, db):
    response = client.get("/robots.txt", HTTP_X_REQUEST_ID="6f1c2a9e-proxy.1")
    assert response["X-Request-ID"] == "6f1c2a9e-proxy.1"


@pytest.mark.parametrize(
    "incoming", ["", "erika@example.org", "a b", "x" * 101, "<script>", "../../etc"]
)
def test_unsafe_or_missing_request_id_is_replaced_by_a_new_one(client, db, incoming):
    first = client.get("/robots.txt", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    second = client.get("/robots.txt", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
    assert first != incoming
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_sign_up_logs_carry_the_request_id_and_never_the_address_or_token(
    client, db, json_log, settings
):
    offer = OpportunityFactory(slug="beete-giessen")
    # SQL is logged too (at DEBUG, with the address as a parameter): the worst case.
    connection.force_debug_cursor = True
    try:
        response = client.post(
            f"/mitmachen/{offer.slug}/anmelden/", form_data(), HTTP_X_REQUEST_ID="signup-1"
        )
        assert response.status_code in (200, 302)
        confirm = confirm_link(mails_to(EMAIL)[0])
        client.post(confirm, HTTP_X_REQUEST_ID="confirm-1")
        personal = manage_link(mails_to(EMAIL)[-1])
        client.get(personal, HTTP_X_REQUEST_ID="personal-1")
    finally:
        connection.force_debug_cursor = False

    lines = json_log()
    text = json.dumps(lines)
    assert lines
    assert all(
        set(line) >= {"time", "level", "logger", "message", "request_id", "path"} for line in lines
    )
    # The address went through the logs (the INSERT) and came out masked.
    assert any("[address]" in line["message"] for line in lines)
    assert EMAIL not in text
    assert "@" not in text
    token = personal.strip("/").split("/")[-1]
    assert token not in text
    assert confirm.split("/")[-3] not in text
    signup_lines = [line for line in lines if line["request_id"] == "signup-1"]
    assert signup_lines
    assert {line["path"] for line in signup_lines} == {"/mitmachen/beete-giessen/anmelden/"}
    personal_lines = [line for line in lines if line["request_id"] == "personal-1"]
    assert personal_lines
    assert {line["path"] for line in personal_lines} == {"/mitmachen/anmeldung/<token>/"}


def test_an_address_typed_into_the_path_is_not_logged(json_log):
    def view(request):
        logging.getLogger("portal.test").info("page served")
        return HttpResponse("ok")

    request = RequestFactory().get("/quartiere/erika@example.org/", HTTP_X_REQUEST_ID="typo-1")
    RequestIdMiddleware(view)(request)
    [line] = [line for line in json_log() if line["logger"] == "portal.test"]
    assert line["request_id"] == "typo-1"
    assert "@" not in line["path"] and "erika" not in line["path"]
    assert "erika@example.org" not in json.dumps(line)


def test_token_paths_are_read_from_the_urlconf(db):
    assert mask_path("/meine-daten/abcDEF_123/daten.json?x=1") == "/meine-daten/<token>/daten.json"
    assert mask_path("/en/meine-daten/abc/") == "/en/meine-daten/<token>/"
    assert mask_path("/stadtteilkonferenzen/mein-wunsch/abc/") == (
        "/stadtteilkonferenzen/mein-wunsch/<token>/"
    )
    assert mask_path("/mitmachen/beete-giessen/") == "/mitmachen/beete-giessen/"


def test_log_format_json_is_switched_on_by_the_environment():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('portal.test').warning('mail to %s failed', 'erika@example.org')"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="engagierte_stadt.settings",
        DJANGO_DEBUG="true",
        DJANGO_LOG_FORMAT="json",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    [line] = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert line["level"] == "WARNING"
    assert line["logger"] == "portal.test"
    assert line["message"] == "mail to [address] failed"
    assert line["request_id"] is None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_access_log_has_no_token_query_or_referrer(tmp_path):
    port = free_port()
    access_log = tmp_path / "access.log"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="engagierte_stadt.settings",
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_ACCESSLOG=str(access_log),
    )
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "gunicorn.conf.py",
            "--no-control-socket",
            "engagierte_stadt.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/meine-daten/Geheim7Token/?email=erika@example.org",
            headers={
                "Referer": "https://portal.example/mitmachen/anmeldung/Zweit9Token/",
                "X-Request-ID": "access-1",
            },
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(request, timeout=5)  # noqa: S310
            except urllib.error.HTTPError:
                break  # any answer (no tables: an error page) is logged
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
                continue
            break
        deadline = time.monotonic() + 5
        while "access-1" not in access_log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    log = access_log.read_text()
    assert '"GET /meine-daten/<token>/ HTTP/1.1"' in log
    assert "access-1" in log
    for secret in ("Geheim7Token", "Zweit9Token", "erika", "email="):
        assert secret not in log
