"""The sign-up form of the sign-up engine, for every model built on `SignupBase`.

A concrete form only names its model:

    class OpportunitySignupForm(SignupFormBase):
        class Meta(SignupFormBase.Meta):
            model = Signup

Spam protection without a CAPTCHA (`is_spam()`), checked before anything is stored:

- a honeypot: a text field `website` that people never see (its wrapper is hidden by the
  class `site-hp` and `aria-hidden`, the input is out of the tab order and not autofilled);
  bots that fill in every field fill it in;
- a minimum fill time: a signed timestamp from when the form was shown; a post sooner than
  `SIGNUP_MIN_FILL_SECONDS` (default 3) or from a form older than a day is rejected;
- the stamp is single-use and bound to its form (`stamp_purpose()`): a stamp sent once is
  refused on the same and on every other form (`UsedFormStamp` keeps its hash for a day).

Rejected posts are told apart from real errors only in the log (the reason, never the data).

Consent is given by a clear affirmative action, not by a separate checkbox (DSGVO Art. 4 No. 11,
Art. 7): directly above the submit button the form states what sending agrees to, with the
link to the privacy policy (`consent_statement`, `consent_help`), and the button itself says
so ("Einverstanden – Anmeldung absenden"; the statement is its accessible description). The
services store the time of consent with the entry when the form is sent.

A form that is no sign-up (the partner application) gets the same protection from
`SpamProtectionMixin` with the fields `honeypot_field()` and `stamp_field()`.
"""

import hashlib
import logging
import re
import secrets
import time
from datetime import UTC, datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import IntegrityError, transaction
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from engagierte_stadt import pagecache
from engagierte_stadt.submissions.capacity import CONFIRMATION_HOURS

logger = logging.getLogger(__name__)

STAMP_SALT = "engagierte_stadt.submissions.forms.started"
MAX_FORM_AGE_SECONDS = 24 * 60 * 60
TEXT_MAX_LENGTH = 2000
TOO_FAST = "sent too fast"  # the spam reason that keeps what was typed (could be autofill)
STAMP_USED = "stamp used before"  # a replay, or a double click: said so, nothing stored

phone_validator = RegexValidator(
    r"^[0-9+()/.\-\s]*$",
    _("Please use only digits, spaces and + ( ) / -."),
)


def fill_stamp(issued_at: float | None = None, *, purpose: str) -> str:
    """A signed stamp of when a form for `purpose` was shown (milliseconds, plus a random
    part so that no two stamps are alike)."""
    issued_at = time.time() if issued_at is None else issued_at
    value = f"{int(issued_at * 1000)}:{purpose}:{secrets.token_hex(8)}"
    stamp = signing.TimestampSigner(salt=STAMP_SALT).sign(value)
    # A stored copy of the page gets a fresh stamp in its place for every visitor.
    pagecache.note_stamp(stamp, purpose)
    return stamp


def _stamp_issued(stamp: str, purpose: str) -> float | None:
    """When the stamp was issued (epoch seconds), or None if it is forged, broken, over a day
    old or made for another form."""
    try:
        value = signing.TimestampSigner(salt=STAMP_SALT).unsign(stamp, max_age=MAX_FORM_AGE_SECONDS)
        issued_ms, stamp_purpose, _nonce = value.split(":", 2)
        issued = int(issued_ms) / 1000
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if stamp_purpose != purpose or time.time() - issued > MAX_FORM_AGE_SECONDS:
        return None
    return issued


def stamp_age(stamp: str, *, purpose: str) -> float | None:
    """Seconds since the stamp was made, or None if it is forged, broken, over a day old or
    made for another form."""
    issued = _stamp_issued(stamp, purpose)
    return None if issued is None else time.time() - issued


def use_stamp(stamp: str, issued: float) -> bool:
    """Mark a stamp as used; False if it was used before (a replay).

    Only a hash of the stamp is stored, until the stamp would have expired anyway. The unique
    hash makes two posts of one stamp at the same moment count once on every database.
    """
    from engagierte_stadt.models import UsedFormStamp

    now = timezone.now()
    UsedFormStamp.objects.filter(expires_at__lt=now).delete()
    expires = datetime.fromtimestamp(issued + MAX_FORM_AGE_SECONDS + 60, tz=UTC)
    try:
        with transaction.atomic():
            UsedFormStamp.objects.create(
                stamp_hash=hashlib.sha256(stamp.encode()).hexdigest(), expires_at=expires
            )
    except IntegrityError:
        return False
    return True


