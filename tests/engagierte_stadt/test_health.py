"""/healthz/: 200 `ok` when the portal can work, else 503 with a reason, and never slow."""

import json
import socket
import time
from datetime import timedelta

import mailer
import pytest
from django.db import connection
from django.utils import timezone
from mailer.models import Message

from engagierte_stadt import health, jobs
from engagierte_stadt.models import JobRun

DEADLINE_SECONDS = 5


@pytest.fixture
def jobs_ran(db):
    """Every periodic job succeeded a minute ago."""
    now = timezone.now() - timedelta(minutes=1)
    for job in jobs.JOBS:
        JobRun.objects.create(name=job.name, last_started_at=now, last_success_at=now)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_at(port: int) -> dict:
    settings_dict = dict(connection.settings_dict)
    settings_dict.update(
        ENGINE="django.db.backends.postgresql",
        HOST="127.0.0.1",
        PORT=str(port),
        NAME="portal",
        USER="portal",
        PASSWORD="",
        OPTIONS={},
    )
    return settings_dict


def timed_get(client):
    start = time.monotonic()
    response = client.get("/healthz/")
    return response, time.monotonic() - start


def test_healthy_portal_answers_ok(jobs_ran, client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_database_refusing_connections_gives_503_quickly(jobs_ran, client, monkeypatch):
    port = closed_port()
    monkeypatch.setattr(health, "database_settings", lambda: postgres_at(port))
    response, seconds = timed_get(client)
    assert response.status_code == 503
    assert seconds < DEADLINE_SECONDS
    body = json.loads(response.content)
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "unavailable"


def test_database_not_answering_gives_503_within_seconds(jobs_ran, client, monkeypatch):
    # A server that accepts the connection (the kernel completes the handshake on a
    # listening socket) and never says a word.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        monkeypatch.setattr(health, "database_settings", lambda: postgres_at(port))
        response, seconds = timed_get(client)
    assert response.status_code == 503
    assert seconds < DEADLINE_SECONDS
    assert json.loads(response.content)["checks"]["database"] == "unavailable"


def test_old_mail_in_the_outbox_gives_503(jobs_ran, client, settings):
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    mailer.send_mail("Betreff", "Text", "portal@example.org", ["person@example.org"])
    Message.objects.update(when_added=timezone.now() - timedelta(minutes=40))
    response = client.get("/healthz/")
    assert response.status_code == 503
    checks = json.loads(response.content)["checks"]
    assert checks["mail_queue"] == "oldest mail waiting 40 min"
    assert "example.org" not in response.content.decode()


def test_fresh_mail_in_the_outbox_is_fine(jobs_ran, client, settings):
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    mailer.send_mail("Betreff", "Text", "portal@example.org", ["person@example.org"])
    assert client.get("/healthz/").status_code == 200


def test_job_that_never_ran_gives_503(jobs_ran, client):
    JobRun.objects.filter(name="purge_personal_data").delete()
    response = client.get("/healthz/")
    assert response.status_code == 503
    checks = json.loads(response.content)["checks"]
    assert checks["jobs"]["purge_personal_data"] == "never ran"
    assert checks["jobs"]["send_mail"] == "ok"


def test_job_that_stopped_running_gives_503(jobs_ran, client):
    JobRun.objects.filter(name="send_mail").update(
        last_success_at=timezone.now() - timedelta(minutes=30)
    )
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["jobs"]["send_mail"] == (
        "last success 30 min ago"
    )


def test_configured_cache_that_is_down_gives_503(jobs_ran, client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    response, seconds = timed_get(client)
    assert response.status_code == 503
    assert seconds < DEADLINE_SECONDS
    assert json.loads(response.content)["checks"]["cache"] == "unavailable"


def test_check_leaves_the_request_connection_alone(jobs_ran, client):
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            pytest.skip("statement_timeout exists on PostgreSQL only")
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
        assert client.get("/healthz/").status_code == 200
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
