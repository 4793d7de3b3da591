import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _german(settings):
    """Every test sees the portal as a German visitor does."""
    with translation.override("de"):
        yield
