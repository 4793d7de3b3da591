"""Generated demo images: drawn with Pillow, never downloaded."""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw


def _jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def townscape(seed: int, width: int = 1600, height: int = 900) -> ContentFile:
    """A stylised town skyline at dusk: sky gradient, hills, half-timbered houses."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (52, 94, 168), (246, 196, 120)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(top[i] + (bottom[i] - top[i]) * t) for i in range(3)),
        )
    for layer, colour in enumerate([(70, 110, 80), (48, 86, 60)]):
        base = int(height * (0.62 + layer * 0.08))
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            points.append((x, base - rng.randint(0, 60)))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    x = 40
    ground = int(height * 0.86)
    while x < width - 40:
        w = rng.randint(90, 170)
        h = rng.randint(120, 220)
        wall = rng.choice([(236, 228, 210), (226, 214, 190), (240, 236, 226)])
        draw.rectangle([x, ground - h, x + w, ground], fill=wall, outline=(60, 40, 30), width=4)
        draw.polygon(
            [
                (x - 10, ground - h),
                (x + w // 2, ground - h - w // 2 - 20),
                (x + w + 10, ground - h),
            ],
            fill=(120, 50, 40),
        )
        for beam in range(x + 20, x + w, 30):
            draw.line([(beam, ground - h), (beam, ground)], fill=(60, 40, 30), width=3)
        draw.line([(x, ground - h // 2), (x + w, ground - h // 2)], fill=(60, 40, 30), width=3)
        for wx in range(x + 12, x + w - 20, 34):
            draw.rectangle([wx, ground - h + 20, wx + 16, ground - h + 44], fill=(255, 220, 130))
        x += w + rng.randint(10, 40)
    draw.rectangle([0, ground, width, height], fill=(90, 90, 96))
    return ContentFile(_jpeg(image))


def logo(size: int = 240) -> ContentFile:
    """A plain round mark with an initial, as a stand-in until the town uploads its logo."""
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([0, 0, big - 1, big - 1], fill=(15, 79, 179, 255))
    draw.ellipse(
        [big * 0.08, big * 0.08, big * 0.92, big * 0.92],
        outline=(255, 255, 255, 255),
        width=big // 40,
    )
    # A stylised "H" from rectangles keeps this independent of installed fonts.
    bar = big // 9
    left, right = int(big * 0.32), int(big * 0.68) - bar
    top, bottom = int(big * 0.27), int(big * 0.73)
    draw.rectangle([left, top, left + bar, bottom], fill="white")
    draw.rectangle([right, top, right + bar, bottom], fill="white")
    draw.rectangle([left, big // 2 - bar // 2, right + bar, big // 2 + bar // 2], fill="white")
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue())