def consent_help():
    return format_html(
        _(
            'Read more in the <a class="kern-link" href="{url}">privacy policy</a>. '
            "You can cancel and delete your data at any time with the link in our e-mail."
        ),
        url=reverse_lazy("page", kwargs={"slug": "datenschutz"}),
    )


class ConsentStatement:
    """A crispy layout piece: the consent statement directly above the submit button, a
    paragraph with an id that the button names in `aria-describedby`."""

    def __init__(self, statement, help_text, *, element_id: str):
        self.statement = statement
        self.help_text = help_text
        self.element_id = element_id

    def render(self, form, context, template_pack=None, **kwargs):
        return format_html(
            '<p class="kern-body site-consent" id="{}">{} {}</p>',
            self.element_id,
            self.statement,
            self.help_text,
        )


def honeypot_field(label=None) -> forms.CharField:
    """The honeypot text field; its layout wraps it in `Div(…, css_class="site-hp",
    aria_hidden="true")` so that people never see it."""
    return forms.CharField(
        label=label or _("Please leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def stamp_field() -> forms.CharField:
    """The hidden field with the signed time at which the form was shown."""
    return forms.CharField(required=False, widget=forms.HiddenInput)


class SpamProtectionMixin:
    """`is_spam()` for a form that declares a honeypot and a fill stamp field.

    The form declares `HONEYPOT` and `STAMP` fields (see `honeypot_field()` and
    `stamp_field()`) and calls `init_spam_protection()` at the end of its `__init__`, which
    stamps an unbound form with the time it is shown.
    """

    HONEYPOT = "website"
    STAMP = "started"
    spam_log_name = "sign-up form"
    spam_reason = ""
    # What sending the form agrees to ("By sending, you agree that …"); shown above the
    # button, whose label says the consent too. None: the form stores no personal data.
    consent_statement = None

    def consent_help_text(self):
        """What follows the statement: the link to the privacy policy, and how to withdraw."""
        return consent_help()

    def consent_element_id(self) -> str:
        """The statement's id, unique on a page with several forms."""
        name = self.stamp_purpose().replace(".", "-").replace("_", "-")
        return self.add_prefix(f"{name}-consent")

    @classmethod
    def stamp_purpose(cls) -> str:
        """What the stamps of this form are for: a stamp from one form is refused by another.
        A model form's model label (`quartiere.signup`), else the form's class name."""
        meta = getattr(cls, "_meta", None)
        model = getattr(meta, "model", None)
        return model._meta.label_lower if model is not None else cls.__name__

    @classmethod
    def fill_stamp(cls, issued_at: float | None = None) -> str:
        """A fresh stamp for this form."""
        return fill_stamp(issued_at, purpose=cls.stamp_purpose())

    def init_spam_protection(self) -> None:
        if not self.is_bound:
            self.initial[self.STAMP] = self.fill_stamp()
        self.spam_reason = ""
        self._spam_checked = False

    def protected_helper(
        self, *, form_action: str = "", submit_label=None, form_tag: bool = True
    ) -> FormHelper:
        """The crispy helper of such a form: its model fields, the honeypot (hidden from
        people, screen readers and keyboards), the stamp, the consent statement directly above
        the submit button, and the button, which says the consent ("Agree – send …") and is
        described by the statement."""
        helper = FormHelper(self)
        helper.form_tag = form_tag
        helper.form_action = form_action
        helper.form_class = "site-form"
        helper.layout = Layout(
            *self._meta.fields,
            Div(self.HONEYPOT, css_class="site-hp", aria_hidden="true"),
            self.STAMP,
        )
        button = {}
        if self.consent_statement:
            consent_id = self.consent_element_id()
            helper.layout.append(
                ConsentStatement(
                    self.consent_statement, self.consent_help_text(), element_id=consent_id
                )
            )
            button["aria_describedby"] = consent_id
        if submit_label:
            helper.add_input(Submit("send", submit_label, **button))
        return helper

    def is_spam(self) -> bool:
        """Whether the post comes from a bot: honeypot filled, too fast, a bad timestamp, or
        a stamp that was used before (each stamp counts once, on one form).

        Reads the raw data, so it answers before (and regardless of) validation. A stamp that
        passes is used up; the form carries a new one with the same time, so that a form
        shown again with errors can be sent again.
        """
        if not self.is_bound:
            return False
        if getattr(self, "_spam_checked", False):
            return bool(self.spam_reason)
        self._spam_checked = True
        key = self.add_prefix(self.STAMP)
        stamp = self.data.get(key) or ""
        if (self.data.get(self.add_prefix(self.HONEYPOT)) or "").strip():
            self.spam_reason = "honeypot"
        elif (issued := _stamp_issued(stamp, self.stamp_purpose())) is None:
            self.spam_reason = "timestamp missing, forged, expired or for another form"
        elif time.time() - issued < getattr(settings, "SIGNUP_MIN_FILL_SECONDS", 3):
            self.spam_reason = TOO_FAST
        elif not use_stamp(stamp, issued):
            self.spam_reason = STAMP_USED
        else:
            self.data = self.data.copy()
            self.data[key] = self.fill_stamp(issued)
        if self.spam_reason:
            logger.info("%s rejected: %s", self.spam_log_name, self.spam_reason)
        return bool(self.spam_reason)


class SignupFormBase(SpamProtectionMixin, forms.ModelForm):
    """Name, e-mail, optional phone, message and needs; consent by sending (the statement
    above the button); honeypot and fill time."""

    website = honeypot_field()
    started = stamp_field()

    # A form for something else than an offer says what it stores, and its button.
    consent_statement = _(
        "By sending, you agree that your details, including what you need to take part, are "
        "stored and passed on to the contact person of this offer to handle your sign-up."
    )
    submit_label = _("Agree – send sign-up")
    confirmation_hours = CONFIRMATION_HOURS

    class Meta:
        fields = ["name", "email", "phone", "message", "needs"]
        labels = {
            "name": _("Your name"),
            "email": _("Your e-mail address"),
            "phone": _("Your phone number"),
            "message": _("Your message"),
            "needs": _("What do you need to take part?"),
        }
        help_texts = {
            "name": _("First name and surname, so that the team knows whom to expect."),
            "email": _("We send you a link there to confirm your sign-up."),
            "phone": _("Only if the team may call you, for example when plans change."),
            "message": _("Questions, or what you would like to tell the team."),
            "needs": _(
                "For example step-free access, sign language, easy language, or someone to "
                "accompany you. Only the contact person of this offer sees it."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(
                attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
            ),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "message": forms.Textarea(attrs={"rows": 4}),
            "needs": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": _("Please enter your name.")},
            "email": {
                "required": _("Please enter your e-mail address."),
                "invalid": _("Please enter a valid e-mail address, for example name@example.org."),
            },
        }

    def __init__(self, *args, form_action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        if "phone" in self.fields:
            self.fields["phone"].validators.append(phone_validator)
            self.fields["phone"].widget.attrs["inputmode"] = "tel"
        for name in ("message", "needs"):
            if name not in self.fields:
                continue
            self.fields[name].max_length = TEXT_MAX_LENGTH
            self.fields[name].widget.attrs["maxlength"] = str(TEXT_MAX_LENGTH)
            self.fields[name].validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        self.init_spam_protection()
        self.helper = self.protected_helper(form_action=form_action, submit_label=self.submit_label)

    def signup_data(self) -> dict:
        """The cleaned values for `signup_submit`."""
        return {name: self.cleaned_data.get(name) or "" for name in self.Meta.fields}


class ConfirmationCodeForm(forms.Form):
    """The code from the opt-in mail, on the "please check your e-mail" page; `ref` is the
    entry's signed reference (`SubmissionBase.confirmation_reference()`). A POST form, so it
    works without JavaScript; the phone offers the digits (and the code from the mail)."""

    code = forms.CharField(
        label=_("Confirmation code from the e-mail"),
        help_text=_("The 6 digits below the link in our e-mail."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "none",
                "size": "8",
            }
        ),
        error_messages={"required": _("Please enter the code from our e-mail.")},
    )
    ref = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, form_action: str = "", submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_action = form_action
        self.helper.form_class = "site-form site-code-form"
        self.helper.add_input(Submit("confirm", submit_label or _("Confirm sign-up")))

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(
                _("The code has 6 digits. Please enter it as it is in our e-mail."),
                code="format",
            )
        return code
