"""`manage.py run_jobs`: every periodic job on its own interval, recorded, never twice at once."""

import fcntl
import io
from datetime import timedelta

import mailer
import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.utils import timezone

from engagierte_stadt import jobs
from engagierte_stadt.models import JobRun

ALL_JOBS = {
    "send_mail",
    "retry_deferred",
    "send_signup_reminders",
    "purge_personal_data",
    "purge_access_log",
    "purge_mail_log",
    "send_editor_digests",
    "send_alerts",  # registered by quartiere
}


def run_jobs(*args) -> str:
    out = io.StringIO()
    call_command("run_jobs", *args, stdout=out)
    return out.getvalue()


def ran(since) -> set[str]:
    return set(JobRun.objects.filter(last_started_at__gte=since).values_list("name", flat=True))


def test_first_run_runs_every_job_and_records_success(db):
    start = timezone.now()
    run_jobs()
    assert ran(start) == ALL_JOBS
    assert set(JobRun.objects.values_list("name", flat=True)) == ALL_JOBS
    assert not JobRun.objects.filter(last_success_at__isnull=True).exists()


def test_queued_mail_is_delivered_by_run_jobs(db, settings):
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mailer.send_mail("Betreff", "Text", "portal@example.org", ["person@example.org"])
    assert mail.outbox == []
    run_jobs()
    assert [message.subject for message in mail.outbox] == ["Betreff"]


def test_each_job_runs_on_its_own_interval(db):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run_jobs()
        start = timezone.now()
        run_jobs()
        assert ran(start + timedelta(microseconds=1)) == set()
        traveller.shift(timedelta(minutes=1))
        run_jobs()
        assert ran(timezone.now()) == {"send_mail"}
        traveller.shift(timedelta(minutes=20))
        run_jobs()
        assert ran(timezone.now()) == {"send_mail", "retry_deferred", "send_alerts"}
        traveller.shift(timedelta(days=1))
        run_jobs()
        assert ran(timezone.now()) == ALL_JOBS - {"purge_mail_log"}


def test_a_failing_job_is_recorded_and_the_others_still_run(db, monkeypatch):
    broken = jobs.Job("broken", "no_such_command", timedelta(minutes=1))
    monkeypatch.setattr(jobs, "JOBS", [broken, *jobs.JOBS])
    with pytest.raises(CommandError, match="broken"):
        run_jobs()
    run = JobRun.objects.get(name="broken")
    assert run.last_success_at is None and run.last_failure_at is not None
    assert run.last_error == "CommandError"
    assert JobRun.objects.filter(last_success_at__isnull=False).count() == len(ALL_JOBS)


def test_one_job_can_be_run_on_demand(db):
    run_jobs()
    start = timezone.now()
    run_jobs("--job", "purge_personal_data")
    assert ran(start) == {"purge_personal_data"}


def test_list_shows_jobs_and_runs_nothing(db):
    output = run_jobs("--list")
    assert "send_mail" in output and "never" in output
    assert not JobRun.objects.exists()


def hold_lock_elsewhere():
    """Take the jobs lock as another process would: another database session on PostgreSQL,
    another open file elsewhere. Returns a function that releases it."""
    if connection.vendor == "postgresql":
        backend = load_backend(connection.settings_dict["ENGINE"])
        other = backend.DatabaseWrapper(dict(connection.settings_dict), alias="other")
        # django.contrib.postgres looks a new connection up by its alias.
        connections["other"] = other
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [jobs.ADVISORY_LOCK_KEY])
            assert cursor.fetchone()[0]

        def release():
            # Unlock before closing: the server ends a closed session (and frees its locks)
            # a moment later, and the next run could still find the lock taken.
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [jobs.ADVISORY_LOCK_KEY])
                assert cursor.fetchone()[0]
            other.close()
            del connections["other"]

        return release
    handle = open(jobs.settings.JOBS_LOCK_PATH, "a")  # noqa: SIM115
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return handle.close


@pytest.mark.django_db(transaction=True)
def test_second_run_while_one_is_busy_does_nothing(settings, tmp_path):
    settings.JOBS_LOCK_PATH = str(tmp_path / "jobs.lock")
    release = hold_lock_elsewhere()
    try:
        output = run_jobs()
    finally:
        release()
    assert "Another run_jobs is still running" in output
    assert not JobRun.objects.exists()
    run_jobs()
    assert JobRun.objects.count() == len(ALL_JOBS)


def test_admin_shows_job_runs_read_only(db, admin_client):
    run_jobs()
    response = admin_client.get("/admin/engagierte_stadt/jobrun/")
    assert response.status_code == 200
    assert "purge_personal_data" in response.content.decode()
    run = JobRun.objects.get(name="send_mail")
    assert admin_client.post(f"/admin/engagierte_stadt/jobrun/{run.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/engagierte_stadt/jobrun/add/").status_code == 403
