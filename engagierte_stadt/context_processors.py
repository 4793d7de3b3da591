from django.utils.functional import SimpleLazyObject

from engagierte_stadt.models import SiteSettings


def site(request):
    """Site settings for the header and footer, loaded once per request when used."""
    return {"site_settings": SimpleLazyObject(SiteSettings.load)}
