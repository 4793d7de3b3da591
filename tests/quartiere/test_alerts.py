"""Alerts for new offers: subscribe under the list, confirm, one mail per run with the new
matches, weekly digests, one-click unsubscribe, purge, counts for staff without addresses."""

import logging
import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from engagierte_stadt.submissions.submission import submissions_purge
from quartiere.alerts import alerts_send
from quartiere.forms import AlertForm
from quartiere.models import AlertStatus, AlertSubscription, Opportunity, Quartier, Topic
from tests.factories import login_staff
from tests.signup_helpers import sent_path

EMAIL = "erika.mustermann@example.org"
BASE = "http://testserver"
CONFIRM = re.compile(r"http://testserver(/mitmachen/benachrichtigung/[\w-]+/bestaetigen/)")
UNSUBSCRIBE = re.compile(r"http://testserver(/mitmachen/benachrichtigung/[\w-]+/abmelden/)")


@pytest.fixture
def town(db):
    welper = Quartier.objects.create(name="Welper", slug="welper")
    blankenstein = Quartier.objects.create(name="Blankenstein", slug="blankenstein")
    Topic.objects.create(name="Umwelt", slug="umwelt")
    return {"welper": welper, "blankenstein": blankenstein}


def offer(quartier, slug, **fields):
    return Opportunity.objects.create(
        quartier=quartier,
        title=slug.replace("-", " ").title(),
        slug=slug,
        description="…",
        **fields,
    )


def subscribe(client, query="quartier=welper", email=EMAIL, frequency="sofort", **extra):
    data = {
        "email": email,
        "frequency": frequency,
        "query": query,
        "consent": "on",
        "website": "",
        "started": AlertForm.fill_stamp(time.time() - 10),
        **extra,
    }
    return client.post("/mitmachen/benachrichtigung/", data)


def confirmed_subscription(client, **kwargs):
    subscribe(client, **kwargs)
    link = CONFIRM.search(mail.outbox[-1].body).group(1)
    client.post(link)
    mail.outbox.clear()
    return AlertSubscription.objects.get(email=kwargs.get("email", EMAIL))


def test_the_list_leads_to_the_form_for_its_own_filters_and_sets_no_cookie(town, client):
    response = client.get("/mitmachen/?quartier=welper")
    html = response.content.decode()
    assert "Über neue Angebote benachrichtigen" in html
    assert 'href="/mitmachen/benachrichtigung/?suche=quartier%3Dwelper"' in html
    assert not response.cookies
    form = client.get("/mitmachen/benachrichtigung/?suche=quartier%3Dwelper").content.decode()
    assert 'name="query" value="quartier=welper"' in form
    assert "neues Angebot für „Welper“" in form


def test_subscribe_stores_unconfirmed_and_mails_the_opt_in(town, client):
    response = subscribe(client, query="quartier=welper&unbekannt=1")
    assert response.status_code == 302
    assert sent_path(response) == "/mitmachen/benachrichtigung/danke/"
    subscription = AlertSubscription.objects.get()
    assert subscription.status == AlertStatus.UNCONFIRMED
    assert subscription.query == "quartier=welper"  # unknown parameters are dropped
    assert subscription.quartier == town["welper"]
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "Bitte bestätigen Sie Ihre Benachrichtigung über neue Angebote"
    assert "„Welper“" in message.body
    assert CONFIRM.search(message.body)


def test_invalid_address_keeps_the_input_and_explains(town, client):
    response = subscribe(client, email="kein-at-zeichen")
    assert response.status_code == 422
    html = response.content.decode()
    assert "gültige E-Mail-Adresse" in html
    assert 'value="kein-at-zeichen"' in html
    assert AlertSubscription.objects.count() == 0


def test_unconfirmed_subscription_gets_no_offers(town, client):
    subscribe(client)
    mail.outbox.clear()
    offer(town["welper"], "beete-giessen")
    assert alerts_send(base_url=BASE) == 0
    assert mail.outbox == []


