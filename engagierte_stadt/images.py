"""Pictures, shared by every app that stores them: upload checks, clean originals, renditions.

Every stored picture goes through `CleanImageField` (a model `ImageField`):

1. **Checked before decoding.** Its form field runs `validate_image_upload` on the raw upload:
   file size, real JPEG/PNG/WebP, pixel count read from the header. Decompression bombs and
   files over `MAX_IMAGE_BYTES` get a German form error and are never decoded.
2. **Normalised once.** `normalise_image` then decodes the upload (a truncated file fails here,
   still as a form error), turns it upright (`ImageOps.exif_transpose`), converts colours with
   an embedded ICC profile to sRGB and then drops the profile (sRGB is what browsers assume;
   keeping profiles would keep a fingerprint of the camera or editing software), scales it down
   to at most `MAX_STORED_EDGE` pixels on the long side, drops all metadata (EXIF incl. GPS,
   XMP, comments) and re-encodes it in its own format: JPEG stays JPEG (quality 88), PNG stays
   PNG (optimised, alpha kept, so transparent logos stay transparent), WebP stays WebP. The
   stored name is random; the uploader's file name can carry personal data.
   A field made with `box=(width, height)` (logos) fits the picture within that box instead,
   keeping its proportions and never enlarging it, so a grid of logos stays calm.
   The field file's `save()` normalises whatever has not been normalised yet, so pictures
   created in code (`instance.photo.save(name, ContentFile(...))`, or a `File` assigned to the
   field) are treated exactly like uploads. Nobody needs to call `normalise_image` by hand.
3. **Renditions made once.** django-imagekit specs ("card": 16:9 crop at 400 and 800 px wide,
   "detail": whole picture at 800 and 1600 px wide, never enlarged; each in AVIF, WebP and
   JPEG, without metadata) are generated when the model row is saved (imagekit's source
   group + the `Optimistic` cache file strategy). Their names follow from the original's
   name, so a page builds their URLs and sizes without a query, a cache look-up or a
   file-system check:
   `{% responsive_image picture "card" sizes="..." %}` (see `templatetags/image_tags.py`)
   renders `<picture>` with an AVIF and a WebP `<source>` around the JPEG `<img>`: browsers
   take the first format they know (AVIF and WebP are about half the bytes of JPEG).
   After restoring originals from a backup, `python manage.py generateimages` recreates them.
4. **The site logo** has one rendition of its own (`LOGO_SPEC_ID`): fitted to twice the
   height the header shows it at, as lossless WebP, made when the logo is saved like the
   others. The header shows it instead of the upload, which can be many times larger.
"""

import io
import uuid
import warnings
from dataclasses import dataclass

from django import forms
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.backends import CacheFileState, Simple
from imagekit.registry import generator_registry
from imagekit.specs.sourcegroups import ImageFieldSourceGroup
from imagekit.utils import get_storage as imagekit_storage
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from pilkit.processors import ResizeToFill, ResizeToFit

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}

# Originals are kept at most this large: twice the largest rendition, enough for sharper
# renditions later, and it keeps decoding and disk use bounded.
MAX_STORED_EDGE = 3200
JPEG_QUALITY = 88
WEBP_QUALITY = 88
RENDITION_QUALITY = 82
# Modern formats beside JPEG, best first (the order of the <source> elements). Qualities
# chosen to look like JPEG at 82; AVIF's speed 9 keeps encoding an upload under a second.
RENDITION_FORMATS = {
    "AVIF": ("image/avif", {"quality": 55, "speed": 9}),
    "WEBP": ("image/webp", {"quality": 80, "method": 4}),
    "JPEG": ("image/jpeg", {"quality": RENDITION_QUALITY, "optimize": True, "progressive": True}),
}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def _invalid_image_error() -> ValidationError:
    return ValidationError(
        _("The file is not an image we can read. Please upload a JPEG, PNG or WebP file."),
        code="invalid_image",
    )


