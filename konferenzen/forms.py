"""Forms of the district conference pages: registration for a meeting, wish for a conference.

Both are forms of the shared sign-up engine (`SignupFormBase`: honeypot, fill time, consent
by sending);
they differ only in their fields and words.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.submissions.forms import SignupFormBase
from konferenzen.models import ConferenceWish, Registration


class RegistrationForm(SignupFormBase):
    """Register for a meeting, on its page."""

    submit_label = _("Agree – register")
    consent_statement = _(
        "By sending, you agree that your details, including what you need to take part, are "
        "stored and passed on to the organisers of this district conference to handle your "
        "registration."
    )

    class Meta(SignupFormBase.Meta):
        model = Registration
        help_texts = {
            **SignupFormBase.Meta.help_texts,
            "email": _("We send you a link there to confirm your registration."),
            "name": _("First name and surname, so that the organisers know whom to expect."),
            "message": _("Questions, or a topic you would like to raise at the conference."),
            "needs": _(
                "For example step-free access, sign-language interpreting, childcare or easy "
                "language. Only the organisers of the conference see it."
            ),
        }


class WishForm(SignupFormBase):
    """The wish "a district conference in …": name, e-mail, would help; consent by sending."""

    submit_label = _("Agree – send wish")
    consent_statement = _(
        "By sending, you agree that your name and e-mail address are stored and passed on to "
        "the city's team for district conferences, to handle your wish."
    )

    class Meta(SignupFormBase.Meta):
        model = ConferenceWish
        fields = ["name", "email", "would_help"]
        labels = {
            **SignupFormBase.Meta.labels,
            "would_help": _("I would help to organise it"),
        }
        help_texts = {
            **SignupFormBase.Meta.help_texts,
            "name": _("First name and surname."),
            "email": _("We send you a link there to confirm your wish."),
            "would_help": _("Then the city's team may ask you whether you would like to join in."),
        }
        widgets = {
            **SignupFormBase.Meta.widgets,
            "would_help": forms.CheckboxInput,
        }

    def signup_data(self) -> dict:
        """The text fields for `signup_submit`, and `would_help` as a yes or no."""
        data = super().signup_data()
        data["would_help"] = bool(self.cleaned_data.get("would_help"))
        return data
