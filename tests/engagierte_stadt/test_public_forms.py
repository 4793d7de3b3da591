"""Every public form where a person leaves data, found in the URLconf (every view on
`SpamCheckedPostMixin`), filled in as a person would from the page the portal renders:

- sent twice (a double click, a reload) it stores one row;
- its stamp used again – on the same form or on another – is refused;
- the honeypot filled or sent faster than a person types stores nothing, and keeps what was typed.

A new public form without an entry in `FORMS` fails `test_every_public_form_is_covered`.
"""

from html.parser import HTMLParser

import pytest
from django.urls import URLResolver, get_resolver

from engagierte_stadt.submissions.submission import submission_models
from engagierte_stadt.submissions.views import SpamCheckedPostMixin
from tests.factories import MeetingFactory, OpportunityFactory, QuartierFactory
from tests.ideen.helpers import published

ALREADY_SENT = "Dieses Formular wurde schon abgeschickt"


def _opportunity():
    return OpportunityFactory(places=5).get_absolute_url() + "anmelden/"


def _meeting():
    meeting = MeetingFactory(registration_enabled=True, places=20)
    return meeting.get_absolute_url() + "anmelden/"


def _wish():
    quartier = QuartierFactory(slug="ohne-konferenz", name="Ohne Konferenz")
    return f"/stadtteilkonferenzen/wunsch/{quartier.slug}/"


def _idea_in():
    quartier = QuartierFactory(slug="ideenort", name="Ideenort")
    return f"/ideen/einreichen/{quartier.slug}/"


def _idea():
    QuartierFactory(slug="ideenort", name="Ideenort")
    return "/ideen/einreichen/"


def _backer():
    idea = published(QuartierFactory(slug="ideenort", name="Ideenort"))
    return f"/ideen/{idea.pk}/mitmachen/"


def _alert():
    QuartierFactory(slug="welper", name="Welper")
    return "/mitmachen/benachrichtigung/?quartier=welper"


# URL name → a function that makes what the form needs and returns the form's address.
FORMS = {
    "quartiere:opportunity_signup": _opportunity,
    "konferenzen:meeting_register": _meeting,
    "konferenzen:wish": _wish,
    "partner:apply": lambda: "/partner/partner-werden/",
    "ideen:propose": _idea,
    "ideen:propose_in": _idea_in,
    "ideen:back": _backer,
    "quartiere:alert_subscribe": _alert,
    "accessibility": lambda: "/barrierefreiheit/",
}


