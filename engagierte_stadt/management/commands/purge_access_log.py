"""Delete rows of the access log of personal data older than ACCESS_LOG_RETENTION_DAYS.

A job of `run_jobs` (daily); safe to run any number of times. Prints a count only.
"""

from django.core.management.base import BaseCommand, CommandError

from engagierte_stadt.audit import access_log_prune


class Command(BaseCommand):
    help = (
        "Delete access-log rows (staff accesses to personal data) older than "
        "ACCESS_LOG_RETENTION_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days for this run (default: ACCESS_LOG_RETENTION_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative.")
        count = access_log_prune(days=days)
        self.stdout.write(f"Access log rows deleted: {count}")
