"""Forms of the Quartiere pages."""

from dataclasses import dataclass

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.memo import Table
from engagierte_stadt.submissions.forms import (
    SignupFormBase,
    SpamProtectionMixin,
    honeypot_field,
    stamp_field,
)
from quartiere import finder
from quartiere.models import AlertSubscription, Signup


class OpportunitySignupForm(SignupFormBase):
    """Sign up for an opportunity (Mitmach-Angebot), on its page."""

    class Meta(SignupFormBase.Meta):
        model = Signup


class AlertForm(SpamProtectionMixin, forms.ModelForm):
    """ "Benachrichtigen Sie mich": only an e-mail address and how often, for the search in
    the hidden field `query` (the list's query string)."""

    spam_log_name = "alert form"
    consent_statement = _(
        "By sending, you agree that your e-mail address is stored to send you new offers for "
        "this search."
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
        self.init_spam_protection()
        self.helper = self.protected_helper(
            form_action=form_action, submit_label=_("Agree – notify me")
        )


# The finder's answers in the address: short German words, since links get shared and
# printed (`/mitmachen/finden/?stadtteil=welper&zeit=monatlich&passt=ohne-deutsch`).
TIME_VALUES = {"einmalig": finder.ONCE, "monatlich": finder.MONTHLY, "woechentlich": finder.WEEKLY}
WHEN_VALUES = {"werktags": "weekdays", "abends": "evenings", "wochenende": "weekends"}
SUIT_VALUES = {
    "ohne-deutsch": "no_german",
    "mit-kindern": "families",
    "stufenlos": "step_free",
    "aeltere": "seniors",
    "junge": "youth",
}
UNKNOWN_ANSWER = _("We do not know this value, so this question has been left out.")


def _multiple(label, choices, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": UNKNOWN_ANSWER, "invalid_list": UNKNOWN_ANSWER},
    )


@dataclass(frozen=True)
class FinderFormState:
    """What the finder's page needs of its form (`FinderForm.state()`)."""

    answers: finder.Answers | None  # None: no answers given yet
    has_errors: bool  # a value the portal does not know was left out
    html: str  # the questions as `{{ form|crispy }}` renders them


# The finder's form states by language, choice rows and query; bounded.
_FINDER_STATES = Table(maxsize=256)


class FinderForm(forms.Form):
    """The finder's questions, all optional, read from GET.

    A value the portal does not know leaves that question out and is explained next to it;
    the other answers still count (`answers()`).
    """

    stadtteil = forms.ChoiceField(
        label=_("Where?"),
        required=False,
        error_messages={"invalid_choice": UNKNOWN_ANSWER},
    )
    nachbarn = forms.BooleanField(label=_("also in neighbouring districts"), required=False)
    zeit = forms.ChoiceField(
        label=_("How much time do you have?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", _("I don't know yet")),
            ("einmalig", _("once")),
            ("monatlich", _("a few hours a month")),
            ("woechentlich", _("every week")),
        ],
        error_messages={"invalid_choice": UNKNOWN_ANSWER},
    )
    wann = _multiple(
        _("When?"),
        [
            ("werktags", _("on weekdays during the day")),
            ("abends", _("in the evenings")),
            ("wochenende", _("at weekends")),
        ],
    )
    thema = _multiple(_("What matters to you?"), [])
    kann = _multiple(
        _("What can you do, or would like to learn?"),
        [],
        help_text=_("Many offers need no special skills."),
    )
    passt = _multiple(
        _("What should suit you?"),
        [(value, finder.SUIT_LABELS[key]) for value, key in SUIT_VALUES.items()],
    )

    def __init__(self, *args, choices: finder.Choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["stadtteil"].choices = [
            ("", _("anywhere in town")),
            *((p.slug, choices.place_label(p)) for p in choices.places),
        ]
        self.fields["thema"].choices = [(slug, name) for _pk, slug, name in choices.topics]
        self.fields["kann"].choices = [(slug, name) for _pk, slug, name in choices.skills]

    @classmethod
    def state(cls, data, choices: finder.Choices) -> "FinderFormState":
        """The answers, whether a value was left out, and the questions' markup for a query
        (`data`, or None: no query yet): the same for every request with that query,
        language and choice rows, so kept per those (engagierte_stadt.memo; about a sixth
        of the finder's time without the page cache went into building, validating and
        rendering the form, issue #17)."""
        query = None
        if data:
            query = tuple((name, tuple(data.getlist(name))) for name in cls.base_fields)
        key = (get_language(), choices.key, query)
        return _FINDER_STATES.kept(key, lambda: cls._state(data or None, choices))

    @classmethod
    def _state(cls, data, choices) -> "FinderFormState":
        form = cls(data, choices=choices)
        return FinderFormState(
            answers=form.answers() if form.is_bound else None,
            has_errors=bool(form.errors),
            html=str(as_crispy_form(form)),
        )

    def answers(self) -> finder.Answers:
        """The valid answers; a question with an unknown value counts as not answered."""
        if not self.is_bound:
            return finder.Answers()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return finder.Answers(
            topics=data.get("thema") or [],
            place=data.get("stadtteil") or "",
            neighbours=bool(data.get("nachbarn")),
            time=TIME_VALUES.get(data.get("zeit") or "", ""),
            when=[WHEN_VALUES[value] for value in data.get("wann") or []],
            skills=data.get("kann") or [],
            suits=[SUIT_VALUES[value] for value in data.get("passt") or []],
        )
