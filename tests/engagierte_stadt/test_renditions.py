"""Clean originals and their renditions, and the `responsive_image` tag that shows them."""

import importlib
import io
import re
from html import unescape
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.template import Context, Template, TemplateSyntaxError
from PIL import Image, ImageCms

from engagierte_stadt.images import (
    LOGO_RENDITION_HEIGHT,
    MAX_STORED_EDGE,
    RENDITION_FORMATS,
    VARIANTS,
    NormalisedImage,
    normalise_image,
    rendition_file,
)
from engagierte_stadt.models import Article, SiteSettings
from quartiere.models import ProjectImage, Quartier
from tests.factories import ArticleFactory, ProjectFactory, ProjectImageFactory
from tests.html import parse
from tests.picture_files import (
    encode,
    gps_jpeg,
    has_metadata,
    media_file,
    picture,
    png_bomb,
    truncated_jpeg,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def render(source: str, **context) -> str:
    return Template("{% load image_tags %}" + source).render(Context(context))


def img_attrs(html: str) -> dict:
    (attrs,) = [attrs for tag, attrs in parse(html).elements if tag == "img"]
    return attrs


def srcset(attrs: dict) -> list[tuple[str, int]]:
    entries = [entry.strip().rsplit(" ", 1) for entry in unescape(attrs["srcset"]).split(",")]
    return [(url, int(width.removesuffix("w"))) for url, width in entries]


def all_renditions(file) -> list[Path]:
    return [
        Path(rendition_file(file, name, width, image_format).path)
        for name, variant in VARIANTS.items()
        for width in variant.widths
        for image_format in RENDITION_FORMATS
    ]


# --- Normalising ----------------------------------------------------------------------------


def test_normalised_jpeg_has_no_exif_gps_or_comment_and_a_random_name():
    cleaned = normalise_image(ContentFile(gps_jpeg(), name="IMG_1234_Oma.jpg"))

    assert isinstance(cleaned, NormalisedImage)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", cleaned.name)
    assert has_metadata(io.BytesIO(cleaned.read())) == []


def test_normalising_turns_an_exif_rotated_photo_upright():
    cleaned = normalise_image(ContentFile(gps_jpeg((300, 200), orientation=6)))

    with Image.open(cleaned) as image:
        assert image.size == (200, 300)
        red, green, blue = image.getpixel((100, 20))  # the left (orange) half is now on top
        assert red > 150 and blue < 100


def test_normalising_converts_to_srgb_and_drops_the_colour_profile():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(picture((200, 100)), "JPEG", icc_profile=profile)

    cleaned = normalise_image(ContentFile(data))

    assert has_metadata(io.BytesIO(cleaned.read())) == []


def test_normalising_keeps_png_transparency():
    logo = Image.new("RGBA", (100, 40), (0, 0, 0, 0))
    logo.paste((200, 0, 0, 255), (10, 10, 30, 30))

    cleaned = normalise_image(ContentFile(encode(logo, "PNG")))

    assert cleaned.name.endswith(".png")
    with Image.open(cleaned) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0 and image.getpixel((20, 20)) == (200, 0, 0, 255)


def test_normalising_keeps_palette_png_transparency():
    logo = Image.new("P", (50, 50), 0)
    logo.putpalette([255, 255, 255, 0, 90, 180] + [0] * 762)
    logo.paste(1, (10, 10, 40, 40))

    cleaned = normalise_image(ContentFile(encode(logo, "PNG", transparency=0)))

    with Image.open(cleaned) as image:
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_webp_stays_webp():
    cleaned = normalise_image(ContentFile(encode(picture((300, 200)), "WEBP")))

    with Image.open(cleaned) as image:
        assert image.format == "WEBP" and image.size == (300, 200)


def test_very_large_originals_are_scaled_down_to_the_stored_maximum():
    cleaned = normalise_image(ContentFile(encode(picture((6400, 1600)), "JPEG")))

    with Image.open(cleaned) as image:
        assert image.size == (MAX_STORED_EDGE, MAX_STORED_EDGE // 4)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (truncated_jpeg, "invalid_image"),
        (png_bomb, "too_many_pixels"),
        (lambda: encode(picture((60, 40)), "GIF"), "invalid_image_format"),
    ],
    ids=["truncated", "bomb", "gif"],
)
def test_normalising_refuses_what_it_cannot_store(data, code):
    with pytest.raises(ValidationError) as error:
        normalise_image(ContentFile(data()))
    assert error.value.code == code


