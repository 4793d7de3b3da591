"""The page cache for anonymous visitors (engagierte_stadt/pagecache.py): pages come from the
cache until something they show changes, and then at once; forms on stored pages still work.

`X-Page-Cache: hit` says a page came from the cache; a hit runs no query at all.
The Redis variant runs the same checks against a real Redis (skipped when none answers).
"""

import re
import time

import pytest
import redis
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from engagierte_stadt import pagecache
from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions import capacity
from engagierte_stadt.submissions.capacity import SignupStatus
from engagierte_stadt.submissions.forms import SpamProtectionMixin
from quartiere.models import Opportunity, Signup
from tests.factories import ArticleFactory, OpportunityFactory, PageFactory, QuartierFactory
from tests.signup_helpers import confirm_link, form_data, mails_to, manage_link

REDIS_URL = "redis://127.0.0.1:6379/14"
STAMP_INPUT = re.compile(r'name="started" value="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings):
    """The page cache switched on, empty, on the local-memory cache or on Redis."""
    settings.PAGE_CACHE = True
    settings.SIGNUP_MIN_FILL_SECONDS = 0
    settings.PAGE_CACHE_CLOCK_MARGIN = 0  # one clock here; rows made just before may be kept
    if request.param == "redis":
        if not redis_answers():
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-pages-{time.time_ns()}",
            },
        }
    caches["pages"].clear()
    yield request.param
    caches["pages"].clear()


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def state(client, url) -> str:
    return get(client, url).headers.get("X-Page-Cache", "")


@pytest.fixture
def town(db):
    welper = QuartierFactory(name="Welper", slug="welper")
    beete = OpportunityFactory(
        title="Beete gießen", slug="beete-giessen", places=2, quartier=welper, project=None
    )
    kochen = OpportunityFactory(
        title="Suppe kochen", slug="suppe-kochen", places=5, quartier=welper, project=None
    )
    return {"welper": welper, "beete": beete, "kochen": kochen}


OPPORTUNITY = "/mitmachen/beete-giessen/"
OTHER = "/mitmachen/suppe-kochen/"
LIST = "/mitmachen/"
FILTERED = "/mitmachen/?quartier=welper"
FINDER = "/mitmachen/finden/?stadtteil=welper"
PAGES = [OPPORTUNITY, LIST, FILTERED, FINDER]


def warm(client, *urls):
    for url in urls:
        get(client, url)
        assert state(client, url) == "hit", url


# --- hits -------------------------------------------------------------------------------------


