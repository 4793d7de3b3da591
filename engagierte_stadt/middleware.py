"""Small middleware of the portal."""

from django.conf import settings


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
