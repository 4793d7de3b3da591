"""The footer is rendered once per language and contact details (`{% site_footer %}`): an
edited contact shows on the next page, in both languages."""

import pytest

from engagierte_stadt.models import SiteSettings


@pytest.mark.django_db
def test_edited_contact_shows_at_once_in_the_footer_of_both_languages(client):
    settings = SiteSettings.load()
    settings.contact_organisation = "Stadt Hattingen, Fachbereich Soziales"
    settings.contact_email = "engagement@hattingen.example"
    settings.save()
    page = client.get("/impressum/").content.decode()
    assert "Fachbereich Soziales" in page and "mailto:engagement@hattingen.example" in page
    english = client.get("/en/impressum/").content.decode()
    assert 'href="/en/datenschutz/"' in english and "Privacy policy" in english
    assert "Fachbereich Soziales" in english

    settings.contact_organisation = "Stadt Hattingen, Büro für Engagement"
    settings.contact_email = ""
    settings.save()
    page = client.get("/impressum/").content.decode()
    assert "Büro für Engagement" in page and "Fachbereich Soziales" not in page
    assert "mailto:" not in page.split('class="site-footer"')[1]
    assert 'href="/datenschutz/"' in page and "Datenschutz" in page
