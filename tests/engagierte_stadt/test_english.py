"""The portal in English under /en/: no German UI string on any public page, form, error,
mail or personal page; German addresses unchanged; the switch keeps path and query; no
cookie on an anonymous visit but CSRF on form pages.

Content written by staff stays German (the demo is German), so only UI strings are compared:
every German text of the catalogue that differs from its English msgid must not show on an
English page, unless the page's own content holds it (then it is content, not UI).
"""

import codecs
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import translation

from engagierte_stadt.urls import SITEMAPS
from tests.html import find_all

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
# Shorter German texts ("Ja", "am") are too often parts of names.
MIN_LENGTH = 4
CONTENT_APPS = {"engagierte_stadt", "quartiere", "konferenzen", "partner", "ideen"}


@cache
def german_ui_strings() -> list[str]:
    """Every German text of the catalogue that is not also English, longest first, with
    placeholders cut out (each literal piece of at least MIN_LENGTH counts). A piece that is
    also a word run of some English msgid ("Partner", "Status", "Initiative") is no sign."""
    catalogue = [e for e in polib.pofile(str(CATALOGUE)) if not (e.obsolete or e.fuzzy)]
    english = " ".join(f"{e.msgid} {e.msgid_plural}" for e in catalogue).lower()
    texts = set()
    for entry in catalogue:
        german = [entry.msgstr, *entry.msgstr_plural.values()]
        for msgstr in filter(None, german):
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|\n", msgstr):
                piece = " ".join(piece.split()).strip(" .,:;()–-…?!„“\"'")
                if len(piece) >= MIN_LENGTH and not _words_in(piece.lower(), english):
                    texts.add(piece)
    return sorted(texts, key=len, reverse=True)


def _words_in(words: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text) is not None


