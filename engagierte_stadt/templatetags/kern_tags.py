"""Helpers of the `kern` crispy template pack (templates/kern/) that are cheaper in Python."""

from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode
from django import template
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from engagierte_stadt.memo import Table

register = template.Library()

# The pack writes these itself (the class with KERN's own, aria-describedby from hint and error).
_WRITTEN_BY_THE_PACK = frozenset({"class", "aria-describedby"})


@register.filter
def kern_attrs(attrs, skip=""):
    """Widget attributes as Django renders them: ` name="value"`, ` name` for True, nothing
    for False and None; except class, aria-describedby and the one named in `skip`.

    A filter rather than an included template: a select with 30 options called the include
    30 times, and each include cost a context and a template look-up.
    """
    if not attrs:
        return ""
    parts = []
    for name, value in attrs.items():
        if name in _WRITTEN_BY_THE_PACK or name == skip or value is False or value is None:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def kern_field(context):
    """`templates/kern/field.html`: the common fields in Python (`engagierte_stadt.kern_fields`),
    every other field through the pack's templates (`kern/field_by_templates.html`)."""
    from engagierte_stadt.kern_fields import render_field

    field = context["field"]
    if not settings.KERN_FIELDS_CHECK:
        html = render_field(field, context)
        return _by_templates(context) if html is None else html
    # The check renders the field twice: choices from a query are read once for both, so a
    # page's query count stays what it is without the check (the query budget tests).
    widget = field.field.widget
    choices = getattr(widget, "choices", None)
    if choices is not None and not isinstance(choices, list | tuple):
        widget.choices = list(iter(choices))  # iter(): list() would ask len(), a COUNT query
    try:
        html = render_field(field, context)
        reference = _by_templates(context)
    finally:
        if choices is not None:
            widget.choices = choices
    if html is not None and html != reference:
        raise AssertionError(
            f"kern_fields.render_field differs from the templates for {field.name!r}:\n"
            f"{html}\n--- templates ---\n{reference}"
        )
    return reference


def _by_templates(context):
    template = context.template.engine.get_template("kern/field_by_templates.html")
    with context.push():
        return mark_safe(template.render(context))  # noqa: S308 - a template's own output


@register.simple_tag(takes_context=True)
def new_form(context, form):
    """`{% crispy form %}` for a spam-protected form nobody has filled in yet (the sign-up
    form of an offer or a meeting page): the same markup for every visitor but for the CSRF
    token and the fill stamp, so it is rendered once per form class, language, address and
    fields, with holes where those two were, and each request fills in its own (issue #17:
    the form was a quarter of an offer page's work). A bound form (shown again with its
    errors and what was typed) is rendered as `{% crispy %}` renders it. With `CARDS_CHECK`
    (the test settings) it is rendered every time and compared."""
    stamp_name = getattr(form, "STAMP", None)
    stamp = form.initial.get(stamp_name) if stamp_name else None
    token = str(context.get("csrf_token") or "")

    def crispy():
        with context.push(form=form):
            return CrispyFormNode("form", None).render(context)

    if form.is_bound or not stamp or not token:
        return crispy()
    key = (
        type(form),
        get_language(),
        form.prefix,
        getattr(getattr(form, "helper", None), "form_action", ""),
        tuple(form.fields),
        tuple(sorted((k, str(v)) for k, v in form.initial.items() if k != stamp_name)),
    )

    rendered = []  # this request's own form, when it was rendered

    def build():
        html = crispy()
        rendered.append(html)
        for value, hole in ((stamp, _STAMP_HOLE), (token, _TOKEN_HOLE)):
            escaped = str(conditional_escape(value))
            if html.count(escaped) != 1:  # not where a hole can be made: no memo
                return None
            html = html.replace(escaped, hole)
        return html

    html = _NEW_FORMS.kept(key, build)
    if html is None:  # rendered above, not kept
        return rendered[-1]
    return mark_safe(  # noqa: S308 - a rendered form with two escaped values put in
        html.replace(_STAMP_HOLE, str(conditional_escape(stamp))).replace(
            _TOKEN_HOLE, str(conditional_escape(token))
        )
    )


_STAMP_HOLE = "\u27e6form-stamp\u27e7"
_TOKEN_HOLE = "\u27e6form-token\u27e7"
_NEW_FORMS = Table(maxsize=64)
