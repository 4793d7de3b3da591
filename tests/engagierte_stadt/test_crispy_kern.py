"""The project's crispy-forms template pack "kern" (templates/kern/): KERN markup for every widget.

The rendered HTML is read with a small tree builder on the standard library's HTMLParser, so
the tests look at elements and attributes, not at strings.
"""

from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

# --- A form with every standard widget ------------------------------------------------------


class StoredFile:
    """Stands in for a FieldFile that is already saved: a name and a URL, no storage."""

    url = "/media/uploads/plan.png"

    def __str__(self):
        return "uploads/plan.png"


class EveryWidgetForm(forms.Form):
    name = forms.CharField(
        label="Your name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label="E-mail address",
        help_text="We only use it to answer you.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    participants = forms.IntegerField(
        label="Participants",
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    day = forms.DateField(
        label="Day",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    message = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 5}))
    district = forms.ChoiceField(
        label="District",
        choices=[("", "Please choose"), ("nord", "Nord"), ("sued", "Süd")],
    )
    contact = forms.ChoiceField(
        label="How may we contact you?",
        help_text="Choose one.",
        choices=[("email", "By e-mail"), ("phone", "By phone")],
        widget=forms.RadioSelect,
    )
    topics = forms.MultipleChoiceField(
        label="Topics",
        required=False,
        choices=[("garden", "Garden"), ("sport", "Sport"), ("culture", "Culture")],
        widget=forms.CheckboxSelectMultiple,
    )
    attachment = forms.FileField(label="Attachment", required=False, widget=forms.FileInput)
    photo = forms.ImageField(label="Photo", required=False)
    consent = forms.BooleanField(
        label="I agree to the storage of my data.",
        # Plain string with HTML: Django renders help text unescaped, so does the pack.
        help_text='Read the <a href="/datenschutz/">privacy policy</a>.',
    )
    source = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") == "Nobody":
            raise ValidationError("We cannot accept this request.")
        return data


VALID_DATA = {
    "name": "Erika Muster",
    "email": "erika@example.org",
    "phone": "02324 123",
    "website": "https://example.org",
    "participants": "3",
    "day": "2025-06-01",
    "message": "Hello",
    "district": "nord",
    "contact": "email",
    "topics": ["garden", "culture"],
    "consent": "on",
    "source": "start-page",
}

INVALID_DATA = {
    "name": "",
    "email": "not-an-e-mail",
    "message": "",
    "district": "",
    "source": "start-page",
}


# --- Reading the rendered HTML ----------------------------------------------------------------

