"""Helpers for the sign-up tests: form data as a person sends it, links from mails."""

import re
import time

from django.core import mail

from engagierte_stadt.submissions.forms import fill_stamp

NAME = "Erika Mustermann"
EMAIL = "erika.mustermann@example.org"
CONFIRM_LINK = re.compile(r"http://testserver(/mitmachen/anmeldung/[\w-]+/bestaetigen/)")
MANAGE_LINK = re.compile(r"http://testserver(/mitmachen/anmeldung/[\w-]+/)(?!bestaetigen)")


def form_data(purpose: str = "quartiere.signup", **overrides) -> dict:
    """A complete, valid form, shown 10 seconds ago (a fresh stamp for the form of `purpose`:
    an opportunity sign-up unless a conference registration, `konferenzen.registration`)."""
    data = {
        "name": NAME,
        "email": EMAIL,
        "phone": "02324 12345",
        "message": "Ich bringe eine Gießkanne mit.",
        "needs": "Ein Platz zum Sitzen zwischendurch.",
        "consent": "on",
        "website": "",
        "started": fill_stamp(time.time() - 10, purpose=purpose),
    }
    data.update(overrides)
    return data


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def html_body(message) -> str:
    return next(content for content, kind in message.alternatives if kind == "text/html")


def link_in(message, pattern) -> str:
    """The path of the link in a mail; the HTML part must carry the same link."""
    found = pattern.search(message.body)
    assert found, message.body
    assert found.group(0) in html_body(message)
    return found.group(1)


def confirm_link(message) -> str:
    return link_in(message, CONFIRM_LINK)


def manage_link(message) -> str:
    return link_in(message, MANAGE_LINK)


# Conference registrations and wishes: the same engine, their own addresses.
REGISTRATION_CONFIRM_LINK = re.compile(
    r"http://testserver(/stadtteilkonferenzen/anmeldung/[\w-]+/bestaetigen/)"
)
REGISTRATION_MANAGE_LINK = re.compile(
    r"http://testserver(/stadtteilkonferenzen/anmeldung/[\w-]+/)(?!bestaetigen)"
)
WISH_CONFIRM_LINK = re.compile(
    r"http://testserver(/stadtteilkonferenzen/mein-wunsch/[\w-]+/bestaetigen/)"
)
WISH_MANAGE_LINK = re.compile(
    r"http://testserver(/stadtteilkonferenzen/mein-wunsch/[\w-]+/)(?!bestaetigen)"
)


def registration_confirm_link(message) -> str:
    return link_in(message, REGISTRATION_CONFIRM_LINK)


def registration_manage_link(message) -> str:
    return link_in(message, REGISTRATION_MANAGE_LINK)


def wish_confirm_link(message) -> str:
    return link_in(message, WISH_CONFIRM_LINK)


def wish_manage_link(message) -> str:
    return link_in(message, WISH_MANAGE_LINK)


def wish_form_data(**overrides) -> dict:
    """A complete, valid wish form, shown 10 seconds ago."""
    data = {
        "name": NAME,
        "email": EMAIL,
        "would_help": "on",
        "consent": "on",
        "website": "",
        "started": fill_stamp(time.time() - 10, purpose="konferenzen.conferencewish"),
    }
    data.update(overrides)
    return data


def sent_path(response) -> str:
    """The "please check your e-mail" page a form redirected to, without the signed reference
    to the entry that it must carry (for the code from the mail)."""
    path, _, query = response["Location"].partition("?")
    assert query.startswith("ref="), response["Location"]
    return path


def sent_entry(response) -> list:
    """`[model label, pk]` of the entry a sent page's signed reference names. The reference
    carries its signing time, so two redirects to the same entry differ after a second."""
    from urllib.parse import parse_qs, urlsplit

    from django.core import signing

    from engagierte_stadt.submissions.submission import REFERENCE_SALT

    (reference,) = parse_qs(urlsplit(response["Location"]).query)["ref"]
    return signing.loads(reference, salt=REFERENCE_SALT)


def same_sent_page(first, second) -> bool:
    """Both responses redirect to the sent page of the same entry."""
    return sent_path(first) == sent_path(second) and sent_entry(first) == sent_entry(second)


CONSENT_AT_BUTTON = re.compile(
    r'<p class="kern-body site-consent" id="(?P<id>[\w-]+)">(?P<statement>.*?)</p>\s*'
    r'<div class="kern-btn-wrapper"><button type="submit"[^>]*aria-describedby="(?P=id)"[^>]*>'
    r'<span class="kern-label">(?P<button>[^<]*)</span>',
    re.S,
)


def consent_at_button(html: str) -> dict:
    """Consent by sending: the statement directly above the submit button, which it describes
    (`aria-describedby`). Returns the statement and the button's label; fails if missing."""
    found = CONSENT_AT_BUTTON.search(html)
    assert found, "no consent statement directly above the submit button"
    assert 'name="consent"' not in html, "a separate consent checkbox is left"
    return {"statement": found["statement"], "button": found["button"]}
