"""`manage.py load_demo` fills an empty portal with Hattingen and can run again."""

import io
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command

from engagierte_stadt.models import Article, Page, SiteSettings
from quartiere.models import Quartier

STADTTEILE = {
    "Hattingen-Mitte",
    "Winz-Baak",
    "Welper",
    "Niederwenigern",
    "Holthausen",
    "Bredenscheid-Stüter",
    "Blankenstein",
    "Niederbonsfeld",
    "Oberelfringhausen",
    "Oberstüter",
    "Niederelfringhausen",
}


def load():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_has_the_eleven_stadtteile_and_rauendahl(db):
    load()
    districts = set(Quartier.objects.districts().values_list("name", flat=True))
    assert districts == STADTTEILE
    rauendahl = Quartier.objects.get(slug="rauendahl")
    assert rauendahl.kind == Quartier.Kind.NEIGHBOURHOOD


def test_demo_article_is_published_with_generated_photo_and_credit(db):
    load()
    article = Article.objects.published().get()
    assert "Engagierte Stadt" in article.title
    assert article.photo.width == 1600 and article.photo.height == 900
    assert article.photo_alt and article.photo_credit.startswith(("Foto:", "Grafik:"))


def test_demo_legal_pages_say_what_the_city_must_fill_in(db):
    load()
    for slug in ["impressum", "datenschutz"]:
        assert "Platzhalter" in Page.objects.get(slug=slug).body
    assert "§ 5" in Page.objects.get(slug="impressum").lead


def test_demo_site_settings_name_the_city(db):
    load()
    site = SiteSettings.load()
    assert site.city_name == "Hattingen" and site.logo and site.logo_alt


def test_demo_staff_password_is_random_and_printed_once(db):
    first = load()
    password = re.search(r"password: (\S+)", first).group(1)
    user = get_user_model().objects.get(username="redaktion")
    assert user.is_staff and not user.is_superuser
    assert user.check_password(password)
    assert len(password) >= 12
    second = load()
    assert password not in second
    assert "password:" not in second


def test_demo_staff_account_has_the_editor_roles_and_every_district(db):
    load()
    user = get_user_model().objects.get(username="redaktion")
    assert set(user.groups.values_list("name", flat=True)) == {
        "Redaktion",
        "Quartiersentwicklung",
    }
    districts = set(Quartier.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    assert set(user.quartier_assignments.values_list("quartier_id", flat=True)) == districts
    assert not user.has_perm("auth.change_user")  # Administration is another role


def test_two_demo_databases_get_different_passwords(db):
    first = re.search(r"password: (\S+)", load()).group(1)
    get_user_model().objects.all().delete()
    second = re.search(r"password: (\S+)", load()).group(1)
    assert first != second


def test_load_demo_twice_changes_nothing(db):
    load()
    counts = (Quartier.objects.count(), Page.objects.count(), Article.objects.count())
    load()
    assert (Quartier.objects.count(), Page.objects.count(), Article.objects.count()) == counts
    assert counts == (12, 7, 1)


def test_load_demo_keeps_staff_edits(db):
    load()
    Page.objects.filter(slug="impressum").update(body="Stadt Hattingen, Rathausplatz 1")
    load()
    assert Page.objects.get(slug="impressum").body == "Stadt Hattingen, Rathausplatz 1"
