"""The admin of the weekly digest (`engagierte_stadt.digest`): every staff member switches
their own digest on or off; Administration sees everybody's and when each was last sent.

Registered from `EngagierteStadtConfig.ready()`, beside the site content's admin.
"""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse

from engagierte_stadt.models import EditorDigest


@admin.register(EditorDigest)
class EditorDigestAdmin(admin.ModelAdmin):
    list_display = ["user", "enabled", "last_sent_at"]
    list_filter = ["enabled"]
    search_fields = ["user__username"]
    fields = ["user", "enabled", "last_sent_at"]
    readonly_fields = ["last_sent_at"]

    @staticmethod
    def manages(request) -> bool:
        """Administration (the model's permissions) sees the digests of all staff."""
        return request.user.has_perm("engagierte_stadt.view_editordigest")

    @staticmethod
    def own(request, obj) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and (obj is None or obj.user_id == request.user.pk)
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self.own(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self.own(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user")
        return queryset if self.manages(request) else queryset.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        if self.manages(request) and obj is None:
            return self.readonly_fields
        return ["user", *self.readonly_fields]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and formfield is not None:
            formfield.queryset = formfield.queryset.filter(is_staff=True)
        return formfield

    def changelist_view(self, request, extra_context=None):
        """A staff member without the list's permission has one row: their own, opened
        directly (made on the first visit, switched on)."""
        if self.manages(request):
            return super().changelist_view(request, extra_context)
        digest, _created = EditorDigest.objects.get_or_create(user=request.user)
        return redirect(reverse("admin:engagierte_stadt_editordigest_change", args=[digest.pk]))