# --- Pictures created in code ---------------------------------------------------------------


def test_picture_created_in_code_is_cleaned_and_rendered(db, media_root):
    stored = ProjectImageFactory(image=ContentFile(gps_jpeg((1600, 1000)), name="IMG_0001.jpg"))

    assert re.fullmatch(r"projekte/[0-9a-f]{32}\.jpg", stored.image.name)
    assert has_metadata(stored.image.path) == []
    for path in all_renditions(stored.image):
        assert path.is_file() and path.is_relative_to(media_root)
        assert has_metadata(path) == []


def test_article_photo_saved_like_the_demo_data_records_its_size(db):
    article = ArticleFactory.build(photo_alt="Häuser", photo_credit="Grafik: Stadt Hattingen")
    article.photo.save("demo.jpg", ContentFile(encode(picture((1600, 900)), "JPEG")), save=False)
    article.full_clean()
    article.save()

    article = Article.objects.get()
    assert (article.photo_width, article.photo_height) == (1600, 900)
    assert all(path.is_file() for path in all_renditions(article.photo))


def test_saving_an_unchanged_picture_keeps_its_name_and_renditions(db):
    stored = ProjectImageFactory(image=ContentFile(encode(picture((900, 600))), name="a.jpg"))
    name, renditions = stored.image.name, all_renditions(stored.image)

    stored = ProjectImage.objects.get()
    stored.alt_text = "Neuer Text"
    stored.save()

    assert stored.image.name == name and all(path.is_file() for path in renditions)


def test_imagekit_still_sees_the_rows_with_pictures_and_leaves_the_others_alone(db):
    """imagekit's post_init receiver runs for the models with pictures only
    (`narrow_imagekit_receiver`): a row with a picture read from the database is noted as
    before and a new picture saved makes its renditions; a row of a model without pictures
    does not call it (it was called for every row read)."""
    from imagekit.signals import source_saved

    stored = ProjectImageFactory(image=ContentFile(encode(picture((900, 600))), name="a.jpg"))
    made = []

    def note(sender, source, **kwargs):
        made.append(source.name)

    source_saved.connect(note)
    try:
        stored = ProjectImage.objects.get()
        assert "source_hashes" in stored._ik
        stored.image = ContentFile(encode(picture((800, 600))), name="b.jpg")
        stored.save()
    finally:
        source_saved.disconnect(note)
    assert stored.image.name in made
    assert all(path.is_file() for path in all_renditions(stored.image))
    # Django reads a Quartier without calling imagekit.
    from django.db.models.signals import post_init
    from imagekit.specs.sourcegroups import signal_router

    def imagekit_receives(model) -> bool:
        sync, _async = post_init._live_receivers(model)
        return any(getattr(r, "__self__", None) is signal_router for r in sync)

    assert imagekit_receives(ProjectImage)
    assert not imagekit_receives(Quartier)


def test_migration_records_the_size_of_photos_stored_before(db):
    article = ArticleFactory(photo=ContentFile(encode(picture((640, 480))), name="alt.jpg"))
    Article.objects.update(photo_width=None, photo_height=None)
    migration = importlib.import_module(
        "engagierte_stadt.migrations.0002_clean_images_article_photo_size"
    )

    migration.record_photo_sizes(apps, None)

    article.refresh_from_db()
    assert (article.photo_width, article.photo_height) == (640, 480)


def test_generateimages_recreates_deleted_renditions(db):
    stored = ProjectImageFactory(image=ContentFile(encode(picture((900, 600))), name="a.jpg"))
    renditions = all_renditions(stored.image)
    for path in renditions:
        path.unlink()

    call_command("generateimages", "engagierte_stadt:**", stdout=io.StringIO())

    assert all(path.is_file() for path in renditions)


# --- The tag --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size", [(2000, 1200), (1000, 1500), (900, 500), (600, 400), (40, 30), (3000, 10)]
)
@pytest.mark.parametrize("variant", ["card", "detail"])
def test_tag_sizes_match_the_rendition_files(db, size, variant):
    stored = ProjectImageFactory(image=ContentFile(encode(picture(size)), name="a.jpg"))

    attrs = img_attrs(render("{% responsive_image p v %}", p=stored, v=variant))

    with Image.open(media_file(attrs["src"])) as main:
        assert main.size == (int(attrs["width"]), int(attrs["height"]))
    entries = srcset(attrs)
    assert attrs["src"] in [url for url, _width in entries]
    for url, width in entries:
        with Image.open(media_file(url)) as rendition:
            assert rendition.width == width
            assert has_metadata(media_file(url)) == []
    widths = [width for _url, width in entries]
    assert widths == sorted(set(widths))


