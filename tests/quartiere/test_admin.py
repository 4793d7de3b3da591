"""City staff keep projects and opportunities current in the admin."""

import pytest
from django.contrib.auth import get_user_model

from quartiere.models import Opportunity, Project, Publication, Quartier
from tests.factories import login_staff


@pytest.fixture
def admin_client(db, client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, user)
    return client


@pytest.fixture
def welper(db):
    return Quartier.objects.create(name="Welper", slug="welper")


def make_project(quartier, **kwargs):
    defaults = {
        "title": "Repair-Café",
        "slug": "repair-cafe",
        "teaser": "Reparieren statt wegwerfen",
    }
    defaults.update(kwargs)
    return Project.objects.create(quartier=quartier, **defaults)


def test_bulk_publish_and_unpublish_projects(admin_client, welper):
    project = make_project(welper)
    admin_client.post(
        "/admin/quartiere/project/", {"action": "publish", "_selected_action": [project.pk]}
    )
    project.refresh_from_db()
    assert project.publication == Publication.PUBLISHED
    admin_client.post(
        "/admin/quartiere/project/", {"action": "unpublish", "_selected_action": [project.pk]}
    )
    project.refresh_from_db()
    assert project.publication == Publication.DRAFT


def test_project_change_page_offers_view_on_site(admin_client, welper):
    project = make_project(welper)
    html = admin_client.get(f"/admin/quartiere/project/{project.pk}/change/").content.decode()
    # A draft: the link opens its preview (engagierte_stadt/preview.py) ...
    assert f'href="/vorschau/projekte/{project.pk}/" class="viewsitelink"' in html
    # ... once published, Django's "Auf der Website ansehen" link to the public page.
    project.publication = Publication.PUBLISHED
    project.save()
    html = admin_client.get(f"/admin/quartiere/project/{project.pk}/change/").content.decode()
    assert "/admin/r/" in html
    assert 'name="images-TOTAL_FORMS"' in html and 'name="opportunities-TOTAL_FORMS"' in html


def test_opportunity_list_shows_places_taken(admin_client, welper):
    Opportunity.objects.create(
        quartier=welper, title="Tafel", slug="tafel", description="Lebensmittel", places=6
    )
    Opportunity.objects.create(
        quartier=welper, title="Lesepaten", slug="lesepaten", description="Vorlesen"
    )
    html = admin_client.get("/admin/quartiere/opportunity/").content.decode()
    assert "0 / 6" in html
    assert "0 (unbegrenzt)" in html


def test_opportunity_weekdays_are_chosen_with_checkboxes(admin_client, welper):
    response = admin_client.post(
        "/admin/quartiere/opportunity/add/",
        {
            "title": "Gartengruppe",
            "slug": "gartengruppe",
            "quartier": welper.pk,
            "description": "Beete pflegen",
            "commitment": "regelmaessig",
            "hours_per_month": "4",
            "weekdays": ["di", "sa"],
            "is_open": "on",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Opportunity.objects.get(slug="gartengruppe").weekdays == ["di", "sa"]


def test_one_off_opportunity_without_date_gets_german_error(admin_client, welper):
    response = admin_client.post(
        "/admin/quartiere/opportunity/add/",
        {
            "title": "Müllsammelaktion",
            "slug": "muellsammelaktion",
            "quartier": welper.pk,
            "description": "Gemeinsam aufräumen",
            "commitment": "einmalig",
            "is_open": "on",
            "is_published": "on",
        },
    )
    assert response.status_code == 200
    assert "Ein einmaliges Angebot braucht ein Datum." in response.content.decode()
    assert not Opportunity.objects.exists()


def test_opportunity_in_a_project_takes_the_project_quartier(welper):
    project = make_project(welper)
    opportunity = Opportunity.objects.create(
        project=project, title="Helfen", slug="helfen", description="x"
    )
    assert opportunity.quartier == welper


def test_project_end_before_start_is_refused(admin_client, welper):
    from datetime import date

    from django.core.exceptions import ValidationError

    project = Project(
        quartier=welper,
        title="X",
        slug="x",
        teaser="y",
        start_date=date(2026, 5, 1),
        end_date=date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "end_date" in error.value.message_dict
