from django.db import migrations


def make_logo_rendition(apps, schema_editor):
    """Make the header rendition of a logo stored before it existed (uploads get it on save).

    The header links the rendition without checking that it exists, so an installation
    upgraded with `migrate` must not wait for someone to run `generateimages`.
    """
    from imagekit.exceptions import NotRegistered

    from engagierte_stadt.images import logo_rendition_file

    SiteSettings = apps.get_model("engagierte_stadt", "SiteSettings")
    for row in SiteSettings.objects.exclude(logo=""):
        try:
            logo_rendition_file(row.logo).generate(force=False)
        except (NotRegistered, OSError, ValueError):
            continue  # the file is gone or unreadable; `generateimages` can retry later


class Migration(migrations.Migration):
    dependencies = [
        ("engagierte_stadt", "0016_alter_accessibilitystatement_conformance_and_more"),
    ]

    operations = [
        migrations.RunPython(make_logo_rendition, migrations.RunPython.noop, elidable=True),
    ]
