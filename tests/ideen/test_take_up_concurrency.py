"""Two staff members click "Als Projekt übernehmen" at once, on PostgreSQL with real threads:
one project, each backer mailed once. Skipped on SQLite (it serialises all writers); CI runs
it in its PostgreSQL pass."""

import threading
import time

import pytest
from django.core import mail
from django.db import IntegrityError, connection, connections
from django.db.models import QuerySet

from ideen import services
from ideen.models import BackerStatus, IdeaBacker
from quartiere.models import Project
from tests.factories import QuartierFactory
from tests.ideen.helpers import published


def two_clicks_at_once(monkeypatch) -> tuple[list, list]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); CI runs it there")
    idea = published(QuartierFactory(name="Welper", slug="welper"))
    result = services.backer_submit(idea=idea, email="helfer@example.org")
    IdeaBacker.objects.filter(pk=result.backer.pk).update(status=BackerStatus.CONFIRMED)
    mail.outbox.clear()
    # Widen the window between the check "no project yet" and creating one.
    original = services._unique_project_slug

    def slow_slug(title):
        time.sleep(0.3)
        return original(title)

    monkeypatch.setattr(services, "_unique_project_slug", slow_slug)
    barrier = threading.Barrier(2)
    projects, errors = [], []

    def click():
        try:
            barrier.wait()
            projects.append(services.idea_take_up_as_project(idea=idea).pk)
        except Exception as exc:  # noqa: BLE001 - every error fails the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return projects, errors


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_project_and_one_mail_per_backer(monkeypatch):
    projects, errors = two_clicks_at_once(monkeypatch)
    assert errors == [] and len(set(projects)) == 1 and len(projects) == 2
    assert Project.objects.count() == 1
    assert [m.to for m in mail.outbox if m.subject.endswith("wurde übernommen")] == [
        ["helfer@example.org"]
    ]


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_makes_two_projects(monkeypatch):
    """Proves the test above can fail: without the row lock both clicks get past "no project
    yet" and try to create one (the second then trips over the taken address, or makes a
    second project)."""
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, **kwargs: self)
    projects, errors = two_clicks_at_once(monkeypatch)
    assert Project.objects.count() == 2 or any(isinstance(e, IntegrityError) for e in errors)
