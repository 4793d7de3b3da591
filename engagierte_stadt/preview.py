"""Staff look at a draft as the public will see it, before publishing it.

A public detail page shows published rows only. Its preview (`/vorschau/...`) renders the same
view and template for any row the staff member may see in the admin: the view permission of
the model, and for content of a Quartier only the editor's Quartiere (`admin_scope`). Everyone
else gets 404, as for a draft on the public address. The page carries a banner "Vorschau –
nicht veröffentlicht" and is kept out of search engines (meta robots and `X-Robots-Tag`).

A detail view uses `DraftPreviewMixin` and builds its queryset through `self.visible(qs)`
instead of `qs.published()`; `engagierte_stadt/urls.py` routes `as_view(preview=True)` under
`/vorschau/`. In the admin, `PreviewAdminMixin` points "Auf der Website ansehen" of a draft to
its preview. This module imports no app.
"""

from django.http import Http404
from django.urls import reverse

from engagierte_stadt.admin_scope import restrict


def may_preview(user, model) -> bool:
    opts = model._meta
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (
            user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )
    )


class DraftPreviewMixin:
    """For a public DetailView: its preview shows drafts too (see the module docstring)."""

    # Set by `as_view(preview=True)` for the route under /vorschau/.
    preview = False
    # The lookup from the model to its Quartier; empty for content outside the Quartiere.
    preview_quartier_path = ""

    def dispatch(self, request, *args, **kwargs):
        if self.preview and not may_preview(request.user, self.model):
            raise Http404
        response = super().dispatch(request, *args, **kwargs)
        if self.preview:
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def visible(self, queryset):
        """The published rows; in the preview every row the staff member may see."""
        if not self.preview:
            return queryset.published()
        if self.preview_quartier_path:
            return restrict(queryset, self.request, self.preview_quartier_path)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.preview:
            context["preview"] = True
            context["preview_is_public"] = (
                self.model._default_manager.published().filter(pk=self.object.pk).exists()
            )
        return context


def preview_url_name(model) -> str:
    return f"preview_{model._meta.model_name}"


class PreviewAdminMixin:
    """For the admin of a model with a preview: "Auf der Website ansehen" of a row that is not
    public (yet) opens its preview (labelled so), a public row its page."""

    def is_public(self, obj) -> bool:
        """Whether the row's public page shows it; from the row itself (no query), as the
        change page renders under a query budget. An admin whose rows depend on more (an offer
        on its project) says so."""
        return bool(obj.is_published)

    def get_view_on_site_url(self, obj=None):
        if obj is None or obj.pk is None or self.is_public(obj):
            return super().get_view_on_site_url(obj)
        return reverse(preview_url_name(type(obj)), args=[obj.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context["is_draft_preview"] = not self.is_public(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
