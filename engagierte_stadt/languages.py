"""The page in the other languages: German at the unprefixed address, any other language under
`/<code>/…` with the same path words (i18n_patterns with prefix_default_language=False).

The path words are German in every language, so a page's address in another language is its
German address with the language prefix, and the query (a filtered list) is kept as it is. This
module imports no app.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix
from django.utils import translation


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str  # in its own language ("Deutsch", "English"), as a switch names it
    path: str  # path and query of this page in that language
    current: bool
    url: str = ""  # the same, absolute (hreflang links must name the host)


def unprefixed_path(path_info: str) -> str:
    """`path_info` without a language prefix: `/en/mitmachen/` → `/mitmachen/`."""
    code = translation.get_language_from_path(path_info)
    if code and code != settings.LANGUAGE_CODE:
        rest = path_info[len(code) + 1 :]
        return rest if rest.startswith("/") else "/" + rest
    return path_info


def path_in_language(path_info: str, code: str, query: str = "") -> str:
    """This path (with `query`) in language `code`, with the site's script prefix."""
    base = unprefixed_path(path_info)
    if code != settings.LANGUAGE_CODE:
        base = f"/{code}{base}"
    path = get_script_prefix().rstrip("/") + base
    return f"{path}?{query}" if query else path


def language_versions(request) -> list[LanguageVersion]:
    """This page in every language of `settings.LANGUAGES`, the current one marked."""
    current = translation.get_language()
    query = request.META.get("QUERY_STRING", "")
    versions = []
    for code, _name in settings.LANGUAGES:
        path = path_in_language(request.path_info, code, query)
        versions.append(
            LanguageVersion(
                code=code,
                name=translation.get_language_info(code)["name_local"],
                path=path,
                current=code == current,
                url=request.build_absolute_uri(path),
            )
        )
    return versions