VOID_ELEMENTS = set("area br col embed hr img input link meta source wbr".split())
PHRASING_ONLY = {"p", "label", "legend", "span", "a", "button", "h2", "li"}
BLOCK_ELEMENTS = {"div", "p", "fieldset", "ul", "ol", "form", "h2", "table"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children = []

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        """Descendants by tag, one CSS class and attributes (aria_invalid → aria-invalid)."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and (cls is None or cls in node.classes)
            and all(node.attrs.get(name) == value for name, value in wanted.items())
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> with class {cls!r} and {attrs!r}"
        return found[0]

    def by_id(self, element_id):
        found = self.find_all(id=element_id)
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    @property
    def text(self):
        parts = []
        for child in self.children:
            parts.append(child.text if isinstance(child, Node) else child)
        return " ".join("".join(parts).split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.problems.append(f"duplicate attribute in <{tag} {names}>")
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            self.problems.append(f"end tag </{tag}> for a void element")
        elif self.stack[-1].tag == tag:
            self.stack.pop()
        else:
            self.problems.append(f"</{tag}> closes <{self.stack[-1].tag}>")

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html):
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    if len(builder.stack) > 1:
        builder.problems.append(f"unclosed <{builder.stack[-1].tag}>")
    builder.root.problems = builder.problems
    return builder.root


def render_filter(form):
    template = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
    return template.render({"form": form})


def render_tag(form):
    template = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
    return template.render({"form": form}, request=RequestFactory().get("/mitmachen/"))


def invalid_form():
    form = EveryWidgetForm(data=INVALID_DATA)
    assert not form.is_valid()
    return form


def summary_of(doc):
    found = doc.find_all(cls="kern-alert")
    return found[0] if found else None


# --- 1. Widgets -----------------------------------------------------------------------------


def test_text_input_is_a_kern_input_keeping_widget_attrs():
    field = parse(render_filter(EveryWidgetForm())).by_id("id_name")
    assert field.tag == "input"
    assert field.attrs["type"] == "text"
    assert field.classes == ["kern-form-input__input"]
    assert field.attrs["autocomplete"] == "name"
    assert field.attrs["maxlength"] == "100"


def test_email_input_has_type_email():
    field = parse(render_filter(EveryWidgetForm())).by_id("id_email")
    assert field.attrs["type"] == "email"
    assert field.attrs["autocomplete"] == "email"


def test_text_input_with_type_tel_renders_tel_and_keeps_attrs():
    field = parse(render_filter(EveryWidgetForm())).by_id("id_phone")
    assert field.attrs["type"] == "tel"
    assert field.attrs["inputmode"] == "tel"
    assert field.attrs["autocomplete"] == "tel"


def test_url_input_has_type_url():
    assert parse(render_filter(EveryWidgetForm())).by_id("id_website").attrs["type"] == "url"


def test_number_input_has_type_number_and_keeps_min_and_inputmode():
    field = parse(render_filter(EveryWidgetForm())).by_id("id_participants")
    assert field.attrs["type"] == "number"
    assert field.attrs["min"] == "1"
    assert field.attrs["inputmode"] == "numeric"


def test_date_input_has_type_date_and_an_iso_value():
    form = EveryWidgetForm(initial={"day": "2025-06-01"})
    field = parse(render_filter(form)).by_id("id_day")
    assert field.attrs["type"] == "date"
    assert field.attrs["value"] == "2025-06-01"


def test_bound_value_is_rendered_back_into_the_input():
    form = EveryWidgetForm(data=INVALID_DATA)
    assert parse(render_filter(form)).by_id("id_email").attrs["value"] == "not-an-e-mail"


def test_textarea_is_a_kern_input_with_its_value_and_rows():
    form = EveryWidgetForm(initial={"message": "Hello <world>"})
    field = parse(render_filter(form)).by_id("id_message")
    assert field.tag == "textarea"
    assert "kern-form-input__input" in field.classes
    assert field.attrs["rows"] == "5"
    assert field.text == "Hello <world>"


def test_select_sits_in_the_kern_select_wrapper_with_its_options():
    doc = parse(render_filter(EveryWidgetForm(initial={"district": "sued"})))
    select = doc.by_id("id_district")
    assert select.tag == "select"
    assert select.classes == ["kern-form-input__select"]
    assert "kern-form-input__select-wrapper" in select.parent.classes
    options = select.find_all("option")
    assert [o.attrs["value"] for o in options] == ["", "nord", "sued"]
    assert [o.attrs["value"] for o in options if "selected" in o.attrs] == ["sued"]


def test_single_checkbox_puts_the_input_before_its_label():
    doc = parse(render_filter(EveryWidgetForm()))
    checkbox = doc.by_id("id_consent")
    wrapper = checkbox.parent
    assert "kern-form-check" in wrapper.classes
    assert checkbox.attrs["type"] == "checkbox"
    assert checkbox.classes == ["kern-form-check__checkbox"]
    elements = list(wrapper.iter())
    label = doc.find("label", for_="id_consent")
    assert elements.index(checkbox) < elements.index(label)


def test_checked_checkbox_stays_checked():
    form = EveryWidgetForm(data=VALID_DATA)
    assert "checked" in parse(render_filter(form)).by_id("id_consent").attrs


def test_radio_select_is_a_fieldset_with_the_label_as_legend():
    doc = parse(render_filter(EveryWidgetForm()))
    radio = doc.by_id("id_contact_0")
    fieldset = next(a for a in radio.ancestors() if a.tag == "fieldset")
    assert "kern-fieldset" in fieldset.classes
    legend = fieldset.find("legend")
    assert legend.classes == ["kern-label"]
    assert legend.text == "How may we contact you?"
    assert fieldset.find(cls="kern-fieldset__body")


def test_radio_options_are_input_label_pairs_with_unique_ids():
    doc = parse(render_filter(EveryWidgetForm()))
    radios = doc.find_all("input", type="radio")
    assert [r.attrs["id"] for r in radios] == ["id_contact_0", "id_contact_1"]
    for radio in radios:
        assert radio.classes == ["kern-form-check__radio"]
        assert radio.attrs["name"] == "contact"
        assert "kern-form-check" in radio.parent.classes
        label = doc.find("label", for_=radio.attrs["id"])
        assert label.parent is radio.parent
    assert doc.find("label", for_="id_contact_1").text == "By phone"


def test_checkbox_select_multiple_is_a_fieldset_of_checkboxes():
    doc = parse(render_filter(EveryWidgetForm(initial={"topics": ["sport"]})))
    boxes = doc.find_all("input", name="topics")
    assert [b.attrs["id"] for b in boxes] == ["id_topics_0", "id_topics_1", "id_topics_2"]
    assert all(b.attrs["type"] == "checkbox" for b in boxes)
    assert all(b.classes == ["kern-form-check__checkbox"] for b in boxes)
    assert [b.attrs["value"] for b in boxes if "checked" in b.attrs] == ["sport"]
    fieldset = next(a for a in boxes[0].ancestors() if a.tag == "fieldset")
    assert fieldset.find("legend").text.startswith("Topics")


def test_file_input_is_a_kern_file_input():
    field = parse(render_filter(EveryWidgetForm())).by_id("id_attachment")
    assert field.attrs["type"] == "file"
    assert field.classes == ["kern-form-input__input"]
    assert "value" not in field.attrs


def test_image_field_with_a_stored_file_links_it_and_offers_to_clear_it():
    doc = parse(render_filter(EveryWidgetForm(initial={"photo": StoredFile()})))
    file_input = doc.by_id("id_photo")
    assert file_input.attrs["type"] == "file"
    assert file_input.attrs["accept"] == "image/*"
    assert doc.find("a", href="/media/uploads/plan.png").text == "uploads/plan.png"
    clear = doc.by_id("photo-clear_id")
    assert clear.attrs["type"] == "checkbox"
    assert clear.attrs["name"] == "photo-clear"
    assert clear.classes == ["kern-form-check__checkbox"]
    assert doc.find("label", for_="photo-clear_id").text


def test_hidden_input_is_rendered_without_label():
    doc = parse(render_filter(EveryWidgetForm(initial={"source": "start-page"})))
    hidden = doc.by_id("id_source")
    assert hidden.attrs["type"] == "hidden"
    assert hidden.attrs["value"] == "start-page"
    assert not doc.find_all("label", for_="id_source")
    assert hidden.parent.tag == "#document"


def test_select_multiple_has_the_multiple_attribute_and_no_one_line_wrapper():
    class Form(forms.Form):
        days = forms.MultipleChoiceField(choices=[("mo", "Monday"), ("tu", "Tuesday")])

    select = parse(render_filter(Form(initial={"days": ["tu"]}))).by_id("id_days")
    assert "multiple" in select.attrs
    assert "kern-form-input__select-wrapper" not in select.parent.classes
    assert [o.attrs["value"] for o in select.find_all("option") if "selected" in o.attrs] == ["tu"]


def test_split_datetime_parts_are_kern_inputs_in_a_fieldset():
    class Form(forms.Form):
        starts = forms.SplitDateTimeField(label="Starts")

    doc = parse(render_filter(Form(data={"starts_0": "", "starts_1": ""})))
    parts = [doc.by_id("id_starts_0"), doc.by_id("id_starts_1")]
    assert all(part.classes[0] == "kern-form-input__input" for part in parts)
    fieldset = parts[0].parent.parent
    assert fieldset.tag == "fieldset"
    assert fieldset.find("legend").text == "Starts"
    assert fieldset.attrs["aria-describedby"] == "id_starts-error"
    assert summary_of(doc).find("a", href="#id_starts_0")


# --- 2. Label, hint, error ------------------------------------------------------------------


def test_every_label_points_to_an_existing_control():
    doc = parse(render_filter(invalid_form()))
    labels = doc.find_all("label")
    assert labels
    for label in labels:
        assert doc.by_id(label.attrs["for"]).tag in {"input", "select", "textarea"}


def test_help_text_is_in_a_kern_hint_with_the_hint_id():
    doc = parse(render_filter(EveryWidgetForm()))
    hint = doc.by_id("id_email-hint")
    assert "kern-hint" in hint.classes
    assert hint.text == "We only use it to answer you."
    assert doc.by_id("id_email").attrs["aria-describedby"] == "id_email-hint"


def test_help_text_html_is_rendered_unescaped():
    hint = parse(render_filter(EveryWidgetForm())).by_id("id_consent-hint")
    link = hint.find("a", href="/datenschutz/")
    assert link.text == "privacy policy"


def test_required_inputs_have_the_required_attribute():
    doc = parse(render_filter(EveryWidgetForm()))
    for element_id in ["id_name", "id_email", "id_message", "id_district", "id_consent"]:
        assert "required" in doc.by_id(element_id).attrs, element_id
    for element_id in ["id_phone", "id_website", "id_day", "id_topics_0", "id_attachment"]:
        assert "required" not in doc.by_id(element_id).attrs, element_id


def test_invalid_input_has_aria_invalid_and_points_to_its_error():
    doc = parse(render_filter(invalid_form()))
    email = doc.by_id("id_email")
    assert email.attrs["aria-invalid"] == "true"
    assert email.attrs["aria-describedby"].split() == ["id_email-hint", "id_email-error"]
    assert "kern-form-input__input--error" in email.classes
    error = doc.by_id("id_email-error")
    assert "Enter a valid email address." in error.text or "E-Mail-Adresse" in error.text


def test_error_message_uses_kern_error_with_a_hidden_error_prefix():
    error = parse(render_filter(invalid_form())).by_id("id_name-error")
    assert "kern-error" in error.classes
    prefix = error.find(cls="kern-sr-only")
    assert prefix.text == "Fehler:"
    assert error.find(cls="kern-icon").attrs["aria-hidden"] == "true"


def test_field_with_errors_marks_its_kern_wrapper():
    doc = parse(render_filter(invalid_form()))
    assert "kern-form-input--error" in doc.by_id("id_name").parent.classes
    assert "kern-form-input__select--error" in doc.by_id("id_district").classes


def test_radio_group_hint_and_error_are_tied_to_the_fieldset():
    doc = parse(render_filter(invalid_form()))
    fieldset = next(a for a in doc.by_id("id_contact_0").ancestors() if a.tag == "fieldset")
    assert fieldset.attrs["aria-describedby"].split() == ["id_contact-hint", "id_contact-error"]
    assert "kern-fieldset--error" in fieldset.classes
    assert doc.by_id("id_contact-hint").parent is fieldset
    assert doc.by_id("id_contact-error").parent is fieldset
    assert doc.by_id("id_contact_0").attrs["aria-invalid"] == "true"


def test_single_checkbox_hint_and_error_are_tied_to_the_input():
    doc = parse(render_filter(invalid_form()))
    checkbox = doc.by_id("id_consent")
    assert checkbox.attrs["aria-describedby"].split() == ["id_consent-hint", "id_consent-error"]
    assert checkbox.attrs["aria-invalid"] == "true"
    assert "kern-form-check--error" in checkbox.parent.classes
    assert "kern-error" in doc.by_id("id_consent-error").classes


def test_aria_describedby_set_on_the_widget_is_kept_first():
    class Form(forms.Form):
        code = forms.CharField(
            help_text="Six digits.",
            widget=forms.TextInput(attrs={"aria-describedby": "code-intro"}),
        )

    described_by = parse(render_filter(Form(data={}))).by_id("id_code").attrs["aria-describedby"]
    assert described_by.split() == ["code-intro", "id_code-hint", "id_code-error"]


# --- 3. Required and optional ---------------------------------------------------------------


def test_optional_field_label_carries_the_kern_optional_marker():
    label = parse(render_filter(EveryWidgetForm())).find("label", for_="id_phone")
    marker = label.find("span", cls="kern-label__optional")
    assert marker.text == "(optional)"
    assert label.text == "Phone (optional)"


def test_optional_group_legend_carries_the_optional_marker():
    doc = parse(render_filter(EveryWidgetForm()))
    fieldset = next(a for a in doc.by_id("id_topics_0").ancestors() if a.tag == "fieldset")
    assert fieldset.find("legend").find(cls="kern-label__optional")


def test_required_field_label_has_no_marker_and_no_star():
    label = parse(render_filter(EveryWidgetForm())).find("label", for_="id_name")
    assert label.text == "Your name"
    assert not label.find_all(cls="kern-label__optional")


# --- 4./5./6. Error summary, non-field and hidden-field errors ------------------------------


def test_invalid_form_starts_with_an_error_summary_linking_every_field_error():
    doc = parse(render_filter(invalid_form()))
    first = next(doc.iter())
    summary = summary_of(doc)
    assert first is summary
    assert {"kern-alert", "kern-alert--danger"} <= set(summary.classes)
    links = [a.attrs["href"] for a in summary.find_all("a")]
    assert links == [
        "#id_name",
        "#id_email",
        "#id_message",
        "#id_district",
        "#id_contact_0",
        "#id_consent",
    ]
    for href in links:
        doc.by_id(href[1:])


def test_summary_link_text_names_the_field_and_gives_the_message():
    form = invalid_form()
    summary = summary_of(parse(render_filter(form)))
    link = summary.find("a", href="#id_email")
    assert link.text == f"E-mail address – {form.errors['email'][0]}"


def test_summary_links_a_radio_group_to_its_first_option():
    summary = summary_of(parse(render_filter(invalid_form())))
    assert summary.find("a", href="#id_contact_0")
    assert not summary.find_all("a", href="#id_contact")


def test_summary_is_a_focusable_alert_labelled_by_its_heading():
    with translation.override("en"):
        summary = summary_of(parse(render_filter(invalid_form())))
    assert summary.attrs["role"] == "alert"
    assert summary.attrs["tabindex"] == "-1"
    heading = summary.by_id(summary.attrs["aria-labelledby"])
    assert heading.tag == "h2"
    assert heading.text == "There is a problem"


def test_non_field_errors_are_listed_as_plain_items():
    form = EveryWidgetForm(data={**VALID_DATA, "name": "Nobody"})
    assert not form.is_valid()
    summary = summary_of(parse(render_filter(form)))
    items = summary.find_all("li")
    assert [item.text for item in items] == ["We cannot accept this request."]
    assert not items[0].find_all("a")


def test_hidden_field_errors_are_listed_with_the_field_name_and_no_link():
    class Form(forms.Form):
        token = forms.CharField(widget=forms.HiddenInput)

    summary = summary_of(parse(render_filter(Form(data={}))))
    item = summary.find("li")
    assert "token" in item.text
    assert not item.find_all("a")


def test_valid_or_unbound_form_has_no_summary_and_nothing_invalid():
    for form in [EveryWidgetForm(), EveryWidgetForm(data=VALID_DATA)]:
        doc = parse(render_filter(form))
        assert summary_of(doc) is None
        assert not [n for n in doc.iter() if "aria-invalid" in n.attrs]
        assert not doc.find_all(cls="kern-error")


def test_summary_ids_follow_the_form_prefix():
    form = EveryWidgetForm(data={}, prefix="feedback")
    summary = summary_of(parse(render_filter(form)))
    assert summary.attrs["id"] == "feedback-error-summary"
    assert summary.find("a", href="#id_feedback-name")


def test_as_crispy_errors_renders_only_the_summary():
    template = engines["django"].from_string(
        "{% load crispy_forms_tags %}{{ form|as_crispy_errors }}"
    )
    doc = parse(template.render({"form": invalid_form()}))
    assert summary_of(doc)
    assert not doc.find_all("input")


# --- 7. {% crispy %} and |crispy ------------------------------------------------------------


def test_crispy_tag_renders_a_novalidate_post_form_with_csrf_token():
    form = EveryWidgetForm()
    form.helper = FormHelper()
    form.helper.form_action = "/mitmachen/"
    doc = parse(render_tag(form))
    form_element = doc.find("form")
    assert form_element.attrs["method"] == "post"
    assert form_element.attrs["action"] == "/mitmachen/"
    assert "novalidate" in form_element.attrs
    assert form_element.attrs["enctype"] == "multipart/form-data"
    assert form_element.find("input", name="csrfmiddlewaretoken")


def test_crispy_tag_without_helper_renders_the_form_too():
    doc = parse(render_tag(EveryWidgetForm()))
    assert doc.find("form").by_id("id_email")


def test_crispy_filter_renders_fields_without_form_element():
    doc = parse(render_filter(EveryWidgetForm()))
    assert not doc.find_all("form")
    assert not doc.find_all("input", name="csrfmiddlewaretoken")
    assert doc.by_id("id_email")


def test_crispy_tag_shows_the_summary_first_inside_the_form():
    form = invalid_form()
    form.helper = FormHelper()
    form_element = parse(render_tag(form)).find("form")
    visible = [n for n in form_element.iter() if n.attrs.get("type") != "hidden"]
    assert visible[0] is summary_of(form_element)


def test_submit_input_becomes_a_kern_primary_button():
    form = EveryWidgetForm()
    form.helper = FormHelper()
    form.helper.add_input(Submit("send", "Send message"))
    button = parse(render_tag(form)).find("button")
    assert button.attrs["type"] == "submit"
    assert button.classes == ["kern-btn", "kern-btn--primary"]
    assert button.find("span", cls="kern-label").text == "Send message"
    assert not parse(render_tag(form)).find_all("input", type="submit")


def test_layout_renders_fieldset_as_kern_fieldset_and_summary_before_it():
    form = EveryWidgetForm(data=INVALID_DATA)
    form.helper = FormHelper()
    form.helper.layout = Layout(
        Fieldset("About you", "name", "email"),
        "message",
        "district",
        "contact",
        "consent",
    )
    doc = parse(render_tag(form))
    fieldset = doc.find("fieldset", cls="kern-fieldset")
    assert fieldset.find("legend").text == "About you"
    assert fieldset.by_id("id_name")
    elements = list(doc.iter())
    assert elements.index(summary_of(doc)) < elements.index(fieldset)


def test_hidden_labels_stay_for_screen_readers():
    form = EveryWidgetForm()
    form.helper = FormHelper()
    form.helper.form_show_labels = False
    label = parse(render_tag(form)).find("label", for_="id_name")
    assert "kern-sr-only" in label.classes
    assert label.text == "Your name"


def test_formset_renders_management_form_and_one_summary():
    formset_class = forms.formset_factory(EveryWidgetForm, extra=2)
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-email": "wrong"}
    formset = formset_class(data=data)
    assert not formset.is_valid()
    doc = parse(render_filter(formset))
    assert doc.by_id("id_form-TOTAL_FORMS").attrs["type"] == "hidden"
    assert len(doc.find_all(cls="kern-alert")) == 1
    assert summary_of(doc).find("a", href="#id_form-0-email")
    assert doc.by_id("id_form-1-email")


def test_as_crispy_field_renders_a_single_field():
    template = engines["django"].from_string(
        "{% load crispy_forms_tags %}{{ form.email|as_crispy_field }}"
    )
    doc = parse(template.render({"form": invalid_form()}))
    assert doc.by_id("id_email").attrs["aria-describedby"] == "id_email-hint id_email-error"
    assert summary_of(doc) is None
    assert not doc.find_all("input", name="name")


# --- 8. Accessibility -----------------------------------------------------------------------


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "invalid"])
def test_markup_is_well_formed(bound):
    doc = parse(render_filter(invalid_form() if bound else EveryWidgetForm()))
    assert doc.problems == []
    for node in doc.iter():
        if node.tag in PHRASING_ONLY:
            inner = {n.tag for n in node.iter()}
            assert not inner & BLOCK_ELEMENTS, f"block element inside <{node.tag}>"


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "invalid"])
def test_ids_are_unique(bound):
    doc = parse(render_tag(invalid_form() if bound else EveryWidgetForm()))
    ids = [n.attrs["id"] for n in doc.iter() if "id" in n.attrs]
    assert ids
    assert len(ids) == len(set(ids))


def test_every_aria_reference_points_to_an_existing_element():
    doc = parse(render_tag(invalid_form()))
    for node in doc.iter():
        for name in ("aria-describedby", "aria-labelledby"):
            for element_id in node.attrs.get(name, "").split():
                assert doc.by_id(element_id)


def test_no_label_or_legend_is_empty():
    doc = parse(render_tag(invalid_form()))
    for node in doc.find_all("label") + doc.find_all("legend"):
        assert node.text, f"empty <{node.tag}>"


def test_every_visible_control_has_a_label():
    doc = parse(render_tag(EveryWidgetForm(initial={"photo": StoredFile()})))
    labelled = {label.attrs["for"] for label in doc.find_all("label")}
    controls = [
        n
        for n in doc.iter()
        if n.tag in {"input", "select", "textarea"} and n.attrs.get("type") != "hidden"
    ]
    assert len(controls) > 10
    for control in controls:
        assert control.attrs["id"] in labelled, control.attrs["id"]
