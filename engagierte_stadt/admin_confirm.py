"""Admin actions that mail people or remove data ask first, on one confirmation page.

An action that cancels sign-ups, erases personal data, rejects an application or tells a
person anything by e-mail cannot be undone. Staff pick rows and an action in a list; before
anything happens the page says what will happen ("3 sign-ups will be cancelled; …"), lists
the rows and offers "Yes, go ahead" and "No, back to the list". Both lead back to the list
with its filters, because the page posts to (and links to) the list's own address.

Usage, below Django's `@admin.action`::

    @admin.action(description=_("Cancel selected sign-ups"), permissions=["change"])
    @confirm_action(cancel_summary)
    def cancel_signups(self, request, queryset): ...

`summary(modeladmin, request, queryset)` returns the sentences the page shows. The page posts
the same action again with `post=yes` (the field Django's own "delete selected" uses), and
only then the action runs. This module imports no app.
"""

import functools
from collections.abc import Callable, Sequence

from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

CONFIRMED_FIELD = "post"
# The rows named on the page; a longer selection is summed up as "… and 140 more".
LISTED = 30

Summary = Callable[[admin.ModelAdmin, object, object], Sequence[str]]


def is_confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED_FIELD) == "yes"


def confirmation_page(modeladmin, request, queryset, *, action: str, title, summary: Sequence[str]):
    """The page that asks before `action` runs on `queryset` (see the module docstring)."""
    opts = modeladmin.model._meta
    selected = list(queryset.order_by().values_list("pk", flat=True))
    shown = list(queryset[:LISTED])
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": opts,
        "app_label": opts.app_label,
        "summary": summary,
        "objects": shown,
        "more": max(len(selected) - len(shown), 0),
        "selected": selected,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "confirmed_field": CONFIRMED_FIELD,
        # The list with its filters: the page was posted to it, with the query string.
        "back_url": request.get_full_path(),
        "media": modeladmin.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/confirm_action.html", context)


def confirm_action(summary: Summary):
    """Decorate an admin action so that it runs only after the confirmation page."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(modeladmin, request, queryset):
            if is_confirmed(request):
                return func(modeladmin, request, queryset)
            return confirmation_page(
                modeladmin,
                request,
                queryset,
                action=func.__name__,
                title=getattr(wrapper, "short_description", None) or _("Please confirm"),
                summary=summary(modeladmin, request, queryset),
            )

        wrapper.needs_confirmation = True
        return wrapper

    return decorator
