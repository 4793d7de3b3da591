"""Staff edit content in the admin; bad uploads get a German error and nothing is saved."""

import pytest
from django.contrib.auth import get_user_model

from engagierte_stadt.models import Article, SiteSettings
from tests.factories import login_staff
from tests.images import upload


@pytest.fixture
def admin_client(db, client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, user)
    return client


def article_data(**overrides):
    data = {
        "title": "Neu",
        "slug": "neu",
        "teaser": "Kurz",
        "body": "Text",
        "photo_alt": "Ein Bild",
        "photo_credit": "Foto: Stadt Hattingen",
        "status": "published",
        "publish_at_0": "01.07.2026",
        "publish_at_1": "10:00:00",
    }
    data.update(overrides)
    return data


def test_fake_image_upload_is_refused_with_german_message(admin_client):
    response = admin_client.post(
        "/admin/engagierte_stadt/article/add/",
        article_data(photo=upload(data=b"<svg onload=alert(1)>")),
    )
    assert response.status_code == 200
    assert "Bitte laden Sie eine JPEG-, PNG- oder WebP-Datei hoch." in response.content.decode()
    assert not Article.objects.exists()


def test_real_image_upload_is_saved(admin_client):
    response = admin_client.post(
        "/admin/engagierte_stadt/article/add/", article_data(photo=upload())
    )
    assert response.status_code == 302
    assert Article.objects.get().photo


def test_site_settings_admin_opens_the_single_row(admin_client):
    response = admin_client.get("/admin/engagierte_stadt/sitesettings/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/engagierte_stadt/sitesettings/1/change/"
    assert SiteSettings.objects.count() == 1
    assert admin_client.get(response["Location"]).status_code == 200


def test_publish_action_publishes_selected_articles(admin_client):
    from tests.factories import ArticleFactory

    draft = ArticleFactory(status=Article.Status.DRAFT)
    admin_client.post(
        "/admin/engagierte_stadt/article/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