def _svg_error() -> ValidationError:
    return ValidationError(
        _(
            "SVG graphics cannot be uploaded, because they can contain program code. "
            "Please upload a JPEG, PNG or WebP file."
        ),
        code="svg_not_allowed",
    )


def _is_svg(upload) -> bool:
    """Whether an upload Pillow could not read is an SVG (XML) graphic, from its first bytes.

    Only to give a clearer message: SVG is refused like every other unreadable file.
    """
    if not hasattr(upload, "read"):
        return False
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        if hasattr(upload, "seek"):
            upload.seek(0)
        head = upload.read(4096)
    except (OSError, ValueError):
        return False
    finally:
        if position is not None and hasattr(upload, "seek"):
            upload.seek(position)
    if isinstance(head, str):
        head = head.encode("utf-8", "ignore")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _too_many_pixels_error() -> ValidationError:
    return ValidationError(
        _("The image has too many pixels. Please upload a smaller version."),
        code="too_many_pixels",
    )


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
        raise _too_many_pixels_error() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if _is_svg(upload):
            raise _svg_error() from exc
        raise _invalid_image_error() from exc
    finally:
        if position is not None and hasattr(upload, "seek"):
            upload.seek(position)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Only JPEG, PNG and WebP images are allowed."), code="invalid_image_format"
        )


def validate_new_image(value) -> None:
    """Model-level check of a picture that is about to be stored.

    Stored files were checked and normalised when they were saved and are not read again
    (that would open every gallery file on every admin save); normalised files were checked
    on the way in.
    """
    if isinstance(value, FieldFile):
        if value._committed or isinstance(getattr(value, "_file", None), NormalisedImage):
            return
    validate_image_upload(value)


# --- Normalised originals -------------------------------------------------------------------


class NormalisedImage(ContentFile):
    """Image bytes that came out of `normalise_image`; stored as they are."""


_SRGB = None


def _srgb_profile():
    global _SRGB
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _SRGB


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert colours with an embedded ICC profile to sRGB; the profile itself is dropped.

    A profile Pillow cannot read is ignored (the colours may shift slightly, the picture is
    still accepted).
    """
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(icc)),
            _srgb_profile(),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # broken EXIF is thrown away anyway: keep the picture as it is
        return image


def _fit_box(width: int, height: int, edge: int, box: tuple[int, int] | None = None):
    """The size of a `width` × `height` picture scaled down (never up) to fit `box`, or a
    square of `edge` pixels when there is no box."""
    box_width, box_height = box or (edge, edge)
    scale = min(1.0, box_width / width, box_height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def normalise_image(file, box: tuple[int, int] | None = None) -> NormalisedImage:
    """Return a clean copy of an uploaded picture, ready to be stored.

    Checks `file` with `validate_image_upload` first, so it is safe on untrusted input, and
    raises `ValidationError` (German message) for anything it cannot read. The result is
    upright, in sRGB, at most `MAX_STORED_EDGE` pixels on its long side (or fitted within
    `box`, width × height, keeping its proportions), without any metadata, in the original
    format (JPEG, PNG with alpha, WebP), and named `<random>.<ext>`.
    """
    validate_image_upload(file)
    limit = box or (MAX_STORED_EDGE, MAX_STORED_EDGE)
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as source:
                image_format = source.format
                if image_format not in ALLOWED_IMAGE_FORMATS:
                    raise ValidationError(
                        _("Only JPEG, PNG and WebP images are allowed."),
                        code="invalid_image_format",
                    )
                if source.width * source.height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels_error()
                if image_format == "JPEG":
                    # Let the JPEG decoder scale down by 2, 4 or 8 while decoding: less memory.
                    source.draft(None, _fit_box(*source.size, MAX_STORED_EDGE, box))
                source.load()  # a truncated or corrupt file fails here
                image = _to_srgb(_upright(source))
                has_alpha = image.has_transparency_data
                if image_format == "JPEG":
                    mode = "L" if image.mode in ("1", "L") else "RGB"
                elif has_alpha:
                    mode = "RGBA"
                else:
                    mode = "L" if image.mode in ("1", "L") and image_format == "PNG" else "RGB"
                if image.mode != mode:
                    image = image.convert(mode)
                image.thumbnail(limit, Image.Resampling.LANCZOS)
                # Only the pixels go out: no EXIF, GPS, XMP, ICC profile or comment.
                image.info = {}
                buffer = io.BytesIO()
                if image_format == "JPEG":
                    image.save(
                        buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
                    )
                elif image_format == "PNG":
                    image.save(buffer, "PNG", optimize=True)
                else:
                    image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels_error() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _invalid_image_error() from exc
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    return NormalisedImage(buffer.getvalue(), name=f"{uuid.uuid4().hex}{EXTENSIONS[image_format]}")


class CleanImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store `content` normalised and under a random name; `name` is ignored."""
        if not isinstance(content, NormalisedImage):
            content = normalise_image(content, box=getattr(self.field, "box", None))
        super().save(content.name, content, save)


