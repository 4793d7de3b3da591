"""Staff look at a draft as the public will see it (engagierte_stadt/preview.py), only in their
own Quartiere; "Auf der Website ansehen" in the admin leads there."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from engagierte_stadt import roles
from engagierte_stadt.models import Article
from quartiere.models import Publication, QuartierAssignment
from tests.factories import (
    ArticleFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
    login_staff,
)

pytestmark = pytest.mark.django_db

BANNER = "Vorschau – nicht veröffentlicht"


@pytest.fixture
def town():
    call_command("setup_roles", stdout=io.StringIO())
    welper = QuartierFactory(name="Welper", slug="welper")
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    return {
        "welper": ProjectFactory(
            quartier=welper,
            title="Entwurf Welper",
            slug="entwurf-welper",
            publication=Publication.DRAFT,
        ),
        "blankenstein": ProjectFactory(
            quartier=blankenstein,
            title="Entwurf Blankenstein",
            slug="entwurf-blankenstein",
            publication=Publication.DRAFT,
        ),
    }


@pytest.fixture
def editor_client(client, town):
    """Quartiersentwicklung for Welper."""
    user = get_user_model().objects.create_user("welper-team", password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name=roles.QUARTIERSENTWICKLUNG))
    QuartierAssignment.objects.create(user=user, quartier=town["welper"].quartier)
    login_staff(client, user)
    return client


def preview(project) -> str:
    return f"/vorschau/projekte/{project.pk}/"


def test_editor_previews_a_draft_of_their_quartier(editor_client, town):
    response = editor_client.get(preview(town["welper"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Entwurf Welper" in html and BANNER in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_draft_stays_hidden_on_its_public_address(editor_client, town):
    assert editor_client.get(town["welper"].get_absolute_url()).status_code == 404


def test_editor_gets_no_preview_of_another_quartier(editor_client, town):
    assert editor_client.get(preview(town["blankenstein"])).status_code == 404


def test_anonymous_visitors_and_non_staff_get_no_preview(client, town):
    assert client.get(preview(town["welper"])).status_code == 404
    user = get_user_model().objects.create_user("nachbar", password="pw")
    client.force_login(user)
    assert client.get(preview(town["welper"])).status_code == 404


def test_staff_without_a_role_get_no_preview(client, town):
    user = get_user_model().objects.create_user("ohne-rolle", password="pw", is_staff=True)
    login_staff(client, user)
    assert client.get(preview(town["welper"])).status_code == 404


def test_draft_opportunity_preview_shows_no_sign_up_form(editor_client, town):
    offer = OpportunityFactory(
        project=town["welper"], title="Entwurfsangebot", slug="entwurfsangebot", places=3
    )
    html = editor_client.get(f"/vorschau/mitmachen/{offer.pk}/").content.decode()
    assert "Entwurfsangebot" in html and BANNER in html
    assert 'name="email"' not in html


def test_admin_links_a_draft_to_its_preview_and_a_public_row_to_its_page(admin_client, town):
    draft = town["welper"]
    html = admin_client.get(f"/admin/quartiere/project/{draft.pk}/change/").content.decode()
    assert f'href="{preview(draft)}" class="viewsitelink">Vorschau (nicht veröffentlicht)' in html
    draft.publication = Publication.PUBLISHED
    draft.save()
    html = admin_client.get(f"/admin/quartiere/project/{draft.pk}/change/").content.decode()
    assert "/admin/r/" in html and 'class="viewsitelink">Auf der Website ansehen' in html


def test_redaktion_previews_a_draft_article(client):
    call_command("setup_roles", stdout=io.StringIO())
    user = get_user_model().objects.create_user("redakteurin", password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name=roles.REDAKTION))
    login_staff(client, user)
    article = ArticleFactory(title="Noch nicht fertig", status=Article.Status.DRAFT)
    html = client.get(f"/vorschau/aktuelles/{article.pk}/").content.decode()
    assert "Noch nicht fertig" in html and BANNER in html


def test_staff_without_the_second_factor_get_no_preview(client, town):
    """Until the code step is passed, a staff session is a visitor's on the public site."""
    user = get_user_model().objects.create_superuser("chefin", "chefin@example.org", "pw")
    client.force_login(user)
    assert client.get(preview(town["welper"])).status_code == 404
