"""Responsive images: `{% responsive_image picture "card" sizes="..." %}`."""

from django import template

register = template.Library()


@register.inclusion_tag("components/responsive_image.html")
def responsive_image(picture, variant="detail", sizes="100vw", alt=None, loading="lazy"):
    """Render `<img>` with width and height for a picture object.

    `picture` has `.image` (an ImageField file), `.alt_text`, `.width` and `.height`.
    `variant` is "card" (16:9 crop for cards) or "detail" (whole picture).
    """
    image = picture.image
    return {
        "src": image.url,
        "srcset": "",
        "sizes": sizes,
        "width": picture.width,
        "height": picture.height,
        "alt": picture.alt_text if alt is None else alt,
        "loading": loading,
    }
