"""Questions a project answers, so that templates need not know the stored status values."""

import pytest

from quartiere.models import Project


@pytest.mark.parametrize("status", Project.Status)
def test_only_a_running_project_is_running(status):
    assert Project(status=status).is_running is (status == Project.Status.RUNNING)
