"""Create the staff roles Redaktion, Quartiersentwicklung and Administration (see
engagierte_stadt/roles.py). Safe to run again: an existing role keeps its permissions as
Administration edited them, unless --reset sets it back to the defaults."""

from django.core.management.base import BaseCommand
from django.db import transaction

from engagierte_stadt.roles import setup_roles


class Command(BaseCommand):
    help = (
        "Create the staff roles (groups) Redaktion, Quartiersentwicklung and Administration "
        "with their default permissions. Existing roles are left as they are unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Set the permissions of existing roles back to the defaults.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        for name, outcome in setup_roles(reset=options["reset"]).items():
            self.stdout.write(f"Role {name}: {outcome}")
