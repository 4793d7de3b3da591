"""Rewrite the search index of every searchable row and the "Meinten Sie …?" vocabulary."""

from django.core.management.base import BaseCommand
from django.db import transaction

from engagierte_stadt.search import rebuild_search_index


class Command(BaseCommand):
    help = (
        "Rebuild the site search: every row's search text and (PostgreSQL) search vector, and "
        "the vocabulary of published words. Needed after bulk loads and once after upgrading; "
        "safe to run daily (minutes published with a future date become findable then)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        counts = rebuild_search_index()
        summary = ", ".join(f"{label}: {count}" for label, count in counts.items())
        self.stdout.write(f"Search index rebuilt ({summary}).")