def test_card_offers_400_and_800_pixel_crops_and_uses_the_smaller_as_src(db):
    stored = ProjectImageFactory(image=ContentFile(encode(picture((2000, 1200))), name="a.jpg"))

    html = render(
        '{% responsive_image p "card" sizes="(min-width: 60em) 20rem, 100vw" %}', p=stored
    )

    attrs = img_attrs(html)
    assert [width for _url, width in srcset(attrs)] == [400, 800]
    assert (attrs["width"], attrs["height"]) == ("400", "225")
    assert attrs["sizes"] == "(min-width: 60em) 20rem, 100vw"
    assert attrs["alt"] == stored.alt_text
    assert attrs["loading"] == "lazy" and attrs["decoding"] == "async"
    assert attrs["src"].startswith("/media/renditions/projekte/")


@pytest.mark.parametrize("variant", ["card", "detail"])
def test_tag_offers_avif_and_webp_sources_of_the_same_sizes_before_the_jpeg_img(db, variant):
    stored = ProjectImageFactory(image=ContentFile(encode(picture((2000, 1200))), name="a.jpg"))

    html = render("{% responsive_image p v sizes='50vw' %}", p=stored, v=variant)

    elements = parse(html).elements
    assert [tag for tag, _attrs in elements] == ["picture", "source", "source", "img"]
    jpeg = srcset(elements[3][1])
    for (_tag, attrs), (pillow_format, mime) in zip(
        elements[1:3], [("AVIF", "image/avif"), ("WEBP", "image/webp")], strict=True
    ):
        assert attrs["type"] == mime and attrs["sizes"] == "50vw"
        entries = srcset(attrs)
        assert [width for _url, width in entries] == [width for _url, width in jpeg]
        for url, width in entries:
            assert url.endswith(f".{pillow_format.lower()}")
            with Image.open(media_file(url)) as rendition:
                assert rendition.format == pillow_format and rendition.width == width
            assert has_metadata(media_file(url)) == []
            jpeg_url = {w: u for u, w in jpeg}[width]
            assert media_file(url).stat().st_size < media_file(jpeg_url).stat().st_size


def test_detail_never_enlarges_a_small_picture(db):
    stored = ProjectImageFactory(image=ContentFile(encode(picture((1000, 750))), name="a.jpg"))

    attrs = img_attrs(render('{% responsive_image p "detail" %}', p=stored))

    assert [width for _url, width in srcset(attrs)] == [800, 1000]
    assert (attrs["width"], attrs["height"]) == ("800", "600")


def test_tag_takes_alt_and_loading_and_an_image_field_file(db):
    article = ArticleFactory(
        photo=ContentFile(encode(picture((1600, 900))), name="a.jpg"),
        photo_alt="Fachwerkhäuser",
        photo_credit="Grafik: Stadt Hattingen",
    )

    attrs = img_attrs(
        render('{% responsive_image a.photo "detail" alt=a.photo_alt loading="eager" %}', a=article)
    )

    assert attrs["alt"] == "Fachwerkhäuser" and attrs["loading"] == "eager"
    assert [width for _url, width in srcset(attrs)] == [800, 1600]
    assert (attrs["width"], attrs["height"]) == ("800", "450")


def test_tag_renders_nothing_without_a_picture(db):
    article = ArticleFactory()

    assert render('{% responsive_image a.photo "card" %}', a=article).strip() == ""


def test_picture_without_recorded_size_falls_back_to_the_original(db):
    stored = ProjectImageFactory()
    stored.width = stored.height = None

    attrs = img_attrs(render('{% responsive_image p "card" %}', p=stored))

    assert attrs["src"] == stored.image.url and "srcset" not in attrs and "width" not in attrs


def test_unknown_variant_is_a_clear_error(db):
    stored = ProjectImageFactory()

    with pytest.raises((ValueError, TemplateSyntaxError), match="Unknown image variant"):
        render('{% responsive_image p "thumbnail" %}', p=stored)


