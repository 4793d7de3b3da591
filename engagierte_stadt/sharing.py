"""Link previews and structured data: what a page tells messengers and search engines.

A shared building block: it imports no app. Every public page gets, from `base.html`, a
canonical address, a meta description, Open Graph and Twitter card meta, and the JSON-LD
blocks the page has. The page's row (`object` in a DetailView's context) says what it is by
the methods of `ShareableMixin` (defaults here, so a model overrides only what it has):

- `share_title()`, `share_description()`: the preview's words;
- `share_picture()`: a picture for `images.picture_parts` (a gallery image, a field file), or
  None; without one the default picture of the site settings is shown;
- `structured_data(site=…, absolute=…)`: a schema.org dict, or None.

Views without a row put `meta_description` or `structured_data` (a list of dicts) into the
context (the home page does). `jsonld_script()` is the one way a dict becomes a
`<script type="application/ld+json">` block: `<`, `>` and `&` are written as JSON escapes, so
no staff text can end the block (`</script><script>…`) or open a comment. A data block is not
executed, so the strict Content-Security-Policy (no inline script) does not apply to it.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from engagierte_stadt.images import picture_parts, renditions
from engagierte_stadt.search import plain_text

DESCRIPTION_LENGTH = 200
SCHEMA = "https://schema.org/"

# Inside <script>, "</script>" and "<!--" end or change the block. With these three escaped
# (valid JSON escapes inside strings; outside strings JSON has none of them) nothing can.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def script_safe_json(data) -> str:
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)


def jsonld_script(data) -> SafeString:
    """`<script type="application/ld+json">` with `data`, safe against any text in it."""
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(script_safe_json(data)),  # noqa: S308 - escaped for <script> above
    )


def short_description(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """Markdown reduced to plain words and cut at a word boundary."""
    return Truncator(plain_text(text or "")).chars(length)


class Shareable(Protocol):
    def get_absolute_url(self) -> str: ...
    def share_title(self) -> str: ...
    def share_description(self) -> str: ...
    def share_picture(self): ...
    def structured_data(self, *, site, absolute: Callable[[str], str]) -> dict | None: ...


class ShareableMixin:
    """Defaults of `Shareable` for a model with a public page (see the module docstring)."""

    SHARE_TYPE = "website"  # og:type; "article" for news

    def share_title(self) -> str:
        """The title in the page's language where the model has translations."""
        if "title" in getattr(self, "TRANSLATED_FIELDS", ()):
            return self.in_language("title")
        return str(self)

    def share_description(self) -> str:
        return ""

    def share_picture(self):
        return None

    def share_picture_alt(self) -> str:
        """Alternative text for a picture that does not carry its own (a bare field file)."""
        return ""

    def structured_data(self, *, site, absolute: Callable[[str], str]) -> dict | None:
        return None


@dataclass(frozen=True)
class SharedImage:
    url: str  # absolute
    width: int | None
    height: int | None
    alt: str


def shared_image(picture, absolute: Callable[[str], str], alt: str = "") -> SharedImage | None:
    """The largest "card" rendition (16:9, what previews crop to) of a picture, absolute.

    Pictures without renditions (logos, which are stored small and whole) are given as they
    are. No query and no file access, like `{% responsive_image %}`.
    """
    image, width, height, alt_text = picture_parts(picture)
    if not image:
        return None
    alt = alt or alt_text
    has_renditions = getattr(image.field, "renditions", False)
    if not (width and height) or not has_renditions:
        return SharedImage(absolute(image.url), width, height, alt)
    offered = renditions(image, width, height, "card")
    if not offered:  # smaller than every card width: the whole picture, scaled to fit
        offered = renditions(image, width, height, "detail")
    best = offered[-1]
    return SharedImage(absolute(best.url), best.width, best.height, alt)


@dataclass
class ShareMeta:
    title: str
    description: str
    url: str
    site_name: str
    og_type: str = "website"
    image: SharedImage | None = None
    structured_data: list = field(default_factory=list)

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image else "summary"

    def jsonld(self) -> SafeString:
        return mark_safe("".join(jsonld_script(data) for data in self.structured_data))  # noqa: S308


def canonical_path(request) -> str:
    """The page's address without filters; a page number other than the first stays, since
    each page of a list shows other rows."""
    page = request.GET.get("page", "")
    if page.isdigit() and page != "1":
        return f"{request.path}?page={page}"
    return request.path


def site_description(site) -> str:
    if site is None:
        return ""
    return short_description(site.tagline or site.intro or site.programme_text or "")


def site_picture(site):
    """The default picture of the site settings (a field file), or None."""
    picture = getattr(site, "share_image", None)
    return picture if picture else None


def share_meta(*, request, context, site) -> ShareMeta:
    """What `base.html` writes into the page head (see the module docstring)."""
    absolute = request.build_absolute_uri
    obj = context.get("object")
    # A row describes only its own page: a form about it (a wish for a conference in a
    # Quartier, a sign-up) is another page with its own title and address.
    if not callable(getattr(obj, "share_title", None)) or obj.get_absolute_url() != request.path:
        obj = None
    site_name = getattr(site, "portal_name", "") or ""
    page_title = str(context.get("page_title") or "")
    if obj is not None:
        title = obj.share_title()
        description = obj.share_description()
        path = obj.get_absolute_url()
        picture = obj.share_picture()
        data = obj.structured_data(site=site, absolute=absolute)
        structured = [data] if data else []
    else:
        title = page_title
        description = ""
        path = canonical_path(request)
        picture = None
        structured = []
    description = str(context.get("meta_description") or description or site_description(site))
    structured += list(context.get("structured_data") or [])
    image = None
    if picture is not None:
        image = shared_image(picture, absolute, alt=obj.share_picture_alt())
    if image is None and site_picture(site) is not None:
        image = shared_image(site_picture(site), absolute, alt=getattr(site, "share_image_alt", ""))
    return ShareMeta(
        title=title or site_name,
        description=short_description(description),
        url=absolute(path),
        site_name=site_name,
        og_type=getattr(obj, "SHARE_TYPE", "website"),
        image=image,
        structured_data=structured,
    )


def image_object(picture, absolute) -> str | None:
    """The absolute URL of a picture's preview rendition, for schema.org `image`."""
    image = shared_image(picture, absolute) if picture is not None else None
    return image.url if image else None


def organisation_data(site, absolute, *, kind: str = "Organization") -> dict:
    """The portal's publisher as schema.org data."""
    data = {"@type": kind, "name": getattr(site, "portal_name", "")}
    data["url"] = absolute("/")
    logo = getattr(site, "logo", None)
    if logo:
        data["logo"] = absolute(logo.url)
    return data


def home_structured_data(site, absolute, *, search_url: str) -> list[dict]:
    """The home page: the city's portal as a GovernmentOrganization and the WebSite with its
    site search (a SearchAction at `search_url`, `?q=`)."""
    organisation = {
        "@context": "https://schema.org",
        **organisation_data(site, absolute, kind="GovernmentOrganization"),
        "areaServed": {"@type": "City", "name": getattr(site, "city_name", "")},
    }
    description = site_description(site)
    if description:
        organisation["description"] = description
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": getattr(site, "portal_name", ""),
        "url": absolute("/"),
        "inLanguage": "de",
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute(search_url) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
    return [organisation, website]
