from django import template

from engagierte_stadt import dashboard

register = template.Library()


@register.inclusion_tag("admin/dashboard/dashboard.html", takes_context=True)
def admin_dashboard(context):
    """The to-do list and figures of `engagierte_stadt.dashboard` for the admin index."""
    return {"dashboard": dashboard.build(context["request"])}
