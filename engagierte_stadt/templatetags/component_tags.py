"""Tags for the components under templates/components/ that take markup, not just values."""

from django import template

register = template.Library()

DESCRIPTION_ITEM = "components/description_item.html"


class DescriptionItemNode(template.Node):
    def __init__(self, key, nodelist):
        self.key = key
        self.nodelist = nodelist

    def render(self, context):
        html = self.nodelist.render(context)
        item = context.template.engine.get_template(DESCRIPTION_ITEM)
        return item.render(context.new({"key": self.key.resolve(context), "html": html}))


@register.tag
def description_item(parser, token):
    """One row of a description list whose value is markup (links, a list, a sentence chosen
    by the template), in `components/description_item.html`:

        {% description_item _("Venue") %}<a …>…</a>{% enddescription_item %}

    The markup is shown as it is rendered (no dash when empty). A plain value uses the
    component directly: `{% include "components/description_item.html" with key=… value=…
    only %}`.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument, the key")
    key = parser.compile_filter(bits[1])
    nodelist = parser.parse(("enddescription_item",))
    parser.delete_first_token()
    return DescriptionItemNode(key, nodelist)
