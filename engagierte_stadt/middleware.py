"""Small middleware of the portal."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` (setting `PERMISSIONS_POLICY`) on every response.

    Django's SecurityMiddleware and django-csp have no option for this header. Placed right
    after SecurityMiddleware, so that it also covers static files (WhiteNoise), redirects and
    error pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class CompressTextMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for text responses (HTML, feeds, JSON, iCal); nothing else.

    Safe against BREACH as far as Django makes it: Django (since 4.2) pads every compressed
    response with 0–99 random bytes in the gzip header ("Heal the Breach",
    `max_random_bytes = 100`), so the length of a page no longer tells an attacker whether a
    guessed secret matched, and the CSRF token is masked anew on every response besides.
    Pictures, fonts and PDFs are compressed already: they pass untouched. Static files never
    reach this middleware (WhiteNoise answers first and serves its own pre-compressed files).
    """

    compressible = (
        "text/",
        "application/json",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/javascript",
        "image/svg+xml",
    )

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.compressible):
            return response
        return super().process_response(request, response)