class CleanImageFormField(forms.ImageField):
    """Checks an upload before Pillow decodes it, and cleans it to a `NormalisedImage`.

    Replaces Django's `forms.ImageField.to_python`, which opens the image with Pillow
    before any of our checks and would answer a decompression bomb with a generic message.
    The file extension does not matter: the content decides, and the stored name gets the
    right extension.
    """

    default_validators = []

    def __init__(self, *args, box: tuple[int, int] | None = None, **kwargs):
        self.box = box
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return normalise_image(upload, box=self.box)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


class CleanImageField(models.ImageField):
    """An `ImageField` whose pictures are checked, normalised and (optionally) rendered.

    `renditions=True` (the default) registers the "card" and "detail" renditions for this
    field; they are generated whenever a row with a new picture is saved. Use
    `renditions=False` for pictures that are shown as they are (the site logo).
    `box=(width, height)` fits every picture within that box instead of `MAX_STORED_EDGE`
    (partner logos). `specs` names further registered renditions made on save (the site
    logo's `LOGO_SPEC_ID`). No option changes the database, so none is in migrations.
    """

    attr_class = CleanImageFieldFile
    default_validators = [validate_new_image]

    def __init__(
        self,
        *args,
        renditions: bool = True,
        box: tuple[int, int] | None = None,
        specs: tuple[str, ...] = (),
        **kwargs,
    ):
        self.renditions = renditions
        self.box = box
        self.specs = specs
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # The uploader's file name is replaced, so its length does not matter.
        return super().formfield(
            **{"form_class": CleanImageFormField, "max_length": None, "box": self.box, **kwargs}
        )

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        # Historical models built by migrations have their own app registry: skip them.
        if cls._meta.abstract or cls._meta.apps is not global_apps:
            return
        spec_ids = list(self.specs)
        if self.renditions:
            spec_ids += [
                variant.spec_id(width, image_format)
                for variant in VARIANTS.values()
                for width in variant.widths
                for image_format in RENDITION_FORMATS
            ]
        if spec_ids:
            source_group = ImageFieldSourceGroup(cls, name)
            for spec_id in spec_ids:
                register.source_group(spec_id, source_group)


# --- Renditions -----------------------------------------------------------------------------


class StripMetadata:
    """pilkit processor: the rendition carries pixels only (no comment, profile or EXIF)."""

    def process(self, img):
        img.info = {}
        return img


class RenditionFileBackend(Simple):
    """imagekit cache file backend that asks the storage, not Django's cache, if a file exists.

    It is consulted only when a picture is saved and by `manage.py generateimages`, never
    while a page renders (the `Optimistic` strategy assumes the files exist). Remembering
    "exists" in a shared cache forever, as imagekit's `Simple` backend does, would stop
    `generateimages` from recreating renditions lost with a server.
    """

    def get_state(self, file, check_if_unknown=True):
        return CacheFileState.EXISTS if self._exists(file) else CacheFileState.DOES_NOT_EXIST

    def set_state(self, file, state):
        pass


