"""Pictures uploaded through the project admin: checked, cleaned, renditions made once.

Every test posts the real admin add or change form of a project with its image inline.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from engagierte_stadt.images import VARIANTS, rendition_file
from engagierte_stadt.models import SiteSettings
from quartiere.models import Project, ProjectImage
from tests.factories import ProjectFactory, QuartierFactory, login_staff
from tests.picture_files import (
    camera_exif,
    encode,
    gps_jpeg,
    has_metadata,
    padded_jpeg,
    picture,
    png_bomb,
    truncated_jpeg,
)

NOT_AN_IMAGE = (
    "Die Datei ist kein Bild, das wir lesen können. "
    "Bitte laden Sie eine JPEG-, PNG- oder WebP-Datei hoch."
)
TOO_MANY_PIXELS = "Das Bild hat zu viele Pixel. Bitte laden Sie eine kleinere Fassung hoch."
TOO_LARGE = "Die Datei ist zu groß (30,0\xa0MB). Bilder dürfen höchstens 10,0\xa0MB groß sein."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def admin_client(db, client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, user)
    return client


@pytest.fixture
def welper(db):
    return QuartierFactory(name="Welper", slug="welper")


def project_form(quartier, upload, project=None, **image_fields) -> dict:
    """The POST data of the project admin form with one new picture in the image inline."""
    data = {
        "title": "Repair-Café",
        "slug": "repair-cafe",
        "quartier": quartier.pk,
        "teaser": "Reparieren statt wegwerfen",
        "description": "",
        "status": Project.Status.RUNNING,
        "start_date": "",
        "end_date": "",
        "contact_name": "",
        "contact_role": "",
        "contact_email": "",
        "contact_phone": "",
        "show_contact_name": "on",
        "show_contact_email": "on",
        "easy_language": "",
        "publication": "published",
        "publish_at_0": "01.07.2026",
        "publish_at_1": "10:00:00",
        "images-TOTAL_FORMS": "1",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
        "images-0-id": "",
        "images-0-project": project.pk if project else "",
        "images-0-image": upload,
        "images-0-alt_text": "Menschen reparieren ein Fahrrad",
        "images-0-caption": "",
        "images-0-credit": "Foto: Stadt Hattingen",
        "images-0-position": "0",
        "opportunities-TOTAL_FORMS": "0",
        "opportunities-INITIAL_FORMS": "0",
        "opportunities-MIN_NUM_FORMS": "0",
        "opportunities-MAX_NUM_FORMS": "1000",
    }
    data.update({f"images-0-{key}": value for key, value in image_fields.items()})
    return data


def add_project(client, quartier, upload):
    return client.post("/admin/quartiere/project/add/", project_form(quartier, upload))


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def rendition_paths(picture_row) -> list[Path]:
    return [
        Path(rendition_file(picture_row.image, name, width).path)
        for name, variant in VARIANTS.items()
        for width in variant.widths
    ]


@pytest.mark.parametrize(
    ("name", "make_data", "message"),
    [
        ("foto.jpg", lambda: b"Das ist ein Text, kein Foto.\n" * 20, NOT_AN_IMAGE),
        ("kaputt.jpg", truncated_jpeg, NOT_AN_IMAGE),
        ("bombe.png", png_bomb, TOO_MANY_PIXELS),
        ("riesig.jpg", padded_jpeg, TOO_LARGE),
    ],
    ids=["fake-image", "truncated-jpeg", "decompression-bomb", "30-mb-file"],
)
def test_bad_upload_gets_german_error_next_to_the_field_and_nothing_is_saved(
    admin_client, welper, media_root, name, make_data, message
):
    response = add_project(
        admin_client, welper, SimpleUploadedFile(name, make_data(), "image/jpeg")
    )

    assert response.status_code == 200
    image_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert image_form.errors["image"] == [message]
    html = response.content.decode()
    # The image inline is stacked: each field sits in its own labelled form row.
    cell = re.search(r'field-image">(.*?)class="form-row', html, re.S).group(1)
    assert 'class="errorlist' in cell and message in cell
    assert not Project.objects.exists()
    assert not ProjectImage.objects.exists()
    assert stored_files(media_root / "projekte") == []
    assert stored_files(media_root / "renditions") == []


def test_gps_exif_is_gone_from_the_original_and_every_rendition(admin_client, welper):
    project = ProjectFactory(quartier=welper, slug="repair-cafe")
    upload = SimpleUploadedFile("IMG_20250704_Welper.jpg", gps_jpeg((1800, 1200)), "image/jpeg")

    response = admin_client.post(
        f"/admin/quartiere/project/{project.pk}/change/",
        project_form(welper, upload, project=project),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    stored = ProjectImage.objects.get(project=project)
    with Image.open(stored.image.path) as original:
        assert not original.getexif()
        assert "exif" not in original.info
    assert has_metadata(stored.image.path) == []
    renditions = rendition_paths(stored)
    assert all(path.is_file() for path in renditions)
    for path in renditions:
        with Image.open(path) as rendition:
            assert not rendition.getexif() and "exif" not in rendition.info
        assert has_metadata(path) == []


def test_uploaders_file_name_is_not_kept(admin_client, welper):
    upload = SimpleUploadedFile("Familie_Mustermann_Geburtstag.jpg", gps_jpeg(), "image/jpeg")

    assert add_project(admin_client, welper, upload).status_code == 302

    name = ProjectImage.objects.get().image.name
    assert "Mustermann" not in name
    assert re.fullmatch(r"projekte/[0-9a-f]{32}\.jpg", name)


def test_exif_rotated_photo_is_stored_upright(admin_client, welper):
    # Orientation 6: the camera was turned; viewers rotate the picture 90° clockwise.
    upload = SimpleUploadedFile("hochkant.jpg", gps_jpeg((1200, 800), orientation=6))

    assert add_project(admin_client, welper, upload).status_code == 302

    stored = ProjectImage.objects.get()
    assert (stored.width, stored.height) == (800, 1200)
    with Image.open(stored.image.path) as original:
        assert original.size == (800, 1200)
        assert not original.getexif()
        # The left half (orange) of the sensor picture is now on top.
        red, green, blue = original.getpixel((400, 100))
        assert red > 150 and blue < 100


def test_upload_over_the_memory_limit_goes_through_a_temporary_file(admin_client, welper):
    # Random noise does not compress: a 6.75 MB PNG, above FILE_UPLOAD_MAX_MEMORY_SIZE.
    data = encode(Image.frombytes("RGB", (1500, 1500), os.urandom(1500 * 1500 * 3)), "PNG")
    assert 5 * 1024 * 1024 < len(data) < 10 * 1024 * 1024

    response = add_project(admin_client, welper, SimpleUploadedFile("rauschen.png", data))

    assert response.status_code == 302
    stored = ProjectImage.objects.get()
    assert stored.image.name.endswith(".png") and (stored.width, stored.height) == (1500, 1500)


def test_upload_gets_its_renditions_right_away(admin_client, welper):
    upload = SimpleUploadedFile("fest.webp", encode(picture((2000, 1500)), "WEBP"))

    assert add_project(admin_client, welper, upload).status_code == 302

    stored = ProjectImage.objects.get()
    assert stored.image.name.endswith(".webp")
    sizes = []
    for path in rendition_paths(stored):
        with Image.open(path) as rendition:
            assert rendition.format == "JPEG"
            sizes.append(rendition.size)
    assert sizes == [(400, 225), (800, 450), (800, 600), (1600, 1200)]


def test_transparent_png_logo_stays_png_with_alpha(admin_client):
    logo = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    logo.paste((15, 79, 179, 255), (20, 20, 120, 100))
    settings_row = SiteSettings.load()
    settings_row.save()
    data = {
        "city_name": "Hattingen",
        "portal_name": "Engagierte Stadt Hattingen",
        "tagline": "",
        "header_label": "Ein Angebot der Stadt Hattingen",
        "logo": SimpleUploadedFile("logo.png", encode(logo, "PNG"), "image/png"),
        "logo_alt": "Logo",
        "intro": "",
        "programme_text": "",
        "contact_name": "",
        "contact_organisation": "",
        "contact_address": "",
        "contact_email": "",
        "contact_phone": "",
        "data_licence": "dl-by-de/2.0",
    }

    response = admin_client.post("/admin/engagierte_stadt/sitesettings/1/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    stored = SiteSettings.load().logo
    assert stored.name.endswith(".png")
    with Image.open(stored.path) as saved:
        assert saved.format == "PNG" and saved.mode == "RGBA"
        assert saved.getpixel((5, 5))[3] == 0  # transparent corner
        assert saved.getpixel((50, 50)) == (15, 79, 179, 255)
    assert has_metadata(stored.path) == []


def test_png_with_gps_exif_is_cleaned_too(admin_client, welper):
    data = encode(picture((900, 600)), "PNG", exif=camera_exif())
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif()

    response = add_project(admin_client, welper, SimpleUploadedFile("karte.png", data))

    assert response.status_code == 302

    assert has_metadata(ProjectImage.objects.get().image.path) == []
