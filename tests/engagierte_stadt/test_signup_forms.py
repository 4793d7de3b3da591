"""The sign-up form of the engine: fields, consent, honeypot, fill time; fuzzed end to end."""

import time

import pytest
import time_machine
from crispy_forms.utils import render_crispy_form
from django.test import override_settings
from django.utils.module_loading import import_string
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from engagierte_stadt.submissions.forms import stamp_age
from quartiere.forms import OpportunitySignupForm
from quartiere.models import Signup
from tests.factories import OpportunityFactory
from tests.html import find_all
from tests.signup_helpers import consent_at_button, form_data

fill_stamp = OpportunitySignupForm.fill_stamp
PURPOSE = OpportunitySignupForm.stamp_purpose()


def bound(**overrides):
    return OpportunitySignupForm(form_data(**overrides))


def test_personal_fields_have_autocomplete_and_the_right_input_types():
    html = str(OpportunitySignupForm().as_p())
    assert find_all(html, "input", name="name", autocomplete="name")
    assert find_all(html, "input", name="email", type="email", autocomplete="email")
    assert find_all(html, "input", name="phone", type="tel", autocomplete="tel", inputmode="tel")


# Consent by a clear affirmative action, the same on every form of the engine: the statement
# with the link to the privacy page directly above the button, and the button says it.
ENGINE_FORMS = [
    ("quartiere.forms.OpportunitySignupForm", "Einverstanden – Anmeldung absenden"),
    ("konferenzen.forms.RegistrationForm", "Einverstanden – anmelden"),
    ("konferenzen.forms.WishForm", "Einverstanden – Wunsch senden"),
    ("quartiere.forms.AlertForm", "Einverstanden – benachrichtigen Sie mich"),
    ("ideen.forms.IdeaForm", "Einverstanden – Idee absenden"),
    ("ideen.forms.BackerForm", "Einverstanden – ich mache mit"),
    ("partner.forms.PartnerApplicationForm", "Einverstanden – Bewerbung absenden"),
    ("engagierte_stadt.forms.AccessibilityFeedbackForm", "Einverstanden – Nachricht senden"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "button"), ENGINE_FORMS)
def test_every_engine_form_asks_consent_by_its_button_next_to_the_statement(path, button):
    form_class = import_string(path)
    consent = consent_at_button(render_crispy_form(form_class()))
    assert consent["button"] == button
    assert "Mit dem Absenden stimmen Sie zu" in consent["statement"]
    assert 'href="/datenschutz/"' in consent["statement"]
    assert "consent" not in form_class().fields


def test_the_form_needs_no_consent_field_to_be_sent():
    data = form_data()
    del data["consent"]
    assert OpportunitySignupForm(data).is_valid()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Bitte geben Sie Ihren Namen an."),
        ("email", "", "Bitte geben Sie Ihre E-Mail-Adresse an."),
        ("email", "erika@", "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ("phone", "0800-SPAM", "Bitte verwenden Sie nur Ziffern"),
        ("message", "x" * 2001, "höchstens 2000 Zeichen"),
        ("name", "Erika\x00", "Nullzeichen"),
    ],
)
def test_invalid_input_gets_a_german_message_at_the_field(field, value, message):
    form = bound(**{field: value})
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_phone_message_and_needs_are_optional():
    assert bound(phone="", message="", needs="").is_valid()


def test_valid_form_is_not_spam(db):
    form = bound()
    assert not form.is_spam() and form.is_valid()


def test_filled_honeypot_is_spam():
    assert bound(website="http://cheap.example").is_spam()


def test_post_sooner_than_the_minimum_fill_time_is_spam(db, settings):
    settings.SIGNUP_MIN_FILL_SECONDS = 3
    assert bound(started=fill_stamp()).is_spam()
    assert not bound(started=fill_stamp(time.time() - 4)).is_spam()


def test_form_older_than_a_day_is_spam():
    with time_machine.travel(time.time() - 25 * 3600, tick=False):
        old = fill_stamp()
    assert stamp_age(old, purpose=PURPOSE) is None
    assert bound(started=old).is_spam()


@pytest.mark.parametrize("stamp", ["", "1700000000000", "1700000000000:abc:def", None])
def test_missing_or_forged_timestamp_is_spam(stamp):
    data = form_data(started=stamp)
    if stamp is None:
        del data["started"]
    assert OpportunitySignupForm(data).is_spam()


def test_unbound_form_carries_a_fresh_timestamp():
    stamp = OpportunitySignupForm().initial["started"]
    assert 0 <= stamp_age(stamp, purpose=PURPOSE) < 5


def test_a_bound_form_keeps_the_timestamp_it_was_shown_with():
    stamp = fill_stamp(time.time() - 60)
    html = str(OpportunitySignupForm(form_data(started=stamp, name="")).as_p())
    assert find_all(html, "input", name="started", value=stamp)


# --- fuzzing: any input gives the form with errors or a redirect, never a 500 ----------------

text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
FIELDS = ["name", "email", "phone", "message", "needs", "consent", "website", "started"]
# Values for any field; a valid form gets some of its fields replaced or dropped.
fuzz_values = st.fixed_dictionaries(
    {
        "name": text,
        "email": st.one_of(st.emails(), text),
        "phone": st.one_of(st.from_regex(r"\A[0-9 +/()-]{0,60}\Z"), text),
        "message": st.one_of(text, st.text(max_size=2100, min_size=1990)),
        "needs": text,
        "consent": st.one_of(st.sampled_from(["", "on", "off", "0", "false"]), text),
        "website": text,
        "started": st.one_of(text, st.sampled_from(["fresh", "old-enough", "too-old"])),
    }
)


def stamp_for(value: str) -> str:
    ages = {"fresh": 0, "old-enough": 10, "too-old": 2 * 86400}
    return fill_stamp(time.time() - ages[value]) if value in ages else value


@override_settings(SIGNUP_MIN_FILL_SECONDS=3)
class SignupFormFuzzTest(HypothesisTestCase):
    """Each example runs in its own transaction, rolled back afterwards."""

    def setUp(self):
        self.offer = OpportunityFactory(places=1, slug="fuzz-angebot")

    @hypothesis_settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        values=fuzz_values,
        fuzzed=st.sets(st.sampled_from(FIELDS)),
        dropped=st.sets(st.sampled_from(FIELDS)),
    )
    def test_any_input_gives_errors_or_a_redirect(self, values, fuzzed, dropped):
        data = form_data()
        for key in fuzzed:
            data[key] = stamp_for(values[key]) if key == "started" else values[key]
        for key in dropped:
            data.pop(key)
        before = Signup.objects.count()

        response = self.client.post("/mitmachen/fuzz-angebot/anmelden/", data)

        assert response.status_code in {422, 302}, response.status_code
        stored = Signup.objects.count() - before
        event(f"status {response.status_code}, {stored} stored")
        if response.status_code == 422:
            assert stored == 0
            assert 'class="kern-alert kern-alert--danger"' in response.content.decode()
        else:
            assert stored in {0, 1}