def test_a_hit_runs_no_query_and_shows_the_same_page(page_cache, town, client):
    first = get(client, OPPORTUNITY)
    assert first.headers["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, OPPORTUNITY)
    assert second.headers["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    strip = lambda html: STAMP_INPUT.sub("", CSRF_INPUT.sub("", html))  # noqa: E731
    assert strip(second.content.decode()) == strip(first.content.decode())


def test_the_query_string_is_part_of_the_address_in_any_order(page_cache, town, client):
    get(client, "/mitmachen/?quartier=welper&page=1")
    assert state(client, "/mitmachen/?page=1&quartier=welper") == "hit"
    assert state(client, "/mitmachen/?quartier=welper&page=1") == "hit"
    assert state(client, LIST) == "miss"
    assert state(client, "/en/mitmachen/") == "miss"
    assert "Get involved" in get(client, "/en/mitmachen/").content.decode()


def test_pages_sharing_new_tags_are_stored_one_after_the_other(page_cache, town, settings):
    """A tag the cache sees first is no change: the next page using it is stored at once."""
    settings.PAGE_CACHE_CLOCK_MARGIN = 0.5
    time.sleep(0.6)  # the town's rows were written just now
    client = Client()
    assert state(client, LIST) == "miss"
    assert state(client, FILTERED) == "miss"
    assert state(client, FILTERED) == "hit"


def test_switched_off_nothing_is_stored(page_cache, town, client, settings):
    settings.PAGE_CACHE = False
    get(client, OPPORTUNITY)
    assert "X-Page-Cache" not in get(client, OPPORTUNITY).headers


# --- places -----------------------------------------------------------------------------------


def free_places(client, url) -> str:
    html = get(client, url).content.decode()
    found = re.search(r"(\d+) von 2 Pl", html)
    return found.group(1) if found else html


def test_sign_up_confirm_and_cancel_show_at_once_on_page_list_and_finder(page_cache, town):
    visitor, person = Client(), Client()
    warm(visitor, *PAGES)
    assert {url: free_places(visitor, url) for url in PAGES} == dict.fromkeys(PAGES, "2")

    response = person.post(f"{OPPORTUNITY}anmelden/", form_data(email="erika@example.org"))
    assert response.status_code == 302
    person.post(confirm_link(mails_to("erika@example.org")[0]))
    assert Signup.objects.get().status == SignupStatus.CONFIRMED
    assert {url: free_places(visitor, url) for url in PAGES} == dict.fromkeys(PAGES, "1")
    warm(visitor, *PAGES)

    manage = manage_link(mails_to("erika@example.org")[-1])
    person.post(manage, {"action": "cancel", "confirmed": "yes"})
    assert Signup.objects.get().status == SignupStatus.CANCELLED
    assert {url: free_places(visitor, url) for url in PAGES} == dict.fromkeys(PAGES, "2")


def test_staff_entry_and_move_up_show_at_once(page_cache, town, client):
    beete = town["beete"]
    warm(client, *PAGES)
    for n in range(3):  # two places, the third waits
        capacity.signup_enter_by_staff(model=Signup, target=beete, name=f"Person {n}")
    assert "Ausgebucht" in get(client, OPPORTUNITY).content.decode()
    warm(client, *PAGES)
    waiting = Signup.objects.get(status=SignupStatus.WAITING)
    Signup.objects.filter(pk=waiting.pk).update(status=SignupStatus.CANCELLED)  # no signal
    capacity.places_changed(beete)  # … but the engine says the places changed
    for url in PAGES:
        assert state(client, url) == "miss", url


def test_sign_ups_written_outside_the_engine_reach_the_pages_of_their_target(
    page_cache, town, client
):
    """The database counts places by trigger; any write of a sign-up (an admin delete, a bulk
    update) makes every page showing its target anew, though no statement names the target."""
    beete = town["beete"]
    capacity.signup_enter_by_staff(model=Signup, target=beete, name="Person 1")
    warm(client, *PAGES)
    assert {url: free_places(client, url) for url in PAGES} == dict.fromkeys(PAGES, "1")
    Signup.objects.filter(opportunity_id=beete.pk).update(status=SignupStatus.CANCELLED)
    assert {url: free_places(client, url) for url in PAGES} == dict.fromkeys(PAGES, "2")
    capacity.signup_enter_by_staff(model=Signup, target=beete, name="Person 2")
    warm(client, *PAGES)
    Signup.objects.all().delete()
    assert {url: free_places(client, url) for url in PAGES} == dict.fromkeys(PAGES, "2")


def test_places_changed_with_update_alone_reach_the_lists(page_cache, town, client):
    """A counter written with `QuerySet.update()` sends no signal; its UPDATE statement still
    bumps the table's tag, so every list of opportunities is made anew."""
    warm(client, LIST, FINDER)
    Opportunity.objects.filter(pk=town["kochen"].pk).update(title="Suppe kochen und essen")
    assert "Suppe kochen und essen" in get(client, LIST).content.decode()
    assert "Suppe kochen und essen" in get(client, FINDER).content.decode()


# --- content ----------------------------------------------------------------------------------


def test_editing_one_opportunity_leaves_the_other_in_the_cache(page_cache, town, client):
    warm(client, OPPORTUNITY, OTHER, LIST, "/impressum/")
    beete = town["beete"]
    beete.title = "Beete gießen am Bach"
    beete.save()
    assert "Beete gießen am Bach" in get(client, OPPORTUNITY).content.decode()
    assert "Beete gießen am Bach" in get(client, LIST).content.decode()
    assert state(client, OTHER) == "hit"
    assert state(client, "/impressum/") == "hit"


def test_update_of_one_row_by_key_leaves_the_other_pages(page_cache, town, client):
    warm(client, OPPORTUNITY, OTHER)
    Opportunity.objects.filter(pk=town["beete"].pk).update(title="Beete gießen im Regen")
    assert "Beete gießen im Regen" in get(client, OPPORTUNITY).content.decode()
    assert state(client, OTHER) == "hit"


def test_bulk_unpublishing_in_the_admin_removes_the_pages_at_once(page_cache, town, client):
    """The admin's actions use `QuerySet.update()`: no signal, rows not named by key."""
    warm(client, OPPORTUNITY, OTHER, LIST)
    Opportunity.objects.filter(quartier=town["welper"], places__lt=3).update(is_published=False)
    assert client.get(OPPORTUNITY).status_code == 404
    assert "Beete gießen" not in get(client, LIST).content.decode()
    assert state(client, OTHER) == "miss"  # which rows changed is unknown: all are redone


def test_unpublishing_removes_the_page_and_the_list_entry_at_once(page_cache, town, client):
    warm(client, OPPORTUNITY, OTHER, LIST)
    beete = town["beete"]
    beete.is_published = False
    beete.save()
    assert client.get(OPPORTUNITY).status_code == 404
    assert "Beete gießen" not in get(client, LIST).content.decode()
    assert state(client, OTHER) == "hit"
    beete.is_published = True
    beete.save()
    assert state(client, OPPORTUNITY) == "miss"
    assert "Beete gießen" in get(client, LIST).content.decode()


def test_publishing_shows_at_once_and_leaves_unrelated_pages(page_cache, db, client):
    ArticleFactory(title="Alte Nachricht", slug="alte-nachricht")
    warm(client, "/aktuelles/", "/aktuelles/alte-nachricht/", "/impressum/")
    ArticleFactory(title="Neue Nachricht", slug="neue-nachricht")
    assert "Neue Nachricht" in get(client, "/aktuelles/").content.decode()
    assert state(client, "/aktuelles/alte-nachricht/") == "hit"
    assert state(client, "/impressum/") == "hit"


def test_editing_a_page_and_the_site_settings_show_at_once(page_cache, db, client):
    PageFactory(slug="impressum", title="Impressum", body="Alte Anschrift")
    warm(client, "/impressum/", "/")
    page = PageFactory._meta.model.objects.get(slug="impressum")
    page.body = "Neue Anschrift"
    page.save()
    assert "Neue Anschrift" in get(client, "/impressum/").content.decode()
    assert state(client, "/") == "hit"
    site = SiteSettings.load()
    site.portal_name = "Engagierte Stadt Sprockhövel"
    site.save()
    for url in ("/impressum/", "/"):
        assert "Engagierte Stadt Sprockhövel" in get(client, url).content.decode(), url


# --- who never gets a stored page ---------------------------------------------------------------


def test_staff_never_get_a_stored_page(page_cache, town, client, admin_client):
    warm(client, OPPORTUNITY, LIST)
    for url in (OPPORTUNITY, LIST):
        response = get(admin_client, url)
        assert "X-Page-Cache" not in response.headers, url
    beete = town["beete"]
    Opportunity.objects.filter(pk=beete.pk).update(description="Frisch für die Redaktion")
    caches["pages"].clear()  # even a stale entry would not reach staff
    warm(client, OPPORTUNITY)
    assert "Frisch für die Redaktion" in get(admin_client, OPPORTUNITY).content.decode()


def test_personal_links_and_messages_are_never_stored(page_cache, town):
    person = Client()
    sent = person.post(f"{OPPORTUNITY}anmelden/", form_data(email="erika@example.org"))
    # the check-your-mail page belongs to this one entry (its code form carries a reference)
    for _ in range(2):
        check_mail = person.get(sent.url)
        assert check_mail.status_code == 200
        assert "X-Page-Cache" not in check_mail.headers
        assert "no-store" in check_mail.headers["Cache-Control"]
    link = confirm_link(mails_to("erika@example.org")[0])
    assert "X-Page-Cache" not in person.get(link).headers
    person.post(link)
    manage = manage_link(mails_to("erika@example.org")[-1])
    assert "X-Page-Cache" not in person.get(manage).headers
    assert "X-Page-Cache" not in person.get(manage).headers


# --- forms on stored pages --------------------------------------------------------------------


def test_a_stored_form_page_takes_its_post_and_no_two_visitors_share_token_or_stamp(
    page_cache, town
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    shown = [get(first, OPPORTUNITY), get(second, OPPORTUNITY)]
    assert [r.headers["X-Page-Cache"] for r in shown] == ["miss", "hit"]
    html = [r.content.decode() for r in shown]
    tokens = [CSRF_INPUT.search(page).group(1) for page in html]
    stamps = [STAMP_INPUT.search(page).group(1) for page in html]
    assert tokens[0] != tokens[1] and stamps[0] != stamps[1]
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    assert SpamProtectionMixin  # the stamps are the engine's, for this form
    for client, token, stamp, n in zip((first, second), tokens, stamps, (1, 2), strict=True):
        data = form_data(email=f"person{n}@example.org", started=stamp)
        data["csrfmiddlewaretoken"] = token
        response = client.post(f"{OPPORTUNITY}anmelden/", data)
        assert response.status_code == 302, response.content.decode()[:500]
    assert Signup.objects.count() == 2
    assert len(mail.outbox) >= 2


@pytest.mark.parametrize("language", ["", "/en"])
def test_a_kept_new_form_gets_each_visitors_own_token_and_stamp(settings, town, language):
    """Without the page cache, a new sign-up form is rendered once and kept
    (`kern_tags.new_form`, CARDS_CHECK off as in production): every visitor still gets a
    token and a stamp of their own that the POST accepts, and the form is the offer's own."""
    settings.PAGE_CACHE = False
    settings.CARDS_CHECK = False
    settings.SIGNUP_MIN_FILL_SECONDS = 0  # the stamps are the pages' own, sent at once
    clients = [Client(enforce_csrf_checks=True) for _ in range(3)]
    html = [get(client, language + OPPORTUNITY).content.decode() for client in clients]
    tokens = [CSRF_INPUT.search(page).group(1) for page in html]
    stamps = [STAMP_INPUT.search(page).group(1) for page in html]
    assert len(set(tokens)) == 3 and len(set(stamps)) == 3
    assert "⟦" not in "".join(html)  # no hole left unfilled
    assert all(f'action="{language}{OPPORTUNITY}anmelden/#anmelden"' in page for page in html)
    other = get(Client(), language + OTHER).content.decode()
    assert f'action="{language}{OTHER}anmelden/#anmelden"' in other
    for n, (client, token, stamp) in enumerate(zip(clients, tokens, stamps, strict=True)):
        data = form_data(email=f"person{n}@example.org", started=stamp)
        data["csrfmiddlewaretoken"] = token
        response = client.post(f"{language}{OPPORTUNITY}anmelden/", data)
        assert response.status_code == 302, response.content.decode()[:500]
    assert Signup.objects.count() == 3


def test_a_page_without_a_form_sets_no_cookie_from_the_cache(page_cache, town, client):
    assert not get(client, LIST).cookies
    response = get(Client(), LIST)
    assert response.headers["X-Page-Cache"] == "hit"
    assert not response.cookies


def test_versions_tell_a_changed_tag_apart(page_cache, db):
    """The building block itself: a stored entry is valid while its tags keep their versions."""
    cache = caches["pages"]
    started = time.time()
    versions = pagecache._versions_for(cache, {"t:x", "o:y:1"}, started)
    assert versions is not None
    assert pagecache._valid_entry(cache, {"tags": versions})
    pagecache.bump(["t:x"])
    assert not pagecache._valid_entry(cache, {"tags": versions})
    # A tag changed while the page was made: the page is not stored.
    assert pagecache._versions_for(cache, {"t:x"}, started) is None
