"""Warm a process up before it serves: compiled templates, URL patterns, translation catalogues
and the modules that Django and the libraries import only when a request first needs them.

Django does all of this lazily, on the first request that needs it. Under gunicorn with
`preload_app` the master runs `warm_up()` once (engagierte_stadt/wsgi.py) and every worker,
also a recycled one, is forked with the work done: its first pages are as fast as its
thousandth (the benchmark saw p99 spikes of 100-500 ms from fresh workers before).

Nothing here opens a database or cache connection: a forked worker must not share one.
"""

import importlib
import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver, reverse
from django.utils import formats, timezone, translation

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


# Imported on first use, not at start-up; a fresh worker imported about 90 modules on its first
# pages, which made /impressum/ take 120-150 ms instead of 8.
LAZY_MODULES = (
    # Imported by their template tags on first use.
    "engagierte_stadt.kern_fields",
    "engagierte_stadt.languages",
    # What Django loads on the first request, response or connection.
    "django.contrib.messages.storage.cookie",
    "django.contrib.sessions.serializers",
    "django.contrib.postgres.fields",
    "django.contrib.postgres.forms",
    "imagekit.cachefiles.namers",
    "markdown.extensions.sane_lists",
    "markdown.extensions.tables",
    "encodings.unicode_escape",
    "encodings.raw_unicode_escape",
)


def import_lazy_modules() -> int:
    """Import what requests would import one by one: the modules above, every image format
    plugin of Pillow (imagekit asks for a file extension on the first picture, and Pillow
    then loads all of them), the templates' context processors and each language's formats."""
    from PIL import Image

    from engagierte_stadt.markup import render_markdown

    for name in LAZY_MODULES:
        importlib.import_module(name)
    Image.init()
    # The converter and the regular expressions of its extensions (Python keeps compiled
    # patterns per process).
    render_markdown(
        "## Warm-up\n\n1. *a* [b](https://example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    engines["django"].engine.template_context_processors  # noqa: B018 - imports them
    now = timezone.now()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            formats.date_format(now, "DATE_FORMAT")
            formats.number_format(1.5)
    return len(LAZY_MODULES)


def warm_up() -> dict[str, int]:
    """Compile every template, build the URL resolvers, load every catalogue and import the
    modules a first request would."""
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
    modules = import_lazy_modules()
    logger.info("warm-up: %s templates compiled", compiled)
    return {"templates": compiled, "languages": len(settings.LANGUAGES), "modules": modules}


# What Django configures when a project has no database at all.
DUMMY_ENGINE = "django.db.backends.dummy"


def connect_worker() -> None:
    """In a freshly forked worker (gunicorn's `post_fork`), before it takes a request: open
    its own database and cache connections, which its first request would otherwise wait for
    (about 5-20 ms). A failure is only logged: the requests then try again and report it."""
    from django.apps import apps
    from django.core.cache import cache
    from django.db import connections

    if not apps.ready:  # without preload_app the worker loads Django after this hook
        return
    try:
        for connection in connections.all(initialized_only=False):
            if connection.settings_dict.get("ENGINE") == DUMMY_ENGINE:
                continue  # no database configured (the benchmark's bare app): nothing to open
            connection.ensure_connection()
        cache.get("warm-up")
    except Exception:  # noqa: BLE001 - the worker must start even with the database down
        logger.warning("warm-up: could not connect the new worker", exc_info=True)
