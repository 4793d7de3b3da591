"""Checks for uploaded images, shared by every app that accepts pictures."""

import warnings

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_image_upload(upload) -> None:
    """Refuse anything that is not a real JPEG, PNG or WebP of sensible size.

    Runs before Pillow decodes the pixels, so decompression bombs are refused from the
    header alone and never cost memory.
    """
    if upload is None:
        return
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s). Images may be at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(MAX_IMAGE_BYTES)},
            code="file_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _(
                            "The image has too many pixels (%(width)s × %(height)s). "
                            "Please upload a smaller version."
                        )
                        % {"width": width, "height": height},
                        code="too_many_pixels",
                    )
                image.verify()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The image has too many pixels. Please upload a smaller version."),
            code="too_many_pixels",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("The file is not an image we can read. Please upload a JPEG, PNG or WebP file."),
            code="invalid_image",
        ) from exc
    finally:
        if position is not None and hasattr(upload, "seek"):
            upload.seek(position)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Only JPEG, PNG and WebP images are allowed."), code="invalid_image_format"
        )
