from django.utils.functional import SimpleLazyObject

from engagierte_stadt.models import SiteSettings


def site(request):
    """Site settings for the header and footer, loaded once per request when used (and shared
    with a view that needed them for a contact, see `SiteSettings.for_request`)."""
    return {"site_settings": SimpleLazyObject(lambda: SiteSettings.for_request(request))}


def languages(request):
    """The page in every language, for the switch in the header and the hreflang links."""
    from engagierte_stadt.languages import language_versions

    return {"language_versions": language_versions(request)}
