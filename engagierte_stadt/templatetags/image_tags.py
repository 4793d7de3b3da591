"""Responsive images: `{% responsive_image picture "card" sizes="..." %}`."""

from django import template
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from engagierte_stadt.cards import checked
from engagierte_stadt.images import RENDITION_FORMATS, picture_parts, renditions
from engagierte_stadt.memo import Table

register = template.Library()


@register.simple_tag
def responsive_image(picture, variant="detail", sizes="100vw", alt=None, loading="lazy"):
    """The markup of `components/responsive_image.html` (the reference, compared with
    `CARDS_CHECK`) for `picture_context()`: a card page shows a picture on most cards."""
    if settings.CARDS_CHECK:
        context = picture_context(picture, variant, sizes, alt, loading)
        return checked(picture_html(context), "components/responsive_image.html", context)
    image, width, height, alt_text = picture_parts(picture)
    if not (image and width and height):
        return mark_safe(picture_html(picture_context(picture, variant, sizes, alt, loading)))  # noqa: S308
    # The markup of a picture with known dimensions follows from these values alone (its
    # renditions' names and URLs from the original's name, see `images.renditions`): worked
    # out once per process, not six rendition URLs per card and request (issue #17).
    key = (image.name, width, height, variant, sizes, alt_text if alt is None else alt, loading)
    html = _PICTURES.get(key)
    if html is None:
        html = _PICTURES.put(
            key, picture_html(picture_context(picture, variant, sizes, alt, loading))
        )
    return mark_safe(html)  # noqa: S308 - picture_html escapes every value


_PICTURES = Table(maxsize=5000)


def picture_html(context: dict) -> str:
    if not context["src"]:
        return "\n"
    e = conditional_escape
    sizes = e(context["sizes"])
    sources = context.get("sources")
    html = ""
    if sources:
        html = "<picture>" + "".join(
            f'<source type="{e(s["type"])}" srcset="{e(s["srcset"])}" sizes="{sizes}">'
            for s in sources
        )
    html += f'<img src="{e(context["src"])}"'
    if context.get("srcset"):
        html += f' srcset="{e(context["srcset"])}" sizes="{sizes}"'
    if context.get("width"):
        html += f' width="{e(context["width"])}" height="{e(context["height"])}"'
    html += f' alt="{e(context["alt"])}" loading="{e(context["loading"])}" decoding="async">'
    if sources:
        html += "</picture>"
    return html + "\n"


def picture_context(picture, variant="detail", sizes="100vw", alt=None, loading="lazy"):
    """Render `<picture>`: AVIF and WebP `<source>`s, and `<img>` with the JPEG `srcset`,
    `sizes`, `width`, `height`, `alt` and `loading` (browsers without AVIF/WebP use it).

    `picture` is an object with `.image` (an image field file), `.alt_text`, `.width` and
    `.height` (like `ProjectImage`), or an image field file with width and height fields
    (like `article.photo`; then pass `alt`). `variant` is "card" (16:9 crop, 400 and 800 px)
    or "detail" (whole picture, 800 and 1600 px, never enlarged). `src`, `width` and
    `height` describe the smaller rendition. Rendering does no query and touches no file.
    Renders nothing when there is no picture.
    """
    image, width, height, alt_text = picture_parts(picture)
    if not image:
        return {"src": ""}
    context = {
        "sizes": sizes,
        "alt": alt_text if alt is None else alt,
        "loading": loading,
    }
    if not (width and height):
        # Dimensions unknown (a row saved before they were recorded): the original, as is.
        return {**context, "src": image.url, "srcset": "", "width": None, "height": None}
    offered = renditions(image, width, height, variant)
    main = offered[(len(offered) - 1) // 2]
    sources = [
        {
            "type": mime,
            "srcset": ", ".join(
                f"{r.url} {r.width}w" for r in renditions(image, width, height, variant, name)
            ),
        }
        for name, (mime, _options) in RENDITION_FORMATS.items()
        if name != "JPEG"
    ]
    return {
        **context,
        "sources": sources,
        "src": main.url,
        "srcset": ", ".join(f"{r.url} {r.width}w" for r in offered),
        "width": main.width,
        "height": main.height,
    }
