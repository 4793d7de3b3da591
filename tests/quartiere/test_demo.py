"""The Quartiere demo: realistic Hattingen content, idempotent, and fast bulk data."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from engagierte_stadt import demo as pictures
from quartiere import demo
from quartiere.models import (
    Opportunity,
    Project,
    ProjectImage,
    Publication,
    Quartier,
    Skill,
    Topic,
)

STADTTEILE = [
    "hattingen-mitte",
    "winz-baak",
    "welper",
    "niederwenigern",
    "holthausen",
    "bredenscheid-stueter",
    "blankenstein",
    "niederbonsfeld",
    "oberelfringhausen",
    "oberstueter",
    "niederelfringhausen",
]


def load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def _demo_once(django_db_setup, django_db_blocker):
    """The demo, loaded once for the class below and rolled back at its end.

    Loading it costs a few seconds (every gallery image gets its renditions), so tests
    share it; each test still runs in its own savepoint, so changes stay in the test.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_db(_demo_once, db):
    pass


@pytest.fixture
def fresh_demo(db):
    """The demo in this test's own database, for tests that change or delete demo rows."""
    load_demo()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in [Quartier, Topic, Skill, Project, ProjectImage, Opportunity]
    } | {
        "topic_links": Project.topics.through.objects.count(),
        "skill_links": Opportunity.skills.through.objects.count(),
    }


class TestDemoContent:
    """Read-only checks on one shared load (and bulk runs, rolled back per test)."""

    def test_every_stadtteil_has_a_published_project(self, demo_db):
        for slug in STADTTEILE:
            assert Project.objects.published().filter(quartier__slug=slug).exists(), slug

    def test_the_rauendahl_project_lies_in_rauendahl(self, demo_db):
        project = Project.objects.published().get(title="Quartiersentwicklung im Rauendahl")
        assert project.quartier.slug == "rauendahl"
        assert project.quartier.kind == Quartier.Kind.NEIGHBOURHOOD
        assert project.status == Project.Status.RUNNING and project.featured
        assert project.easy_language and project.topics.count() >= 2
        assert project in Project.objects.in_quartier(Quartier.objects.get(slug="hattingen-mitte"))

    def test_topics_and_skills(self, demo_db):
        assert set(Topic.objects.values_list("name", flat=True)) == {
            "Nachbarschaft",
            "Kinder und Jugend",
            "Senior:innen",
            "Umwelt und Klima",
            "Kultur",
            "Sport",
            "Integration",
            "Bildung",
        }
        assert all(Topic.objects.values_list("description", flat=True))
        assert {"Handwerk", "Gartenarbeit", "Zuhören", "Fahrdienst"} <= set(
            Skill.objects.values_list("name", flat=True)
        )

    def test_projects_are_varied(self, demo_db):
        projects = Project.objects.all()
        assert set(projects.values_list("status", flat=True)) == set(Project.Status.values)
        assert projects.filter(publication=Publication.DRAFT).count() == 1
        assert projects.filter(featured=True, publication=Publication.PUBLISHED).count() >= 3
        assert projects.exclude(easy_language="").count() >= 3
        today = timezone.localdate()
        for project in projects:
            assert project.topics.exists(), project
            if project.status == Project.Status.FINISHED:
                assert project.end_date < today
            if project.status == Project.Status.PLANNED:
                assert project.start_date > today
            if project.status == Project.Status.RUNNING:
                assert project.start_date <= today

    def test_demo_rows_pass_validation(self, demo_db):
        for model in [Project, Opportunity, ProjectImage]:
            for row in model.objects.all():
                row.full_clean()

    def test_contact_addresses_use_the_reserved_domain_only(self, demo_db):
        emails = list(Project.objects.values_list("contact_email", flat=True))
        emails += list(
            Quartier.objects.exclude(contact_email="").values_list("contact_email", flat=True)
        )
        assert emails and all(email.endswith("@hattingen.example") for email in emails)
        texts = " ".join(
            list(Project.objects.values_list("description", flat=True))
            + list(Opportunity.objects.values_list("description", flat=True))
            + list(Opportunity.objects.values_list("requirements", flat=True))
        )
        domains = set(re.findall(r"@([\w.-]+)", texts))
        assert domains <= {"hattingen.example"}

    def test_gallery_images_have_alt_text_credit_and_are_drawn(self, demo_db):
        images = ProjectImage.objects.select_related("project")
        assert 15 <= images.count() <= 30
        for project in Project.objects.all():
            assert 1 <= project.images.count() <= 3, project
        for picture in images:
            assert picture.alt_text in pictures.MOTIF_ALT_TEXTS.values()
            assert picture.caption
            assert picture.credit == "Grafik: Stadt Hattingen"
            assert (picture.width, picture.height) == (1200, 675)
            with Image.open(picture.image.path) as image:
                assert image.size == (1200, 675)

    def test_opportunities_cover_every_kind(self, demo_db):
        opportunities = Opportunity.objects.all()
        assert set(opportunities.values_list("commitment", flat=True)) == set(
            Opportunity.Commitment.values
        )
        assert opportunities.filter(places__isnull=True).exists()
        assert {4, 6, 12} <= set(opportunities.values_list("places", flat=True))
        assert opportunities.filter(signup_deadline__isnull=False).exists()
        assert opportunities.filter(is_open=False).count() == 1
        assert opportunities.filter(requirements__icontains="erweitertes Führungszeugnis").exists()
        assert opportunities.filter(project__isnull=True, quartier__isnull=False).count() >= 2
        for field in Opportunity.SUITABILITY_FIELDS.values():
            assert opportunities.filter(**{field: True}).exists(), field
        assert opportunities.filter(skills__isnull=False).distinct().count() >= 10
        for project in Project.objects.all():
            assert 2 <= project.opportunities.count() <= 3, project

    def test_opportunity_dates_fit_their_commitment(self, demo_db):
        now = timezone.now()
        for opportunity in Opportunity.objects.all():
            if opportunity.commitment == Opportunity.Commitment.ONCE:
                assert now < opportunity.starts_at < now + timezone.timedelta(weeks=8)
                assert opportunity.ends_at > opportunity.starts_at
            elif opportunity.commitment == Opportunity.Commitment.REGULAR:
                assert opportunity.hours_per_month and opportunity.weekdays
            if opportunity.project_id:
                assert opportunity.quartier_id == opportunity.project.quartier_id
            if opportunity.signup_deadline and opportunity.starts_at:
                assert opportunity.signup_deadline <= timezone.localdate(opportunity.starts_at)

    def test_open_published_opportunities_are_listed(self, demo_db):
        visible = Opportunity.objects.published().open()
        assert visible.count() >= 25
        assert not visible.filter(project__publication=Publication.DRAFT).exists()

    def test_second_run_creates_nothing(self, demo_db):
        before = counts()
        output = load_demo()
        assert counts() == before
        assert "15 projects (0 new, 0 new images)" in output
        assert demo.load() == {
            "topics": 0,
            "skills": 0,
            "projects": 0,
            "images": 0,
            "opportunities": 0,
        }

    def test_scale_one_adds_a_thousand_projects_and_three_thousand_opportunities(self, demo_db):
        before = counts()
        output = load_demo("--scale", "1")
        assert "Bulk data (bulk-1): 1000 projects and 3000 opportunities" in output
        assert Project.objects.count() == before["Project"] + 1000
        assert Opportunity.objects.count() == before["Opportunity"] + 3000
        assert ProjectImage.objects.count() == before["ProjectImage"]

        bulk_projects = Project.objects.filter(slug__startswith="bulk-1-")
        assert bulk_projects.count() == 1000
        assert not bulk_projects.filter(topics__isnull=True).exists()
        assert set(bulk_projects.values_list("quartier", flat=True)) == set(
            Quartier.objects.values_list("pk", flat=True)
        )
        assert set(bulk_projects.values_list("status", flat=True)) == set(Project.Status.values)
        assert bulk_projects.published().count() == 900
        assert not bulk_projects.filter(start_date__gt=F("end_date")).exists()

        bulk_opportunities = Opportunity.objects.filter(slug__startswith="bulk-1-")
        assert bulk_opportunities.count() == 3000
        assert not bulk_opportunities.filter(quartier__isnull=True).exists()
        linked = bulk_opportunities.filter(project__isnull=False)
        assert not linked.exclude(quartier=F("project__quartier")).exists()
        assert bulk_opportunities.filter(project__isnull=True).count() == 300
        assert set(bulk_opportunities.values_list("commitment", flat=True)) == set(
            Opportunity.Commitment.values
        )
        for opportunity in bulk_opportunities.order_by("?")[:30]:
            opportunity.full_clean()

    def test_each_scale_run_adds_a_new_batch(self, demo_db):
        load_demo("--scale", "2", "--scale-unit", "5")
        output = load_demo("--scale", "1", "--scale-unit", "5")
        assert "bulk-2" in output
        assert Project.objects.filter(slug__startswith="bulk-").count() == 15
        assert Opportunity.objects.filter(slug__startswith="bulk-").count() == 45
        assert "password:" not in output  # the staff password is still shown only once


