"""The admin of partner assignments (Administration): which staff account of a partner
organisation's contact person works on that partner's own opportunities (see
`partner.models.PartnerAssignment` and `engagierte_stadt.admin_scope`).

Registered from `PartnerConfig.ready()`.
"""

from django.contrib import admin

from partner.models import PartnerAssignment


@admin.register(PartnerAssignment)
class PartnerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "partner", "created_at"]
    list_select_related = ["user", "partner"]
    search_fields = ["user__username", "partner__name"]
    fields = ["user", "partner"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and formfield is not None:
            formfield.queryset = formfield.queryset.filter(is_staff=True)
        return formfield
