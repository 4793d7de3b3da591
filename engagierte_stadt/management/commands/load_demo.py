"""Load the Hattingen demo content. Safe to run again: existing rows are left as they are.

The texts and facts come from the data files in `demo/` (see engagierte_stadt/demo.py); this
command and the apps' demo modules only decide how they become rows. `--scale` adds the bulk
data of bench/scale_data.py for performance work.
"""

import secrets
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from engagierte_stadt import demo, roles
from engagierte_stadt.models import AccessibilityStatement, Article, Page, SiteSettings
from engagierte_stadt.search import rebuild_search_index
from ideen import demo as ideen_demo
from konferenzen import demo as konferenzen_demo
from partner import demo as partner_demo
from quartiere import demo as quartiere_demo
from quartiere.models import Opportunity, Project, Quartier, QuartierAssignment


class Command(BaseCommand):
    help = (
        "Load the Hattingen demo content from demo/*.toml (districts, projects, "
        "opportunities, conferences, partners, pages, first news, a staff account). With "
        "--scale N, add the bulk data of bench/scale_data.py for performance work: N × 1000 "
        "projects, N × 3000 opportunities, N × 2000 meetings, N × 250 partners, "
        "N × 5000 ideas."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="Also create N units of bulk data (one unit: 1000 projects, 3000 opportunities).",
        )
        parser.add_argument(
            "--scale-unit",
            type=int,
            default=None,
            metavar="PROJECTS",
            help="Projects per unit of --scale (default 1000); opportunities are 3×.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        scale, unit = options["scale"], options["scale_unit"]
        if scale < 0 or (unit is not None and unit < 1):
            raise CommandError("--scale must be 0 or more and --scale-unit at least 1.")
        site = demo.data("site")
        self.site_settings(site["site_settings"])
        self.statement(site["accessibility_statement"])
        created_quartiere = self.quartiere(demo.data("quartiere")["quartiere"])
        created = quartiere_demo.load(stdout=self.stdout)
        created_pages = self.pages(site["pages"], notice=site["placeholder_notice"])
        created_articles = self.articles(site["articles"])
        konferenzen_demo.load(stdout=self.stdout)
        partner_demo.load(stdout=self.stdout)
        ideen_demo.load(stdout=self.stdout)
        self.stdout.write(
            f"Demo content ready: {Quartier.objects.count()} Stadtteile/Quartiere "
            f"({created_quartiere} new), {Project.objects.count()} projects "
            f"({created['projects']} new, {created['images']} new images), "
            f"{Opportunity.objects.count()} opportunities ({created['opportunities']} new), "
            f"{created['topics']} new topics, {created['skills']} new skills, "
            f"{Page.objects.count()} pages ({created_pages} new), "
            f"{Article.objects.count()} articles ({created_articles} new)."
        )
        if scale:
            # Imported only here: the demo itself needs none of the benchmark code.
            from bench import scale_data

            scale_data.load(scale, unit=unit, stdout=self.stdout)
        # Bulk loads skip save(): index everything, and build the search vocabulary, once.
        rebuild_search_index()
        self.staff_account()

    def site_settings(self, texts: dict):
        site = SiteSettings.load()
        if not site.intro:
            _assign(site, texts)
            if not site.logo:
                site.logo.save("logo-engagierte-stadt.png", demo.logo(), save=False)
            if not site.share_image:
                site.share_image.save("vorschau.jpg", demo.townscape(seed=3), save=False)
            site.save()

    def statement(self, texts: dict):
        statement = AccessibilityStatement.load()
        if not statement.enforcement:
            _assign(statement, texts)
            statement.save()

    def quartiere(self, specs: list[dict]) -> int:
        """Stadtteile and Quartiere in file order, so a parent comes before its Quartiere."""
        created = 0
        for spec in specs:
            defaults = {
                key: value
                for key, value in spec.items()
                if key not in ("slug", "parent", "neighbours")
            }
            defaults["kind"] = Quartier.Kind(spec["kind"])
            if "parent" in spec:
                defaults["parent"] = Quartier.objects.get(slug=spec["parent"])
            quartier, was_created = Quartier.objects.get_or_create(
                slug=spec["slug"], defaults=defaults
            )
            demo.add_english(quartier, spec)
            created += was_created
        # Neighbours once all exist; a Quartier whose neighbours staff edited keeps them.
        for spec in specs:
            quartier = Quartier.objects.get(slug=spec["slug"])
            if spec.get("neighbours") and not quartier.neighbours.exists():
                quartier.neighbours.add(*Quartier.objects.filter(slug__in=spec["neighbours"]))
        return created

    def pages(self, specs: list[dict], notice: str) -> int:
        created = 0
        for spec in specs:
            body = spec["body"]
            if spec.get("placeholder"):
                body = f"{notice}\n\n{body}"
            page, was_created = Page.objects.get_or_create(
                slug=Page.Slug(spec["slug"]),
                defaults={
                    "title": spec["title"],
                    "lead": spec["lead"],
                    "body": body,
                    "style": Page.Style(spec.get("style", Page.Style.STANDARD)),
                    "needs_review": spec.get("needs_review", False),
                    **demo.english(spec),
                },
            )
            demo.add_english(page, spec)
            created += was_created
        return created

    def articles(self, specs: list[dict]) -> int:
        created = 0
        for spec in specs:
            slug = spec["slug"]
            if Article.objects.filter(slug=slug).exists():
                continue
            day = date(timezone.now().year, spec["publish_month"], spec["publish_day"])
            article = Article(
                slug=slug,
                title=spec["title"],
                teaser=spec["teaser"],
                body=spec["body"],
                photo_alt=spec["photo_alt"],
                photo_caption=spec["photo_caption"],
                photo_credit=spec["photo_credit"],
                status=Article.Status.PUBLISHED,
                publish_at=timezone.make_aware(datetime.combine(day, spec["publish_time"])),
            )
            article.photo.save(f"{slug}.jpg", demo.townscape(seed=spec["photo_seed"]), save=False)
            article.full_clean()
            article.save()
            created += 1
        return created

    def staff_account(self):
        """The demo editor: Redaktion for all public content and Quartiersentwicklung for
        every Stadtteil, so the demo shows its sign-ups too (through assignments, the way
        a real editor gets them)."""
        User = get_user_model()
        call_command("setup_roles", stdout=self.stdout)
        if User.objects.filter(username="redaktion").exists():
            self.stdout.write(
                "Staff account 'redaktion' exists already; its password is not shown again. "
                "Set a new one with: python manage.py changepassword redaktion"
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username="redaktion", password=password, is_staff=True, first_name="Redaktion"
        )
        editor_roles = [roles.REDAKTION, roles.QUARTIERSENTWICKLUNG]
        user.groups.add(*Group.objects.filter(name__in=editor_roles))
        QuartierAssignment.objects.bulk_create(
            QuartierAssignment(user=user, quartier=quartier)
            for quartier in Quartier.objects.filter(parent__isnull=True)
        )
        self.stdout.write(
            self.style.WARNING(
                "Demo staff account created – this password is shown only once:\n"
                f"  user: redaktion\n  password: {password}\n  admin: /admin/\n"
                "On the first login it asks to set up an authenticator app (second factor), "
                "as for every staff account."
            )
        )


def _assign(instance, values: dict) -> None:
    """Set model fields from a data file's table; a misspelt key fails instead of vanishing."""
    for name, value in values.items():
        instance._meta.get_field(name)
        setattr(instance, name, value)
