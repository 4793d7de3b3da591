"""Issue #17: without the page cache, a public page's queries are compiled to SQL once per
process (engagierte_stadt.prepared), not built and compiled on every request. Every page
type the benchmark measures (bench/pages.py), on the Hattingen demo: its second request
compiles no query."""

import pytest
from django.db import connection

from bench.pages import public_urls

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's substring search (make run) builds its queries on every request",
)

# Django's Paginator counts and cuts the news list itself: built on every request.
BUILT_EACH_TIME = {"Aktuelles"}


def test_every_page_type_compiles_no_query_on_its_second_request(
    demo, client, settings, compiled_queries
):
    settings.PAGE_CACHE = False
    pages = [(name, url) for name, url in public_urls() if name not in BUILT_EACH_TIME]
    assert len(pages) >= 19
    compiling = {}
    for name, url in pages:
        first = client.get(url)
        assert first.status_code == 200, (name, url)
        compiled_queries.clear()
        assert client.get(url).status_code == 200
        if compiled_queries:
            compiling[name] = sorted({model.__name__ for model in compiled_queries})
    assert compiling == {}
