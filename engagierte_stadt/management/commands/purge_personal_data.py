"""Delete personal data past its retention period. Safe to run daily (cron, systemd timer).

Covers every concrete model built on the sign-up engine (`SignupBase`: opportunity sign-ups,
conference registrations, …) without listing them here, the name and address left with
accessibility feedback, and whatever an app purges itself: an app config with a method
`purge_personal_data(*, now, days, dry_run)` (partner applications) is called and returns
`(label, expired, purged)` counts. The output shows counts only, never names or addresses.
"""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from engagierte_stadt.models import AccessibilityFeedback
from engagierte_stadt.submissions import capacity as signups


def signup_models() -> list:
    """The concrete sign-up models of all installed apps."""
    return [model for model in apps.get_models() if issubclass(model, signups.SignupBase)]


def app_purgers() -> list:
    """The `purge_personal_data` methods of installed apps that have personal data of their
    own outside the sign-up engine (this module imports no app)."""
    return [
        config.purge_personal_data
        for config in apps.get_app_configs()
        if callable(getattr(config, "purge_personal_data", None))
    ]


def feedback_to_purge(*, now, days: int):
    """Accessibility feedback older than the retention that still carries a name or address.

    The report itself stays (the barrier is what matters); only who sent it goes.
    """
    return AccessibilityFeedback.objects.filter(created_at__lt=now - timedelta(days=days)).exclude(
        name="", email=""
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
        for model in signup_models():
            if dry_run:
                expired = model.objects.expired_unconfirmed(now=now).count()
                purged = signups.signups_to_purge(model=model, now=now, days=days).count()
            else:
                expired = signups.signups_expire(model=model, now=now)
                purged = signups.signups_purge(model=model, now=now, days=days)
            total += expired + purged
            self.stdout.write(
                f"{model._meta.label}: {expired} unconfirmed expired, "
                f"{purged} with personal data deleted"
            )
        for purge in app_purgers():
            for label, expired, purged in purge(now=now, days=days, dry_run=dry_run):
                total += expired + purged
                self.stdout.write(
                    f"{label}: {expired} unconfirmed expired, {purged} with personal data deleted"
                )
        feedback = feedback_to_purge(now=now, days=days)
        count = feedback.count() if dry_run else feedback.update(name="", email="")
        total += count
        self.stdout.write(
            f"{AccessibilityFeedback._meta.label}: {count} with name and e-mail deleted"
        )
        self.stdout.write(f"{'Would change' if dry_run else 'Changed'}: {total}")
