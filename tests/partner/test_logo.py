"""Partner logos: PNG, JPEG or WebP only (SVG and fakes refused in German), fitted into a
600 × 300 box keeping their proportions, never enlarged, without metadata."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from engagierte_stadt.images import normalise_image
from partner.models import Partner
from tests.factories import login_staff
from tests.partner.factories import PartnerFactory
from tests.picture_files import encode, gps_jpeg, has_metadata, media_file, picture

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
SVG_REFUSED = (
    "SVG-Grafiken können wir nicht annehmen, weil sie Programmcode enthalten können. "
    "Bitte laden Sie eine JPEG-, PNG- oder WebP-Datei hoch."
)
NOT_AN_IMAGE = (
    "Die Datei ist kein Bild, das wir lesen können. "
    "Bitte laden Sie eine JPEG-, PNG- oder WebP-Datei hoch."
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, user)
    return client


def partner_form(logo, **overrides) -> dict:
    data = {
        "name": "Logo-Verein",
        "slug": "logo-verein",
        "kind": "verein",
        "teaser": "Ein Verein mit Logo.",
        "logo": logo,
        "project_roles-TOTAL_FORMS": "0",
        "project_roles-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def upload(name, data, content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type)


def stored_size(partner) -> tuple[int, int]:
    with Image.open(media_file(partner.logo.url)) as image:
        return image.size


def test_svg_logo_is_refused_with_a_clear_german_message(admin_client):
    response = admin_client.post(
        "/admin/partner/partner/add/",
        partner_form(upload("logo.svg", SVG, "image/svg+xml")),
    )
    assert response.status_code == 200
    assert SVG_REFUSED in response.content.decode()
    assert not Partner.objects.exists()


def test_svg_renamed_to_png_is_refused_too(admin_client):
    response = admin_client.post(
        "/admin/partner/partner/add/", partner_form(upload("logo.png", b"\xef\xbb\xbf  " + SVG))
    )
    assert SVG_REFUSED in response.content.decode()
    assert not Partner.objects.exists()


def test_fake_image_is_refused_in_german(admin_client):
    response = admin_client.post(
        "/admin/partner/partner/add/", partner_form(upload("logo.png", b"kein Bild, nur Text"))
    )
    assert response.status_code == 200
    assert NOT_AN_IMAGE in response.content.decode()
    assert not Partner.objects.exists()


def test_large_wide_logo_is_fitted_into_the_box(admin_client):
    data = encode(picture((3000, 600), mode="RGBA"), "PNG")
    response = admin_client.post(
        "/admin/partner/partner/add/", partner_form(upload("riesig.png", data))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get()
    assert stored_size(partner) == (600, 120)
    assert (partner.logo_width, partner.logo_height) == (600, 120)
    assert partner.logo.name.startswith("partner/") and "riesig" not in partner.logo.name


def test_large_tall_logo_is_fitted_by_its_height(admin_client):
    data = encode(picture((1000, 2000)), "JPEG")
    admin_client.post(
        "/admin/partner/partner/add/", partner_form(upload("hoch.jpg", data, "image/jpeg"))
    )
    assert stored_size(Partner.objects.get()) == (150, 300)


def test_small_logo_is_not_enlarged():
    partner = PartnerFactory()
    partner.logo.save("klein.png", ContentFile(encode(picture((120, 40)), "PNG")))
    assert stored_size(partner) == (120, 40)


def test_transparent_logo_stays_transparent_and_loses_its_metadata():
    logo = Image.new("RGBA", (1200, 400), (0, 0, 0, 0))
    logo.paste((15, 79, 179, 255), (100, 100, 400, 300))
    partner = PartnerFactory()
    partner.logo.save("logo.png", ContentFile(encode(logo, "PNG")))
    with Image.open(media_file(partner.logo.url)) as stored:
        assert stored.mode == "RGBA" and stored.size == (600, 200)
        assert stored.getpixel((0, 0))[3] == 0
    photo = PartnerFactory()
    photo.logo.save("foto.jpg", ContentFile(gps_jpeg((1200, 800))))
    assert has_metadata(media_file(photo.logo.url)) == []
    assert stored_size(photo) == (450, 300)


def test_box_option_leaves_other_pictures_at_their_usual_size():
    data = encode(picture((4000, 1000)), "JPEG")
    assert Image.open(io.BytesIO(normalise_image(ContentFile(data)).read())).size == (3200, 800)
    fitted = normalise_image(ContentFile(data), box=(600, 300))
    assert Image.open(io.BytesIO(fitted.read())).size == (600, 150)


def test_logo_alt_text_comes_from_the_name():
    assert PartnerFactory.build(name="hwg eG").logo_alt == "Logo hwg eG"