def test_second_run_keeps_staff_edits(fresh_demo):
    project = Project.objects.get(slug="quartiersentwicklung-im-rauendahl")
    Project.objects.filter(pk=project.pk).update(title="Rauendahl lebt", featured=False)
    project.topics.clear()
    project.images.first().delete()
    Opportunity.objects.filter(slug="rauendahl-beete-bepflanzen").update(places=20)
    Topic.objects.filter(slug="kultur").update(description="Eigener Text")
    load_demo()
    project.refresh_from_db()
    assert project.title == "Rauendahl lebt" and not project.featured
    assert not project.topics.exists()
    assert project.images.count() == 2
    assert Opportunity.objects.get(slug="rauendahl-beete-bepflanzen").places == 20
    assert Topic.objects.get(slug="kultur").description == "Eigener Text"


def test_load_without_quartiere_skips_projects_with_a_note(db):
    out = io.StringIO()
    created = demo.load(stdout=out)
    assert created["projects"] == 0 and created["opportunities"] == 0
    assert created["topics"] == 8
    assert "Skipped project quartiersentwicklung-im-rauendahl" in out.getvalue()


def test_every_motif_draws_and_has_an_alt_text():
    for motif in pictures.MOTIF_ALT_TEXTS:
        data = pictures.project_picture(motif, seed=1)
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (1200, 675)
    assert pictures.project_picture("garden", 1) == pictures.project_picture("garden", 1)
    with pytest.raises(ValueError):
        pictures.project_picture("unicorn")


def test_scale_must_not_be_negative(db):
    with pytest.raises(CommandError):
        load_demo("--scale", "-1")