class RenditionSpec(ImageSpec):
    format = "JPEG"
    options = RENDITION_FORMATS["JPEG"][1]
    # Generated when the original is saved; never checked or generated while rendering.
    cachefile_strategy = "imagekit.cachefiles.strategies.Optimistic"
    cachefile_backend = RenditionFileBackend()


@dataclass(frozen=True)
class Variant:
    """One way of showing a picture, in several widths.

    `aspect` crops to that ratio (and the crop is always exactly `width` × `width·aspect`);
    without it the whole picture is scaled to the width, never enlarged.
    """

    name: str
    widths: tuple[int, ...]
    aspect: tuple[int, int] | None = None

    def spec_id(self, width: int, image_format: str = "JPEG") -> str:
        # JPEG keeps the id (and so the file names) it had before the other formats came.
        suffix = "" if image_format == "JPEG" else f":{image_format.lower()}"
        return f"engagierte_stadt:{self.name}:{width}{suffix}"

    def processors(self, width: int) -> list:
        if self.aspect:
            return [ResizeToFill(width, self.crop_height(width)), StripMetadata()]
        return [ResizeToFit(width=width, upscale=False), StripMetadata()]

    def crop_height(self, width: int) -> int:
        return round(width * self.aspect[1] / self.aspect[0])

    def output_size(self, width: int, source_width: int, source_height: int) -> tuple[int, int]:
        """The pixel size of a rendition, computed like pilkit does, without opening a file."""
        if self.aspect:
            return width, self.crop_height(width)
        # pilkit's ResizeToFit(width=…, upscale=False) followed by Resize(upscale=False).
        ratio = width / source_width
        new = (int(round(source_width * ratio)), int(round(source_height * ratio)))
        if new[0] < source_width and new[1] < source_height:
            return new
        return source_width, source_height

    def worth_offering(self, width: int, source_width: int, source_height: int) -> bool:
        """A crop wider or taller than the original would only be an enlargement."""
        if not self.aspect:
            return True
        return source_width >= width and source_height >= self.crop_height(width)


VARIANTS = {
    "card": Variant("card", (400, 800), aspect=(16, 9)),
    "detail": Variant("detail", (800, 1600)),
}

for _variant in VARIANTS.values():
    for _width in _variant.widths:
        for _format, (_mime, _options) in RENDITION_FORMATS.items():
            register.generator(
                _variant.spec_id(_width, _format),
                type(
                    f"{_variant.name.title()}{_width}{_format.title()}",
                    (RenditionSpec,),
                    {
                        "processors": _variant.processors(_width),
                        "format": _format,
                        "options": _options,
                        "__module__": __name__,
                    },
                ),
            )


# The site logo: the header shows it 40 (phones) to 56 CSS pixels high, so one rendition at
# twice the larger height is sharp on high-density screens and a few KB instead of the upload.
# Lossless WebP: logos are flat colours with sharp edges, which lossy coding blurs and which
# lossless WebP stores smallest (the demo logo: 3 KB, against 10 KB as PNG at the same size);
# every browser the portal supports shows WebP, so no fallback format is needed.
LOGO_RENDITION_HEIGHT = 112
LOGO_SPEC_ID = f"engagierte_stadt:logo:{LOGO_RENDITION_HEIGHT}:webp"


class LogoSpec(RenditionSpec):
    processors = [ResizeToFit(height=LOGO_RENDITION_HEIGHT, upscale=False), StripMetadata()]
    format = "WEBP"
    options = {"lossless": True, "quality": 100, "method": 6}


register.generator(LOGO_SPEC_ID, LogoSpec)


def logo_rendition_file(file) -> ImageCacheFile:
    """The imagekit cache file of the header rendition of a site logo (no file access)."""
    return ImageCacheFile(generator_registry.get(LOGO_SPEC_ID, source=file))


