"""Mail alert subscribers about new offers that fit their search. Safe to run often (cron,
systemd timer, every few minutes): each new offer is announced once per subscription, weekly
subscriptions get at most one mail a week. Prints counts only, never addresses."""

from django.conf import settings
from django.core.management.base import BaseCommand

from quartiere.alerts import alerts_send


class Command(BaseCommand):
    help = "Mail alert subscribers about newly published offers that fit their search."

    def handle(self, *args, **options):
        sent = alerts_send(base_url=settings.SITE_URL.rstrip("/"))
        self.stdout.write(f"Alert mails sent: {sent}")
