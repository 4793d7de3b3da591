"""Link previews and JSON-LD in the page head (see `engagierte_stadt.sharing`)."""

from django import template

from engagierte_stadt import sharing

register = template.Library()


@register.simple_tag(takes_context=True)
def share_meta(context):
    """`{% share_meta as share %}`: title, description, canonical URL, picture and JSON-LD of
    the page, from its row or its view's context, else from the site settings."""
    request = context.get("request")
    if request is None:
        return None
    return sharing.share_meta(
        request=request, context=context.flatten(), site=context.get("site_settings")
    )


@register.simple_tag
def jsonld(data):
    """`{% jsonld data %}`: a `<script type="application/ld+json">` block, safe for any text."""
    return sharing.jsonld_script(data)
