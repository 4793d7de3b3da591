"""`manage.py recount_places`: set every stored place counter to a fresh count.

The database's triggers keep the counters right on every change (see
`engagierte_stadt.submissions.counters`); this is for loaders that write past them and as a
check: it prints how many targets had wrong counters (0 when all was right).
"""

from django.core.management.base import BaseCommand

from engagierte_stadt.submissions.counters import recount_places


class Command(BaseCommand):
    help = "Recount the places taken and waiting of every opportunity and meeting."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        wrong = recount_places(using=database)
        if options["verbosity"]:
            self.stdout.write(f"{wrong} target(s) had wrong place counters; all recounted.")
