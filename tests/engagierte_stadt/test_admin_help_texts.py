"""Every field of every admin form says what to enter: city staff work in the admin without a
training, so no field is left to guesswork."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

# Admins not written for city staff, each with its reason. Keep this list short.
EXCEPTIONS = {
    # django-mailer's queue and log: written by the mail queue, read by the operator.
    "mailer",
}


def admin_forms(request):
    """(name, form class) of the add and change forms of every registered admin and of their
    inlines."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in EXCEPTIONS:
            continue
        label = model._meta.label
        yield f"{label} (add)", model_admin.get_form(request, None)
        # The change form of some admins differs (the sign-ups: the stored personal data).
        yield f"{label} (change)", model_admin.get_form(request, model())
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            yield f"{label} / {inline.model._meta.label}", inline.get_formset(request, None).form


def test_every_admin_form_field_has_a_help_text():
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    missing = [
        f"{label}: {name}"
        for label, form in admin_forms(request)
        for name, field in form.base_fields.items()
        if not str(field.help_text or "").strip()
    ]
    assert missing == []


def test_help_texts_are_german_on_the_page(admin_client):
    html = admin_client.get("/admin/quartiere/opportunity/add/").content.decode()
    assert "Was man tut, in wenigen Worten" in html
    assert "Bei regelmäßigen Angeboten: an welchen Tagen." in html
