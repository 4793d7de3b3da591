from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.models import AccessibilityFeedback
from engagierte_stadt.submissions.forms import SpamProtectionMixin, honeypot_field, stamp_field


class AccessibilityFeedbackForm(SpamProtectionMixin, forms.ModelForm):
    """Report a barrier on the portal (Feedback-Mechanismus nach BITV NRW).

    Spam protection as on every form of the submission engine (honeypot, fill time).
    """

    spam_log_name = "accessibility feedback form"
    website = honeypot_field()
    started = stamp_field()

    consent_statement = _(
        "If you give your name or e-mail address: by sending, you agree that they are stored "
        "to answer your message."
    )

    class Meta:
        model = AccessibilityFeedback
        fields = ["message", "page_url", "name", "email"]
        labels = {
            "message": _("Which barrier did you find?"),
            "page_url": _("On which page?"),
            "name": _("Your name"),
            "email": _("Your e-mail address"),
        }
        help_texts = {
            "message": _("Describe what did not work for you. Please do not enter health data."),
            "page_url": _("The address or the title of the page, if you know it."),
            "name": _("Optional."),
            "email": _("Optional. Only if you would like an answer."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_spam_protection()
        # The template has the <form>; the button says the consent.
        self.helper = self.protected_helper(form_tag=False, submit_label=_("Agree – send message"))

    def consent_help_text(self):
        return format_html(
            _('Read more in the <a class="kern-link" href="{url}">privacy policy</a>.'),
            url=reverse_lazy("page", kwargs={"slug": "datenschutz"}),
        )


class SecondFactorCodeForm(forms.Form):
    """One code: from the authenticator app, or (`allow_recovery`) a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, check, allow_recovery: bool, throttled=lambda code: False, **kwargs):
        """`check(code)` returns the device that accepts the code, or None; `throttled(code)`
        whether the devices for such a code are pausing after wrong ones."""
        super().__init__(*args, **kwargs)
        self.check = check
        self.throttled = throttled
        self.device = None
        if allow_recovery:
            self.fields["code"].help_text = _(
                "The six digits your authenticator app shows now – or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = _(
                "The six digits your authenticator app shows now for this portal."
            )
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        self.helper = FormHelper(self)
        self.helper.form_class = "site-form"
        self.helper.add_input(Submit("confirm", _("Confirm")))

    def clean_code(self):
        code = self.cleaned_data["code"]
        # Asked before the check: a wrong code starts a pause, which is not news to announce.
        if self.throttled(code):
            raise forms.ValidationError(
                _("Too many wrong codes. Please wait a minute and try again."), code="throttled"
            )
        self.device = self.check(code)
        if self.device is None:
            raise forms.ValidationError(
                _("This code is not right. Please enter the code your app shows now."),
                code="wrong",
            )
        return code
