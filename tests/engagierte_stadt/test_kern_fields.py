"""The kern pack's common fields in Python (engagierte_stadt/kern_fields.py).

The pack's templates are the reference. The test settings switch `KERN_FIELDS_CHECK` on, so
every form any test renders is also compared with them; these tests check that the check
works, and that the Python path is really taken for the common widgets.
"""

import pytest
from crispy_forms.bootstrap import InlineCheckboxes, InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.template import engines
from django.test import override_settings

from engagierte_stadt import kern_fields
from tests.engagierte_stadt.test_crispy_kern import INVALID_DATA, VALID_DATA, EveryWidgetForm


def render(form, tag=False):
    source = "{% load crispy_forms_tags %}" + ("{% crispy form %}" if tag else "{{ form|crispy }}")
    return engines["django"].from_string(source).render({"form": form})


@pytest.mark.parametrize(
    "data", [None, VALID_DATA, INVALID_DATA], ids=["empty", "valid", "invalid"]
)
def test_every_widget_renders_as_the_templates_do(data):
    # KERN_FIELDS_CHECK is on in the test settings: a difference raises.
    form = EveryWidgetForm(data=data)
    form.is_valid() if data is not None else None
    html = render(form)
    assert 'class="kern-form-input__input' in html


def test_python_path_is_taken_for_the_common_widgets_and_templates_for_the_rest():
    form = EveryWidgetForm()
    taken = {name: kern_fields.render_field(form[name], {}) is not None for name in form.fields}
    assert taken == {
        "name": True,
        "email": True,
        "phone": True,
        "website": True,
        "participants": True,
        "day": True,
        "message": True,
        "district": True,
        "contact": True,
        "topics": True,
        "attachment": True,
        "photo": False,  # ClearableFileInput: the templates
        "consent": True,
        "source": False,  # hidden: the templates
    }


def test_a_difference_from_the_templates_fails_loudly(monkeypatch):
    monkeypatch.setattr(kern_fields, "_hint", lambda field, hint_id: "<div>changed</div>\n")
    with pytest.raises(AssertionError, match="differs from the templates for 'name'"):
        render(EveryWidgetForm())


@override_settings(KERN_FIELDS_CHECK=False)
def test_without_the_check_only_python_renders_the_common_fields(monkeypatch):
    calls = []
    real = kern_fields.render_field
    monkeypatch.setattr(
        kern_fields,
        "render_field",
        lambda field, context: calls.append(field.name) or real(field, context),
    )
    html = render(EveryWidgetForm(data=INVALID_DATA))
    assert "email" in calls and "district" in calls
    assert html.count('class="kern-error"') >= 3


class SelectAndGroups(forms.Form):
    grouped = forms.ChoiceField(
        label="Grouped",
        choices=[("Nord", [("a", "A <b>")]), ("Süd", [("b", "B & C")])],
    )
    several = forms.MultipleChoiceField(label="Several", choices=[("x", "X"), ("y", "Y")])
    radios = forms.ChoiceField(
        label="Radios", choices=[("1", "One"), ("2", "Two")], widget=forms.RadioSelect
    )
    boxes = forms.MultipleChoiceField(
        label="Boxes",
        choices=[("1", "One"), ("2", "Two")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    described = forms.CharField(
        label="Described",
        help_text="A hint",
        widget=forms.TextInput(attrs={"aria-describedby": "own-id", "class": "extra"}),
    )
    disabled = forms.CharField(label="Disabled", disabled=True, required=False)


@pytest.mark.parametrize("data", [None, {"grouped": "zz", "several": []}], ids=["empty", "errors"])
def test_groups_multiple_disabled_and_own_describedby_as_the_templates(data):
    form = SelectAndGroups(data=data)
    if data is not None:
        form.is_valid()
    html = render(form)
    assert "<optgroup" in html and "A &lt;b&gt;" in html


def test_inline_layouts_and_helper_settings_as_the_templates():
    form = SelectAndGroups()
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.form_show_labels = False
    form.helper.label_class = "my-label"
    form.helper.layout = Layout(InlineRadios("radios"), InlineCheckboxes("boxes"), "described")
    html = render(form, tag=True)
    assert "kern-fieldset__body--horizontal" in html
    assert "kern-sr-only" in html
