"""The admin side of English versions (`engagierte_stadt.translations`): staff see which items
lack a translation (a list filter) and find the English fields together in one collapsible
fieldset "English" at the end of the form.

`EnglishVersionAdminMixin` goes first among a ModelAdmin's bases; it adds to the admin's own
fieldsets and filters, so an admin keeps declaring only its German fields.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class EnglishVersionFilter(admin.SimpleListFilter):
    """Englische Fassung: fehlt (some German text has no English version) / vorhanden."""

    title = _("English version")
    parameter_name = "englisch"
    MISSING, PRESENT = "fehlt", "vorhanden"

    def lookups(self, request, model_admin):
        return [(self.MISSING, _("missing")), (self.PRESENT, _("present"))]

    def queryset(self, request, queryset):
        missing = queryset.model.english_missing_q()
        if self.value() == self.MISSING:
            return queryset.filter(missing)
        if self.value() == self.PRESENT:
            return queryset.exclude(missing)
        return queryset


class EnglishVersionAdminMixin:
    ENGLISH_FIELDSET_DESCRIPTION = _(
        "The English pages (/en/…) show these texts. Where a field is empty, they show the "
        "German text instead, marked as German, with a short note that it is only available "
        "in German. Translate the meaning, not word for word; keep names of places and "
        "organisations as they are."
    )

    def get_fieldsets(self, request, obj=None):
        english = self.model.english_field_names()
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in english]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        fieldsets = [(name, options) for name, options in fieldsets if options["fields"]]
        return [
            *fieldsets,
            (
                _("English"),
                {
                    "classes": ["collapse"],
                    "fields": english,
                    "description": self.ENGLISH_FIELDSET_DESCRIPTION,
                },
            ),
        ]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), EnglishVersionFilter]
