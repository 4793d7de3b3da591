"""sitemap.xml: every page the public may see, with its last change where the row knows it.

A shared building block: the searchable models (engagierte_stadt.search) already say which of
their rows are public (`search_queryset()`), so the sitemap takes them from the app registry;
the URLconf adds the rest (Quartiere, the list pages).
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from engagierte_stadt.search import searchable_models


class LanguagesSitemap(Sitemap):
    """Every address once per language of settings.LANGUAGES (German unprefixed, English under
    /en/…), each with its `hreflang` alternates and German as x-default."""

    i18n = True
    alternates = True
    x_default = True


class ModelSitemap(LanguagesSitemap):
    """The rows of `queryset()` with their `get_absolute_url()`, `updated_at` as lastmod."""

    def __init__(self, queryset, lastmod_field: str | None = "updated_at"):
        self.queryset = queryset
        self.lastmod_field = lastmod_field

    def items(self):
        return self.queryset().order_by("pk")

    def lastmod(self, item):
        return getattr(item, self.lastmod_field) if self.lastmod_field else None

    def get_latest_lastmod(self):
        """The section's newest change for the index, in one query (Django's default would
        load every row of the section)."""
        if not self.lastmod_field:
            return None
        return self.queryset().aggregate(latest=Max(self.lastmod_field))["latest"]


class RouteSitemap(LanguagesSitemap):
    """Pages without a row of their own (home, list pages), by route name."""

    def __init__(self, routes: list[str]):
        self.routes = routes

    def items(self):
        return self.routes

    def location(self, item):
        return reverse(item)


def content_sitemaps() -> dict[str, Sitemap]:
    """One section per searchable kind: its public rows."""
    return {model.SEARCH_KIND: ModelSitemap(model.search_queryset) for model in searchable_models()}
