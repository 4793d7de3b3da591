"""The warm-up that gunicorn's master runs before it forks the workers."""

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
