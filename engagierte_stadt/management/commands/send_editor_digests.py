"""Mail each staff member their weekly digest (`engagierte_stadt.digest`). Safe to run
often (run_jobs starts it daily): a staff member gets at most one a week, and none when
there is nothing new and nothing to do. Prints a count, never addresses."""

from django.conf import settings
from django.core.management.base import BaseCommand

from engagierte_stadt.digest import digests_send


class Command(BaseCommand):
    help = (
        "Mail each editor the weekly digest of their districts: new sign-ups, offers full or "
        "nearly full, waiting applications, ideas and wishes, meetings without agenda or "
        "minutes. At most one a week per person; nothing when there is nothing."
    )

    def handle(self, *args, **options):
        sent = digests_send(base_url=settings.SITE_URL.rstrip("/"))
        self.stdout.write(f"Weekly digests sent: {sent}")
