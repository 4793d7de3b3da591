"""Production settings: safe defaults, refusing to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env_overrides, code="from django.conf import settings; settings.DEBUG"):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    env.update({"DJANGO_SETTINGS_MODULE": "engagierte_stadt.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_settings({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_settings(
        {"DJANGO_SECRET_KEY": "k" * 50},
        "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "31536000", "True"]


def test_database_url_selects_postgresql_and_sqlite_is_the_default():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    sqlite = run_settings({"DJANGO_DEBUG": "true"}, code)
    pg = run_settings(
        {"DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}, code
    )
    assert sqlite.stdout.strip() == "django.db.backends.sqlite3"
    assert pg.stdout.strip() == "django.db.backends.postgresql"


def test_empty_database_url_means_the_sqlite_default():
    # Env files often have `DATABASE_URL=`; that must not leave the portal without a database.
    code = (
        "from django.conf import settings; db = settings.DATABASES['default'];"
        " print(db['ENGINE'], db['NAME'].endswith('db.sqlite3'))"
    )
    for empty in ("", "  "):
        result = run_settings({"DJANGO_DEBUG": "true", "DATABASE_URL": empty}, code)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["django.db.backends.sqlite3", "True"], empty


def test_language_and_time_zone():
    result = run_settings(
        {"DJANGO_DEBUG": "true"},
        "from django.conf import settings; print(settings.LANGUAGE_CODE, settings.TIME_ZONE,"
        " [c for c, _ in settings.LANGUAGES])",
    )
    assert result.stdout.strip() == "de Europe/Berlin ['de', 'en']"


def test_postgresql_connections_run_without_jit():
    # With many rows PostgreSQL's estimates cross jit_above_cost and it compiled expressions
    # for 24 ms of a 25 ms query; the portal switches JIT off for its own connections.
    import pytest

    code = (
        "from django.db import connection; cursor = connection.cursor();"
        " cursor.execute('SHOW jit'); print(cursor.fetchone()[0])"
    )
    env = {"DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    off = run_settings(env, code)
    if "could not connect" in off.stderr or "Connection refused" in off.stderr:
        pytest.skip("needs the local PostgreSQL server (CI has it)")
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "off"
    server = run_settings({**env, "DJANGO_DB_JIT": "on"}, code)
    assert server.returncode == 0, server.stderr
    assert server.stdout.strip() == "on"
