"""Shared pieces of the demo: its data files, and images drawn with Pillow, never downloaded.

The demo's texts and facts live in TOML files under `demo/` at the top of the repository,
one per topic (site, quartiere, projects, konferenzen, partner); the loaders in the apps and
`manage.py load_demo` read them with `data()` and keep only the rules in code.
"""

import functools
import io
import random
import tomllib
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

# Found next to the code rather than through the working directory, so `manage.py load_demo`
# runs from anywhere.
DATA_DIR = Path(__file__).resolve().parent.parent / "demo"


def english(spec: dict) -> dict:
    """The English versions (`<name>_en`, `engagierte_stadt.translations`) a demo item has."""
    return {key: value for key, value in spec.items() if key.endswith("_en")}


def add_english(obj, spec: dict):
    """Give an item loaded before its demo text had English versions those versions; a
    version staff entered (or a text they emptied on purpose after loading) is kept."""
    missing = {
        key: value for key, value in english(spec).items() if not getattr(obj, key, "").strip()
    }
    if missing and not any(getattr(obj, name + "_en", "") for name in obj.TRANSLATED_FIELDS):
        for key, value in missing.items():
            setattr(obj, key, value)
        obj.save(update_fields=list(missing))


def data(topic: str) -> dict:
    """The demo content of one topic, read from `demo/<topic>.toml`.

    Read afresh on every call (a few milliseconds), so an edited file counts at the next load
    and no caller can change what another one sees.
    """
    with (DATA_DIR / f"{topic}.toml").open("rb") as file:
        return tomllib.load(file)


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


# --- Project pictures --------------------------------------------------------------------
# Simple drawings for the demo galleries. Each motif always shows the same things (only
# positions, counts and shades vary with the seed), so its alternative text stays true.

MOTIF_ALT_TEXTS = {
    "garden": (
        "Zeichnung eines Gemeinschaftsgartens: drei Hochbeete aus Holz mit grünen Pflanzen "
        "und roten Tomaten, dahinter ein Holzzaun und eine gelbe Sonne am blauen Himmel."
    ),
    "playground": (
        "Zeichnung eines Spielplatzes auf einer Wiese: ein rotes Klettergerüst mit gelber "
        "Rutsche, eine Schaukel mit zwei Sitzen und ein Sandkasten."
    ),
    "table": (
        "Zeichnung mehrerer Menschen als einfache Figuren an einem langen Holztisch mit "
        "Tassen, in einem warmen Raum mit Fenster."
    ),
    "river": (
        "Zeichnung einer Flusslandschaft: ein blauer Fluss zwischen grünen Ufern mit "
        "Bäumen, darüber weiße Wolken am Himmel."
    ),
    "castle": (
        "Zeichnung einer Burg mit rundem Turm und Zinnen auf einem bewaldeten Hügel über "
        "einem Tal mit Fluss."
    ),
    "books": (
        "Zeichnung eines Bücherregals mit bunten Buchrücken, davor ein Tisch mit einem "
        "aufgeschlagenen Buch."
    ),
    "football": (
        "Zeichnung eines Bolzplatzes: grünes Spielfeld mit weißen Linien, zwei Toren und "
        "einem Ball, dahinter Bäume."
    ),
    "hills": (
        "Zeichnung einer Hügellandschaft mit Wiesen, einzelnen Bäumen und einem hellen Weg, "
        "der sich durch die Wiesen schlängelt."
    ),
    "orchard": (
        "Zeichnung einer Streuobstwiese: Obstbäume mit runden grünen Kronen und roten "
        "Äpfeln auf einer Wiese mit Holzzaun."
    ),
    "workshop": (
        "Zeichnung einer Werkbank vor einer Lochwand mit Werkzeugen: Hammer, "
        "Schraubenschlüssel und Schraubenzieher, auf der Werkbank eine Tischlampe."
    ),
    "bench": (
        "Zeichnung einer Holzbank mit einem runden Schild an einer Landstraße, dahinter "
        "Felder und Hügel."
    ),
}

_INK = (60, 45, 35)


def _sky(draw, width, height, top=(120, 170, 225), bottom=(214, 234, 248)):
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(top[i] + (bottom[i] - top[i]) * t) for i in range(3)),
        )


def _shade(colour, rng, spread=14):
    return tuple(max(0, min(255, c + rng.randint(-spread, spread))) for c in colour)


