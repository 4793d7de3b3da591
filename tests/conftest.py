import pytest
from django.utils import translation

# A right-to-left pseudo-locale generated at test time (docs/sprachen.md).
from tests.pseudo_locale import pseudo_catalogue, pseudo_locale  # noqa: F401


@pytest.fixture(autouse=True)
def _german(settings):
    """Every test sees the portal as a German visitor does."""
    with translation.override("de"):
        yield


@pytest.fixture(scope="module")
def _demo_for_module(django_db_setup, django_db_blocker):
    """The Hattingen demo, loaded once per test module and rolled back at its end.

    Loading costs a few seconds (every gallery image gets its renditions); each test still
    runs in its own savepoint on top, so what a test changes stays in that test.
    """
    import io

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_for_module, db):
    """Tests that read the demo content (shared per module; changes roll back per test)."""


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's `admin_client` (a client of its own, logged in as a superuser), with the
    second factor passed as every staff login must."""
    from django.test import Client

    from tests.factories import login_staff

    client = Client()
    login_staff(client, admin_user)
    return client


@pytest.fixture
def compiled_queries(monkeypatch, settings):
    """The models of the queries Django compiles to SQL from here on, as a list (issue #17:
    a page's queries are compiled once per process, not on every request). Turns off the
    checks that compile the usual query beside a prepared one to compare them."""
    from django.db.models.sql.compiler import SQLCompiler

    settings.PREPARED_CHECK = False
    compiled = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiled.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return compiled
