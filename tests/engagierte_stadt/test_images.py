"""Uploaded images are checked before anything is stored."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from engagierte_stadt import images
from engagierte_stadt.images import validate_image_upload
from tests.images import image_bytes, upload


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_images_pass(fmt):
    validate_image_upload(upload(data=image_bytes(fmt)))


def test_text_file_named_jpg_is_refused_in_german():
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(data=b"das ist kein Bild"))
    assert error.value.code == "invalid_image"
    assert "Bitte laden Sie eine JPEG-, PNG- oder WebP-Datei hoch." in error.value.messages[0]


def test_truncated_image_is_refused():
    data = image_bytes("PNG", size=(200, 200))
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name="x.png", data=data[: len(data) // 2]))
    assert error.value.code == "invalid_image"


def test_gif_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name="x.gif", data=image_bytes("GIF")))
    assert error.value.code == "invalid_image_format"


def test_too_large_file_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 1000)
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(data=image_bytes(size=(400, 400)) + b"\0" * 2000))
    assert error.value.code == "file_too_large"


def test_decompression_bomb_is_refused_from_the_header():
    # A 1-bit PNG of 20 000 × 20 000 pixels is a few kilobytes on disk but 400 M pixels.
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload(name="bomb.png", data=buffer.getvalue()))
    assert error.value.code == "too_many_pixels"
