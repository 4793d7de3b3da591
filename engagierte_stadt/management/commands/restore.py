"""Restore a backup archive (from `manage.py backup`) into an empty database and media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from engagierte_stadt import backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup`: the database into an EMPTY database "
        "(run no `migrate` before; a database with tables is refused unless --force) and the "
        "media files into an empty media folder. Every file is checked against its checksum "
        "and every table against its row count in the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive (.tar) written by `manage.py backup`.")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the portal's DATABASE_URL "
            "(e.g. a scratch database to test a backup).",
        )
        parser.add_argument("--media-root", help="Media folder (default: DJANGO_MEDIA_ROOT).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the tables of a database that is not empty, and add the files to a "
            "media folder that is not empty.",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            manifest = backup.restore_backup(
                archive,
                database_url=options["database_url"],
                media_root=options["media_root"],
                force=options["force"],
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(manifest['tables'])} tables "
            f"with their row counts checked, {len(manifest['media'])} media files checked."
        )
