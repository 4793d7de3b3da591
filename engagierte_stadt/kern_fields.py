"""The `kern` crispy template pack's common fields, written in Python.

`templates/kern/field.html` calls `render_field()` for the fields nearly every form has: text
inputs, selects, textareas, single checkboxes, radio and checkbox groups. They give exactly
the markup of the pack's templates (`templates/kern/field_by_templates.html` and
`templates/kern/fields/`), which still render everything else: hidden fields, file inputs,
widgets made of parts (dates) and unknown widgets.

Why: a filter form of eleven fields went through about ninety template includes, and that was
a third of the time of a list page. The templates stay the reference: a test renders every
form of the portal both ways and compares the markup byte for byte
(`tests/engagierte_stadt/test_kern_fields.py`).
"""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from engagierte_stadt.templatetags.kern_tags import kern_attrs

SELECT_TEMPLATE = "django/forms/widgets/select.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _e(value) -> str:
    """`{{ value }}` (strings and numbers; no dates reach these templates)."""
    return conditional_escape(value)


class _Settings:
    """What the pack's templates read from crispy's context."""

    __slots__ = (
        "form_show_errors",
        "form_show_labels",
        "label_class",
        "wrapper_class",
        "inline_class",
    )

    def __init__(self, context):
        for name in self.__slots__:
            setattr(self, name, context.get(name))


def render_field(field, context) -> SafeString | None:
    """The field's markup, or None when the templates should render it."""
    if field.is_hidden:
        return None
    widget = field.field.widget
    settings = _Settings(context)
    # As field_by_templates.html works out the ids.
    base_id = _e(widget.attrs.get("id") or field.auto_id or "")
    hint_id = f"{base_id}-hint" if field.help_text and base_id else ""
    show_errors = bool(settings.form_show_errors is not False and field.errors)
    error_id = f"{base_id}-error" if show_errors and base_id else ""
    describedby = f"{hint_id} {error_id}" if hint_id and error_id else (hint_id or error_id)
    ids = (base_id, hint_id, error_id, describedby, show_errors)
    if isinstance(widget, forms.CheckboxSelectMultiple) or isinstance(widget, forms.RadioSelect):
        html = _choice_group(field, settings, ids)
    elif isinstance(widget, forms.CheckboxInput):
        html = _checkbox(field, settings, ids)
    elif getattr(field, "use_fieldset", False):
        return None
    else:
        html = _input_group(field, settings, ids)
        if html is None:
            return None
    return mark_safe(html + "\n")  # noqa: S308 - every value escaped above


def _wrapper_classes(field, settings) -> str:
    out = ""
    if settings.wrapper_class:
        out += f" {_e(settings.wrapper_class)}"
    css = field.css_classes()
    if css:
        out += f" {_e(css)}"
    return out


def _label_text(field) -> str:
    out = _e(field.label)
    if not field.field.required:
        out += f' <span class="kern-label__optional">({_e(_("optional"))})</span>'
    return out


def _label_classes(settings) -> str:
    out = "kern-label"
    if settings.label_class:
        out += f" {_e(settings.label_class)}"
    if settings.form_show_labels is False:
        out += " kern-sr-only"
    return out


def _label(field, settings, label_for) -> str:
    if not field.label:
        return ""
    target = f' for="{label_for}"' if label_for else ""
    return f'<label class="{_label_classes(settings)}"{target}>{_label_text(field)}</label>\n'


def _legend(field, settings) -> str:
    if not field.label:
        return ""
    return f'<legend class="{_label_classes(settings)}">{_label_text(field)}</legend>\n'


def _hint(field, hint_id) -> str:
    if not field.help_text:
        return ""
    id_attr = f' id="{hint_id}"' if hint_id else ""
    return f'<div class="kern-hint"{id_attr}>{field.help_text}</div>\n'


def _error_message(field, show_errors, error_id) -> str:
    if not show_errors:
        return ""
    id_attr = f' id="{error_id}"' if error_id else ""
    prefix = f'<span class="kern-sr-only">{_e(_("Error:"))}</span> '
    messages = "<br>".join(prefix + _e(error) for error in field.errors)
    return (
        f'<p class="kern-error"{id_attr}><span class="kern-icon kern-icon--danger" '
        f'aria-hidden="true"></span><span class="kern-body">{messages}</span></p>\n'
    )


def _describedby(field, describedby) -> str:
    attrs = field.field.widget.attrs
    if not (describedby or "aria-describedby" in attrs):
        return ""
    own = ""
    if "aria-describedby" in attrs:
        own = _e(attrs["aria-describedby"]) + (" " if describedby else "")
    return f' aria-describedby="{own}{describedby}"'


def _class_attr(base: str, error: bool, extra) -> str:
    out = base + (f" {base}--error" if error else "")
    if extra:
        out += f" {_e(extra)}"
    return out


def _input_group(field, settings, ids) -> str | None:
    base_id, hint_id, error_id, describedby, show_errors = ids
    widget = field.field.widget
    template_name = widget.template_name
    if isinstance(widget, forms.Select) and template_name == SELECT_TEMPLATE:
        control = _select(field, base_id, describedby, show_errors)
    elif isinstance(widget, forms.ClearableFileInput):
        return None
    elif getattr(widget, "input_type", None) and "django/forms/widgets/" in template_name:
        control = _input(field, describedby, show_errors)
    elif template_name == TEXTAREA_TEMPLATE:
        control = _textarea(field, describedby, show_errors)
    else:
        return None
    label_for = _e(field.id_for_label or base_id or "")
    return (
        f'<div class="kern-form-input{" kern-form-input--error" if show_errors else ""}'
        f'{_wrapper_classes(field, settings)}">\n'
        f"{_label(field, settings, label_for)}{_hint(field, hint_id)}{control}"
        f"{_error_message(field, show_errors, error_id)}</div>"
    )