def test_a_matching_new_offer_sends_exactly_one_mail(town, client):
    confirmed_subscription(client)
    offer(town["welper"], "beete-giessen")
    offer(town["welper"], "tafel-helfen")
    offer(town["blankenstein"], "anderswo")  # does not match
    assert alerts_send(base_url=BASE) == 1
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "2 neue Angebote für Sie: Welper"
    assert "http://testserver/mitmachen/beete-giessen/" in message.body
    assert "http://testserver/mitmachen/tafel-helfen/" in message.body
    assert "anderswo" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Nothing new: nothing more.
    assert alerts_send(base_url=BASE) == 0
    assert len(mail.outbox) == 1


def test_offers_published_before_confirming_are_not_announced(town, client):
    offer(town["welper"], "schon-da")
    confirmed_subscription(client)
    assert alerts_send(base_url=BASE) == 0


def test_an_unpublished_offer_is_announced_when_it_is_published(town, client):
    confirmed_subscription(client)
    draft = offer(town["welper"], "entwurf", is_published=False)
    assert alerts_send(base_url=BASE) == 0
    draft.is_published = True
    draft.save()
    assert alerts_send(base_url=BASE) == 1
    assert "entwurf" in mail.outbox[0].body


def test_non_matching_subscription_gets_nothing(town, client):
    confirmed_subscription(client, query="quartier=blankenstein")
    offer(town["welper"], "beete-giessen")
    assert alerts_send(base_url=BASE) == 0