class _Text(HTMLParser):
    """What a reader sees or hears: text outside script/style, and the texts of attributes
    that assistive technology reads out. Text inside an element marked as another language
    (`lang="de"`: the name "Deutsch" in the switch) is left out: it is declared German."""

    ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts = []
        self._stack = []  # (tag, hidden) of the open elements

    def _hidden(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = attrs.get("lang", self.language).split("-")[0] != self.language
        hidden = self._hidden() or tag in ("script", "style") or other_language
        if not hidden:
            self.parts.extend(attrs[name] for name in self.ATTRIBUTES if attrs.get(name))
            if tag == "input" and attrs.get("type") in ("submit", "button"):
                self.parts.append(attrs.get("value") or "")
            if tag == "meta" and attrs.get("name") == "description":
                self.parts.append(attrs.get("content") or "")
        if tag not in self.VOID:
            self._stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self._stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def visible_text(html: str, language: str = "en") -> str:
    parser = _Text(language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def german_in(text: str) -> list[str]:
    """The German UI strings in `text`, and signs of German outside the catalogue."""
    found = [f"sign: {sign}" for sign in german_signs(text)]
    for german in german_ui_strings():
        if _words_in(german, text):
            found.append(german)
            text = text.replace(german, " ")
    return found


# Text fields that are no words of a language (codes, numbers, hashes).
NOT_WORDS = {
    *("page_url", "contact_phone", "phone", "postcode", "stamp_hash", "address_hash"),
    *("token_hash", "link_key"),
}


UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def scramble(text: str) -> str:
    return codecs.encode(text.translate(UMLAUTS), "rot13")


# Signs of German that the catalogue cannot know: text typed into a template or a Python
# string without gettext. The content is scrambled, so none of these comes from it.
GERMAN_SIGNS = re.compile(
    r"[äöüßÄÖÜ]|(?<!\w)(?:und|oder|der|die|das|nicht|Sie|Ihre?|Ihnen|mit|für|bitte|Bitte"
    r"|zur|zum|Uhr|bis|Seite|Termin|Anmeldung|Angebot)(?!\w)"
)


def german_signs(text: str) -> list[str]:
    return sorted({match.group(0) for match in GERMAN_SIGNS.finditer(text)})


@pytest.fixture
def content_not_german(demo):
    """The demo with every staff-written text turned into ROT13: no German word of the content
    can pass for a UI string, so any German left on an English page is the portal's own."""
    skip = {"JobRun", "UsedFormStamp", "MailToAddress", "SearchTerm", "AlertSubscription"}
    for model in apps.get_models():
        if model._meta.app_label not in CONTENT_APPS or model.__name__ in skip:
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
            and not field.choices
            and field.name not in NOT_WORDS
        ]
        if not fields:
            continue
        for row in model.objects.values("pk", *fields):
            pk = row.pop("pk")
            values = {name: scramble(value) for name, value in row.items() if value}
            if values:
                model.objects.filter(pk=pk).update(**values)


def english_public_urls() -> list[str]:
    """Every page of the sitemap, in English."""
    urls = []
    with translation.override("en"):
        for sitemap in SITEMAPS.values():
            urls.extend(sitemap.location(item) for item in sitemap.items())
    return urls


# Pages the sitemap does not list: fixed pages, forms, search, the finder with answers, errors.
MORE_URLS = [
    "/en/suche/?q=tnegra",  # "garten" in the ROT13 content
    "/en/mitmachen/finden/",
    "/en/mitmachen/finden/?quartier=welper&time=once",
    "/en/mitmachen/benachrichtigung/",
    "/en/mitmachen/?suitable=youth&hours=5",
    "/en/projekte/?quartier=welper&status=laeuft",
    "/en/partner/partner-werden/",
    "/en/partner/fuer-unternehmen/",
    "/en/partner/netzwerk/",
    "/en/stadtteilkonferenzen/archiv/",
    "/en/gibt-es-nicht/",
    "/en/meine-daten/kein-gueltiger-link/",
]


def german_on_page(response, language="en") -> list[str]:
    """German UI strings on an English page (which must say it is English)."""
    assert response.status_code < 500
    html = response.content.decode()
    assert find_all(html, "html")[0]["lang"] == language
    return german_in(visible_text(html, language))


def without_links(text: str) -> str:
    """A mail's text without its addresses (their path words stay German)."""
    return re.sub(r"https?://\S+", " ", text)


def post_forms(html: str) -> dict[str, dict]:
    """Every POST form of a page: its address and its hidden fields (the fill-time stamp)."""
    forms = {}
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
        attrs = find_all(form, "form")[0]
        if (attrs.get("method") or "").lower() != "post" or not attrs.get("action"):
            continue
        hidden = {
            field["name"]: field.get("value") or ""
            for field in find_all(form, "input", type="hidden")
            if field.get("name") and field["name"] != "csrfmiddlewaretoken"
        }
        forms[attrs["action"].split("#")[0]] = hidden
    return forms


def test_check_finds_german_ui_text(content_not_german, client):
    """The comparison is not blind: the German home page is full of catalogue texts, and
    the parser hears attributes but leaves out what is marked as German."""
    assert german_in("Welcome — Zur Startseite — and more") == ["Zur Startseite"]
    assert german_in("Please note: bitte beachten") == ["sign: bitte"]
    assert visible_text('<p>One <a lang="de">Deutsch</a> <span title="Menü">x</span></p>') == (
        "One Menü x"
    )
    found = german_on_page(client.get("/"), language="de")
    assert "Zum Inhalt springen" in found and len(found) >= 10, found


def shape(path: str) -> str:
    """A path with its variable middle replaced: /en/mitmachen/*/anmelden/."""
    segments = path.strip("/").split("/")
    if len(segments) > 3:
        segments[2:-1] = ["*"] * (len(segments) - 3)
    return "/" + "/".join(segments) + "/"


def linked_pages(html: str) -> set[str]:
    """The English pages a page links to (no files, no filtered variants)."""
    paths = set()
    for attrs in find_all(html, "a"):
        href = (attrs.get("href") or "").split("#")[0]
        if href.startswith("/en/") and "?" not in href and href.endswith("/"):
            paths.add(href)
    return paths


MAX_PAGES = 400


def test_english_pages_and_their_forms_with_errors_show_no_german_ui_string(
    content_not_german, client, settings
):
    """Every page of the sitemap and the fixed pages, and every English page they link to
    (wish forms, archive years, …), then one form of each kind sent without its fields."""
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    queue = english_public_urls() + MORE_URLS
    assert len(queue) > 50 and all(url.startswith("/en/") for url in queue)
    seen, german, forms = set(queue), {}, {}
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        if response.status_code == 302:  # staff pages (the attendance list) ask for a login
            assert "/admin/login/" in response["Location"], url
            continue
        html = response.content.decode()
        if found := german_on_page(response):
            german[url] = found
        for action, hidden in post_forms(html).items():
            forms.setdefault(shape(action), (action, hidden))
        for link in linked_pages(html) - seen:
            seen.add(link)
            queue.append(link)
        assert len(seen) < MAX_PAGES, "the walk ran away"
    assert len(seen) > 120
    # One form of each kind sent without its fields: the errors next to the fields and in the
    # summary, in English.
    assert {"/en/mitmachen/*/anmelden/", "/en/partner/partner-werden/"} <= set(forms), forms
    assert len(forms) >= 6, forms
    for action, hidden in forms.values():
        assert action.startswith("/en/"), action
        response = client.post(action, hidden, follow=True)
        assert b"kern-error" in response.content, action
        if found := german_on_page(response):
            german[f"POST {action}"] = found
    assert german == {}


def test_english_sign_up_mail_and_personal_page_are_english(content_not_german, client):
    from tests.signup_helpers import form_data, html_body

    opportunity = "/en/mitmachen/rauendahl-beete-bepflanzen/"
    # What the person typed shows on their page as typed: here it is English.
    typed = {"message": "I will bring a watering can.", "needs": "A seat now and then."}
    response = client.post(opportunity + "anmelden/", form_data(**typed), follow=True)
    assert response.status_code == 200
    assert german_on_page(response) == []
    message = mail.outbox[-1]
    links = re.findall(r"http://testserver(/\S+/)", message.body)
    assert links and all(link.startswith("/en/") for link in links), links
    assert german_in(without_links(" ".join([message.subject, message.body]))) == []
    assert find_all(html_body(message), "html")[0]["lang"] == "en"
    assert german_in(without_links(visible_text(html_body(message)))) == []
    for link in links:
        if "/meine-daten/" in link or "/anmeldung/" in link:
            page = client.get(link, follow=True)
            assert page.status_code == 200, link
            assert german_on_page(page) == [], link


def test_german_sign_up_gets_german_mail_with_unprefixed_links(demo, client):
    from engagierte_stadt.submissions.submission import current_language
    from quartiere.models import Signup
    from tests.signup_helpers import form_data

    client.post("/mitmachen/rauendahl-beete-bepflanzen/anmelden/", form_data())
    message = mail.outbox[-1]
    assert "Bitte bestätigen" in message.subject or "bestätigen" in message.body
    links = re.findall(r"http://testserver(/\S+/)", message.body)
    assert links and not any(link.startswith("/en/") for link in links)
    assert Signup.objects.latest("pk").language == "de" == current_language()


def test_mail_from_the_admin_or_a_job_follows_the_stored_language(content_not_german, client):
    """A mail sent later (a reminder, moving up, staff's decision) is in the language the
    person used, whatever language is active when it is sent."""
    from engagierte_stadt.submissions import mails
    from quartiere.models import Signup
    from tests.signup_helpers import form_data

    client.post("/en/mitmachen/rauendahl-beete-bepflanzen/anmelden/", form_data())
    signup = Signup.objects.latest("pk")
    assert signup.language == "en"
    mail.outbox.clear()
    with translation.override("de"):
        mails.mail_signup_reminder(signup=signup, base_url="http://testserver")
    body = mail.outbox[-1].body
    assert "http://testserver/en/mitmachen/anmeldung/" in body
    assert german_in(without_links(body)) == []


def test_content_without_english_version_is_declared_german(content_not_german, client):
    """Staff texts with an English version show it; the others are German content, so they sit
    inside `lang="de"` and the walk above does not count them (docs/sprachen.md)."""
    from quartiere.models import Opportunity

    german = Opportunity.objects.get(slug="rauendahl-einkaufshilfe")
    english = Opportunity.objects.get(slug="rauendahl-beete-bepflanzen")
    assert not german.title_en and english.title_en  # both scrambled like all content
    html = client.get(german.get_absolute_url().replace("/mitmachen/", "/en/mitmachen/"))
    html = html.content.decode()
    assert f'<h1 class="kern-heading-x-large"><span lang="de">{german.title}</span></h1>' in html
    assert "This content is only available in German." in visible_text(html)
    html = client.get("/en/mitmachen/rauendahl-beete-bepflanzen/").content.decode()
    assert english.title_en in visible_text(html) and english.title not in html


# --- addresses, switch, cookies ----------------------------------------------------------------


def _switch_links(html: str) -> list[dict]:
    nav = re.search(r'<nav class="site-languages".*?</nav>', html, flags=re.S)
    assert nav, "no language switch"
    return find_all(nav.group(0), "a")


@pytest.mark.parametrize(
    ("url", "other"),
    [
        ("/", "/en/"),
        (
            "/mitmachen/?suitable=youth&quartier=welper",
            "/en/mitmachen/?suitable=youth&quartier=welper",
        ),
        ("/en/projekte/?quartier=welper&status=laeuft", "/projekte/?quartier=welper&status=laeuft"),
        ("/en/mitmachen/rauendahl-beete-bepflanzen/", "/mitmachen/rauendahl-beete-bepflanzen/"),
        ("/en/gibt-es-nicht/?a=1", "/gibt-es-nicht/?a=1"),
    ],
)
def test_switch_leads_to_the_same_page_and_query_in_the_other_language(demo, client, url, other):
    html = client.get(url).content.decode()
    (link,) = _switch_links(html)
    assert link["href"] == other
    language = "en" if other.startswith("/en/") else "de"
    assert link["hreflang"] == link["lang"] == language
    alternates = {
        attrs["hreflang"]: attrs["href"]
        for attrs in find_all(html, "link", rel="alternate")
        if attrs.get("hreflang")
    }
    german = other if language == "de" else url
    english = other if language == "en" else url
    assert alternates == {"de": german, "en": english, "x-default": german}
    assert find_all(html, "html")[0]["lang"] == ("de" if language == "en" else "en")
    assert client.get(other).status_code == client.get(url).status_code


def test_accept_language_does_not_move_german_addresses(demo, client):
    response = client.get("/mitmachen/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert find_all(response.content.decode(), "html")[0]["lang"] == "de"
    client.cookies["django_language"] = "en"
    assert find_all(client.get("/").content.decode(), "html")[0]["lang"] == "de"


def test_english_addresses_are_the_german_ones_under_en(demo, client):
    with translation.override("en"):
        assert reverse("quartiere:finder") == "/en/mitmachen/finden/"
        assert reverse("page", args=["impressum"]) == "/en/impressum/"
    assert reverse("quartiere:finder") == "/mitmachen/finden/"
    assert client.get("/en/mitmachen/finden/").status_code == 200
    assert client.get("/de/mitmachen/").status_code == 404  # German has one address


def test_staff_and_machine_addresses_have_no_english_twin(demo, client):
    """The admin stays German; feeds, sitemap and robots.txt keep one address."""
    for url in ["/admin/login/", "/robots.txt", "/sitemap.xml", "/aktuelles/rss.xml"]:
        assert client.get(url).status_code == 200, url
        assert client.get("/en" + url).status_code == 404, url
    login = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anmelden" in login


ENGLISH_PAGES = ["/en/", "/en/mitmachen/", "/en/quartiere/rauendahl/", "/en/impressum/"]
ENGLISH_FORM_PAGES = ["/en/barrierefreiheit/", "/en/mitmachen/rauendahl-beete-bepflanzen/"]


@pytest.mark.parametrize("url", ENGLISH_PAGES)
def test_anonymous_english_visit_sets_no_cookie(demo, client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not response.cookies, list(response.cookies)


@pytest.mark.parametrize("url", ENGLISH_FORM_PAGES)
def test_english_form_page_sets_only_the_csrf_cookie(demo, client, url):
    assert list(client.get(url).cookies) == ["csrftoken"]


def test_signing_up_again_in_english_switches_the_mails_to_english(demo, client):
    from quartiere.models import Signup
    from tests.signup_helpers import form_data

    client.post("/mitmachen/rauendahl-beete-bepflanzen/anmelden/", form_data())
    assert Signup.objects.latest("pk").language == "de"
    mail.outbox.clear()
    client.post("/en/mitmachen/rauendahl-beete-bepflanzen/anmelden/", form_data())
    assert Signup.objects.get(email=form_data()["email"]).language == "en"


def test_robots_keeps_crawlers_out_of_english_search_and_personal_links(demo, client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    for path in ["/suche/", "/en/suche/", "/meine-daten/", "/en/meine-daten/"]:
        assert f"Disallow: {path}" in lines


# --- the other mails to a person: partner application, alert subscription ----------------------


@pytest.mark.django_db
def test_partner_application_in_english_mails_the_applicant_in_english_and_staff_in_german(
    client, django_capture_on_commit_callbacks
):
    from engagierte_stadt.models import SiteSettings
    from tests.partner.test_application import application_data

    SiteSettings.objects.update_or_create(
        pk=SiteSettings.load().pk, defaults={"contact_email": "redaktion@hattingen.example"}
    )
    typed = {"organisation": "Example Ltd", "offer": "A day of volunteering for our team."}
    response = client.post("/en/partner/partner-werden/", application_data(**typed))
    assert response["Location"].partition("?")[0] == "/en/partner/partner-werden/danke/"
    [message] = mail.outbox
    assert message.subject == "Please confirm your partner application: Example Ltd"
    assert german_in(without_links(message.body)) == []
    confirm = re.search(r"http://testserver(/en/partner/bewerbung/\S+/bestaetigen/)", message.body)
    assert confirm, message.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm.group(1))
    to_staff = next(m for m in mail.outbox if "redaktion@hattingen.example" in m.to)
    assert "Partner" in to_staff.subject and german_in(to_staff.subject)  # staff read German
    assert "/admin/partner/partnerapplication/" in to_staff.body


@pytest.mark.django_db
def test_alert_subscription_in_english_gets_english_mails_with_english_links(client):
    import time

    from quartiere.alert_views import AlertForm
    from quartiere.models import AlertSubscription
    from tests.factories import QuartierFactory

    QuartierFactory(name="Welper", slug="welper")
    client.post(
        "/en/mitmachen/benachrichtigung/",
        {
            "email": "reader@example.org",
            "frequency": "sofort",
            "query": "quartier=welper",
            "consent": "on",
            "website": "",
            "started": AlertForm.fill_stamp(time.time() - 10),
        },
    )
    assert AlertSubscription.objects.get().language == "en"
    [message] = mail.outbox
    links = re.findall(r"http://testserver(/\S+/)", message.body)
    assert links and all(link.startswith("/en/") for link in links), links
    assert german_in(without_links(f"{message.subject} {message.body}")) == []
