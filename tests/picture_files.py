"""Picture files for upload and rendition tests, built with Pillow (and zlib for the bomb)."""

import io
import os
import struct
import zlib
from pathlib import Path

from django.conf import settings
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def picture(size=(1200, 800), mode="RGB", colour=(200, 80, 40)) -> Image.Image:
    """A picture whose left half is `colour` and right half blue, to see which way it turns."""
    image = Image.new(mode, size, colour if mode == "RGB" else colour + (255,))
    right = (20, 40, 220) if mode == "RGB" else (20, 40, 220, 255)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def encode(image: Image.Image, fmt="JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def camera_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF as a phone writes it: camera model and where the photo was taken."""
    exif = Image.Exif()
    exif[0x010F] = "Telefonhersteller"
    exif[0x0110] = "Telefon 12"
    exif[GPS_IFD] = {
        1: "N",
        2: (51.0, 24.0, 0.0),  # Hattingen, roughly
        3: "E",
        4: (7.0, 11.0, 0.0),
    }
    if orientation:
        exif[ORIENTATION] = orientation
    return exif


def gps_jpeg(size=(1200, 800), orientation: int | None = None) -> bytes:
    data = encode(picture(size), "JPEG", exif=camera_exif(orientation), comment=b"Urlaub 2025")
    with Image.open(io.BytesIO(data)) as check:  # the test file really carries what we remove
        assert check.getexif().get_ifd(GPS_IFD)
        assert "comment" in check.info
    return data


def truncated_jpeg() -> bytes:
    data = encode(Image.effect_noise((400, 300), 60).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


def png_bomb(width=20_000, height=20_000) -> bytes:
    """A 1-bit PNG of 400 M pixels: a few dozen kilobytes on disk, gigabytes when decoded.

    Built chunk by chunk so that making it costs no memory either.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + packed bits
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def padded_jpeg(total_bytes=30 * 1024 * 1024) -> bytes:
    """A real JPEG followed by random bytes, `total_bytes` long."""
    data = encode(picture((400, 300)), "JPEG")
    return data + os.urandom(total_bytes - len(data))


def media_file(url: str) -> Path:
    """The file behind a /media/ URL."""
    assert url.startswith(settings.MEDIA_URL), url
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


def has_metadata(path) -> list[str]:
    """What a stored picture still carries besides pixels (empty list: nothing)."""
    with Image.open(path) as image:
        found = [key for key in ("exif", "icc_profile", "xmp", "comment") if image.info.get(key)]
        if image.getexif():
            found.append("getexif")
    return found
