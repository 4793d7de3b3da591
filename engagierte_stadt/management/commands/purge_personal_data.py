"""Delete personal data past its retention period. Safe to run daily (cron, systemd timer).

Covers every concrete model on the submission engine (sign-ups, conference registrations and
wishes, partner applications, accessibility feedback, …) without listing them here: each
states its own retention rule (`due_for_purge`). The output shows counts only, never names or
addresses. It also renames admin log entries ("Neueste Aktionen") of personal-data rows to
their ids (`audit.admin_log_scrub`), so no name survives in the admin's history.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from engagierte_stadt.audit import admin_log_scrub
from engagierte_stadt.submissions.submission import (
    submission_models,
    submissions_expire,
    submissions_purge,
    submissions_to_purge,
)


class Command(BaseCommand):
    help = (
        "Expire unconfirmed sign-ups and delete personal data past the retention period "
        "(PERSONAL_DATA_RETENTION_DAYS). Anonymous counts stay. Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days for this run (default: PERSONAL_DATA_RETENTION_DAYS).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what would change; change nothing.",
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is None:
            days = settings.PERSONAL_DATA_RETENTION_DAYS
        if days < 0:
            raise CommandError("--days cannot be negative.")
        now = timezone.now()
        self.stdout.write(
            f"Retention: {days} days" + (" (dry run, nothing changes)" if dry_run else "")
        )
        total = 0
        for model in submission_models():
            expired = 0
            if dry_run:
                if model.REQUIRES_OPT_IN:
                    expired = model.objects.expired_unconfirmed(now=now).count()
                purged = submissions_to_purge(model=model, now=now, days=days).count()
            else:
                if model.REQUIRES_OPT_IN:
                    expired = submissions_expire(model=model, now=now)
                purged = submissions_purge(model=model, now=now, days=days)
            total += expired + purged
            self.stdout.write(
                f"{model._meta.label}: {expired} unconfirmed expired, "
                f"{purged} with personal data deleted"
            )
        if not dry_run:
            # The admin's history names rows by id; older entries may still carry a name.
            renamed = admin_log_scrub()
            self.stdout.write(f"Admin log entries renamed to ids: {renamed}")
        self.stdout.write(f"{'Would change' if dry_run else 'Changed'}: {total}")
