from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.admin_confirm import confirm_action
from engagierte_stadt.audit import PersonalDataAdminMixin
from engagierte_stadt.preview import PreviewAdminMixin
from engagierte_stadt.submissions.admin import ConfirmedByDefaultFilter
from engagierte_stadt.translation_admin import EnglishVersionAdminMixin
from partner import services
from partner.models import (
    ApplicationStatus,
    ExchangeTopic,
    NetworkCity,
    Partner,
    PartnerApplication,
    ProgrammeSupporter,
    ProjectPartner,
)

# Web addresses typed without "https://" get it (Django 6 does so by default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def logo_thumbnail(partner, height: int = 40):
    if not partner.logo or not (partner.logo_width and partner.logo_height):
        return "–"
    width = max(1, round(partner.logo_width * height / partner.logo_height))
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="admin-thumbnail">',
        partner.logo.url,
        partner.logo_alt,
        width,
        height,
    )


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 1
    fields = ["project", "role"]
    autocomplete_fields = ["project"]
    verbose_name = _("role in a project")
    verbose_name_plural = _("roles in projects")


@admin.register(Partner)
class PartnerAdmin(EnglishVersionAdminMixin, PreviewAdminMixin, admin.ModelAdmin):
    list_display = ["name", "thumbnail", "kind", "is_cooperation_partner", "is_published"]
    list_display_links = ["name"]
    list_filter = ["is_published", "kind", "is_cooperation_partner", "quartiere"]
    search_fields = ["name", "teaser", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["quartiere"]
    inlines = [ProjectPartnerInline]
    actions = ["publish", "unpublish"]
    formfield_overrides = HTTPS_URLS
    readonly_fields = ["logo_preview"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "teaser", "description", "website"]}),
        (_("Logo"), {"fields": ["logo_preview", "logo"]}),
        (_("Where active"), {"fields": ["quartiere", "street", "postcode", "city"]}),
        (
            _("Contact"),
            {
                "fields": [
                    "contact_name",
                    "contact_role",
                    "contact_email",
                    "contact_phone",
                    "show_contact_name",
                    "show_contact_email",
                    "show_contact_phone",
                ],
                "description": _("Only the details ticked as public appear on the partner's page."),
            },
        ),
        (
            _("Engagierte Stadt"),
            {"fields": ["is_cooperation_partner", "cooperation_since", "is_published"]},
        ),
    ]

    @admin.display(description=_("logo"))
    def thumbnail(self, obj):
        return logo_thumbnail(obj)

    @admin.display(description=_("current logo"))
    def logo_preview(self, obj):
        return logo_thumbnail(obj, height=80) if obj and obj.pk else "–"

    @admin.action(description=_("Publish selected partners"))
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(
            request, ngettext("%d partner published.", "%d partners published.", count) % count
        )

    @admin.action(description=_("Unpublish selected partners"))
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(
            request,
            ngettext("%d partner unpublished.", "%d partners unpublished.", count) % count,
        )


@admin.register(ProgrammeSupporter)
class ProgrammeSupporterAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "position"]
    list_editable = ["position"]
    formfield_overrides = HTTPS_URLS


@admin.register(NetworkCity)
class NetworkCityAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "is_partner_city", "website"]
    list_filter = ["is_partner_city", "state"]
    search_fields = ["name", "state", "note"]
    formfield_overrides = HTTPS_URLS


@admin.register(ExchangeTopic)
class ExchangeTopicAdmin(admin.ModelAdmin):
    list_display = ["title", "position"]
    list_editable = ["position"]


class ConfirmationFilter(ConfirmedByDefaultFilter):
    """Confirmed applications by default: unconfirmed ones may come from anyone."""

    confirmed_label = _("confirmed by the applicant")


def _decision_summary(what):
    """The confirmation page's text for a decision on applications: `what` says what happens
    to each (a function of the count)."""

    def summary(modeladmin, request, queryset) -> list[str]:
        count = queryset.count()
        return [
            what(count),
            gettext("Each applicant gets an e-mail about it."),
            gettext(
                "Only confirmed applications that wait for a decision change; the others are "
                "skipped."
            ),
        ]

    return summary