def _hill_line(rng, width, base, amplitude, step=100):
    points = []
    for x in range(0, width + step, step):
        points.append((x, base - rng.randint(0, amplitude)))
    return points


def _tree(draw, x, ground, size, rng, fruit=False):
    draw.rectangle([x - size // 10, ground - size, x + size // 10, ground], fill=(110, 75, 45))
    crown = _shade((70, 140, 70), rng)
    r = size // 2
    draw.ellipse([x - r, ground - size - r, x + r, ground - size + r // 2], fill=crown)
    if fruit:
        for _ in range(8):
            fx = x + rng.randint(-r + 12, r - 12)
            fy = ground - size + rng.randint(-r + 10, r // 3)
            draw.ellipse([fx - 7, fy - 7, fx + 7, fy + 7], fill=(200, 40, 40))


def _cloud(draw, x, y, scale):
    for dx, dy, r in [(0, 0, 40), (45, -15, 50), (95, 0, 40), (50, 15, 40)]:
        r = int(r * scale)
        cx, cy = x + int(dx * scale), y + int(dy * scale)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(250, 250, 252))


def _garden(draw, rng, w, h):
    _sky(draw, w, h)
    draw.ellipse([w - 220, 50, w - 110, 160], fill=(250, 210, 60))
    ground = int(h * 0.55)
    draw.rectangle([0, ground, w, h], fill=(110, 170, 90))
    for x in range(0, w, 46):
        draw.rectangle([x, ground - 110, x + 36, ground + 10], fill=(170, 125, 80), outline=_INK)
    bed_w = w // 4
    for i in range(3):
        x = 90 + i * (bed_w + 90)
        top = int(h * 0.68)
        for _ in range(7):
            px = x + rng.randint(20, bed_w - 20)
            size = rng.randint(35, 60)
            draw.ellipse(
                [px - size, top - size * 2, px + size, top + 10], fill=_shade((60, 140, 60), rng)
            )
            if rng.random() < 0.7:
                draw.ellipse([px - 10, top - size, px + 10, top - size + 20], fill=(215, 45, 35))
        draw.rectangle([x, top, x + bed_w, top + 110], fill=(150, 100, 60), outline=_INK, width=4)
        draw.line([(x, top + 55), (x + bed_w, top + 55)], fill=_INK, width=3)


def _playground(draw, rng, w, h):
    _sky(draw, w, h)
    ground = int(h * 0.62)
    draw.rectangle([0, ground, w, h], fill=(120, 180, 95))
    # Climbing frame with slide.
    x, y = int(w * 0.14), int(h * 0.30)
    draw.rectangle([x, y, x + 180, ground + 40], outline=(200, 50, 45), width=12)
    draw.rectangle([x, y + 120, x + 180, y + 140], fill=(200, 50, 45))
    draw.polygon([(x - 20, y - 10), (x + 90, y - 90), (x + 200, y - 10)], fill=(200, 50, 45))
    draw.polygon(
        [(x + 180, y + 120), (x + 420, ground + 40), (x + 420, ground + 70), (x + 180, y + 150)],
        fill=(245, 200, 40),
    )
    # Swing.
    sx = int(w * 0.55)
    draw.line([(sx, ground + 50), (sx + 60, y)], fill=(70, 90, 140), width=10)
    draw.line([(sx + 360, ground + 50), (sx + 300, y)], fill=(70, 90, 140), width=10)
    draw.line([(sx + 60, y), (sx + 300, y)], fill=(70, 90, 140), width=12)
    for seat in (sx + 110, sx + 230):
        swing = rng.randint(-15, 15)
        draw.line([(seat, y), (seat + swing, ground - 10)], fill=_INK, width=3)
        draw.line([(seat + 40, y), (seat + 40 + swing, ground - 10)], fill=_INK, width=3)
        draw.rectangle([seat - 5 + swing, ground - 14, seat + 45 + swing, ground], fill=_INK)
    # Sandbox.
    bx = int(w * 0.30)
    draw.rectangle([bx, h - 150, bx + 320, h - 40], fill=(235, 215, 160), outline=(150, 100, 60))


def _table(draw, rng, w, h):
    draw.rectangle([0, 0, w, h], fill=(246, 226, 190))
    draw.rectangle([w - 330, 70, w - 110, 300], fill=(180, 215, 240), outline=_INK, width=6)
    draw.line([(w - 220, 70), (w - 220, 300)], fill=_INK, width=4)
    draw.rectangle([0, int(h * 0.78), w, h], fill=(190, 150, 110))
    people = rng.randint(4, 6)
    gap = (w - 200) // people
    colours = [(200, 70, 60), (60, 110, 170), (90, 150, 90), (220, 160, 50), (130, 90, 160)]
    rng.shuffle(colours)
    table_top = int(h * 0.58)
    for i in range(people):
        cx = 100 + gap * i + gap // 2
        body = colours[i % len(colours)]
        draw.rounded_rectangle([cx - 55, table_top - 140, cx + 55, table_top + 20], 40, fill=body)
        skin = rng.choice([(240, 200, 170), (225, 180, 145), (180, 130, 95), (120, 85, 60)])
        draw.ellipse([cx - 40, table_top - 230, cx + 40, table_top - 150], fill=skin)
    draw.rectangle([60, table_top, w - 60, table_top + 40], fill=(150, 95, 55))
    draw.rectangle([100, table_top + 40, 130, int(h * 0.9)], fill=(120, 75, 45))
    draw.rectangle([w - 130, table_top + 40, w - 100, int(h * 0.9)], fill=(120, 75, 45))
    for i in range(people):
        cx = 100 + gap * i + gap // 2 + rng.randint(-10, 10)
        draw.rectangle([cx - 15, table_top - 35, cx + 15, table_top], fill=(250, 250, 250))


def _river(draw, rng, w, h):
    _sky(draw, w, h)
    for _ in range(3):
        _cloud(draw, rng.randint(40, w - 200), rng.randint(40, 160), rng.uniform(0.7, 1.1))
    bank = int(h * 0.5)
    draw.polygon([(0, h), *_hill_line(rng, w, bank, 40), (w, h)], fill=(100, 160, 85))
    draw.polygon(
        [(0, int(h * 0.68)), (w, int(h * 0.62)), (w, int(h * 0.82)), (0, int(h * 0.92))],
        fill=(70, 130, 190),
    )
    for _ in range(6):
        y = rng.randint(int(h * 0.7), int(h * 0.82))
        x = rng.randint(0, w - 120)
        draw.line([(x, y), (x + 90, y - 4)], fill=(170, 205, 235), width=4)
    for _ in range(rng.randint(5, 8)):
        _tree(draw, rng.randint(30, w - 30), int(h * 0.6), rng.randint(90, 150), rng)


def _castle(draw, rng, w, h):
    _sky(draw, w, h, top=(110, 150, 210), bottom=(235, 225, 200))
    draw.polygon([(0, h), *_hill_line(rng, w, int(h * 0.75), 50), (w, h)], fill=(80, 130, 80))
    # A wooded hill with a flat top the castle stands on.
    top = int(h * 0.53)
    hill = [(int(w * 0.12), h), (int(w * 0.33), top), (int(w * 0.60), top), (int(w * 0.85), h)]
    draw.polygon(hill, fill=(60, 110, 65))
    for _ in range(18):
        x = rng.randint(int(w * 0.22), int(w * 0.72))
        y = rng.randint(int(h * 0.66), h - 20)
        draw.ellipse([x - 30, y - 30, x + 30, y + 30], fill=_shade((45, 95, 50), rng))
    stone = (170, 160, 145)
    x0, base = int(w * 0.36), int(h * 0.53)
    draw.rectangle([x0, base - 110, x0 + 240, base], fill=stone, outline=_INK, width=3)
    for cx in range(x0, x0 + 240, 40):
        draw.rectangle([cx, base - 130, cx + 22, base - 110], fill=stone)
    tx = x0 + 150
    draw.rectangle([tx, base - 250, tx + 80, base - 110], fill=stone, outline=_INK, width=3)
    for cx in range(tx, tx + 80, 26):
        draw.rectangle([cx, base - 268, cx + 14, base - 250], fill=stone)
    draw.rectangle([tx + 28, base - 210, tx + 50, base - 175], fill=_INK)
    draw.polygon(
        [(0, int(h * 0.90)), (w, int(h * 0.84)), (w, h), (0, h)],
        fill=(80, 135, 190),
    )


def _books(draw, rng, w, h):
    draw.rectangle([0, 0, w, h], fill=(235, 228, 215))
    shelf_left, shelf_right = 120, w - 120
    draw.rectangle([shelf_left - 20, 40, shelf_right + 20, int(h * 0.7)], fill=(130, 85, 50))
    colours = [(180, 50, 50), (50, 90, 160), (60, 130, 80), (220, 170, 50), (120, 70, 140)]
    for row in range(3):
        bottom = 40 + (row + 1) * (int(h * 0.7) - 40) // 3 - 10
        x = shelf_left
        while x < shelf_right - 30:
            bw, bh = rng.randint(22, 44), rng.randint(90, 140)
            draw.rectangle([x, bottom - bh, x + bw, bottom], fill=rng.choice(colours), outline=_INK)
            x += bw + 2
        draw.rectangle([shelf_left - 20, bottom, shelf_right + 20, bottom + 12], fill=_INK)
    table = int(h * 0.78)
    draw.rectangle([0, table, w, h], fill=(170, 120, 75))
    cx = w // 2
    draw.polygon(
        [(cx - 200, table + 40), (cx, table + 20), (cx, table + 110), (cx - 200, table + 120)],
        fill=(250, 248, 240),
        outline=_INK,
    )
    draw.polygon(
        [(cx + 200, table + 40), (cx, table + 20), (cx, table + 110), (cx + 200, table + 120)],
        fill=(250, 248, 240),
        outline=_INK,
    )


def _football(draw, rng, w, h):
    _sky(draw, w, h)
    for _ in range(rng.randint(6, 9)):
        _tree(draw, rng.randint(20, w - 20), int(h * 0.42), rng.randint(80, 130), rng)
    draw.rectangle([0, int(h * 0.4), w, h], fill=(90, 165, 80))
    white = (250, 250, 250)
    draw.line([(40, int(h * 0.5)), (w - 40, int(h * 0.5))], fill=white, width=6)
    draw.line([(w // 2, int(h * 0.5)), (w // 2, h)], fill=white, width=6)
    draw.ellipse([w // 2 - 120, int(h * 0.62), w // 2 + 120, int(h * 0.86)], outline=white, width=6)
    for gx in (60, w - 200):
        draw.rectangle([gx, int(h * 0.38), gx + 140, int(h * 0.62)], outline=white, width=10)
        for lx in range(gx + 20, gx + 140, 20):
            draw.line([(lx, int(h * 0.38)), (lx, int(h * 0.62))], fill=(220, 220, 220), width=1)
    bx = rng.randint(w // 3, 2 * w // 3)
    by = int(h * 0.8)
    draw.ellipse([bx - 28, by - 28, bx + 28, by + 28], fill=white, outline=_INK, width=3)
    draw.ellipse([bx - 8, by - 8, bx + 8, by + 8], fill=_INK)


def _hills(draw, rng, w, h):
    _sky(draw, w, h, top=(140, 185, 230), bottom=(230, 240, 245))
    for layer, colour in enumerate([(150, 190, 120), (120, 170, 95), (95, 150, 75)]):
        base = int(h * (0.45 + layer * 0.15))
        draw.polygon([(0, h), *_hill_line(rng, w, base, 70, 150), (w, h)], fill=colour)
    path = [
        (w // 2 + 40, h),
        (w // 2 - 120, int(h * 0.8)),
        (w // 2 + 80, int(h * 0.64)),
        (w // 2 - 20, int(h * 0.5)),
    ]
    draw.line(path, fill=(225, 205, 160), width=36, joint="curve")
    for _ in range(rng.randint(4, 7)):
        x = rng.choice([rng.randint(60, w // 2 - 200), rng.randint(w // 2 + 200, w - 60)])
        _tree(draw, x, rng.randint(int(h * 0.6), int(h * 0.9)), rng.randint(70, 120), rng)


def _orchard(draw, rng, w, h):
    _sky(draw, w, h)
    draw.rectangle([0, int(h * 0.55), w, h], fill=(125, 180, 90))
    count = rng.randint(4, 5)
    for i in range(count):
        x = 130 + i * (w - 260) // (count - 1)
        _tree(draw, x, int(h * 0.78) + rng.randint(-30, 30), rng.randint(170, 210), rng, True)
    fence_y = int(h * 0.9)
    draw.line([(0, fence_y), (w, fence_y)], fill=(140, 100, 60), width=10)
    draw.line([(0, fence_y + 30), (w, fence_y + 30)], fill=(140, 100, 60), width=10)
    for x in range(20, w, 120):
        draw.rectangle([x, fence_y - 30, x + 14, h], fill=(120, 85, 50))


def _workshop(draw, rng, w, h):
    draw.rectangle([0, 0, w, h], fill=(210, 190, 150))
    for x in range(40, w, 40):
        for y in range(40, int(h * 0.62), 40):
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=(150, 130, 100))
    metal, handle = (150, 155, 165), (200, 70, 50)
    # Hammer.
    draw.rectangle([200, 110, 224, 330], fill=handle)
    draw.rectangle([160, 90, 270, 140], fill=metal)
    # Spanner.
    draw.rectangle([470, 110, 496, 330], fill=metal)
    draw.ellipse([445, 70, 521, 146], fill=metal)
    draw.ellipse([466, 60, 500, 105], fill=(210, 190, 150))
    # Screwdriver.
    draw.rectangle([744, 110, 776, 220], fill=(60, 110, 180))
    draw.rectangle([754, 220, 766, 340], fill=metal)
    bench = int(h * 0.68)
    draw.rectangle([0, bench, w, bench + 45], fill=(150, 100, 60), outline=_INK, width=3)
    draw.rectangle([60, bench + 45, 100, h], fill=(120, 80, 45))
    draw.rectangle([w - 100, bench + 45, w - 60, h], fill=(120, 80, 45))
    lx = w - 280 + rng.randint(-40, 40)
    draw.rectangle([lx, bench - 20, lx + 100, bench], fill=_INK)
    draw.line([(lx + 50, bench - 20), (lx + 90, bench - 150)], fill=_INK, width=8)
    draw.polygon(
        [(lx + 50, bench - 170), (lx + 150, bench - 170), (lx + 120, bench - 110)],
        fill=(60, 120, 90),
    )


def _bench(draw, rng, w, h):
    _sky(draw, w, h)
    draw.polygon([(0, h), *_hill_line(rng, w, int(h * 0.5), 60, 140), (w, h)], fill=(150, 185, 95))
    for i in range(5):
        y = int(h * 0.55) + i * 18
        draw.line([(0, y), (w, y + 10)], fill=(135, 170, 85), width=3)
    road = int(h * 0.8)
    draw.rectangle([0, road, w, h], fill=(110, 110, 115))
    draw.line([(0, road + 50), (w, road + 50)], fill=(240, 240, 240), width=6)
    bx = int(w * 0.3) + rng.randint(-60, 60)
    wood = (160, 105, 60)
    draw.rectangle([bx, road - 90, bx + 320, road - 70], fill=wood)
    draw.rectangle([bx, road - 140, bx + 320, road - 115], fill=wood)
    for lx in (bx + 20, bx + 280):
        draw.rectangle([lx, road - 70, lx + 20, road], fill=_INK)
    sx = bx + 420
    draw.rectangle([sx, road - 260, sx + 12, road], fill=(120, 120, 125))
    draw.ellipse(
        [sx - 54, road - 330, sx + 66, road - 210],
        fill=(250, 250, 250),
        outline=(40, 110, 60),
        width=8,
    )


_MOTIFS = {
    "garden": _garden,
    "playground": _playground,
    "table": _table,
    "river": _river,
    "castle": _castle,
    "books": _books,
    "football": _football,
    "hills": _hills,
    "orchard": _orchard,
    "workshop": _workshop,
    "bench": _bench,
}


@functools.lru_cache(maxsize=64)
def _motif_jpeg(motif: str, seed: int, width: int, height: int) -> bytes:
    rng = random.Random(f"{motif}-{seed}")
    image = Image.new("RGB", (width, height))
    _MOTIFS[motif](ImageDraw.Draw(image), rng, width, height)
    return _jpeg(image, quality=82)


def project_picture(motif: str, seed: int = 0, width: int = 1200, height: int = 675) -> bytes:
    """JPEG bytes of a simple drawing; `MOTIF_ALT_TEXTS[motif]` describes what it shows.

    The drawings are laid out for 1200 × 675; other sizes are drawn at that size and scaled.
    Results are cached per process, so loading the demo again costs no drawing time.
    """
    if motif not in _MOTIFS:
        raise ValueError(f"Unknown motif {motif!r}; choose one of {', '.join(_MOTIFS)}.")
    if (width, height) == (1200, 675):
        return _motif_jpeg(motif, seed, width, height)
    image = Image.open(io.BytesIO(_motif_jpeg(motif, seed, 1200, 675)))
    return _jpeg(image.resize((width, height), Image.Resampling.LANCZOS), quality=82)
