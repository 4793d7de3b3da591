from django.contrib import admin

from quartiere.models import Quartier


@admin.register(Quartier)
class QuartierAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "population"]
    list_filter = ["kind"]
    search_fields = ["name", "teaser", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "kind", "parent", "teaser", "description", "population"]},
        ),
        (
            "Kontakt",
            {"fields": ["contact_name", "contact_role", "contact_email", "contact_phone"]},
        ),
    ]