@admin.register(PartnerApplication)
class PartnerApplicationAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    """Applications to join: review and decide with the actions; the applicant is mailed.

    The status changes only through the actions (services), never by editing the row.
    """

    list_display = ["organisation", "kind", "status", "created_at", "confirmed_at", "partner"]
    list_filter = [ConfirmationFilter, "status", "kind"]
    search_fields = ["organisation"]
    list_select_related = ["partner"]
    actions = ["start_review", "accept", "reject"]
    fieldsets = [
        (None, {"fields": ["organisation", "kind", "website", "quartiere_list", "offer"]}),
        (_("Contact person"), {"fields": ["contact_name", "email", "phone"]}),
        (
            _("Status"),
            {"fields": ["status", "partner_link", "what_next"]},
        ),
        (
            _("History"),
            {
                "fields": [
                    "consent_at",
                    "created_at",
                    "confirmed_at",
                    "review_started_at",
                    "decided_at",
                    "purged_at",
                ]
            },
        ),
    ]
    readonly_fields = [
        "organisation",
        "kind",
        "website",
        "quartiere_list",
        "offer",
        "contact_name",
        "email",
        "phone",
        "status",
        "partner_link",
        "what_next",
        "consent_at",
        "created_at",
        "confirmed_at",
        "review_started_at",
        "decided_at",
        "purged_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("quartiere")

    def has_add_permission(self, request):
        return False  # applications come from the public form

    def has_change_permission(self, request, obj=None):
        # The actions change the status; the change page only shows the application.
        return request.user.has_perm("partner.change_partnerapplication") and obj is None

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # erase by retention, keep the record
        return actions

    @admin.display(description=_("active in"))
    def quartiere_list(self, obj):
        return ", ".join(q.name for q in obj.quartiere.all()) or "–"

    @admin.display(description=_("partner created from it"))
    def partner_link(self, obj):
        if not obj.partner_id:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:partner_partner_change", args=[obj.partner_id]),
            obj.partner,
        )

    @admin.display(description=_("what next"))
    def what_next(self, obj):
        texts = {
            ApplicationStatus.UNCONFIRMED: _(
                "The applicant has not yet confirmed the application with the link in our "
                "e-mail. Without confirmation it expires."
            ),
            ApplicationStatus.EXPIRED: _("Not confirmed in time. Nothing to do."),
            ApplicationStatus.NEW: _(
                "Use the actions in the list: start the review, accept or reject. The "
                "applicant gets an e-mail each time."
            ),
            ApplicationStatus.IN_REVIEW: _(
                "Accept or reject it with the actions in the list. The applicant gets an e-mail."
            ),
            ApplicationStatus.ACCEPTED: _(
                "An unpublished partner was created from it. Complete it (logo, public "
                "contact details) and publish it."
            ),
        }
        return texts.get(obj.status, "–")

    def _decide(self, request, queryset, decide, done_message):
        """Run a decision service on each application; `done_message(n)` reports success."""
        applications = list(queryset)
        changed = sum(1 for application in applications if decide(application=application))
        if changed:
            self.message_user(request, done_message(changed))
        self._report_skipped(request, len(applications) - changed)

    def _report_skipped(self, request, skipped: int) -> None:
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d application was skipped: only confirmed applications that wait for a "
                    "decision can be changed.",
                    "%d applications were skipped: only confirmed applications that wait for a "
                    "decision can be changed.",
                    skipped,
                )
                % skipped,
                messages.WARNING,
            )

    @admin.action(description=_("Start the review (the applicant is told)"), permissions=["change"])
    @confirm_action(
        _decision_summary(
            lambda n: (
                ngettext("%d application goes into review.", "%d applications go into review.", n)
                % n
            )
        )
    )
    def start_review(self, request, queryset):
        self._decide(
            request,
            queryset,
            services.application_start_review,
            lambda n: (
                ngettext(
                    "%d application is now in review; the applicant was told.",
                    "%d applications are now in review; the applicants were told.",
                    n,
                )
                % n
            ),
        )

    @admin.action(
        description=_("Accept: create an unpublished partner (the applicant is told)"),
        permissions=["change"],
    )
    @confirm_action(
        _decision_summary(
            lambda n: (
                ngettext(
                    "%d application is accepted: an unpublished partner is created from it.",
                    "%d applications are accepted: an unpublished partner is created from each.",
                    n,
                )
                % n
            )
        )
    )
    def accept(self, request, queryset):
        applications = list(queryset)
        created = []
        for application in applications:
            partner = services.application_accept(application=application)
            if partner is not None:
                created.append(partner)
        for partner in created:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("Accepted; the applicant was told. The new partner is unpublished:"),
                    reverse("admin:partner_partner_change", args=[partner.pk]),
                    partner.name,
                ),
            )
        self._report_skipped(request, len(applications) - len(created))

    @admin.action(description=_("Reject (the applicant is told)"), permissions=["change"])
    @confirm_action(
        _decision_summary(
            lambda n: (
                ngettext(
                    "%d application is rejected. This cannot be undone.",
                    "%d applications are rejected. This cannot be undone.",
                    n,
                )
                % n
            )
        )
    )
    def reject(self, request, queryset):
        self._decide(
            request,
            queryset,
            services.application_reject,
            lambda n: (
                ngettext(
                    "%d application rejected; the applicant was told.",
                    "%d applications rejected; the applicants were told.",
                    n,
                )
                % n
            ),
        )
