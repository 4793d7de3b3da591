"""The periodic jobs of the portal, run together by `manage.py run_jobs`.

One cron line or systemd timer runs `run_jobs` every minute; each job has its own interval
and runs when it is due. Every run is recorded in `JobRun` (start, success or failure,
duration), which the health check (`engagierte_stadt.health`) reads: a job that has not
succeeded for `stale_after` makes `/healthz/` answer 503.

The jobs are management commands, so each can still be run on its own. Another module adds
a job with `register(Job(...))`; this module imports no app.
"""

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

# cron starts `run_jobs` at about the same second every minute; a job due every minute must
# not wait for the next minute because its last start was a fraction of a second later.
START_TOLERANCE = timedelta(seconds=30)
# A PostgreSQL advisory lock key of its own ("ESjobs" in ASCII), so that run_jobs on several
# app servers never overlap.
ADVISORY_LOCK_KEY = 0x45534A6F6273


@dataclass(frozen=True)
class Job:
    """A management command run every `interval`."""

    name: str
    command: str
    interval: timedelta
    args: tuple[str, ...] = field(default_factory=tuple)

    @property
    def stale_after(self) -> timedelta:
        """How long without a success before the health check fails: two missed runs and
        five minutes of slack."""
        return 2 * self.interval + timedelta(minutes=5)

    def is_due(self, last_started_at, now) -> bool:
        return last_started_at is None or now - last_started_at + START_TOLERANCE >= self.interval


JOBS: list[Job] = [
    # django-mailer: deliver the outbox, then put failed mails back in line.
    Job("send_mail", "send_mail", timedelta(minutes=1)),
    Job("retry_deferred", "retry_deferred", timedelta(minutes=20)),
    Job("send_signup_reminders", "send_signup_reminders", timedelta(hours=1)),
    Job("purge_personal_data", "purge_personal_data", timedelta(days=1)),
    # The access log of personal data is kept ACCESS_LOG_RETENTION_DAYS.
    Job("purge_access_log", "purge_access_log", timedelta(days=1)),
    # The sent-mail log (results and Message-IDs) is kept 30 days.
    Job("purge_mail_log", "purge_mail_log", timedelta(days=7), ("30", "--result", "all")),
    # Each editor's weekly digest; the command itself sends at most one a week per person.
    Job("send_editor_digests", "send_editor_digests", timedelta(days=1)),
]


def register(job: Job) -> None:
    """Add a job (e.g. a digest from another app); a job of the same name is replaced."""
    JOBS[:] = [existing for existing in JOBS if existing.name != job.name] + [job]


def get_job(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


class AlreadyRunning(Exception):
    """Another `run_jobs` holds the lock."""


@contextmanager
def exclusive() -> Iterator[None]:
    """Hold the jobs lock, or raise `AlreadyRunning` at once.

    On PostgreSQL a session advisory lock, shared by every app server on the database;
    elsewhere (SQLite: one machine) an exclusive lock on the file `JOBS_LOCK_PATH`.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise AlreadyRunning
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        return
    path = Path(settings.JOBS_LOCK_PATH)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_job(job: Job, *, stdout=None) -> bool:
    """Run one job now and record the outcome; True when it succeeded.

    A failing job is logged (the exception's class and traceback of our code, no mail
    content) and recorded; the other jobs still run.
    """
    from engagierte_stadt.models import JobRun

    started = timezone.now()
    JobRun.objects.update_or_create(name=job.name, defaults={"last_started_at": started})
    clock = time.monotonic()
    try:
        call_command(job.command, *job.args, stdout=stdout)
    except Exception as error:  # one broken job must not stop the others
        logger.exception("job %s failed", job.name)
        JobRun.objects.filter(name=job.name).update(
            last_failure_at=timezone.now(),
            last_error=type(error).__name__[:200],
            last_duration=time.monotonic() - clock,
        )
        return False
    JobRun.objects.filter(name=job.name).update(
        last_success_at=timezone.now(), last_error="", last_duration=time.monotonic() - clock
    )
    logger.info("job %s done in %.1f s", job.name, time.monotonic() - clock)
    return True


def due_jobs(now=None) -> list[Job]:
    from engagierte_stadt.models import JobRun

    now = now or timezone.now()
    started = dict(JobRun.objects.values_list("name", "last_started_at"))
    return [job for job in JOBS if job.is_due(started.get(job.name), now)]


def run_due(*, stdout=None, only: list[str] | None = None) -> dict[str, bool]:
    """Run every job that is due (or the jobs named in `only`, due or not), under the lock.

    Returns {job name: succeeded}. Raises `AlreadyRunning` when another run holds the lock.
    """
    with exclusive():
        jobs = [get_job(name) for name in only] if only else due_jobs()
        return {job.name: run_job(job, stdout=stdout) for job in jobs}