def _spam_checked_routes(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _spam_checked_routes(pattern, inner)
            continue
        view = getattr(pattern.callback, "view_class", None)
        if view and issubclass(view, SpamCheckedPostMixin):
            yield f"{namespace}{pattern.name}"


def test_every_public_form_is_covered():
    assert set(_spam_checked_routes()) == set(FORMS)


class _FormReader(HTMLParser):
    """The fields of the form that carries the fill-time stamp, as a browser would send them
    after a person filled in every required field."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.form_depth = 0
        self.forms = []  # list of (action, fields, required names, choices)
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append({"action": attrs.get("action") or "", "fields": []})
            self.in_form = True
            return
        if not self.in_form:
            return
        if tag == "input":
            self.forms[-1]["fields"].append(("input", attrs))
        elif tag == "textarea":
            self.forms[-1]["fields"].append(("textarea", attrs))
        elif tag == "select":
            self.select = {"attrs": attrs, "options": []}
            self.forms[-1]["fields"].append(("select", self.select))
        elif tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None


def _typed(name: str, email: str) -> str:
    if "mail" in name:
        return email
    if "phone" in name:
        return "02324 12345"
    if "website" in name or name.endswith("url"):
        return ""
    return "Eine Eingabe zum Test"


def person_fills_in(html: str, email: str) -> dict:
    reader = _FormReader()
    reader.feed(html)
    form = next(f for f in reader.forms if any(a.get("name") == "started" for _, a in f["fields"]))
    data, honeypots = {}, []
    for kind, field in form["fields"]:
        attrs = field["attrs"] if kind == "select" else field
        name = attrs.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if kind == "select":
            if "required" in attrs:
                data[name] = next(value for value in field["options"] if value)
            continue
        kind_of_input = (attrs.get("type") or "text").lower()
        if kind_of_input in ("submit", "button", "file"):
            continue
        if kind_of_input == "hidden":
            data[name] = attrs.get("value", "")
        elif kind_of_input in ("checkbox", "radio"):
            if "required" in attrs and name not in data:
                data[name] = attrs.get("value", "on")
            elif "checked" in attrs:
                data.setdefault(name, attrs.get("value", "on"))
        elif attrs.get("tabindex") == "-1":  # the honeypot: a person never sees it
            data[name] = ""
            honeypots.append(name)
        elif "required" in attrs or attrs.get("value"):
            data[name] = attrs.get("value") or _typed(name, email)
        elif kind == "textarea" and "required" in attrs:
            data[name] = _typed(name, email)
    assert len(honeypots) == 1, honeypots
    data["_honeypot"] = honeypots[0]
    return data


def stored_rows() -> int:
    return sum(model.objects.count() for model in submission_models())


@pytest.fixture
def quick(settings):
    """Tests do not wait out the fill time; the too-fast test sets it back."""
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    settings.MAILS_PER_ADDRESS_PER_HOUR = 100


@pytest.fixture(params=sorted(FORMS))
def form_url(request, db, quick):
    return FORMS[request.param]()


def _filled(client, url, email="nachbarin@example.org") -> tuple[dict, str]:
    """What a person sends, and the name of the form's honeypot field."""
    response = client.get(url, follow=True)  # a form shown on its target's page redirects there
    assert response.status_code == 200, url
    data = person_fills_in(response.content.decode(), email)
    return data, data.pop("_honeypot")


def test_a_form_sent_twice_stores_one_row(client, form_url):
    data, _ = _filled(client, form_url)
    before = stored_rows()
    first = client.post(form_url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert stored_rows() == before + 1
    again = client.post(form_url, data, follow=True)
    assert again.status_code < 500
    assert ALREADY_SENT in again.content.decode()
    assert stored_rows() == before + 1


def test_a_stamp_used_once_is_refused_with_other_data(client, form_url):
    data, _ = _filled(client, form_url)
    client.post(form_url, data)
    before = stored_rows()
    client.post(form_url, {**data, **{k: "zweite@example.org" for k in data if "mail" in k}})
    assert stored_rows() == before


def test_the_honeypot_filled_in_stores_nothing(client, form_url):
    data, honeypot = _filled(client, form_url)
    before = stored_rows()
    response = client.post(form_url, {**data, honeypot: "http://spam.example"})
    assert response.status_code < 500
    assert stored_rows() == before


def test_sent_faster_than_a_person_types_stores_nothing_and_keeps_the_text(
    client, form_url, settings
):
    data, _ = _filled(client, form_url)
    typed = {k: v for k, v in data.items() if v == "Eine Eingabe zum Test" or "mail" in k}
    for n, name in enumerate(typed):
        data[name] = f"schnell{n}@example.org" if "mail" in name else f"Mein Text Nummer {n}"
    settings.SIGNUP_MIN_FILL_SECONDS = 60
    before = stored_rows()
    response = client.post(form_url, data)
    assert 400 <= response.status_code < 500
    assert stored_rows() == before
    page = response.content.decode()
    assert typed and all(data[name] in page for name in typed), typed


def test_a_stamp_of_one_form_is_refused_by_every_other(db, client, quick):
    urls = {name: make() for name, make in FORMS.items()}
    stamps = {name: _filled(client, url)[0]["started"] for name, url in urls.items()}
    for name, url in urls.items():
        data, _ = _filled(client, url, email=f"{name.replace(':', '-')}@example.org")
        other = next(
            stamp
            for other, stamp in stamps.items()
            if other != name and {other, name} != {"ideen:propose", "ideen:propose_in"}
        )
        before = stored_rows()
        client.post(url, {**data, "started": other})
        assert stored_rows() == before, name
