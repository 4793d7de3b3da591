"""The form "Partner werden": an organisation applies to join the network."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.submissions.capacity import CONFIRMATION_HOURS
from engagierte_stadt.submissions.forms import (
    TEXT_MAX_LENGTH,
    SpamProtectionMixin,
    honeypot_field,
    phone_validator,
    stamp_field,
)
from partner.models import PartnerApplication, PartnerKind
from quartiere.models import Quartier


class QuartierChoiceField(forms.ModelMultipleChoiceField):
    # The largest primary key any database here stores (BigAutoField).
    MAX_PK = 2**63 - 1

    def _check_values(self, value):
        # A number too big for the database would reach it as a query and fail there
        # (SQLite: OverflowError, a 500); it is no valid choice, say so at the field.
        for pk in value:
            text = str(pk).strip()
            if not text.isdigit() or int(text) > self.MAX_PK:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name


def _consent_help():
    return format_html(
        _(
            'Read more in the <a class="kern-link" href="{url}">privacy policy</a>. '
            "With the link in our e-mail you can see what is stored and delete it at any time."
        ),
        url=reverse_lazy("page", kwargs={"slug": "datenschutz"}),
    )


class PartnerApplicationForm(SpamProtectionMixin, forms.ModelForm):
    """Organisation, kind, contact person, e-mail, phone, website, offer, Quartiere; consent by
    sending.

    Spam protection as on the sign-up forms (honeypot and minimum fill time); the honeypot is
    called `fax` here, because `website` is a real field of this form.
    """

    HONEYPOT = "fax"
    spam_log_name = "partner application form"
    confirmation_hours = CONFIRMATION_HOURS

    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("For example www.example.org."),
        widget=forms.URLInput(
            attrs={"autocomplete": "url", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"invalid": _("Please enter a web address, for example www.example.org.")},
    )
    quartiere = QuartierChoiceField(
        label=_("Where are you active?"),
        queryset=Quartier.objects.select_related("parent").order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the districts and neighbourhoods where you are active or want to be."),
    )
    consent_statement = _(
        "By sending, you agree that these details are stored to review the application and "
        "that the editorial team may contact you about it."
    )
    fax = honeypot_field()
    started = stamp_field()

    class Meta:
        model = PartnerApplication
        fields = [
            "organisation",
            "kind",
            "contact_name",
            "email",
            "phone",
            "website",
            "offer",
            "quartiere",
        ]
        labels = {
            "organisation": _("Name of your organisation or business"),
            "kind": _("What kind of organisation are you?"),
            "contact_name": _("Contact person"),
            "email": _("E-mail address"),
            "phone": _("Phone number"),
            "offer": _("What would you like to offer or do?"),
        }
        help_texts = {
            "contact_name": _("First name and surname of the person we may contact."),
            "email": _("We send you a link there to confirm your application."),
            "phone": _("Only if we may call you with questions."),
            "offer": _(
                "For example: a volunteering day for your staff, rooms, materials, know-how, "
                "or what your association does in the district."
            ),
        }
        widgets = {
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "kind": forms.RadioSelect,
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(
                attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
            ),
            "phone": forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
            ),
            "offer": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "organisation": {"required": _("Please enter the name of your organisation.")},
            "kind": {
                "required": _("Please choose what kind of organisation you are."),
                "invalid_choice": _("Please choose one of the kinds listed."),
            },
            "contact_name": {"required": _("Please enter the name of a contact person.")},
            "email": {
                "required": _("Please enter your e-mail address."),
                "invalid": _("Please enter a valid e-mail address, for example name@example.org."),
            },
            "offer": {"required": _("Please tell us briefly what you would like to offer.")},
        }

    def __init__(self, *args, form_action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("contact_name", "email", "offer"):
            self.fields[name].required = True
        self.fields["kind"].choices = PartnerKind.choices  # no empty "---------" radio
        self.fields["phone"].validators.append(phone_validator)
        offer = self.fields["offer"]
        offer.max_length = TEXT_MAX_LENGTH
        offer.widget.attrs["maxlength"] = str(TEXT_MAX_LENGTH)
        offer.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        self.init_spam_protection()
        self.helper = self.protected_helper(
            form_action=form_action, submit_label=_("Agree – send application")
        )

    def consent_help_text(self):
        return _consent_help()

    def application_data(self) -> dict:
        """The cleaned values for `partner.services.application_submit`."""
        data = {name: self.cleaned_data.get(name) or "" for name in self.Meta.fields}
        data["quartiere"] = list(self.cleaned_data.get("quartiere") or [])
        return data
