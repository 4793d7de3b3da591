#!/usr/bin/env python3
"""How fast does bulk demo data go into the database? Not a test: it prints figures.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 DJANGO_DEBUG=true \\
        .venv/bin/python bench/load_scale.py --scale 10

Uses the database from DATABASE_URL (it must be migrated). Loads the normal demo first if
there are no Quartiere yet. Everything runs in one transaction that is rolled back at the
end, so the database is left as it was; pass --keep to commit instead.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagierte_stadt.settings")


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="units (default 10)")
    parser.add_argument("--unit", type=int, default=1000, help="projects per unit")
    parser.add_argument("--keep", action="store_true", help="commit instead of rolling back")
    args = parser.parse_args()

    import django

    django.setup()

    from django.db import connection, transaction

    from bench import scale_data
    from quartiere.models import Quartier

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    try:
        with transaction.atomic():
            if not Quartier.objects.exists():
                from django.core.management import call_command

                started = time.perf_counter()
                call_command("load_demo", stdout=io.StringIO())
                print(f"Normal demo loaded first in {time.perf_counter() - started:.2f} s")
            started = time.perf_counter()
            counts = scale_data.projects(args.scale, unit=args.unit)
            seconds = time.perf_counter() - started
            rows = (
                counts["projects"]
                + counts["opportunities"]
                + counts["topic_links"]
                + counts["skill_links"]
            )
            print(f"Run {counts['prefix']}: scale {args.scale} × {args.unit} projects")
            for key in ["projects", "opportunities", "topic_links", "skill_links"]:
                print(f"  {key:<14} {counts[key]:>8}")
            print(f"  {'rows in all':<14} {rows:>8}")
            print(
                f"Time: {seconds:.2f} s  →  {rows / seconds:,.0f} rows/s, "
                f"{counts['projects'] / seconds:,.0f} projects/s"
            )
            if not args.keep:
                raise Rollback
    except Rollback:
        print("Rolled back (use --keep to commit).")
    else:
        print("Committed.")


if __name__ == "__main__":
    main()
