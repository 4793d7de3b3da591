"""Back up the portal: database and media in one archive with a manifest."""

from django.core.management.base import BaseCommand, CommandError

from engagierte_stadt import backup


class Command(BaseCommand):
    help = (
        "Write one archive (tar) with a consistent database dump (PostgreSQL: pg_dump custom "
        "format; SQLite: online backup copy), every media file and a manifest with the row "
        "count of each table and the SHA-256 of each file. The archive holds personal data: "
        "it is created readable by its owner only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            default="backups/",
            help="Archive file, or a folder for a dated name (default: backups/).",
        )
        parser.add_argument(
            "--database-url", help="Back up this database instead of the portal's DATABASE_URL."
        )
        parser.add_argument("--media-root", help="Media folder (default: DJANGO_MEDIA_ROOT).")

    def handle(self, *args, **options):
        try:
            manifest = backup.create_backup(
                options["output"],
                database_url=options["database_url"],
                media_root=options["media_root"],
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {manifest['archive']}: {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows, {len(manifest['media'])} media files."
        )
