"""Uploaded documents (minutes as PDF): checked by their content, stored under a random name.

A file counts as a PDF only when it starts with the PDF header (`%PDF-`) and carries the end
marker (`%%EOF`) near its end; the name the uploader gave it does not matter. A renamed Word
file, an image or a truncated download are refused with a German message next to the field,
before anything is stored.
"""

import secrets

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

PDF_MAX_BYTES = 20 * 1024 * 1024
HEADER_WINDOW = 1024  # the header may follow a few bytes of junk, as readers accept
TRAILER_WINDOW = 2048


def _read_head_and_tail(upload) -> tuple[bytes, bytes]:
    upload.seek(0)
    head = upload.read(HEADER_WINDOW)
    size = upload.size
    upload.seek(max(0, size - TRAILER_WINDOW))
    tail = upload.read(TRAILER_WINDOW)
    upload.seek(0)
    return head, tail


@deconstructible
class PdfValidator:
    """Refuses anything but a complete PDF up to `max_bytes`."""

    def __init__(self, max_bytes: int = PDF_MAX_BYTES):
        self.max_bytes = max_bytes

    def __call__(self, upload):
        # Only new uploads are checked; a stored file was checked when it came.
        if getattr(upload, "_committed", True) and not hasattr(upload, "content_type"):
            return
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("The file is too large (%(size)s). At most %(limit)s are allowed."),
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(self.max_bytes),
                },
            )
        head, tail = _read_head_and_tail(upload)
        if b"%PDF-" not in head:
            raise ValidationError(
                _("This file is not a PDF. Please upload the minutes as a PDF file."),
                code="not_pdf",
            )
        if b"%%EOF" not in tail:
            raise ValidationError(
                _("This PDF file is incomplete or damaged. Please save it again and upload it."),
                code="broken_pdf",
            )

    def __eq__(self, other):
        return isinstance(other, PdfValidator) and other.max_bytes == self.max_bytes


validate_pdf = PdfValidator()


def random_pdf_name(instance, filename: str) -> str:
    """`minutes/<random>.pdf`: the uploader's file name may hold personal data."""
    return f"{instance._meta.app_label}/{secrets.token_hex(12)}.pdf"
