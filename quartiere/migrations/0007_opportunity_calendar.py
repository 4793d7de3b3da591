"""A stable calendar UID and a revision counter for opportunities.

The UID is unique, so existing rows each get their own UUID before the constraint is added
(a plain default would give all of them the same one).
"""

import uuid

from django.db import migrations, models


def fill_uids(apps, schema_editor):
    Opportunity = apps.get_model("quartiere", "Opportunity")
    rows = list(Opportunity.objects.filter(uid__isnull=True).only("pk"))
    for row in rows:
        row.uid = uuid.uuid4()
    Opportunity.objects.bulk_update(rows, ["uid"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("quartiere", "0006_signup_link_key_alter_signup_token_hash"),
    ]

    operations = [
        migrations.AddField(
            model_name="opportunity",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_uids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="opportunity",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="opportunity",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Goes up whenever date, place or status change, so calendars update.",
                verbose_name="calendar revision",
            ),
        ),
    ]
