from django.utils.functional import SimpleLazyObject

from engagierte_stadt.models import SiteSettings


def site(request):
    """Site settings for the header and footer, loaded once per request when used (and shared
    with a view that needed them for a contact, see `SiteSettings.for_request`)."""
    return {"site_settings": SimpleLazyObject(lambda: SiteSettings.for_request(request))}
