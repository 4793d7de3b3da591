"""Warm a process up before it serves: compiled templates, URL patterns, translation catalogues.

Django does all of this lazily, on the first request that needs it. Under gunicorn with
`preload_app` the master runs `warm_up()` once (engagierte_stadt/wsgi.py) and every worker,
also a recycled one, is forked with the work done: its first pages are as fast as its
thousandth (the benchmark saw p99 spikes of 100-500 ms from fresh workers before).

Nothing here opens a database or cache connection: a forked worker must not share one.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def template_names(engine) -> list[str]:
    """Every template name the Django engine can find, project templates first."""
    names: dict[str, None] = {}
    for directory in engine.template_dirs:
        root = Path(directory)
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".ics"):
                names.setdefault(path.relative_to(root).as_posix(), None)
    return list(names)


def warm_up() -> dict[str, int]:
    """Compile every template, build the URL resolvers and load every catalogue."""
    compiled = 0
    for engine in engines.all():
        for name in template_names(engine):
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                # Not every file under a templates folder is a template of this engine.
                continue
            compiled += 1
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # i18n_patterns keep one reverse table per language; building it is the slow part.
            resolver.reverse_dict  # noqa: B018
            reverse("home")
            translation.gettext("Skip to content")
    logger.info("warm-up: %s templates compiled", compiled)
    return {"templates": compiled, "languages": len(settings.LANGUAGES)}
