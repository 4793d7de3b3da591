"""City staff keep the district conferences current in the admin."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from engagierte_stadt.submissions.capacity import (
    SignupStatus,
    Source,
    signup_confirm,
    signup_submit,
)
from konferenzen.models import (
    ActionItem,
    Conference,
    ConferenceWish,
    Decision,
    Meeting,
    Registration,
)
from quartiere.models import QuartierAssignment
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConferenceFactory,
    DecisionFactory,
    MeetingFactory,
    QuartierFactory,
    VenueFactory,
    login_staff,
)
from tests.konferenzen.admin_forms import admin_form_data

ADMIN = "/admin/konferenzen/"


@pytest.fixture
def staff(db):
    """An editor with exactly the permissions of the conference app, no superuser."""
    user = get_user_model().objects.create_user("redakteurin", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="konferenzen"))
    QuartierAssignment.objects.create(user=user)  # responsible for the whole town
    return user


@pytest.fixture
def staff_client(client, staff):
    login_staff(client, staff)
    return client


@pytest.fixture
def blankenstein(db):
    quartier = QuartierFactory(name="Blankenstein", slug="blankenstein")
    return ConferenceFactory(
        quartier=quartier,
        title="Stadtteilkonferenz Blankenstein",
        slug="blankenstein",
        usual_venue=VenueFactory(name="Gemeindehaus am Burgberg"),
    )


def days_from_now(days: int, hour: int = 18):
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour, 0))


def registered(meeting, name, email):
    result = signup_submit(model=Registration, target=meeting, name=name, email=email)
    return signup_confirm(model=Registration, token=result.token)


def action(client, model: str, name: str, objects, **extra):
    return client.post(
        f"{ADMIN}{model}/",
        {"action": name, "_selected_action": [obj.pk for obj in objects], "post": "yes", **extra},
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# --- every page renders for an editor ------------------------------------------------------


@pytest.fixture
def one_of_each(blankenstein):
    meeting = MeetingFactory(
        conference=blankenstein, registration_enabled=True, places=10, venue=None
    )
    AgendaItemFactory(meeting=meeting, title="Begrüßung")
    DecisionFactory(meeting=meeting)
    action_item = ActionItemFactory(meeting=meeting)
    registration = registered(meeting, "Jürgen Müller", "juergen@example.org")
    wish = signup_submit(
        model=ConferenceWish,
        target=QuartierFactory(name="Niederwenigern", slug="niederwenigern"),
        name="Sabine Kortmann",
        email="sabine@example.org",
    ).signup
    return {
        "venue": blankenstein.usual_venue,
        "conference": blankenstein,
        "meeting": meeting,
        "actionitem": action_item,
        "registration": registration,
        "conferencewish": wish,
    }


@pytest.mark.parametrize(
    "model, heading",
    [
        ("venue", "Veranstaltungsort"),
        ("conference", "Stadtteilkonferenz"),
        ("meeting", "Termin"),
        ("actionitem", "Aufgabe"),
        ("registration", "Anmeldung"),
        ("conferencewish", "Wunsch"),
    ],
)
def test_list_add_and_change_pages_render_for_an_editor(staff_client, one_of_each, model, heading):
    pages = [f"{ADMIN}{model}/", f"{ADMIN}{model}/{one_of_each[model].pk}/change/"]
    if model != "conferencewish":
        pages.append(f"{ADMIN}{model}/add/")
    for url in pages:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert heading in response.content.decode(), url


def test_wishes_cannot_be_added_by_staff(staff_client, db):
    assert staff_client.get(f"{ADMIN}conferencewish/add/").status_code == 403


def test_admin_index_lists_the_conference_models_in_german(staff_client, db):
    html = staff_client.get("/admin/").content.decode()
    for label in [
        "Stadtteilkonferenzen",
        "Veranstaltungsorte",
        "Termine",
        "Aufgaben",
        "Wünsche nach einer Stadtteilkonferenz",
    ]:
        assert label in html


def test_staff_without_conference_permissions_are_refused(client, db):
    user = get_user_model().objects.create_user("gast", password="pw", is_staff=True)
    login_staff(client, user)
    assert client.get(f"{ADMIN}meeting/").status_code == 403


# --- conferences ---------------------------------------------------------------------------


def test_conference_list_shows_meeting_count_and_next_date(
    staff_client, blankenstein, django_assert_max_num_queries
):
    for n in range(20):
        conference = ConferenceFactory(title=f"Konferenz {n}")
        for days in (-30, 10, 40):
            MeetingFactory(conference=conference, starts_at=days_from_now(days))
    MeetingFactory(conference=blankenstein, starts_at=days_from_now(9, hour=18))
    with django_assert_max_num_queries(10):
        response = staff_client.get(f"{ADMIN}conference/")
    html = response.content.decode()
    assert f"{(timezone.localdate() + timedelta(days=9)):%d.%m.%Y} 18:00" in html
    assert "Konferenz 19" in html


def test_conference_filters_by_quartier_and_active(staff_client, blankenstein):
    ConferenceFactory(title="Stillgelegte Runde", is_active=False)
    html = staff_client.get(f"{ADMIN}conference/", {"is_active__exact": "0"}).content.decode()
    assert "Stillgelegte Runde" in html and "Stadtteilkonferenz Blankenstein" not in html
    html = staff_client.get(
        f"{ADMIN}conference/", {"quartier__id__exact": blankenstein.quartier_id}
    ).content.decode()
    assert "Stillgelegte Runde" not in html and "Stadtteilkonferenz Blankenstein" in html


def test_conference_page_adds_meetings_inline_with_the_date_as_address(staff_client, blankenstein):
    MeetingFactory(conference=blankenstein, starts_at=days_from_now(20), slug="2099-01-01")
    url = f"{ADMIN}conference/{blankenstein.pk}/change/"
    data = admin_form_data(staff_client.get(url).content.decode(), "conference_form")
    day = timezone.localdate() + timedelta(days=50)
    data.update(
        {
            "meetings-TOTAL_FORMS": "3",
            "meetings-1-starts_at_0": day.strftime("%d.%m.%Y"),
            "meetings-1-starts_at_1": "18:00",
            "meetings-1-title": "Sommertreffen",
            "meetings-1-status": Meeting.Status.PLANNED,
            "meetings-2-starts_at_0": day.strftime("%d.%m.%Y"),
            "meetings-2-starts_at_1": "20:00",
            "meetings-2-title": "",
            "meetings-2-status": Meeting.Status.PLANNED,
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = list(blankenstein.meetings.filter(starts_at__date=day).order_by("starts_at"))
    assert [m.slug for m in new] == [f"{day:%Y-%m-%d}", f"{day:%Y-%m-%d}-2"]
    assert new[0].title == "Sommertreffen"


def test_conference_page_links_to_a_new_meeting_with_the_usual_venue(staff_client, blankenstein):
    html = staff_client.get(f"{ADMIN}conference/{blankenstein.pk}/change/").content.decode()
    assert f"{ADMIN}meeting/add/?conference={blankenstein.pk}" in html
    html = staff_client.get(f"{ADMIN}meeting/add/?conference={blankenstein.pk}").content.decode()
    assert f'<option value="{blankenstein.usual_venue_id}" selected>' in html
    assert f'<option value="{blankenstein.pk}" selected>' in html


def test_reserved_word_is_refused_as_conference_address(staff_client, blankenstein):
    response = staff_client.post(
        f"{ADMIN}conference/add/",
        {
            "title": "Archiv",
            "slug": "archiv",
            "quartier": blankenstein.quartier_id,
            "is_active": "on",
            "meetings-TOTAL_FORMS": "0",
            "meetings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "vom Portal selbst verwendet" in response.content.decode()
    assert not Conference.objects.filter(slug="archiv").exists()


# --- meetings ------------------------------------------------------------------------------


def test_new_meeting_without_address_gets_its_date(staff_client, blankenstein):
    html = staff_client.get(f"{ADMIN}meeting/add/?conference={blankenstein.pk}").content.decode()
    data = admin_form_data(html, "meeting_form")
    day = timezone.localdate() + timedelta(days=30)
    data.update(
        {
            "starts_at_0": day.strftime("%d.%m.%Y"),
            "starts_at_1": "18:00",
            "slug": "",
            "agenda_items-0-position": "1",
            "agenda_items-0-title": "Begrüßung",
            "agenda_items-0-minutes_planned": "10",
        }
    )
    response = staff_client.post(f"{ADMIN}meeting/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get(conference=blankenstein)
    assert meeting.slug == f"{day:%Y-%m-%d}"
    assert meeting.venue == blankenstein.usual_venue
    assert [item.title for item in meeting.agenda_items.all()] == ["Begrüßung"]


def test_meeting_page_saves_agenda_decisions_and_action_items(staff_client, blankenstein):
    meeting = MeetingFactory(conference=blankenstein, starts_at=days_from_now(-7))
    url = f"{ADMIN}meeting/{meeting.pk}/change/"
    data = admin_form_data(staff_client.get(url).content.decode(), "meeting_form")
    data.update(
        {
            "status": Meeting.Status.HELD,
            "agenda_items-TOTAL_FORMS": "2",
            "agenda_items-0-position": "2",
            "agenda_items-0-title": "Spielplatz",
            "agenda_items-0-presenter": "AG Spielplatz",
            "agenda_items-0-minutes_planned": "20",
            "agenda_items-1-position": "1",
            "agenda_items-1-title": "Begrüßung",
            "decisions-TOTAL_FORMS": "1",
            "decisions-0-position": "1",
            "decisions-0-text": "Die Wunschliste geht an die Stadt.",
            "action_items-TOTAL_FORMS": "2",
            "action_items-0-position": "1",
            "action_items-0-title": "Wunschliste übergeben",
            "action_items-0-responsible": "Quartiersbüro",
            "action_items-0-status": ActionItem.Status.OPEN,
            "action_items-1-position": "2",
            "action_items-1-title": "Protokoll verschicken",
            "action_items-1-status": ActionItem.Status.DONE,
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [a.title for a in meeting.agenda_items.all()] == ["Begrüßung", "Spielplatz"]
    assert Decision.objects.get(meeting=meeting).text == "Die Wunschliste geht an die Stadt."
    done = ActionItem.objects.get(meeting=meeting, title="Protokoll verschicken")
    assert done.done_at == timezone.localdate()  # marking done fills in the day
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_meeting_page_shows_agenda_in_order_and_venue_accessibility(staff_client, blankenstein):
    meeting = MeetingFactory(conference=blankenstein)
    AgendaItemFactory(meeting=meeting, position=2, title="Zweiter Punkt")
    AgendaItemFactory(meeting=meeting, position=1, title="Erster Punkt")
    html = staff_client.get(f"{ADMIN}meeting/{meeting.pk}/change/").content.decode()
    assert html.index("Erster Punkt") < html.index("Zweiter Punkt")
    assert "stufenloser Zugang" in html
    for legend in ["Wann und wo", "Barrierefreiheit", "Anmeldung und Plätze", "Protokoll"]:
        assert legend in html


def test_meeting_list_shows_places_taken_with_few_queries(
    staff_client, blankenstein, django_assert_max_num_queries
):
    for n in range(40):
        meeting = MeetingFactory(
            conference=blankenstein,
            starts_at=days_from_now(n + 1),
            slug=f"termin-{n}",
            registration_enabled=True,
            places=2,
        )
        if n == 0:
            registered(meeting, "Erste", "erste@example.org")
            registered(meeting, "Zweite", "zweite@example.org")
            registered(meeting, "Dritte", "dritte@example.org")
    # (One of them reads the device that passed the second factor, on every staff request.)
    with django_assert_max_num_queries(13):
        response = staff_client.get(f"{ADMIN}meeting/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 / 2 (+1 auf der Warteliste)" in html
    assert html.count("0 / 2") == 39


def test_meeting_list_filters_by_year_and_status(staff_client, blankenstein):
    this_year = timezone.localdate().year
    MeetingFactory(
        conference=blankenstein,
        title="Altes Treffen",
        starts_at=timezone.make_aware(timezone.datetime(this_year - 2, 3, 3, 18)),
        slug="alt",
        status=Meeting.Status.HELD,
    )
    MeetingFactory(conference=blankenstein, title="Neues Treffen", slug="neu")
    html = staff_client.get(f"{ADMIN}meeting/", {"year": this_year - 2}).content.decode()
    assert "Altes Treffen" in html and "Neues Treffen" not in html
    html = staff_client.get(f"{ADMIN}meeting/", {"status__exact": "geplant"}).content.decode()
    assert "Altes Treffen" not in html and "Neues Treffen" in html


def test_copy_agenda_action_takes_over_the_previous_agenda(staff_client, blankenstein):
    before = MeetingFactory(conference=blankenstein, starts_at=days_from_now(-60), slug="a")
    AgendaItemFactory(meeting=before, position=1, title="Begrüßung", presenter="Quartiersbüro")
    AgendaItemFactory(meeting=before, position=2, title="Spielplatz")
    meeting = MeetingFactory(conference=blankenstein, starts_at=days_from_now(20), slug="b")
    response = action(staff_client, "meeting", "copy_agenda", [meeting])
    assert response.status_code == 302
    assert [(a.position, a.title, a.presenter) for a in meeting.agenda_items.all()] == [
        (1, "Begrüßung", "Quartiersbüro"),
        (2, "Spielplatz", before.agenda_items.get(position=2).presenter),
    ]
    assert before.agenda_items.count() == 2  # the source keeps its agenda
    assert any("2 Tagesordnungspunkte übernommen" in m for m in messages_of(response))


def test_copy_agenda_action_says_when_there_is_nothing_to_take_over(staff_client, blankenstein):
    meeting = MeetingFactory(conference=blankenstein)
    response = action(staff_client, "meeting", "copy_agenda", [meeting])
    assert not meeting.agenda_items.exists()
    assert any("Kein früherer Termin mit Tagesordnung" in m for m in messages_of(response))


def test_create_next_action_plans_the_next_meeting_and_opens_it(staff_client, blankenstein):
    meeting = MeetingFactory(
        conference=blankenstein,
        starts_at=days_from_now(-10),
        room="Großer Saal",
        childcare=True,
        registration_enabled=True,
        places=30,
        status=Meeting.Status.HELD,
        minutes_summary="Protokoll",
    )
    AgendaItemFactory(meeting=meeting, title="Begrüßung")
    registered(meeting, "Jürgen Müller", "juergen@example.org")
    response = action(staff_client, "meeting", "create_next", [meeting])
    new = Meeting.objects.exclude(pk=meeting.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}meeting/{new.pk}/change/"
    assert new.status == Meeting.Status.PLANNED and new.starts_at > timezone.now()
    assert (new.room, new.childcare, new.places) == ("Großer Saal", True, 30)
    assert [a.title for a in new.agenda_items.all()] == ["Begrüßung"]
    assert not new.registrations.exists() and new.minutes_summary == ""
    follow = staff_client.get(response["Location"])
    assert "Bitte prüfen Sie Datum, Raum und Tagesordnung." in follow.content.decode()


def test_publish_minutes_action(staff_client, blankenstein):
    held = MeetingFactory(
        conference=blankenstein, starts_at=days_from_now(-5), minutes_summary="Kurz", slug="a"
    )
    empty = MeetingFactory(conference=blankenstein, starts_at=days_from_now(-40), slug="b")
    response = action(staff_client, "meeting", "publish_minutes", [held, empty])
    held.refresh_from_db(), empty.refresh_from_db()
    assert held.minutes_published and held.status == Meeting.Status.HELD
    assert empty.minutes_published_at is None
    messages = messages_of(response)
    assert any("1 Protokoll veröffentlicht" in m for m in messages)
    assert any("hat noch kein Protokoll" in m for m in messages)


def test_meeting_page_hides_registrations_from_staff_without_that_permission(client, blankenstein):
    editor = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_meeting", "change_meeting"])
    )
    QuartierAssignment.objects.create(user=editor)
    login_staff(client, editor)
    meeting = MeetingFactory(conference=blankenstein, registration_enabled=True, places=5)
    registered(meeting, "Jürgen Müller", "juergen@example.org")
    html = client.get(f"{ADMIN}meeting/{meeting.pk}/change/").content.decode()
    assert "1 von 5 Plätzen belegt" in html
    assert "Jürgen Müller" not in html and f"{ADMIN}registration/" not in html


def test_meeting_page_lists_registrations_for_staff_allowed_to_see_them(staff_client, blankenstein):
    meeting = MeetingFactory(conference=blankenstein, registration_enabled=True, places=5)
    registered(meeting, "Jürgen Müller", "juergen@example.org")
    html = staff_client.get(f"{ADMIN}meeting/{meeting.pk}/change/").content.decode()
    assert "Jürgen Müller" in html
    assert f"{ADMIN}registration/?meeting__id__exact={meeting.pk}" in html
    assert f"{ADMIN}registration/add/?meeting={meeting.pk}" in html


# --- action items --------------------------------------------------------------------------


def test_action_item_list_shows_what_is_not_done_yet_by_default(staff_client, blankenstein):
    meeting = MeetingFactory(conference=blankenstein, starts_at=days_from_now(-30))
    ActionItemFactory(meeting=meeting, title="Noch offen", status=ActionItem.Status.OPEN)
    ActionItemFactory(meeting=meeting, title="Läuft", status=ActionItem.Status.IN_PROGRESS)
    ActionItemFactory(meeting=meeting, title="Schon fertig", status=ActionItem.Status.DONE)
    html = staff_client.get(f"{ADMIN}actionitem/").content.decode()
    assert "Noch offen" in html and "Läuft" in html and "Schon fertig" not in html
    html = staff_client.get(f"{ADMIN}actionitem/", {"status": "alle"}).content.decode()
    assert "Schon fertig" in html


def test_action_item_list_filters_overdue_and_by_conference(staff_client, blankenstein):
    meeting = MeetingFactory(conference=blankenstein, starts_at=days_from_now(-30))
    yesterday = timezone.localdate() - timedelta(days=1)
    ActionItemFactory(meeting=meeting, title="Überfällig", due_date=yesterday)
    ActionItemFactory(meeting=meeting, title="Noch Zeit", due_date=yesterday + timedelta(days=9))
    other = MeetingFactory(starts_at=days_from_now(-20))
    ActionItemFactory(meeting=other, title="Anderswo", due_date=yesterday)
    html = staff_client.get(f"{ADMIN}actionitem/", {"overdue": "yes"}).content.decode()
    assert "Überfällig" in html and "Anderswo" in html and "Noch Zeit" not in html
    html = staff_client.get(
        f"{ADMIN}actionitem/", {"meeting__conference__id__exact": blankenstein.pk}
    ).content.decode()
    assert "Überfällig" in html and "Anderswo" not in html


def test_action_item_marked_done_in_the_list_gets_todays_date(staff_client, blankenstein):
    item = ActionItemFactory(meeting=MeetingFactory(conference=blankenstein))
    response = staff_client.post(
        f"{ADMIN}actionitem/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": item.pk,
            "form-0-status": ActionItem.Status.DONE,
            "_save": "Sichern",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE and item.done_at == timezone.localdate()


# --- registrations -------------------------------------------------------------------------


@pytest.fixture
def small_meeting(blankenstein):
    return MeetingFactory(
        conference=blankenstein, title="Frühjahrskonferenz", registration_enabled=True, places=1
    )


def test_registration_csv_export(staff_client, small_meeting):
    first = registered(small_meeting, "Jürgen Müller", "juergen@example.org")
    second = registered(small_meeting, "=Aylin Çelik", "aylin@example.org")
    response = action(staff_client, "registration", "export_csv", [first, second])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="anmeldungen-')
    rows = read_csv(response)
    assert rows[0][:8] == [
        "Stadtteilkonferenz",
        "Stadtteil oder Quartier",
        "Termin",
        "Datum und Uhrzeit",
        "Status",
        "Quelle",
        "Name",
        "E-Mail",
    ]
    assert rows[1][:3] == ["Stadtteilkonferenz Blankenstein", "Blankenstein", "Frühjahrskonferenz"]
    assert [row[6:8] for row in rows[1:]] == [
        ["Jürgen Müller", "juergen@example.org"],
        ["'=Aylin Çelik", "aylin@example.org"],
    ]
    assert [row[4] for row in rows[1:]] == ["bestätigt", "auf der Warteliste"]


def test_registration_by_phone_goes_through_the_engine(staff_client, small_meeting):
    registered(small_meeting, "Erste", "erste@example.org")
    response = staff_client.post(
        f"{ADMIN}registration/add/",
        {
            "meeting": small_meeting.pk,
            "source": Source.PHONE,
            "name": "Gisela Brandt",
            "phone": "02324 98765",
            "email": "",
            "message": "",
            "needs": "",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    entry = Registration.objects.get(name="Gisela Brandt")
    assert (entry.status, entry.source) == (SignupStatus.WAITING, Source.PHONE)
    assert any("Der Termin ist voll" in m for m in messages_of(response))


def test_registration_by_phone_refuses_an_address_already_registered(staff_client, small_meeting):
    registered(small_meeting, "Erste", "erste@example.org")
    response = staff_client.post(
        f"{ADMIN}registration/add/",
        {
            "meeting": small_meeting.pk,
            "source": Source.PAPER,
            "name": "Erste nochmal",
            "email": "ERSTE@example.org",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "bereits für diesen Termin angemeldet" in response.content.decode()
    assert Registration.objects.count() == 1


def test_cancelling_a_registration_moves_the_next_up_with_a_mail(
    staff_client, small_meeting, mailoutbox, django_capture_on_commit_callbacks
):
    first = registered(small_meeting, "Erste", "erste@example.org")
    second = registered(small_meeting, "Zweite", "zweite@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        action(staff_client, "registration", "cancel_signups", [first])
    second.refresh_from_db()
    assert second.status == SignupStatus.CONFIRMED
    assert [mail.to for mail in mailoutbox] == [["zweite@example.org"]]


def test_move_up_and_erase_registrations(staff_client, small_meeting):
    first = registered(small_meeting, "Erste", "erste@example.org")
    second = registered(small_meeting, "Zweite", "zweite@example.org")
    action(staff_client, "registration", "move_up", [second])
    second.refresh_from_db()
    assert second.status == SignupStatus.CONFIRMED
    action(staff_client, "registration", "erase_personal_data", [first])
    first.refresh_from_db()
    assert (first.name, first.email, first.status) == ("", "", SignupStatus.CANCELLED)
    html = staff_client.get(f"{ADMIN}registration/").content.decode()
    assert 'value="delete_selected"' not in html


# --- wishes --------------------------------------------------------------------------------


@pytest.fixture
def wishes(db):
    niederwenigern = QuartierFactory(name="Niederwenigern", slug="niederwenigern")
    welper = QuartierFactory(name="Welper", slug="welper")
    made = {}
    for key, quartier, name, help_ in [
        ("sabine", niederwenigern, "Sabine Kortmann", True),
        ("mehmet", niederwenigern, "Mehmet Aydın", False),
        ("lukas", welper, "Lukas Brandt", True),
    ]:
        result = signup_submit(
            model=ConferenceWish,
            target=quartier,
            name=name,
            email=f"{key}@example.org",
            would_help=help_,
        )
        made[key] = result
    for key in ("sabine", "lukas"):  # Mehmet has not clicked the link yet
        signup_confirm(model=ConferenceWish, token=made[key].token)
    return {key: ConferenceWish.objects.get(pk=result.signup.pk) for key, result in made.items()}


def test_wish_list_filters_by_quartier_and_would_help(staff_client, wishes):
    response = staff_client.get(
        f"{ADMIN}conferencewish/",
        {"quartier__id__exact": wishes["sabine"].quartier_id, "would_help__exact": "1"},
    )
    html = response.content.decode()
    assert "Sabine Kortmann" in html
    assert "Mehmet Aydın" not in html and "Lukas Brandt" not in html


def test_wish_export_contains_only_confirmed_wishes(staff_client, wishes):
    response = action(staff_client, "conferencewish", "export_csv", list(wishes.values()))
    rows = read_csv(response)
    assert rows[0] == [
        "Stadtteil oder Quartier",
        "Name",
        "E-Mail",
        "Würde bei der Organisation helfen",
        "Bestätigt am",
        "Ansprechperson",
    ]
    assert [row[:4] for row in rows[1:]] == [
        ["Niederwenigern", "Sabine Kortmann", "sabine@example.org", "ja"],
        ["Welper", "Lukas Brandt", "lukas@example.org", "ja"],
    ]


def test_erasing_a_wish_keeps_an_anonymous_row(staff_client, wishes):
    response = action(staff_client, "conferencewish", "erase_personal_data", [wishes["sabine"]])
    wish = ConferenceWish.objects.get(pk=wishes["sabine"].pk)
    assert (wish.name, wish.email, wish.status) == ("", "", SignupStatus.CANCELLED)
    assert wish.purged_at is not None
    assert any("1 Wunsch gelöscht" in m for m in messages_of(response))


# --- query budgets -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 60])
def test_admin_pages_need_the_same_queries_with_many_rows(
    staff_client, blankenstein, size, django_assert_max_num_queries
):
    """Measured once with few rows and once with many: the count must not grow."""
    meeting = MeetingFactory(conference=blankenstein, registration_enabled=True, places=None)
    for n in range(size):
        AgendaItemFactory(meeting=meeting, position=n)
        ActionItemFactory(meeting=meeting, position=n)
        registered(meeting, f"Person {n}", f"p{n}@example.org")
        other = MeetingFactory(
            conference=blankenstein, starts_at=days_from_now(n + 30), slug=f"t-{n}"
        )
        registered(other, f"Gast {n}", f"g{n}@example.org")  # one more meeting to filter by
    urls = {
        "meeting_change": f"{ADMIN}meeting/{meeting.pk}/change/",
        "conference_change": f"{ADMIN}conference/{blankenstein.pk}/change/",
        "registrations": f"{ADMIN}registration/",
        "action_items": f"{ADMIN}actionitem/",
    }
    # One query each more than before the Quartier scope: the editor's assignments; and one
    # more since the second factor: the device that verified the session (django-otp).
    budgets = {
        "meeting_change": 15,
        "conference_change": 11,
        "registrations": 13,
        "action_items": 10,
    }
    for name, url in urls.items():
        # Once before counting: a process looks up a model's content type once and keeps it
        # (the first test of a worker paid that query, whichever test it was).
        staff_client.get(url)
        with django_assert_max_num_queries(budgets[name]):
            response = staff_client.get(url)
        assert response.status_code == 200, name


def test_a_decision_is_recorded_on_one_of_the_meetings_own_agenda_items(staff_client, blankenstein):
    meeting = MeetingFactory(conference=blankenstein, starts_at=days_from_now(-3))
    own = AgendaItemFactory(meeting=meeting, title="Spielplatz am Burgberg")
    AgendaItemFactory(title="Punkt einer anderen Konferenz")
    url = f"/admin/konferenzen/meeting/{meeting.pk}/change/"
    html = staff_client.get(url).content.decode()
    assert "Spielplatz am Burgberg" in html
    assert "Punkt einer anderen Konferenz" not in html
    data = admin_form_data(html, "meeting_form")
    data.update(
        {
            "decisions-TOTAL_FORMS": "1",
            "decisions-0-position": "1",
            "decisions-0-text": "Der Spielplatz bekommt eine Schaukel.",
            "decisions-0-agenda_item": str(own.pk),
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = Decision.objects.get(meeting=meeting)
    assert decision.agenda_item == own
