"""Minutes are uploaded as PDF in the admin: checked by their content, stored under a random
name; anything else gets a German message next to the field and nothing is stored."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from konferenzen.demo import minutes_pdf
from konferenzen.models import Meeting
from quartiere.models import QuartierAssignment
from tests.factories import MeetingFactory, login_staff
from tests.konferenzen.admin_forms import admin_form_data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_user("redakteurin", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="konferenzen"))
    QuartierAssignment.objects.create(user=user)  # responsible for the whole town
    login_staff(client, user)
    return client


@pytest.fixture
def meeting(db):
    return MeetingFactory(
        starts_at=timezone.now() - timedelta(days=3),
        status=Meeting.Status.HELD,
        minutes_summary="Alter Stand",
    )


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def upload(client, meeting, file, **changes):
    url = f"/admin/konferenzen/meeting/{meeting.pk}/change/"
    data = admin_form_data(client.get(url).content.decode(), "meeting_form")
    data.update(changes)
    data["minutes_file"] = file
    return client.post(url, data)


def error_next_to_the_field(html: str) -> str:
    """The error list Django's admin renders in the row of the minutes file."""
    row = re.search(
        r'<div class="form-row[^"]*field-minutes_file[^"]*">'
        r'(.*?)(?=<div class="form-row|</fieldset>)',
        html,
        re.S,
    )
    assert row, "no form row for the minutes file"
    errors = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', row.group(1), re.S)
    assert errors, "no error in the row of the minutes file"
    return errors.group(1)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def real_pdf() -> bytes:
    return minutes_pdf("Protokoll der Stadtteilkonferenz", ["Es wurde viel besprochen."])


BAD_UPLOADS = {
    "text file named .pdf": (
        b"Protokoll: Alle waren da.\n" * 20,
        "Diese Datei ist kein PDF",
    ),
    "PNG renamed to .pdf": (png_bytes(), "Diese Datei ist kein PDF"),
    "truncated PDF": (real_pdf()[:-200], "unvollständig oder beschädigt"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_upload_is_refused_with_a_german_message_and_nothing_is_stored(
    staff_client, meeting, media, case
):
    content, message = BAD_UPLOADS[case]
    response = upload(
        staff_client,
        meeting,
        SimpleUploadedFile("protokoll-mueller.pdf", content, "application/pdf"),
        minutes_summary="Neuer Stand",
    )
    assert response.status_code == 200
    assert message in error_next_to_the_field(response.content.decode())
    assert stored_files(media) == []
    meeting.refresh_from_db()
    assert not meeting.minutes_file and meeting.minutes_summary == "Alter Stand"


def test_file_over_20_megabytes_is_refused(staff_client, meeting, media):
    # A valid PDF head and tail around 20 MB of padding: only the size is wrong.
    pdf = real_pdf()
    content = pdf[:-6] + b"\n" + b"0" * (20 * 1024 * 1024) + b"\n%%EOF\n"
    response = upload(
        staff_client,
        meeting,
        SimpleUploadedFile("gross.pdf", content, "application/pdf"),
        minutes_summary="Neuer Stand",
    )
    assert response.status_code == 200
    error = error_next_to_the_field(response.content.decode())
    assert "Die Datei ist zu groß" in error and "20,0\xa0MB" in error
    assert stored_files(media) == []
    meeting.refresh_from_db()
    assert not meeting.minutes_file and meeting.minutes_summary == "Alter Stand"


def test_real_pdf_is_stored_under_a_random_name(staff_client, meeting, media):
    response = upload(
        staff_client,
        meeting,
        SimpleUploadedFile("Protokoll Müller privat.pdf", real_pdf(), "application/pdf"),
        minutes_summary="Neuer Stand",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting.refresh_from_db()
    assert meeting.minutes_summary == "Neuer Stand"
    assert re.fullmatch(r"konferenzen/[0-9a-f]{24}\.pdf", meeting.minutes_file.name)
    [stored] = stored_files(media)
    assert stored.read_bytes() == real_pdf()
    assert "ller" not in stored.name  # nothing of the uploader's file name


def test_two_uploads_of_the_same_file_get_different_names(staff_client, db, media):
    first = MeetingFactory(starts_at=timezone.now() - timedelta(days=40), slug="a")
    second = MeetingFactory(
        conference=first.conference, starts_at=timezone.now() - timedelta(days=3), slug="b"
    )
    for meeting in (first, second):
        upload(
            staff_client,
            meeting,
            SimpleUploadedFile("protokoll.pdf", real_pdf(), "application/pdf"),
        )
        meeting.refresh_from_db()
    assert first.minutes_file.name != second.minutes_file.name
    assert len(stored_files(media)) == 2


def test_keeping_a_stored_file_does_not_check_it_again(staff_client, meeting, media):
    upload(staff_client, meeting, SimpleUploadedFile("p.pdf", real_pdf(), "application/pdf"))
    meeting.refresh_from_db()
    name = meeting.minutes_file.name
    response = upload(staff_client, meeting, "", minutes_summary="Nachgetragen")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_file.name == name and meeting.minutes_summary == "Nachgetragen"