def _widget_data(field) -> dict:
    return field.subwidgets[0].data


def _value_attr(value) -> str:
    return "" if value is None else f' value="{_e(str(value))}"'


def _input(field, describedby, show_errors) -> str:
    w = _widget_data(field)
    attrs = w["attrs"]
    classes = _class_attr("kern-form-input__input", show_errors, attrs.get("class"))
    return (
        f'<input type="{_e(w["type"])}" name="{_e(w["name"])}"{_value_attr(w["value"])} '
        f'class="{classes}"{kern_attrs(attrs, "")}{_describedby(field, describedby)}>\n'
    )


def _textarea(field, describedby, show_errors) -> str:
    w = _widget_data(field)
    attrs = w["attrs"]
    classes = _class_attr("kern-form-input__input", show_errors, attrs.get("class"))
    text = _e(w["value"]) if w["value"] else ""
    return (
        f'<textarea name="{_e(w["name"])}" class="{classes}"{kern_attrs(attrs, "")}'
        f"{_describedby(field, describedby)}>\n{text}</textarea>\n"
    )


def _optgroups(field):
    """crispy's `optgroups` filter: Django's option groups with the field's id and value."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    return widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)


def _select(field, base_id, describedby, show_errors) -> str:
    widget = field.field.widget
    groups = _optgroups(field)
    attrs = widget.attrs
    multiple = widget.allow_multiple_selected
    out = "" if multiple else '<div class="kern-form-input__select-wrapper">'
    out += f'<select name="{_e(field.html_name)}"'
    if base_id and "id" not in attrs:
        out += f' id="{base_id}"'
    out += f' class="{_class_attr("kern-form-input__select", show_errors, attrs.get("class"))}"'
    if multiple:
        out += " multiple"
    if field.field.required and field.form.use_required_attribute and "required" not in attrs:
        if multiple:
            out += " required"
        elif not groups or groups[0][0] is None:
            # As the template reads it: a missing first option counts as an empty one.
            first = groups[0][1][0]["value"] if groups and groups[0][1] else None
            if first == "" or first is None:
                out += " required"
    if field.field.disabled and "disabled" not in attrs:
        out += " disabled"
    if field.errors:
        out += ' aria-invalid="true"'
    out += f"{kern_attrs(attrs, 'multiple')}{_describedby(field, describedby)}>\n"
    for group_name, options, _index in groups:
        if group_name:
            out += f'<optgroup label="{_e(group_name)}">\n'
        for option in options:
            out += (
                f'<option value="{_e(str(option["value"]))}"{kern_attrs(option["attrs"], "")}>'
                f"{_e(option['label'])}</option>\n"
            )
        if group_name:
            out += "</optgroup>\n"
    out += "</select>" + ("" if multiple else "</div>") + "\n"
    return out


def _checkbox(field, settings, ids) -> str:
    _base_id, hint_id, error_id, describedby, show_errors = ids
    w = _widget_data(field)
    attrs = w["attrs"]
    label_for = _e(attrs.get("id") or "")
    classes = _class_attr("kern-form-check__checkbox", show_errors, attrs.get("class"))
    out = (
        f'<div class="kern-form-check{" kern-form-check--error" if show_errors else ""}'
        f'{_wrapper_classes(field, settings)}">\n'
        f'<input type="checkbox" name="{_e(w["name"])}"{_value_attr(w["value"])} '
        f'class="{classes}"{kern_attrs(attrs, "")}{_describedby(field, describedby)}>\n'
    )
    if field.help_text:
        out += f"<div>\n{_label(field, settings, label_for)}{_hint(field, hint_id)}</div>\n"
    else:
        out += _label(field, settings, label_for)
    return out + _error_message(field, show_errors, error_id) + "</div>"


def _choice_group(field, settings, ids) -> str:
    _base_id, hint_id, error_id, describedby, show_errors = ids
    widget = field.field.widget
    radio = isinstance(widget, forms.RadioSelect) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    )
    kind = "radio" if radio else "checkbox"
    out = (
        f'<fieldset class="kern-fieldset{" kern-fieldset--error" if show_errors else ""}'
        f'{_wrapper_classes(field, settings)}"'
        + (f' aria-describedby="{describedby}"' if describedby else "")
        + ">\n"
        + _legend(field, settings)
        + _hint(field, hint_id)
        + '<div class="kern-fieldset__body'
        + (" kern-fieldset__body--horizontal" if settings.inline_class else "")
        + '">\n'
    )
    option_class = f"kern-form-check__{kind}"
    for group_name, options, _index in _optgroups(field):
        if group_name:
            out += (
                f'<fieldset class="kern-fieldset"><legend class="kern-label">{_e(group_name)}'
                '</legend><div class="kern-fieldset__body">\n'
            )
        for option in options:
            attrs = option["attrs"]
            classes = _class_attr(option_class, show_errors, attrs.get("class"))
            out += (
                f'<div class="kern-form-check"><input type="{_e(option["type"])}" '
                f'name="{_e(option["name"])}" value="{_e(str(option["value"]))}" '
                f'class="{classes}"{kern_attrs(attrs, "")}><label class="kern-label" '
                f'for="{_e(attrs.get("id", ""))}">{_e(option["label"])}</label></div>\n'
            )
        if group_name:
            out += "</div></fieldset>\n"
    return out + "</div>\n" + _error_message(field, show_errors, error_id) + "</fieldset>"