def logo_rendition_url(file) -> str:
    """The URL of `logo_rendition_file()`: every page's header shows it, so its name is worked
    out once per process and stored name (as `rendition_url()` does)."""
    key = (file.name, LOGO_SPEC_ID)
    name = _RENDITION_NAMES.get(key)
    if name is None:
        name = logo_rendition_file(file).name
        _RENDITION_NAMES[key] = name
    return imagekit_storage().url(name)


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


def rendition_file(file, variant: str, width: int, image_format: str = "JPEG") -> ImageCacheFile:
    """The imagekit cache file of one rendition of a stored picture (no file access)."""
    spec_id = VARIANTS[variant].spec_id(width, image_format)
    return ImageCacheFile(generator_registry.get(spec_id, source=file))


_RENDITION_NAMES: dict[tuple[str, str], str] = {}


def rendition_url(file, variant: str, width: int, image_format: str = "JPEG") -> str:
    """The URL of one rendition, without a query or file access.

    imagekit names a rendition by pickling and hashing its spec on every call (about 1 ms;
    a card needs six). The name is a pure function of the original's name and the spec, so
    it is worked out once per process and original and kept in a bounded table.
    """
    spec_id = VARIANTS[variant].spec_id(width, image_format)
    key = (file.name, spec_id)
    name = _RENDITION_NAMES.get(key)
    if name is None:
        name = rendition_file(file, variant, width, image_format).name
        if len(_RENDITION_NAMES) >= 20_000:
            _RENDITION_NAMES.clear()
        _RENDITION_NAMES[key] = name
    return imagekit_storage().url(name)


def renditions(
    file, source_width: int, source_height: int, variant: str, image_format: str = "JPEG"
) -> list[Rendition]:
    """The renditions in `image_format` worth offering in a `srcset`, smallest first.

    Sizes come from the stored width and height of the original and URLs from the
    deterministic names: no query, no cache look-up, no file-system access.
    """
    try:
        spec = VARIANTS[variant]
    except KeyError:
        raise ValueError(
            f"Unknown image variant {variant!r}; use one of {', '.join(VARIANTS)}."
        ) from None
    result: list[Rendition] = []
    for width in spec.widths:
        size = spec.output_size(width, source_width, source_height)
        if result and (
            size[0] <= result[-1].width
            or not spec.worth_offering(width, source_width, source_height)
        ):
            continue
        result.append(Rendition(rendition_url(file, variant, width, image_format), *size))
    return result


def picture_parts(picture) -> tuple:
    """`(file, width, height, alt_text)` of a picture object or of a bare image field file.

    A picture object has `.image`, `.width`, `.height` and `.alt_text` (like `ProjectImage`).
    A field file (like `article.photo`) takes width and height from its field's
    `width_field`/`height_field`, so nothing is opened; its alt text must be passed apart.
    """
    if picture is None:
        return None, None, None, ""
    if isinstance(picture, FieldFile):
        field, instance = picture.field, picture.instance
        width = getattr(instance, field.width_field, None) if field.width_field else None
        height = getattr(instance, field.height_field, None) if field.height_field else None
        return picture, width, height, ""
    return picture.image, picture.width, picture.height, getattr(picture, "alt_text", "")


def narrow_imagekit_receiver() -> None:
    """django-imagekit listens to `post_init` of every model (to note a picture's file name,
    so that a save with a new picture makes its renditions), and Django calls it for every row
    read: 78 times on a Quartier page, of which only the pictures' models need it. Called once
    all models are loaded (`AppConfig.ready`): the same receiver, for those models only."""
    from django.db.models.signals import post_init
    from imagekit.specs.sourcegroups import signal_router

    if not post_init.disconnect(dispatch_uid="ik_spec_field_receivers"):
        return
    sources = tuple({group.model_class for group in signal_router._source_groups})
    for model in global_apps.get_models():
        if sources and issubclass(model, sources):
            post_init.connect(
                signal_router.post_init_receiver,
                sender=model,
                dispatch_uid=f"ik_spec_field_receivers:{model._meta.label}",
            )
