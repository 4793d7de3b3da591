"""Forms of the district conference pages: registration for a meeting, wish for a conference."""

from django import forms
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.signup_forms import SignupFormBase
from konferenzen.models import ConferenceWish, Registration


class RegistrationForm(SignupFormBase):
    """Register for a meeting, on its page."""

    submit_label = _("Register")

    class Meta(SignupFormBase.Meta):
        model = Registration


class WishForm(SignupFormBase):
    """The wish "a district conference in …": name, e-mail, would help, consent."""

    submit_label = _("Send wish")
    consent_label = _(
        "I agree that my name and e-mail address are stored and passed on to the city's team "
        "for district conferences, to handle my wish."
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
            "email": _("We send you a link there to confirm your wish."),
            "would_help": _("Then the city's team may ask you whether you would like to join in."),
        }
        widgets = {
            **SignupFormBase.Meta.widgets,
            "would_help": forms.CheckboxInput,
        }