def test_weekly_digest_groups_a_week_in_one_mail(town, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        confirmed_subscription(client, frequency="woechentlich")
    with time_machine.travel(start + timedelta(days=1), tick=False):
        offer(town["welper"], "erstes")
        assert alerts_send(base_url=BASE) == 1
    with time_machine.travel(start + timedelta(days=2), tick=False):
        offer(town["welper"], "zweites")
        assert alerts_send(base_url=BASE) == 0  # not a week yet
    with time_machine.travel(start + timedelta(days=4), tick=False):
        offer(town["welper"], "drittes")
        assert alerts_send(base_url=BASE) == 0
    with time_machine.travel(start + timedelta(days=8), tick=False):
        assert alerts_send(base_url=BASE) == 1
    first, digest = mail.outbox
    assert first.subject.startswith("Diese Woche: 1 neues Angebot für Sie")
    assert "zweites" in digest.body and "drittes" in digest.body and "erstes" not in digest.body


def test_unsubscribe_from_the_mail_without_login(town, client):
    confirmed_subscription(client)
    offer(town["welper"], "beete-giessen")
    alerts_send(base_url=BASE)
    link = UNSUBSCRIBE.search(mail.outbox[0].body).group(1)
    page = client.get(link)  # mail scanners open links: GET changes nothing
    assert page.status_code == 200
    assert "Jetzt abmelden" in page.content.decode()
    assert AlertSubscription.objects.get().status == AlertStatus.CONFIRMED
    response = client.post(link)
    assert response.status_code == 302
    assert AlertSubscription.objects.get().status == AlertStatus.CANCELLED
    assert "Sie haben sich abgemeldet" in client.get(response["Location"]).content.decode()
    offer(town["welper"], "noch-eins")
    assert alerts_send(base_url=BASE) == 0


def test_one_click_unsubscribe_by_the_mail_program(town, client):
    confirmed_subscription(client)
    offer(town["welper"], "beete-giessen")
    alerts_send(base_url=BASE)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = re.search(r"<http://testserver(/[^>]+)>", header).group(1)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 302
    assert AlertSubscription.objects.get().status == AlertStatus.CANCELLED


def test_subscription_is_on_the_personal_page(town, client):
    subscribe(client)
    token = CONFIRM.search(mail.outbox[0].body).group(1).split("/")[3]
    html = client.get(f"/meine-daten/{token}/").content.decode()
    assert "Benachrichtigung über neue Angebote: Welper" in html


def test_purged_a_year_after_the_last_sign_of_life(town, client):
    subscription = confirmed_subscription(client)
    with time_machine.travel(timezone.now() + timedelta(days=300)):
        assert submissions_purge(model=AlertSubscription) == 0
    with time_machine.travel(timezone.now() + timedelta(days=366)):
        assert submissions_purge(model=AlertSubscription) == 1
    subscription.refresh_from_db()
    assert subscription.email == "" and subscription.purged_at
    offer(town["welper"], "beete-giessen")
    assert alerts_send(base_url=BASE) == 0


def test_opening_the_page_is_a_sign_of_life(town, client):
    subscription = confirmed_subscription(client)
    token = subscription.personal_token()
    with time_machine.travel(timezone.now() + timedelta(days=300)):
        assert client.get(f"/mitmachen/benachrichtigung/{token}/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        assert submissions_purge(model=AlertSubscription) == 0


def test_no_address_in_any_log(town, client, caplog):
    caplog.set_level(logging.DEBUG)
    confirmed_subscription(client)
    offer(town["welper"], "beete-giessen")
    call_command("send_alerts")
    assert caplog.records
    assert EMAIL not in caplog.text


def test_staff_see_counts_per_district_and_topic_never_addresses(town, client):
    confirmed_subscription(client, query="quartier=welper&topic=umwelt")
    confirmed_subscription(client, query="quartier=welper", email="zweite@example.org")
    subscribe(client, query="quartier=blankenstein", email="unbestaetigt@example.org")
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, admin)
    html = client.get("/admin/quartiere/alertsubscription/").content.decode()
    assert "2 aktive Benachrichtigungen" in html
    assert re.search(r"<td>Welper</td><td>2</td>", html)
    assert re.search(r"<td>Umwelt</td><td>1</td>", html)
    assert EMAIL not in html and "zweite@example.org" not in html
    detail = client.get(
        f"/admin/quartiere/alertsubscription/{AlertSubscription.objects.first().pk}/change/"
    ).content.decode()
    assert "@example.org" not in detail.replace("admin@example.org", "")


def test_the_finder_offers_an_alert_for_its_answers(town, client):
    town["welper"].neighbours.add(town["blankenstein"])
    html = client.get("/mitmachen/finden/?stadtteil=welper&nachbarn=on&passt=ohne-deutsch")
    html = html.content.decode()
    assert "Über neue Angebote benachrichtigen" in html
    link = re.search(r'href="(/mitmachen/benachrichtigung/\?suche=[^"]+)"', html).group(1)
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert "Welper" in form and "auch in benachbarten Stadtteilen" in form
    subscribe(client, query="neighbours=on&quartier=welper&suitable=no_german")
    subscription = AlertSubscription.objects.get()
    assert subscription.quartier == town["welper"]
    assert (
        subscription.describe()
        == "Welper · auch in benachbarten Stadtteilen · Ohne Deutschkenntnisse möglich"
    )


# --- alerts from the finder keep its time and "when" answers --------------------------------

FINDER_ANSWERS = "stadtteil=welper&zeit=monatlich&wann=abends&passt=ohne-deutsch"


def finder_alert_query(client, answers=FINDER_ANSWERS) -> str:
    """The search the finder's "Benachrichtigen Sie mich" link carries into the form."""
    html = client.get(f"/mitmachen/finden/?{answers}").content.decode()
    link = re.search(r'href="(/mitmachen/benachrichtigung/\?suche=[^"]+)"', html).group(1)
    form = client.get(link.replace("&amp;", "&")).content.decode()
    return re.search(r'name="query" value="([^"]*)"', form).group(1).replace("&amp;", "&")


def test_an_alert_from_the_finder_keeps_time_and_when(town, client):
    query = finder_alert_query(client)
    assert query == "quartier=welper&time=monthly&when=evenings&suitable=no_german"
    subscription = confirmed_subscription(client, query=query)
    assert subscription.query == "quartier=welper&suitable=no_german&time=monthly&when=evenings"
    assert subscription.describe() == (
        "Welper · ein paar Stunden im Monat · abends · Ohne Deutschkenntnisse möglich"
    )


def test_an_alert_from_the_finder_skips_offers_at_another_time_or_when(town, client):
    confirmed_subscription(client, query=finder_alert_query(client))

    def new_offer(slug, commitment=Opportunity.Commitment.REGULAR, **fields):
        offer(town["welper"], slug, commitment=commitment, suitable_without_german=True, **fields)

    # More than a few hours a month; once instead of monthly; only on weekdays by day.
    new_offer("zu-viel-zeit", hours_per_month=20, in_evenings=True)
    new_offer("nur-einmal", commitment=Opportunity.Commitment.ONCE, in_evenings=True)
    new_offer("nur-tagsueber", hours_per_month=2, on_weekdays=True)
    assert alerts_send(base_url=BASE) == 0
    assert mail.outbox == []
    new_offer("abends-zwei-stunden", hours_per_month=2, in_evenings=True)
    new_offer("nach-absprache", hours_per_month=3)
    assert alerts_send(base_url=BASE) == 1
    [message] = mail.outbox
    assert "/mitmachen/abends-zwei-stunden/" in message.body
    assert "/mitmachen/nach-absprache/" in message.body  # by arrangement fits any time
    for other in ("zu-viel-zeit", "nur-einmal", "nur-tagsueber"):
        assert other not in message.body


def test_the_alert_announces_exactly_what_the_finder_matches(town, client):
    """The same answers, two ways: the finder's matches and the alert's search agree."""
    from quartiere import finder
    from quartiere.filters import matching_opportunities
    from quartiere.forms import FinderForm
    from quartiere.models import Skill

    welper, blankenstein = town["welper"], town["blankenstein"]
    welper.neighbours.add(blankenstein)
    burg = Quartier.objects.create(name="Burgviertel", slug="burgviertel", parent=blankenstein)
    umwelt = Topic.objects.get(slug="umwelt")
    kultur = Topic.objects.create(name="Kultur", slug="kultur")
    Topic.objects.create(name="Sport", slug="sport")
    kochen = Skill.objects.create(name="Kochen", slug="kochen")
    lesen = Skill.objects.create(name="Vorlesen", slug="vorlesen")
    C = Opportunity.Commitment
    for i, (place, commitment, hours, times, topic, skill) in enumerate(
        [
            (welper, C.REGULAR, 2, {"in_evenings": True}, umwelt, kochen),
            (welper, C.REGULAR, 12, {"in_evenings": True}, kultur, None),
            (welper, C.FLEXIBLE, None, {}, None, lesen),
            (welper, C.ONCE, None, {"at_weekends": True}, kultur, kochen),
            (welper, C.REGULAR, None, {"on_weekdays": True}, None, None),
            (blankenstein, C.REGULAR, 4, {"at_weekends": True}, umwelt, lesen),
            (blankenstein, C.REGULAR, 4, {"on_weekdays": True}, kultur, None),
            (burg, C.FLEXIBLE, None, {"in_evenings": True}, umwelt, kochen),
        ]
    ):
        opportunity = offer(
            place, f"angebot-{i}", commitment=commitment, hours_per_month=hours, **times
        )
        if topic:
            opportunity.topics.add(topic)
        if skill:
            opportunity.skills.add(skill)
    for answers in [
        "stadtteil=welper&zeit=monatlich&wann=abends",
        "stadtteil=welper&nachbarn=on&zeit=woechentlich&wann=wochenende",
        "zeit=einmalig&wann=wochenende&wann=werktags",
        "thema=umwelt&thema=kultur",
        "kann=kochen&kann=vorlesen&stadtteil=welper",
        "stadtteil=burgviertel&nachbarn=on",
        "stadtteil=blankenstein&nachbarn=on&thema=umwelt&thema=sport&kann=kochen",
    ]:
        form = FinderForm(QueryDict(answers), choices=finder.Choices.load())
        result = finder.find(form.answers(), finder.Choices.load())
        found = {match.opportunity.slug for match in result.matches}
        query = finder_alert_query(client, answers)
        listed = set(
            matching_opportunities(query, Opportunity.objects.all()).values_list("slug", flat=True)
        )
        assert found and listed == found, answers


def test_an_alert_for_several_topics_announces_offers_of_any_of_them(town, client):
    Topic.objects.create(name="Kultur", slug="kultur")
    query = finder_alert_query(client, "stadtteil=welper&thema=umwelt&thema=kultur")
    assert query == "quartier=welper&topic=kultur&topic=umwelt"
    subscription = confirmed_subscription(client, query=query)
    assert subscription.describe() == "Welper · Kultur · Umwelt"
    assert subscription.topic.slug in {"kultur", "umwelt"}  # counted for staff
    offer(town["welper"], "ohne-thema")
    offer(town["welper"], "kultur-angebot").topics.add(Topic.objects.get(slug="kultur"))
    assert alerts_send(base_url=BASE) == 1
    assert "kultur-angebot" in mail.outbox[0].body and "ohne-thema" not in mail.outbox[0].body
