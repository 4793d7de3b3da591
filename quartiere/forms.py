"""Forms of the Quartiere pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.submissions.forms import (
    SignupFormBase,
    SpamProtectionMixin,
    consent_help,
    honeypot_field,
    stamp_field,
)
from quartiere.models import AlertSubscription, Signup


class OpportunitySignupForm(SignupFormBase):
    """Sign up for an opportunity (Mitmach-Angebot), on its page."""

    class Meta(SignupFormBase.Meta):
        model = Signup


class AlertForm(SpamProtectionMixin, forms.ModelForm):
    """ "Benachrichtigen Sie mich": only an e-mail address and how often, for the search in
    the hidden field `query` (the list's query string)."""

    spam_log_name = "alert form"
    consent = forms.BooleanField(
        label=_("I agree that my e-mail address is stored to send me new offers for this search."),
        required=True,
        error_messages={"required": _("Please agree, so that we may store your address.")},
    )
    website = honeypot_field()
    started = stamp_field()

    class Meta:
        model = AlertSubscription
        fields = ["email", "frequency", "query"]
        labels = {
            "email": _("Your e-mail address"),
            "frequency": _("How often may we write?"),
        }
        help_texts = {
            "email": _("We send you a link there to confirm. Nothing else is asked."),
        }
        widgets = {
            "email": forms.EmailInput(
                attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
            ),
            "frequency": forms.RadioSelect,
            "query": forms.HiddenInput,
        }
        error_messages = {
            "email": {
                "required": _("Please enter your e-mail address."),
                "invalid": _("Please enter a valid e-mail address, for example name@example.org."),
            },
        }

    def __init__(self, *args, form_action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["frequency"].choices = AlertSubscription.Frequency.choices
        self.fields["consent"].help_text = consent_help()
        self.init_spam_protection()
        self.helper = self.protected_helper(form_action=form_action, submit_label=_("Notify me"))
