from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from engagierte_stadt.images import renditions
from quartiere.models import (
    Opportunity,
    Project,
    ProjectImage,
    Publication,
    Quartier,
    Skill,
    Topic,
)


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
            _("Contact"),
            {"fields": ["contact_name", "contact_role", "contact_email", "contact_phone"]},
        ),
    ]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


def thumbnail_html(picture):
    if not picture or not picture.image or not (picture.width and picture.height):
        return "–"
    # The smallest card rendition (400 × 225), not the original of up to 3200 px.
    card = renditions(picture.image, picture.width, picture.height, "card")[0]
    return format_html(
        '<img src="{}" alt="{}" width="96" height="54" class="admin-thumbnail">',
        card.url,
        picture.alt_text,
    )


class ProjectImageInline(admin.TabularInline):
    model = ProjectImage
    extra = 1
    fields = ["preview", "image", "alt_text", "caption", "credit", "position"]
    readonly_fields = ["preview"]
    ordering = ["position", "pk"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail_html(obj if obj.pk else None)


class OpportunityInline(admin.StackedInline):
    model = Opportunity
    extra = 0
    fields = ["title", "slug", "commitment", "places", "signup_deadline", "is_open", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "quartier", "status", "publication", "featured", "thumbnail"]
    list_filter = ["publication", "status", "featured", "quartier", "topics"]
    search_fields = ["title", "teaser", "description", "contact_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["quartier"]
    filter_horizontal = ["topics"]
    date_hierarchy = "publish_at"
    inlines = [ProjectImageInline, OpportunityInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "quartier", "teaser", "description", "topics"]}),
        (_("Status and dates"), {"fields": ["status", "start_date", "end_date"]}),
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
                ]
            },
        ),
        (_("Easy language"), {"fields": ["easy_language"]}),
        (_("Publication"), {"fields": ["publication", "publish_at", "featured"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("quartier").prefetch_related("images")

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        images = list(obj.images.all())
        return thumbnail_html(images[0] if images else None)

    @admin.action(description=_("Publish selected projects"))
    def publish(self, request, queryset):
        count = queryset.update(publication=Publication.PUBLISHED)
        self.message_user(
            request, ngettext("%d project published.", "%d projects published.", count) % count
        )

    @admin.action(description=_("Set selected projects back to draft"))
    def unpublish(self, request, queryset):
        count = queryset.update(publication=Publication.DRAFT)
        self.message_user(
            request,
            ngettext("%d project set to draft.", "%d projects set to draft.", count) % count,
        )


class OpportunityAdminForm(forms.ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("weekdays"),
        choices=Opportunity.Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Opportunity
        fields = ["weekdays"]  # the admin adds the other fields from its fieldsets


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    form = OpportunityAdminForm
    list_display = ["title", "project", "quartier", "commitment", "places_overview", "is_open"]
    list_filter = ["is_open", "is_published", "commitment", "quartier"]
    search_fields = ["title", "description", "project__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["project", "quartier"]
    filter_horizontal = ["skills"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "project", "quartier", "description"]}),
        (
            _("Time"),
            {"fields": ["commitment", "starts_at", "ends_at", "hours_per_month", "weekdays"]},
        ),
        (_("Place and places"), {"fields": ["place", "places", "signup_deadline", "is_open"]}),
        (
            _("Suitable for"),
            {
                "fields": [
                    "suitable_youth",
                    "suitable_families",
                    "suitable_seniors",
                    "suitable_without_german",
                    "step_free",
                ]
            },
        ),
        (_("Requirements"), {"fields": ["requirements", "skills"]}),
        (_("Publication"), {"fields": ["is_published"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project", "quartier").annotate_places()

    @admin.display(description=_("places taken"))
    def places_overview(self, obj):
        if obj.places is None:
            return _("%(taken)s (unlimited)") % {"taken": obj.places_taken}
        return f"{obj.places_taken} / {obj.places}"
