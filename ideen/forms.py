"""The form "Idee einreichen": an idea for a Stadtteil, with the proposer's minimum data."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.submissions.capacity import CONFIRMATION_HOURS
from engagierte_stadt.submissions.forms import (
    TEXT_MAX_LENGTH,
    SpamProtectionMixin,
    honeypot_field,
    stamp_field,
)
from ideen.models import Idea, IdeaBacker
from quartiere.models import Quartier, Topic


class QuartierField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name


class IdeaForm(SpamProtectionMixin, forms.ModelForm):
    """Stadtteil, topic, title, what and where, who could help, "would you help?", name (shown
    only if wanted), e-mail, optional picture with its description; consent by sending; honeypot,
    fill time and a single-use stamp as on every form of the engine."""

    spam_log_name = "idea form"
    confirmation_hours = CONFIRMATION_HOURS

    quartier = QuartierField(
        label=_("For which district or neighbourhood?"),
        queryset=Quartier.objects.select_related("parent").order_by("name"),
        empty_label=_("Please choose"),
        error_messages={
            "required": _("Please choose the district or neighbourhood of your idea."),
            "invalid_choice": _("Please choose one of the districts listed."),
        },
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        empty_label=_("No particular topic"),
        error_messages={"invalid_choice": _("Please choose one of the topics listed.")},
    )
    consent_statement = _(
        "By sending, you agree that your details are stored to check and publish your idea and "
        "to tell you what becomes of it, and you confirm that the picture is yours or that you "
        "may pass it on."
    )
    website = honeypot_field()
    started = stamp_field()

    class Meta:
        model = Idea
        fields = [
            "quartier",
            "topic",
            "title",
            "description",
            "helpers",
            "would_help",
            "picture",
            "picture_alt",
            "name",
            "show_name",
            "email",
        ]
        labels = {
            "title": _("Your idea in a few words"),
            "description": _("What would you like, and where?"),
            "helpers": _("Who could help?"),
            "would_help": _("I would help to make it happen"),
            "picture": _("A picture"),
            "picture_alt": _("What does the picture show?"),
            "name": _("Your name"),
            "show_name": _("Show my name with the idea"),
            "email": _("Your e-mail address"),
        }
        help_texts = {
            "title": _("For example: benches at the Ruhr path, a repair café in the library."),
            "description": _("Describe the idea and the place. Please no names of other people."),
            "helpers": _("For example neighbours, an association, a school, a business."),
            "picture": _(
                "JPEG, PNG or WebP, at most 10 MB. We remove location data. Please no photos "
                "of people who can be recognised."
            ),
            "picture_alt": _("Needed with a picture: a sentence for people who cannot see it."),
            "name": _("Without a tick below, only the team sees your name."),
            "email": _(
                "We send you a link there to confirm your idea, and tell you what becomes of "
                "it. It is never shown."
            ),
        }
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": "150"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "helpers": forms.Textarea(attrs={"rows": 3}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(
                attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
            ),
        }
        error_messages = {
            "title": {"required": _("Please name your idea in a few words.")},
            "description": {"required": _("Please describe your idea and where it should be.")},
            "email": {
                "required": _("Please enter your e-mail address."),
                "invalid": _("Please enter a valid e-mail address, for example name@example.org."),
            },
        }

    def __init__(self, *args, form_action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        for name in ("description", "helpers"):
            field = self.fields[name]
            field.max_length = TEXT_MAX_LENGTH
            field.widget.attrs["maxlength"] = str(TEXT_MAX_LENGTH)
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        self.init_spam_protection()
        self.helper = self.protected_helper(
            form_action=form_action, submit_label=_("Agree – send idea")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("picture") and not (cleaned.get("picture_alt") or "").strip():
            self.add_error(
                "picture_alt",
                _("Please describe the picture in a sentence, for people who cannot see it."),
            )
        if cleaned.get("show_name") and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("Please enter your name, or remove the tick below."))
        return cleaned

    def idea_data(self) -> dict:
        """The cleaned values for `ideen.services.idea_submit`."""
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        for name in ("helpers", "name", "picture_alt"):
            data[name] = data[name] or ""
        return data


class BackerForm(SpamProtectionMixin, forms.ModelForm):
    """ "Ich mache mit": an e-mail address, consent by sending; the engine's spam checks."""

    spam_log_name = "idea backer form"
    confirmation_hours = CONFIRMATION_HOURS

    consent_statement = _(
        "By sending, you agree that your e-mail address is stored so that you are counted and "
        "told once if the idea is taken up."
    )
    website = honeypot_field()
    started = stamp_field()

    class Meta:
        model = IdeaBacker
        fields = ["email"]
        labels = {"email": _("Your e-mail address")}
        help_texts = {
            "email": _("We send you a link to confirm. Nobody sees who helps, only how many.")
        }
        widgets = {
            "email": forms.EmailInput(
                attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
            )
        }
        error_messages = {
            "email": {
                "required": _("Please enter your e-mail address."),
                "invalid": _("Please enter a valid e-mail address, for example name@example.org."),
            }
        }

    def __init__(self, *args, form_action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.init_spam_protection()
        self.helper = self.protected_helper(
            form_action=form_action, submit_label=_("Agree – count me in")
        )

    def validate_unique(self):
        pass  # a second "Ich mache mit" of an address is the service's to answer, silently
