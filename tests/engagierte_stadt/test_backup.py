"""`manage.py backup` and `manage.py restore`: the round trip a city's IT relies on.

On PostgreSQL (the CI's second pass) the real pg_dump / pg_restore run: a portal with a
picture and a confirmed sign-up is backed up, restored into a scratch database and a fresh
media folder, and the restored portal is checked from the outside (row counts, a page with the
picture and its file, the volunteer's personal link). The SQLite path runs on its own file.
"""

import io
import json
import re
import sqlite3
import tarfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import RequestFactory
from django.views.static import serve

from quartiere.models import Signup
from tests.factories import OpportunityFactory, ProjectFactory, ProjectImageFactory
from tests.signup_helpers import EMAIL, NAME, confirm_link, form_data, mails_to, manage_link

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the pg_dump/pg_restore round trip needs PostgreSQL (runs in the PostgreSQL pass "
    "of `make test`: DATABASE_URL=postgres://...)",
)


def counts_of(alias="default") -> dict[str, int]:
    conn = connections[alias]
    with conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        result = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608
            result[table] = cursor.fetchone()[0]
    return result


@pytest.fixture
def scratch_database():
    """An empty PostgreSQL database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def url_of(name: str) -> str:
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{credentials}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"


@contextmanager
def portal_on(database_name: str):
    """Serve the test client's requests from another database (the restored one)."""
    default = connections["default"]
    original = default.settings_dict["NAME"]
    default.close()
    default.settings_dict["NAME"] = database_name
    cache.clear()  # nothing rendered from the original database may answer
    try:
        with default.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            assert cursor.fetchone()[0] == database_name
        yield
    finally:
        default.close()
        default.settings_dict["NAME"] = original


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_postgresql_database_with_pictures_and_links(
    client, tmp_path, settings, scratch_database
):
    project = ProjectFactory(title="Gemeinschaftsgarten Welper", slug="garten-welper")
    picture = ProjectImageFactory(project=project, alt_text="Hochbeete im Sommer")
    offer = OpportunityFactory(project=project, title="Beete gießen", slug="beete-giessen")
    client.post(f"/mitmachen/{offer.slug}/anmelden/", form_data())
    client.post(confirm_link(mails_to(EMAIL)[0]))
    personal_link = manage_link(mails_to(EMAIL)[-1])
    assert Signup.objects.get(email=EMAIL).status == "confirmed"
    original_media = Path(settings.MEDIA_ROOT)
    original_counts = counts_of()

    archive = tmp_path / "portal.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert "database.dump" in tar.getnames()
    assert manifest["engine"] == "postgresql"
    assert manifest["tables"] == original_counts
    assert picture.image.name in manifest["media"]
    assert any(name.startswith("renditions/") for name in manifest["media"])

    fresh_media = tmp_path / "media"
    call_command(
        "restore",
        str(archive),
        database_url=url_of(scratch_database),
        media_root=str(fresh_media),
        stdout=io.StringIO(),
    )
    # Restoring once more into the now filled database is refused.
    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "restore",
            str(archive),
            database_url=url_of(scratch_database),
            media_root=str(tmp_path / "other"),
        )

    # What follows can only come from the restored database and media folder.
    Signup.objects.all().delete()
    project.delete()
    settings.MEDIA_ROOT = str(fresh_media)
    with portal_on(scratch_database):
        assert counts_of() == original_counts
        page = client.get(project.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert 'alt="Hochbeete im Sommer"' in html
        sources = re.findall(r'src="/media/([^"]+)"', html)
        assert sources, "the restored page shows the picture"
        for source in sources:
            restored = fresh_media / source
            assert restored.read_bytes() == (original_media / source).read_bytes()
            served = serve(RequestFactory().get(f"/media/{source}"), source, str(fresh_media))
            assert served.status_code == 200
        personal = client.get(personal_link)
        assert personal.status_code == 200
        assert NAME in personal.content.decode()
        assert "Beete gießen" in personal.content.decode()


# --- SQLite, and what any restore refuses ---------------------------------------------------


def sqlite_portal(path: Path, media: Path) -> str:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE quartier (id INTEGER PRIMARY KEY, name TEXT)")
    db.executemany("INSERT INTO quartier (name) VALUES (?)", [("Welper",), ("Blankenstein",)])
    db.commit()
    db.close()
    (media / "projekte").mkdir(parents=True)
    (media / "projekte" / "foto.jpg").write_bytes(b"\xff\xd8 ein Foto")
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_backup(tmp_path, django_db_blocker):
    """A backup of a small SQLite portal of its own (not the test database)."""
    with django_db_blocker.unblock():
        source = sqlite_portal(tmp_path / "portal.sqlite3", tmp_path / "media")
        archive = tmp_path / "backup.tar"
        call_command(
            "backup",
            str(archive),
            database_url=source,
            media_root=str(tmp_path / "media"),
            stdout=io.StringIO(),
        )
        yield archive


def test_sqlite_round_trip_restores_rows_and_files(sqlite_backup, tmp_path):
    target = tmp_path / "restored.sqlite3"
    media = tmp_path / "restored-media"
    call_command(
        "restore",
        str(sqlite_backup),
        database_url=f"sqlite:///{target}",
        media_root=str(media),
        stdout=io.StringIO(),
    )
    rows = sqlite3.connect(target).execute("SELECT name FROM quartier ORDER BY id").fetchall()
    assert rows == [("Welper",), ("Blankenstein",)]
    assert (media / "projekte" / "foto.jpg").read_bytes() == b"\xff\xd8 ein Foto"
    assert oct(sqlite_backup.stat().st_mode & 0o777) == "0o600"


def test_restore_refuses_a_database_that_is_not_empty(sqlite_backup, tmp_path):
    target = tmp_path / "in-use.sqlite3"
    sqlite_portal(target, tmp_path / "in-use-media")
    with pytest.raises(CommandError, match="is not empty"):
        call_command(
            "restore",
            str(sqlite_backup),
            database_url=f"sqlite:///{target}",
            media_root=str(tmp_path / "empty-media"),
        )
    # Forced, it replaces the database.
    call_command(
        "restore",
        str(sqlite_backup),
        database_url=f"sqlite:///{target}",
        media_root=str(tmp_path / "empty-media"),
        force=True,
        stdout=io.StringIO(),
    )
    assert sqlite3.connect(target).execute("SELECT COUNT(*) FROM quartier").fetchone() == (2,)


def test_restore_refuses_a_damaged_archive(sqlite_backup, tmp_path):
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(sqlite_backup) as source, tarfile.open(damaged, "w") as sink:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/projekte/foto.jpg":
                data = data.replace(b"Foto", b"Fake")
            sink.addfile(member, fileobj=io.BytesIO(data))
    with pytest.raises(CommandError, match="checksum"):
        call_command(
            "restore",
            str(damaged),
            database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}",
            media_root=str(tmp_path / "new-media"),
        )


def test_backup_into_a_folder_gets_a_dated_name(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        source = sqlite_portal(tmp_path / "portal.sqlite3", tmp_path / "media")
        out = io.StringIO()
        call_command(
            "backup",
            f"{tmp_path / 'backups'}/",
            database_url=source,
            media_root=str(tmp_path / "media"),
            stdout=out,
        )
    [archive] = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"portal-backup-\d{8}-\d{6}\.tar", archive.name)
    assert "1 media files" in out.getvalue()