def test_rendering_fifty_pictures_needs_no_query_and_no_file(
    db, monkeypatch, django_assert_num_queries
):
    project = ProjectFactory()
    for _ in range(50):
        ProjectImageFactory(project=project)
    pictures = list(ProjectImage.objects.all())

    def no_file_access(*args, **kwargs):
        raise AssertionError("rendering touched the file system")

    for method in ("exists", "open", "size", "listdir"):
        monkeypatch.setattr(FileSystemStorage, method, no_file_access)
    with django_assert_num_queries(0):
        html = render(
            '{% for p in pictures %}{% responsive_image p "card" %}'
            '{% responsive_image p "detail" %}{% endfor %}',
            pictures=pictures,
        )

    assert html.count("<img ") == 100 and html.count("srcset=") == 300
    assert html.count('<source type="image/avif"') == html.count('<source type="image/webp"') == 100


# --- Article pages --------------------------------------------------------------------------


def test_article_page_and_list_show_renditions(db, client):
    article = ArticleFactory(
        slug="baumpflanzung",
        photo=ContentFile(encode(picture((1600, 1000))), name="a.jpg"),
        photo_alt="Menschen pflanzen einen Baum",
        photo_credit="Foto: Stadt Hattingen",
    )

    detail = img_attrs_by_alt(client.get(article.get_absolute_url()), "Menschen pflanzen")
    assert [width for _url, width in srcset(detail)] == [800, 1600]
    assert (detail["width"], detail["height"]) == ("800", "500")
    assert detail["loading"] == "eager"

    listing = client.get("/aktuelles/").content.decode()
    card = [a for tag, a in parse(listing).elements if tag == "img" and "srcset" in a]
    assert [width for _url, width in srcset(card[0])] == [400, 800]
    assert card[0]["alt"] == ""  # the card's heading link says what it is about


def img_attrs_by_alt(response, alt_start: str) -> dict:
    assert response.status_code == 200
    html = response.content.decode()
    (attrs,) = [
        attrs
        for tag, attrs in parse(html).elements
        if tag == "img" and attrs.get("alt", "").startswith(alt_start)
    ]
    return attrs


# --- The site logo --------------------------------------------------------------------------


def save_site_logo(size, transparent=True) -> SiteSettings:
    """A logo: a blue block, on a transparent ground or on white."""
    logo = Image.new(
        "RGBA" if transparent else "RGB", size, (0, 0, 0, 0) if transparent else "white"
    )
    logo.paste((15, 79, 179), (size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4))
    site = SiteSettings.load()
    site.logo_alt = "Logo der Stadt"
    site.logo.save("logo.png", ContentFile(encode(logo, "PNG")))
    return site


def header_logo(client) -> dict:
    return img_attrs_by_alt(client.get("/"), "Logo der Stadt")


def stored(media_root: Path, url: str) -> Path:
    return media_root / url.removeprefix(settings.MEDIA_URL)


def test_logo_rendition_is_twice_the_height_the_header_shows():
    assert LOGO_RENDITION_HEIGHT == 2 * SiteSettings.LOGO_HEIGHT


def test_header_shows_the_logo_as_a_small_webp_rendition_not_the_upload(db, client, media_root):
    site = save_site_logo((800, 400))
    logo = header_logo(client)

    assert logo["src"] != site.logo.url
    with Image.open(stored(media_root, logo["src"])) as rendition:
        assert (rendition.format, rendition.mode) == ("WEBP", "RGBA")  # transparency kept
        assert rendition.size == (224, 112)
    # The box the browser reserves is the display size, not the rendition's pixels.
    assert (logo["width"], logo["height"]) == ("112", "56")


def test_a_logo_smaller_than_the_rendition_is_not_enlarged(db, client, media_root):
    save_site_logo((60, 30), transparent=False)
    with Image.open(stored(media_root, header_logo(client)["src"])) as rendition:
        assert rendition.size == (60, 30)


def test_migration_makes_the_rendition_of_a_logo_stored_before(db, client, media_root):
    save_site_logo((300, 300))
    rendition = stored(media_root, header_logo(client)["src"])
    rendition.unlink()
    migration = importlib.import_module("engagierte_stadt.migrations.0017_site_logo_rendition")

    migration.make_logo_rendition(apps, None)

    assert rendition.is_file()


def test_a_logo_saved_like_the_demo_data_gets_its_rendition(db, client, media_root):
    site = SiteSettings.load()  # unsaved: there is no row yet
    site.logo_alt = "Logo der Stadt"
    site.logo.save("logo.png", ContentFile(encode(picture((240, 240)), "PNG")), save=False)
    site.save()

    assert stored(media_root, header_logo(client)["src"]).is_file()
