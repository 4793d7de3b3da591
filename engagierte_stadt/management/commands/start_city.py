"""Set up an empty portal for a town: its name, its Stadtteile from a CSV, placeholder pages."""

import csv
import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from engagierte_stadt.models import AccessibilityStatement, Article, Page, SiteSettings
from quartiere.models import Project, Quartier

TEXTS = Path(__file__).resolve().parents[2] / "start_city.toml"
UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
KINDS = {
    "": Quartier.Kind.DISTRICT,
    "stadtteil": Quartier.Kind.DISTRICT,
    "ortsteil": Quartier.Kind.DISTRICT,
    "quartier": Quartier.Kind.NEIGHBOURHOOD,
}


def german_slug(name: str) -> str:
    """ "Bredenscheid-Stüter" → "bredenscheid-stueter" (as people type it), not "-stuter"."""
    return slugify(name.translate(UMLAUTS))


def read_districts(path: Path) -> list[dict]:
    """Rows of the CSV: `name` (required), `slug`, `art` (Stadtteil/Quartier), `gehoert_zu`
    (the name of the Stadtteil a Quartier lies in), `kurztext`. Comma or semicolon, as Excel
    writes it; UTF-8 with or without BOM."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path} as UTF-8 text: {error}") from error
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;")
    except csv.Error:  # one column: nothing to tell apart
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(), dialect=dialect)
    fields = {name.strip().lower() for name in reader.fieldnames or []}
    if "name" not in fields:
        raise CommandError(f"{path}: the first line must name the columns, at least 'name'.")
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items()}
        if not row.get("name"):
            continue
        kind = row.get("art", "").lower()
        if kind not in KINDS:
            raise CommandError(f"{path}, line {number}: 'art' must be Stadtteil or Quartier.")
        rows.append(
            {
                "name": row["name"],
                "slug": row.get("slug") or german_slug(row["name"]),
                "kind": KINDS[kind],
                "parent": row.get("gehoert_zu", ""),
                "teaser": row.get("kurztext", ""),
                "line": number,
            }
        )
    if not rows:
        raise CommandError(f"{path} lists no Stadtteil.")
    return rows


class Command(BaseCommand):
    help = (
        "Set up an empty portal for a town: the town's name in the site settings, its "
        "Stadtteile and Quartiere from a CSV file (columns name, slug, art, gehoert_zu, "
        "kurztext), placeholder legal pages and the staff roles. Refuses a database that "
        "already has content. See docs/neue-stadt.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("city", help='The town\'s name, e.g. "Musterstadt".')
        parser.add_argument("districts", help="CSV file with the Stadtteile (and Quartiere).")
        parser.add_argument("--portal-name", help='Default: "Engagierte Stadt <city>".')

    def handle(self, *args, **options):
        city = options["city"].strip()
        if not city:
            raise CommandError("The town needs a name.")
        districts = read_districts(Path(options["districts"]))
        texts = tomllib.loads(TEXTS.read_text(encoding="utf-8"))
        for model in (Quartier, Project, Page, Article, SiteSettings):
            if model.objects.exists():
                raise CommandError(
                    f"The database already has content ({model._meta.verbose_name_plural}): "
                    "start_city only sets up an empty portal, after `migrate`."
                )
        with transaction.atomic():
            self.site_settings(city, options["portal_name"], texts)
            created = self.quartiere(districts)
            self.pages(city, texts)
        call_command("setup_roles", stdout=self.stdout)
        self.stdout.write(
            f"Portal for {city} set up: {created} Stadtteile and Quartiere, "
            f"{Page.objects.count()} placeholder pages. Next: `manage.py createsuperuser`, then "
            "replace the placeholder pages and fill in the site settings in the admin."
        )

    def site_settings(self, city: str, portal_name: str | None, texts: dict) -> None:
        values = {key: value.format(city=city) for key, value in texts["site_settings"].items()}
        if portal_name:
            values["portal_name"] = portal_name
        SiteSettings.objects.create(city_name=city, **values)
        AccessibilityStatement.objects.update_or_create(
            pk=1, defaults=texts["accessibility_statement"]
        )

    def quartiere(self, rows: list[dict]) -> int:
        """Stadtteile first, then the Quartiere that name their Stadtteil."""
        by_name = {}
        for row in sorted(rows, key=lambda r: bool(r["parent"])):
            parent = None
            if row["parent"]:
                parent = by_name.get(row["parent"])
                if parent is None:
                    raise CommandError(
                        f"line {row['line']}: '{row['parent']}' (gehoert_zu) is not a "
                        "Stadtteil of the file."
                    )
            quartier = Quartier(
                name=row["name"],
                slug=row["slug"],
                kind=row["kind"],
                parent=parent,
                teaser=row["teaser"],
            )
            try:
                quartier.full_clean()
            except ValidationError as error:
                problems = "; ".join(
                    f"{field}: {' '.join(messages)}"
                    for field, messages in error.message_dict.items()
                )
                raise CommandError(f"line {row['line']} ({row['name']}): {problems}") from error
            quartier.save()
            by_name[row["name"]] = quartier
        return len(by_name)

    def pages(self, city: str, texts: dict) -> None:
        notice = texts["placeholder_notice"]
        for spec in texts["pages"]:
            body = spec["body"].format(city=city)
            if spec.get("placeholder"):
                body = f"{notice}\n\n{body}"
            Page.objects.create(
                slug=Page.Slug(spec["slug"]),
                title=spec["title"].format(city=city),
                lead=spec["lead"].format(city=city),
                body=body,
                style=Page.Style(spec.get("style", Page.Style.STANDARD)),
            )
