#!/usr/bin/env python3
"""How fast is /suche/ with many rows, and do its queries use the GIN indexes? Not a test: it
prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench DJANGO_DEBUG=true \\
        .venv/bin/python bench/search_speed.py --scale 10

Uses the database from DATABASE_URL (it must be migrated; PostgreSQL for the full-text search,
SQLite measures the fallback). Loads the demo with `--scale` units of bulk data and rebuilds
the search index, all in one transaction that is rolled back at the end, so the database is
left as it was. For each query it prints the page's time (median of `--repeat` runs with
Django's test client), its number of SQL queries and its slowest query, then the plan
(EXPLAIN ANALYZE) of the projects' search query.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagierte_stadt.settings")

QUERIES = ["Nachbarn", "Repaircafe", "Buergerzentrum Welper", "Spielplatz", "Zeppelin"]


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="units of bulk data (default 10)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (default 5)")
    args = parser.parse_args()

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from engagierte_stadt import search
    from quartiere.models import Project

    try:
        with transaction.atomic():
            started = time.perf_counter()
            call_command("load_demo", scale=args.scale, stdout=io.StringIO())
            print(
                f"demo with --scale {args.scale} and search index: "
                f"{time.perf_counter() - started:.1f} s, {Project.objects.count()} projects, "
                f"database {connection.vendor}"
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
            client = Client(HTTP_HOST="127.0.0.1")
            for query in QUERIES:
                times = []
                for _ in range(args.repeat):
                    connection.queries_log.clear()  # the loading filled the bounded log
                    with CaptureQueriesContext(connection) as captured:
                        begin = time.perf_counter()
                        response = client.get("/suche/", {"q": query})
                        times.append((time.perf_counter() - begin) * 1000)
                    assert response.status_code == 200, response.status_code
                slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
                print(
                    f"{query!r}: {statistics.median(times):.0f} ms per page (median), "
                    f"{len(captured.captured_queries)} queries, slowest "
                    f"{float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:120]}…"
                )
            if connection.vendor == "postgresql":
                matches = search._matches(Project, search.query_words("Nachbarn"))[:5]
                print("\nEXPLAIN ANALYZE of the projects' hits for 'Nachbarn':")
                print(matches.explain(analyze=True))
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
