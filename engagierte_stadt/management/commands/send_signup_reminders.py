"""Remind people with a place of a dated opportunity or meeting, 24 to 48 hours before it.

Covers every concrete model built on the sign-up engine whose target has a `starts_at` field,
except targets that say they are cancelled (`is_cancelled`, a meeting with status "abgesagt").
Each sign-up is reminded once (`reminded_at`), so the command is safe to run hourly or daily
(cron, systemd timer) and twice at once. The mails go to the outbox like all others. Output
shows counts only, never names or addresses.
"""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from engagierte_stadt.submissions import capacity as signups
from engagierte_stadt.submissions.mails import mail_signup_reminder

WINDOW_START = timedelta(hours=24)
WINDOW_END = timedelta(hours=48)


def signup_models() -> list:
    return [model for model in apps.get_models() if issubclass(model, signups.SignupBase)]


def due_for_reminder(model, now):
    """Confirmed sign-ups with an address whose target starts in 24 to 48 hours, not reminded."""
    target_model = model._meta.get_field(model.TARGET_FIELD).related_model
    try:
        target_model._meta.get_field("starts_at")
    except FieldDoesNotExist:
        return model.objects.none()
    starts_at = f"{model.TARGET_FIELD}__starts_at"
    return (
        model.objects.confirmed()
        .filter(
            reminded_at__isnull=True,
            purged_at__isnull=True,
            **{f"{starts_at}__gt": now + WINDOW_START, f"{starts_at}__lte": now + WINDOW_END},
        )
        .exclude(email="")
        .select_related(model.TARGET_FIELD)
        .order_by("pk")
    )


def is_remindable(target) -> bool:
    """Whether the target still takes place: a cancelled one (its `is_cancelled` is true)
    gets no reminder, whichever model it is."""
    return not getattr(target, "is_cancelled", False)


class Command(BaseCommand):
    help = (
        "Mail a reminder to everyone with a place whose opportunity or meeting starts in 24 to "
        "48 hours (once per sign-up). Safe to run hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=None,
            help="Scheme and host for the links in the mails (default: SITE_URL).",
        )

    def handle(self, *args, base_url=None, **options):
        base_url = (base_url or settings.SITE_URL).rstrip("/")
        now = timezone.now()
        for model in signup_models():
            sent = 0
            for signup in due_for_reminder(model, now):
                if not is_remindable(signup.target):
                    continue
                with transaction.atomic():
                    # Claim the sign-up first: a second run at the same time claims nothing.
                    claimed = model.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(
                        reminded_at=now
                    )
                    if not claimed:
                        continue
                    if mail_signup_reminder(signup=signup, base_url=base_url):
                        sent += 1
                    else:
                        # Not sent (mail backend down): leave it for the next run.
                        transaction.set_rollback(True)
            self.stdout.write(f"{model._meta.label}: {sent} reminder(s) sent")
