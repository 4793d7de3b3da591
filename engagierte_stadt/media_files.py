"""Uploaded videos (sign language) and their captions: checked by content, stored under a random
name.

A video counts as MP4 only when its first box is an `ftyp` box (bytes 4–8 read `ftyp`) with a
brand other than QuickTime's, and as WebM only when it starts with the EBML header
(`1A 45 DF A3`) that names the document type `webm`. Captions must be WebVTT: UTF-8 text whose
first line starts with `WEBVTT`. The uploader's file name does not matter: a renamed Word file or
a picture is refused with a German message next to the field, before anything is stored.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

VIDEO_MAX_BYTES = 200 * 1024 * 1024
CAPTIONS_MAX_BYTES = 1024 * 1024
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
QUICKTIME_BRAND = b"qt  "


def _is_new_upload(upload) -> bool:
    # Only new uploads are checked; a stored file was checked when it came.
    return not (getattr(upload, "_committed", True) and not hasattr(upload, "content_type"))


def _head(upload, size: int = 64) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _too_large(upload, limit: int) -> ValidationError:
    return ValidationError(
        _("The file is too large (%(size)s). At most %(limit)s are allowed."),
        code="too_large",
        params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
    )


def video_kind(head: bytes) -> str | None:
    """ "mp4" or "webm" when the first bytes of a file are those of that container, else None."""
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] != QUICKTIME_BRAND:
        return "mp4"
    if head.startswith(EBML_MAGIC) and b"webm" in head[:64]:
        return "webm"
    return None


@deconstructible
class VideoValidator:
    """Refuses anything but an MP4 or WebM video up to `max_bytes`."""

    def __init__(self, max_bytes: int = VIDEO_MAX_BYTES):
        self.max_bytes = max_bytes

    def __call__(self, upload):
        if not _is_new_upload(upload):
            return
        if upload.size > self.max_bytes:
            raise _too_large(upload, self.max_bytes)
        if video_kind(_head(upload)) is None:
            raise ValidationError(
                _("This file is not an MP4 or WebM video. Please upload the video as MP4 or WebM."),
                code="not_video",
            )

    def __eq__(self, other):
        return isinstance(other, VideoValidator) and other.max_bytes == self.max_bytes


@deconstructible
class CaptionsValidator:
    """Refuses anything but a WebVTT caption file up to `max_bytes`."""

    def __init__(self, max_bytes: int = CAPTIONS_MAX_BYTES):
        self.max_bytes = max_bytes

    def __call__(self, upload):
        if not _is_new_upload(upload):
            return
        if upload.size > self.max_bytes:
            raise _too_large(upload, self.max_bytes)
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = ""
        first_line = text.split("\n", 1)[0].rstrip("\r")
        if not (first_line == "WEBVTT" or first_line.startswith(("WEBVTT ", "WEBVTT\t"))):
            raise ValidationError(
                _(
                    "This file is not a WebVTT caption file. It must be a text file (UTF-8) "
                    "whose first line starts with WEBVTT."
                ),
                code="not_webvtt",
            )

    def __eq__(self, other):
        return isinstance(other, CaptionsValidator) and other.max_bytes == self.max_bytes


validate_video = VideoValidator()
validate_captions = CaptionsValidator()


class VideoFieldFile(FieldFile):
    def save(self, name, content, save=True):
        # The stored name ends in the type found in the content (the server sends its MIME
        # type by the extension); the uploader's name may hold personal data.
        kind = video_kind(_head(content)) or "mp4"
        super().save(f"video.{kind}", content, save)


class VideoField(models.FileField):
    """A `FileField` for MP4/WebM videos: checked by content, stored as
    `videos/<random>.mp4|webm`."""

    attr_class = VideoFieldFile
    default_validators = [validate_video]


def random_video_name(instance, filename: str) -> str:
    extension = "webm" if filename.endswith(".webm") else "mp4"
    return f"videos/{secrets.token_hex(12)}.{extension}"


def random_captions_name(instance, filename: str) -> str:
    """`videos/<random>.vtt`: the uploader's file name may hold personal data."""
    return f"videos/{secrets.token_hex(12)}.vtt"
