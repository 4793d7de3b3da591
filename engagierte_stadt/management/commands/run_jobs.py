"""Run every periodic job that is due: the one entry point for cron or a systemd timer."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from engagierte_stadt import jobs
from engagierte_stadt.models import JobRun


class Command(BaseCommand):
    help = (
        "Run the periodic jobs that are due now (mail outbox, retries, reminders, purges), "
        "each on its own interval, and record each run. Meant to be started every minute; a "
        "second run while one is busy exits at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--job",
            action="append",
            choices=[job.name for job in jobs.JOBS],
            help="Run this job now, due or not (repeatable).",
        )
        parser.add_argument("--all", action="store_true", help="Run every job now.")
        parser.add_argument(
            "--list", action="store_true", help="Show the jobs and their last runs; run nothing."
        )

    def handle(self, *args, **options):
        if options["list"]:
            self.list_jobs()
            return
        only = [job.name for job in jobs.JOBS] if options["all"] else options["job"]
        try:
            results = jobs.run_due(stdout=self.stdout, only=only)
        except jobs.AlreadyRunning:
            self.stdout.write("Another run_jobs is still running; nothing done.")
            return
        failed = sorted(name for name, ok in results.items() if not ok)
        if results:
            self.stdout.write(
                f"Jobs run: {', '.join(results)}"
                + (f"; failed: {', '.join(failed)}" if failed else "")
            )
        if failed:
            raise CommandError(f"failed: {', '.join(failed)} (see the log)")

    def list_jobs(self):
        runs = {run.name: run for run in JobRun.objects.all()}
        now = timezone.now()
        for job in jobs.JOBS:
            run = runs.get(job.name)
            last = run.last_success_at if run else None
            due = job.is_due(run.last_started_at if run else None, now)
            self.stdout.write(
                f"{job.name:24} every {job.interval}  last success: "
                f"{last.isoformat(timespec='seconds') if last else 'never'}"
                f"{'  (due)' if due else ''}"
                f"{f'  last error: {run.last_error}' if run and run.last_error else ''}"
            )
