"""The running meetings by the time from their start to their end (issue #17):
`running_meetings()` on PostgreSQL. A GiST index, PostgreSQL's alone: nothing on SQLite,
where the query compares start and end instead."""

from django.db import migrations

INDEX = "meeting_running"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "konferenzen_meeting" USING gist '
        '(TSTZRANGE("starts_at", COALESCE("ends_at", "starts_at"), \'[]\'))'
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("konferenzen", "0013_meeting_upcoming_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
