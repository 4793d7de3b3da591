"""The health check behind `/healthz/`: database, cache, mail outbox, periodic jobs.

Every check returns a short machine-readable result and none may hang: the database is
tried on a connection of its own, opened only for the check with a short connect and
statement timeout, so the connections that serve pages keep their settings. The checks that
read tables run only when that database check passed.
"""

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.utils import timezone

from engagierte_stadt import jobs

logger = logging.getLogger(__name__)

OK = "ok"


HEALTH_ALIAS = "__healthz__"


def database_settings(alias: str = DEFAULT_DB_ALIAS) -> dict:
    """The settings of the database to check (a copy; tests point it elsewhere)."""
    return dict(connections[alias].settings_dict)


def check_database(settings_dict: dict | None = None) -> str:
    """`ok`, or why the database cannot be used, within about HEALTHZ_DB_TIMEOUT_SECONDS.

    A fresh connection (never a pooled one of a request) with libpq's `connect_timeout`
    (which also bounds a server that accepts and never answers) and a `statement_timeout`.
    """
    timeout = max(1, settings.HEALTHZ_DB_TIMEOUT_SECONDS)
    settings_dict = dict(settings_dict or database_settings())
    options = dict(settings_dict.get("OPTIONS") or {})
    backend = load_backend(settings_dict["ENGINE"])
    if "postgresql" in settings_dict["ENGINE"]:
        # libpq counts the connect timeout per address; at least 2 s is used anyway.
        options["connect_timeout"] = timeout
    elif "sqlite3" in settings_dict["ENGINE"]:
        options["timeout"] = timeout
    settings_dict.update(OPTIONS=options, CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)
    wrapper = backend.DatabaseWrapper(settings_dict, alias=HEALTH_ALIAS)
    # django.contrib.postgres looks a new connection up by its alias (type handlers), so the
    # check's own connection is known under its alias while it lives.
    connections[HEALTH_ALIAS] = wrapper
    try:
        with wrapper.cursor() as cursor:
            if wrapper.vendor == "postgresql":
                cursor.execute("SET statement_timeout = %s", [timeout * 1000])
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure is an answer, not a crash
        logger.warning("health check: database unavailable (%s)", type(error).__name__)
        return "unavailable"
    finally:
        try:
            wrapper.close()
        except Exception:  # closing a broken connection may fail too
            pass
        del connections[HEALTH_ALIAS]
    return OK


def check_cache() -> str:
    """`ok`, `not configured` (a per-process memory cache: nothing to reach), or `unavailable`."""
    cache_settings = settings.CACHES.get("default", {})
    if cache_settings.get("BACKEND", "").endswith("LocMemCache"):
        return "not configured"
    key = f"healthz:{time.monotonic_ns()}"
    try:
        cache = caches["default"]
        cache.set(key, "1", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as error:
        logger.warning("health check: cache unavailable (%s)", type(error).__name__)
        return "unavailable"
    return OK if value == "1" else "unavailable"


def check_mail_queue(now=None) -> str:
    """`ok`, or the age of the oldest mail waiting in the outbox when it is too old.

    Counts mails waiting for their first attempt: a mail that failed is retried on its own
    schedule (`retry_deferred`) and must not make the check flap.
    """
    from mailer.models import Message

    now = now or timezone.now()
    oldest = (
        Message.objects.non_deferred()
        .filter(retry_count=0)
        .order_by("when_added")
        .values_list("when_added", flat=True)
        .first()
    )
    if oldest is None:
        return OK
    minutes = int((now - oldest).total_seconds() // 60)
    if minutes > settings.HEALTHZ_MAIL_QUEUE_MAX_MINUTES:
        return f"oldest mail waiting {minutes} min"
    return OK


def check_jobs(now=None) -> dict[str, str]:
    """For each periodic job: `ok`, `never ran`, or how long since it last succeeded."""
    from engagierte_stadt.models import JobRun

    now = now or timezone.now()
    success = dict(JobRun.objects.values_list("name", "last_success_at"))
    results = {}
    for job in jobs.JOBS:
        last = success.get(job.name)
        if last is None:
            results[job.name] = "never ran"
        elif now - last > job.stale_after:
            results[job.name] = f"last success {int((now - last).total_seconds() // 60)} min ago"
        else:
            results[job.name] = OK
    return results


def run_checks() -> tuple[bool, dict]:
    """(healthy, {check: result}); a check that does not apply says `not configured`."""
    checks: dict = {"database": check_database()}
    checks["cache"] = check_cache()
    if checks["database"] == OK:
        checks["mail_queue"] = check_mail_queue()
        checks["jobs"] = check_jobs()
    else:
        checks["mail_queue"] = checks["jobs"] = "skipped"
    healthy = checks["database"] == OK and checks["cache"] in (OK, "not configured")
    healthy = healthy and checks["mail_queue"] == OK
    healthy = healthy and all(result == OK for result in checks["jobs"].values())
    return healthy, checks
