from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagierte_stadt.audit import PersonalDataAdminMixin
from engagierte_stadt.models import (
    AccessibilityFeedback,
    AccessibilityStatement,
    Article,
    AuthenticatorApp,
    JobRun,
    Page,
    PersonalDataAccess,
    SiteSettings,
)
from engagierte_stadt.preview import PreviewAdminMixin
from engagierte_stadt.submissions.admin import fill_help_texts
from engagierte_stadt.translation_admin import EnglishVersionAdminMixin


class SingletonAdmin(admin.ModelAdmin):
    """Admin for a model with exactly one row: the list goes straight to that row."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        obj = self.model.load()
        if obj._state.adding:
            obj.save()
        opts = self.model._meta
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonAdmin):
    fieldsets = [
        (_("Portal"), {"fields": ["city_name", "portal_name", "tagline", "header_label"]}),
        (_("Logo"), {"fields": ["logo", "logo_alt"]}),
        (_("Link previews"), {"fields": ["share_image", "share_image_alt"]}),
        (_("Open data"), {"fields": ["data_licence"]}),
        (_("Texts"), {"fields": ["intro", "programme_text"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "contact_name",
                    "contact_organisation",
                    "contact_address",
                    "contact_email",
                    "contact_phone",
                ]
            },
        ),
    ]


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(SingletonAdmin):
    fields = ["conformance", "known_gaps", "method", "prepared_on", "reviewed_on", "enforcement"]


@admin.register(Page)
class PageAdmin(EnglishVersionAdminMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "style", "needs_review", "updated_at"]
    list_filter = ["needs_review", "style"]
    search_fields = ["title", "body"]
    fieldsets = [
        (None, {"fields": ["slug", "title", "lead", "body", "style", "needs_review"]}),
        (
            _("Video"),
            {
                "fields": ["video", "video_captions", "video_poster"],
                "description": _(
                    "A video shown above the text, with captions – for example in German Sign "
                    "Language. Only files on the portal's own server, no video platform."
                ),
            },
        ),
    ]


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "page_url", "handled"]
    list_filter = ["handled"]
    readonly_fields = ["created_at"]
    fields = ["created_at", "message", "page_url", "name", "email", "handled"]
    help_texts = {
        "message": _("What the person reported about a barrier on the portal."),
        "page_url": _("The page the person was on when they wrote."),
        "name": _("Optional: the name the person gave."),
        "email": _("Optional: where the answer goes."),
        "handled": _("Tick when the report is answered and the barrier fixed or planned."),
    }

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, **kwargs):
        return fill_help_texts(super().get_form(request, obj, **kwargs), self.help_texts)


@admin.register(Article)
class ArticleAdmin(EnglishVersionAdminMixin, PreviewAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status", "publish_at", "thumbnail"]
    list_filter = ["status", "publish_at"]
    search_fields = ["title", "teaser", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "publish_at"
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "teaser", "body"]}),
        (_("Photo"), {"fields": ["photo", "photo_alt", "photo_caption", "photo_credit"]}),
        (_("Publication"), {"fields": ["status", "publish_at"]}),
    ]

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        if not obj.photo:
            return ""
        return format_html(
            '<img src="{}" alt="{}" width="80" height="45" class="admin-thumbnail">',
            obj.photo.url,
            obj.photo_alt,
        )

    @admin.action(description=_("Publish selected articles"))
    def publish(self, request, queryset):
        count = queryset.update(status=Article.Status.PUBLISHED)
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
        )

    @admin.action(description=_("Set selected articles back to draft"))
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT)
        self.message_user(
            request,
            ngettext("%d article set to draft.", "%d articles set to draft.", count) % count,
        )


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Read-only: the runs are written by `manage.py run_jobs` alone."""

    list_display = [
        "name",
        "last_started_at",
        "last_success_at",
        "last_failure_at",
        "last_error",
        "last_duration",
    ]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Who looked at which personal data (`engagierte_stadt.audit`): read-only, for
    Administration (the role's view permission). Rows carry ids, never names or addresses."""

    # Four columns, so that the list fits 1280 px beside the admin's navigation.
    list_display = ["at", "user", "kind", "rows"]
    list_filter = ["kind", "model_label", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user"]
    date_hierarchy = "at"
    fields = ["at", "user", "kind", "model_label", "count", "object_ids", "search_digest"]
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin-audit.css"]}

    @admin.display(description=_("rows"))
    def rows(self, obj):
        """ "quartiere.Signup: 14, 15" – the kind of data and the first ten ids."""
        shown = ", ".join(str(pk) for pk in obj.object_ids[:10])
        if len(obj.object_ids) > 10:
            shown += f" … ({obj.count})"
        return f"{obj.model_label}: {shown}" if shown else obj.model_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own device admin (English, with the secret key and a QR code of it) is replaced
# by the read-only list below: import it now, so the admin's autodiscovery does not register
# it again later, and take it out.
import django_otp.plugins.otp_totp.admin  # noqa: E402, F401

admin.site.unregister(TOTPDevice)


@admin.register(AuthenticatorApp)
class AuthenticatorAppAdmin(admin.ModelAdmin):
    """Who has set up the second factor. Deleting an entry is the reset after a lost phone:
    the person sets up a new app at the next login."""

    list_display = ["user", "is_confirmed", "set_up_on", "last_used_on"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = ["user", "is_confirmed", "set_up_on", "last_used_on"]
    readonly_fields = fields
    list_select_related = ["user"]

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, obj):
        return obj.confirmed

    @admin.display(description=_("set up on"), ordering="created_at")
    def set_up_on(self, obj):
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used_on(self, obj):
        return obj.last_used_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HelpTextsMixin:
    """For an admin of another app's model: help texts for the fields its form lacks them on."""

    help_texts: dict = {}

    def get_form(self, request, obj=None, **kwargs):
        return fill_help_texts(super().get_form(request, obj, **kwargs), self.help_texts)


# Django's own admins of roles (groups) and staff accounts, with help texts like every other
# form of the admin.
admin.site.unregister(Group)
admin.site.unregister(get_user_model())


@admin.register(Group)
class RoleAdmin(HelpTextsMixin, GroupAdmin):
    help_texts = {
        "name": _(
            "The role's name. Redaktion, Quartiersentwicklung and Administration are set up by "
            "`manage.py setup_roles`; rename them only together with that command."
        ),
    }


@admin.register(get_user_model())
class StaffAccountAdmin(HelpTextsMixin, UserAdmin):
    help_texts = {
        "first_name": _("Shown in the admin and in the logs instead of the username."),
        "last_name": _("Shown in the admin and in the logs instead of the username."),
        "email": _("For the weekly digest and the alerts of the Quartiere."),
        "last_login": _("Filled in by the portal at each login."),
        "date_joined": _("When the account was created."),
    }
