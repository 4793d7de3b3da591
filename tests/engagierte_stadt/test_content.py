"""News, editable pages, Markdown sanitising and the accessibility feedback form."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from engagierte_stadt.markup import render_markdown
from engagierte_stadt.models import AccessibilityFeedback, Article, SiteSettings
from engagierte_stadt.submissions.forms import fill_stamp
from tests.factories import ArticleFactory, PageFactory, login_staff
from tests.html import find_all
from tests.signup_helpers import consent_at_button

FEEDBACK = "engagierte_stadt.accessibilityfeedback"  # the purpose of the form's stamps


def test_markdown_keeps_formatting_but_drops_script_and_handlers():
    html = render_markdown(
        "# Titel\n\n**fett** [Link](https://example.org)\n\n"
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        "[böse](javascript:alert(3))"
    )
    assert "<strong>fett</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">Link</a>' in html
    assert "<h2>Titel</h2>" in html and "<h1>" not in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<img" not in html


def test_staff_markdown_on_a_page_cannot_inject_script(db, client):
    PageFactory(slug="impressum", body='Hallo<script>alert("x")</script><b onclick="x()">b</b>')
    html = client.get("/impressum/").content.decode()
    assert 'alert("x")' not in html.split("<main")[1]
    assert "onclick" not in html


def test_news_list_shows_published_articles_newest_first(db, client):
    old = ArticleFactory(title="Alt", publish_at=timezone.now() - timezone.timedelta(days=3))
    new = ArticleFactory(title="Neu", publish_at=timezone.now() - timezone.timedelta(days=1))
    html = client.get("/aktuelles/").content.decode()
    assert html.index(new.title) < html.index(old.title)


def test_draft_and_scheduled_articles_stay_hidden(db, client):
    draft = ArticleFactory(title="Entwurf", status=Article.Status.DRAFT)
    later = ArticleFactory(title="Später", publish_at=timezone.now() + timezone.timedelta(days=1))
    html = client.get("/aktuelles/").content.decode()
    assert "Entwurf" not in html and "Später" not in html
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(later.get_absolute_url()).status_code == 404


def test_staff_can_preview_a_draft(db, client):
    draft = ArticleFactory(title="Entwurf", status=Article.Status.DRAFT)
    staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    login_staff(client, staff)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Vorschau" in response.content.decode()


def test_news_list_paginates_after_ten(db, client):
    ArticleFactory.create_batch(12)
    first = client.get("/aktuelles/").content.decode()
    second = client.get("/aktuelles/?page=2")
    assert len(find_all(first, "article")) == 10
    assert second.status_code == 200
    assert len(find_all(second.content.decode(), "article")) == 2
    assert client.get("/aktuelles/?page=99").status_code == 404


def test_article_photo_needs_alt_text_and_credit(db):
    from django.core.exceptions import ValidationError

    from tests.images import upload

    article = ArticleFactory.build(photo=upload(), photo_alt="", photo_credit="")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert set(error.value.message_dict) >= {"photo_alt", "photo_credit"}


def test_article_page_shows_photo_with_alt_caption_and_credit(db, client):
    from tests.images import upload

    article = ArticleFactory(
        photo=upload(),
        photo_alt="Menschen pflanzen einen Baum",
        photo_caption="Pflanzaktion in Welper",
        photo_credit="Foto: Stadt Hattingen",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    images = find_all(html, "img", alt="Menschen pflanzen einen Baum")
    assert images and images[0]["width"] == "40" and images[0]["height"] == "30"
    assert "Pflanzaktion in Welper" in html and "Foto: Stadt Hattingen" in html


def feedback_form(**fields) -> dict:
    """The feedback form as a person sends it: shown 10 seconds ago, honeypot empty."""
    return {"website": "", "started": fill_stamp(time.time() - 10, purpose=FEEDBACK), **fields}


def test_feedback_form_stores_message_and_mails_contact(db, client):
    site = SiteSettings.load()
    site.contact_email = "redaktion@hattingen.example"
    site.save()
    response = client.post(
        "/barrierefreiheit/",
        feedback_form(message="Der Kontrast im Menü ist zu schwach.", page_url="/quartiere/"),
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/barrierefreiheit/")
    feedback = AccessibilityFeedback.objects.get()
    assert feedback.message == "Der Kontrast im Menü ist zu schwach."
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["redaktion@hattingen.example"]
    assert "Der Kontrast im Menü ist zu schwach." in sent.body
    assert (
        f"http://testserver/admin/engagierte_stadt/accessibilityfeedback/{feedback.pk}/change/"
        in sent.body
    )
    followed = client.get(response["Location"])
    assert "Vielen Dank" in followed.content.decode()


def test_feedback_without_message_shows_german_error_and_keeps_input(db, client):
    response = client.post("/barrierefreiheit/", feedback_form(message="", page_url="/aktuelles/"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in html
    assert 'value="/aktuelles/"' in html
    assert AccessibilityFeedback.objects.count() == 0
    assert mail.outbox == []


def test_feedback_with_email_is_consent_by_sending_and_stores_its_time(db, client):
    page = client.get("/barrierefreiheit/").content.decode()
    consent = consent_at_button(page)
    assert consent["button"] == "Einverstanden – Nachricht senden"
    assert consent["statement"].startswith("Wenn Sie Ihren Namen oder Ihre E-Mail-Adresse")
    assert 'href="/datenschutz/"' in consent["statement"]
    response = client.post(
        "/barrierefreiheit/", feedback_form(message="Text", email="a@example.org")
    )
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().consent_at is not None


def test_feedback_from_a_bot_is_not_stored(db, client):
    response = client.post("/barrierefreiheit/", feedback_form(message="Spam", website="http://x"))
    assert response.status_code == 302
    assert AccessibilityFeedback.objects.count() == 0
    assert mail.outbox == []
    without_stamp = client.post("/barrierefreiheit/", {"message": "Spam"})
    assert without_stamp.status_code == 302
    assert AccessibilityFeedback.objects.count() == 0


def test_feedback_sent_too_fast_keeps_the_text(db, client):
    response = client.post(
        "/barrierefreiheit/",
        feedback_form(
            message="Das PDF ist nicht lesbar.", started=fill_stamp(time.time(), purpose=FEEDBACK)
        ),
    )
    assert response.status_code == 422
    assert "Das PDF ist nicht lesbar." in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 0


def test_feedback_double_submit_stores_one_row(db, client):
    data = feedback_form(message="Der Fokus ist unsichtbar.", page_url="/partner/")
    client.post("/barrierefreiheit/", data)
    client.post("/barrierefreiheit/", data)
    assert AccessibilityFeedback.objects.count() == 1
    assert len(mail.outbox) == 1


def test_feedback_with_address_gets_a_receipt_leading_to_the_personal_page(db, client):
    client.post(
        "/barrierefreiheit/",
        feedback_form(
            message="Die Karte ist nicht per Tastatur bedienbar.",
            name="Erika",
            email="Erika@Example.org",
            consent="on",
        ),
    )
    stored = AccessibilityFeedback.objects.get()
    assert stored.email == "erika@example.org" and stored.consent_at is not None
    [receipt] = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    assert receipt.subject == "Ihre Nachricht zu einer Barriere ist angekommen"
    path = re.search(r"http://testserver(/meine-daten/[\w-]+/)", receipt.body).group(1)
    page = client.get(path).content.decode()
    assert "Die Karte ist nicht per Tastatur bedienbar." in page
    assert "Erika" in page
