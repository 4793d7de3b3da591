"""The warm-up that gunicorn's master runs before it forks the workers."""

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from engagierte_stadt.warmup import template_names, warm_up


def test_warm_up_compiles_every_template_without_touching_the_database():
    # No `db` mark: pytest-django fails the test if anything here opens a connection, which a
    # forked worker would otherwise share with the master and its siblings.
    figures = warm_up()
    engine = engines["django"].engine
    names = template_names(engines["django"])
    assert "base.html" in names
    assert "quartiere/includes/opportunity_card.html" in names
    assert figures["templates"] >= len(names) * 0.9
    cached = engine.template_loaders[0]
    assert type(cached).__name__ == "Loader" and hasattr(cached, "get_template_cache")
    assert "base.html" in cached.get_template_cache


def test_warm_up_builds_the_url_tables_of_both_languages():
    warm_up()
    with translation.override("en"):
        assert reverse("quartiere:opportunity_list") == "/en/mitmachen/"
    assert reverse("quartiere:opportunity_list") == "/mitmachen/"


def test_gunicorn_freezes_the_loaded_objects_before_each_fork():
    # A forked worker shares the master's memory; frozen objects are never visited by its
    # garbage collector, so its first collections do not copy every page (recycled workers
    # answered their first requests in hundreds of milliseconds before).
    import gc
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["pre_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_warm_up_imports_what_a_first_request_would():
    # A forked worker imported about 90 modules on its first pages (every Pillow plugin, the
    # formats of each language, the card renderers …); run in a fresh interpreter, so that
    # nothing another test imported hides a gap.
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django, sys; django.setup()\n"
        "from engagierte_stadt.warmup import warm_up\n"
        "before = set(sys.modules); figures = warm_up()\n"
        "wanted = ['PIL.JpegImagePlugin', 'PIL.WebPImagePlugin', 'engagierte_stadt.kern_fields',\n"
        "          'engagierte_stadt.formats.en.formats', 'markdown.extensions.tables',\n"
        "          'django.contrib.messages.storage.cookie']\n"
        "missing = [m for m in wanted if m not in sys.modules]\n"
        "print(figures['modules'], len(set(sys.modules) - before), missing)\n"
        "sys.exit(1 if missing else 0)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    loaded = int(result.stdout.split()[1])
    assert loaded > 50, result.stdout


def test_a_new_worker_opens_its_connections_before_its_first_request(transactional_db):
    import runpy
    from pathlib import Path

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is never closed; CI runs this on PostgreSQL")
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    connection.close()
    assert connection.connection is None
    config["post_fork"](server=None, worker=None)
    try:
        assert connection.connection is not None
    finally:
        connection.close()


def test_a_new_worker_starts_even_when_the_database_is_down(caplog, monkeypatch):
    from django.db import connection

    from engagierte_stadt import warmup

    def refuse():
        raise OSError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    warmup.connect_worker()
    assert "could not connect the new worker" in caplog.text


def test_a_worker_without_a_database_has_nothing_to_connect(caplog, monkeypatch):
    """The benchmark's bare app has no database (the dummy backend, which refuses every
    call): its workers start without a warning."""
    from django.db import connection

    from engagierte_stadt import warmup

    def refuse():
        raise AssertionError("the dummy backend was asked to connect")

    monkeypatch.setitem(connection.settings_dict, "ENGINE", warmup.DUMMY_ENGINE)
    monkeypatch.setattr(connection, "ensure_connection", refuse)
    warmup.connect_worker()
    assert "could not connect" not in caplog.text
