"""Staff handle sign-ups in the admin: lists, actions, CSV export, phone and paper entries."""

import csv
import io
import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from engagierte_stadt.submissions.capacity import (
    SignupStatus,
    Source,
    signup_confirm,
    signup_submit,
)
from quartiere.admin import SignupAdmin
from quartiere.models import Opportunity, Quartier, QuartierAssignment, Signup
from tests.factories import login_staff

SIGNUPS_URL = "/admin/quartiere/signup/"
ADD_URL = "/admin/quartiere/signup/add/"
CSV_HEADER = [
    "Angebot",
    "Stadtteil oder Quartier",
    "Termin",
    "Status",
    "Quelle",
    "Name",
    "E-Mail",
    "Telefon",
    "Nachricht",
    "Was die Person zum Mitmachen braucht",
    "Angemeldet am",
    "Bestätigt am",
    "Abgesagt am",
    "Ansprechperson",
]


@pytest.fixture
def admin_client(db, client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    login_staff(client, user)
    return client


@pytest.fixture
def tafel(db):
    welper = Quartier.objects.create(name="Welper", slug="welper")
    return Opportunity.objects.create(
        quartier=welper, title="Tafel", slug="tafel", description="Ausgabe", places=1
    )


@pytest.fixture
def notified(monkeypatch):
    """What the admin handed to the mail hooks (the mails themselves live elsewhere)."""
    calls = {"moved_up": [], "entered": []}
    monkeypatch.setattr(
        SignupAdmin,
        "send_moved_up",
        lambda self, signups: calls["moved_up"].append([s.pk for s in signups]),
    )
    monkeypatch.setattr(
        SignupAdmin,
        "send_entered_by_staff",
        lambda self, signup, token: calls["entered"].append((signup.pk, token)),
    )
    return calls


def confirmed(opportunity, name, email, **fields):
    result = signup_submit(model=Signup, target=opportunity, name=name, email=email, **fields)
    return signup_confirm(model=Signup, token=result.token)


def action(client, name, signups, **extra):
    return client.post(
        SIGNUPS_URL,
        {"action": name, "_selected_action": [s.pk for s in signups], "post": "yes", **extra},
    )


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def staff_entry(client, opportunity, **fields):
    data = {
        "opportunity": opportunity.pk,
        "source": Source.PHONE,
        "name": "Gisela Brandt",
        "phone": "02324 98765",
        "email": "",
        "message": "",
        "needs": "",
        "consent": "on",
    }
    data.update(fields)
    return client.post(ADD_URL, data)


# --- CSV export ---------------------------------------------------------------------------


def test_csv_export_opens_in_german_excel(admin_client, tafel):
    first = confirmed(tafel, "Jürgen Müller", "juergen@example.org", phone="02324 1")
    second = confirmed(tafel, "Aylin Çelik", "aylin@example.org", needs="Rampe")
    response = action(admin_client, "export_csv", [first, second])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="anmeldungen-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = read_csv(response)
    assert rows[0] == CSV_HEADER
    assert [row[5:8] for row in rows[1:]] == [
        ["Jürgen Müller", "juergen@example.org", "02324 1"],
        ["Aylin Çelik", "aylin@example.org", ""],
    ]
    assert rows[2][0:2] == ["Tafel", "Welper"] and rows[2][9] == "Rampe"


def test_csv_export_keeps_formulas_as_text(admin_client, tafel):
    signup = confirmed(tafel, '=HYPERLINK("http://evil.example","Klick")', "x@example.org")
    rows = read_csv(action(admin_client, "export_csv", [signup]))
    assert rows[1][5].startswith("'=HYPERLINK")


def test_csv_export_is_logged_without_personal_data(admin_client, tafel, caplog):
    signup = confirmed(tafel, "Jürgen Müller", "juergen@example.org")
    with caplog.at_level(logging.INFO, logger="quartiere.admin"):
        action(admin_client, "export_csv", [signup])
    assert "exported 1 sign-ups as CSV" in caplog.text
    assert "Müller" not in caplog.text and "juergen@" not in caplog.text


# --- actions ------------------------------------------------------------------------------


def test_move_up_action_gives_a_waiting_person_a_place(
    admin_client, tafel, notified, django_capture_on_commit_callbacks
):
    confirmed(tafel, "Erste", "erste@example.org")
    waiting = confirmed(tafel, "Zweite", "zweite@example.org")
    assert waiting.status == SignupStatus.WAITING
    with django_capture_on_commit_callbacks(execute=True):
        action(admin_client, "move_up", [waiting])
    waiting.refresh_from_db()
    assert waiting.status == SignupStatus.CONFIRMED
    assert tafel.signups.confirmed().count() == 2  # staff may go beyond the places
    assert notified["moved_up"] == [[waiting.pk]]


def test_move_up_leaves_sign_ups_that_are_not_waiting(admin_client, tafel, notified):
    first = confirmed(tafel, "Erste", "erste@example.org")
    response = action(admin_client, "move_up", [first], **{"_": ""})
    first.refresh_from_db()
    assert first.status == SignupStatus.CONFIRMED
    assert notified["moved_up"] == []
    assert response.status_code == 302


def test_cancel_action_moves_the_next_up(
    admin_client, tafel, notified, django_capture_on_commit_callbacks
):
    first = confirmed(tafel, "Erste", "erste@example.org")
    second = confirmed(tafel, "Zweite", "zweite@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        action(admin_client, "cancel_signups", [first])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (SignupStatus.CANCELLED, SignupStatus.CONFIRMED)
    assert first.cancelled_at is not None
    assert notified["moved_up"] == [[second.pk]]


def test_cancelling_both_tells_nobody_they_moved_up(
    admin_client, tafel, notified, django_capture_on_commit_callbacks
):
    first = confirmed(tafel, "Erste", "erste@example.org")
    second = confirmed(tafel, "Zweite", "zweite@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        action(admin_client, "cancel_signups", [first, second])
    assert set(Signup.objects.values_list("status", flat=True)) == {SignupStatus.CANCELLED}
    assert notified["moved_up"] == []


def test_erase_action_deletes_personal_data_and_moves_the_next_up(
    admin_client, tafel, notified, django_capture_on_commit_callbacks
):
    first = confirmed(tafel, "Erste", "erste@example.org", phone="0170 1")
    second = confirmed(tafel, "Zweite", "zweite@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        action(admin_client, "erase_personal_data", [first])
    first.refresh_from_db()
    assert (first.name, first.email, first.phone) == ("", "", "")
    assert first.status == SignupStatus.CANCELLED and first.purged_at is not None
    assert notified["moved_up"] == [[second.pk]]


def test_bulk_delete_is_not_offered(admin_client, tafel):
    confirmed(tafel, "Erste", "erste@example.org")
    html = admin_client.get(SIGNUPS_URL).content.decode()
    assert 'value="delete_selected"' not in html
    assert 'value="export_csv"' in html and 'value="move_up"' in html


def test_deleting_a_confirmed_signup_moves_the_next_up(
    admin_client, tafel, notified, django_capture_on_commit_callbacks
):
    first = confirmed(tafel, "Erste", "erste@example.org")
    second = confirmed(tafel, "Zweite", "zweite@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{SIGNUPS_URL}{first.pk}/delete/", {"post": "yes"})
    second.refresh_from_db()
    assert not Signup.objects.filter(pk=first.pk).exists()
    assert second.status == SignupStatus.CONFIRMED
    assert notified["moved_up"] == [[second.pk]]


# --- phone and paper sign-ups -------------------------------------------------------------


def test_staff_phone_signup_takes_a_free_place(
    admin_client, tafel, notified, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_entry(admin_client, tafel)
    assert response.status_code == 302
    signup = Signup.objects.get()
    assert (signup.status, signup.source) == (SignupStatus.CONFIRMED, Source.PHONE)
    assert signup.confirmed_at and signup.consent_at and signup.email == ""
    assert notified["entered"] == []  # no address, no mail


def test_staff_paper_signup_goes_to_the_waiting_list_when_full(admin_client, tafel):
    confirmed(tafel, "Erste", "erste@example.org")
    response = staff_entry(admin_client, tafel, source=Source.PAPER)
    signup = Signup.objects.get(source=Source.PAPER)
    assert signup.status == SignupStatus.WAITING and signup.waiting_position() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Warteliste" in m for m in messages)
    assert tafel.signups.confirmed().count() == 1


def test_staff_signup_with_an_address_is_handed_to_the_mail_hook(
    admin_client, tafel, notified, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_entry(admin_client, tafel, email="Gisela@Example.org")
    signup = Signup.objects.get()
    assert signup.email == "gisela@example.org"
    [(pk, token)] = notified["entered"]
    assert pk == signup.pk and token and token not in signup.token_hash


def test_staff_signup_needs_the_persons_consent(admin_client, tafel):
    response = staff_entry(admin_client, tafel, consent="")
    assert response.status_code == 200
    assert not Signup.objects.exists()


def test_staff_signup_refuses_an_address_already_signed_up(admin_client, tafel):
    confirmed(tafel, "Erste", "erste@example.org")
    response = staff_entry(admin_client, tafel, email="ERSTE@example.org")
    assert response.status_code == 200
    assert "bereits" in response.content.decode()
    assert Signup.objects.count() == 1


def test_staff_signup_offers_only_phone_and_paper(admin_client, tafel):
    response = staff_entry(admin_client, tafel, source=Source.ONLINE)
    assert response.status_code == 200
    assert not Signup.objects.exists()


def test_add_form_takes_the_opportunity_from_the_link(admin_client, tafel):
    html = admin_client.get(f"{ADD_URL}?opportunity={tafel.pk}").content.decode()
    assert f'<option value="{tafel.pk}" selected>Tafel</option>' in html


# --- editing ------------------------------------------------------------------------------


def test_status_cannot_be_edited(admin_client, tafel):
    signup = confirmed(tafel, "Erste", "erste@example.org")
    url = f"{SIGNUPS_URL}{signup.pk}/change/"
    html = admin_client.get(url).content.decode()
    assert 'name="status"' not in html and 'name="opportunity"' not in html
    response = admin_client.post(
        url,
        {
            "status": SignupStatus.CANCELLED,
            "name": "Erste Korrigiert",
            "email": "erste@example.org",
            "phone": "",
            "message": "",
            "needs": "",
        },
    )
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED
    assert signup.name == "Erste Korrigiert"


def test_purged_signup_cannot_get_personal_data_back(admin_client, tafel):
    signup = confirmed(tafel, "Erste", "erste@example.org")
    action(admin_client, "erase_personal_data", [signup])
    html = admin_client.get(f"{SIGNUPS_URL}{signup.pk}/change/").content.decode()
    assert 'name="name"' not in html and 'name="email"' not in html


# --- opportunity page ---------------------------------------------------------------------


def test_opportunity_page_shows_places_overview_and_signups(admin_client, tafel):
    tafel.places = 3
    tafel.save()
    confirmed(tafel, "Erste Person", "erste@example.org")
    confirmed(tafel, "Zweite Person", "zweite@example.org")
    signup_submit(model=Signup, target=tafel, name="Dritte Person", email="d@example.org")
    html = admin_client.get(f"/admin/quartiere/opportunity/{tafel.pk}/change/").content.decode()
    assert "2 von 3 Plätzen belegt, 1 frei, 0 auf der Warteliste, 1 noch nicht bestätigt" in html
    assert "Erste Person" in html and "Dritte Person" in html
    assert f"{SIGNUPS_URL}?opportunity__id__exact={tafel.pk}" in html
    assert f"{ADD_URL}?opportunity={tafel.pk}" in html
    assert 'name="signups-0-status"' not in html  # the inline is read-only


def test_opportunity_list_shows_the_waiting_list(admin_client, tafel):
    confirmed(tafel, "Erste", "erste@example.org")
    confirmed(tafel, "Zweite", "zweite@example.org")
    html = admin_client.get("/admin/quartiere/opportunity/").content.decode()
    assert "1 / 1 (+1 auf der Warteliste)" in html


def test_staff_without_signup_permission_see_no_personal_data(client, tafel):
    editor = get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_opportunity", "change_opportunity"])
    )
    QuartierAssignment.objects.create(user=editor)
    login_staff(client, editor)
    confirmed(tafel, "Erste Person", "erste@example.org")
    html = client.get(f"/admin/quartiere/opportunity/{tafel.pk}/change/").content.decode()
    assert "1 von 1 Plätzen belegt" in html
    assert "Erste Person" not in html and SIGNUPS_URL not in html
    assert client.get(SIGNUPS_URL).status_code == 403


def test_signup_list_filters_by_status_and_district(admin_client, tafel):
    confirmed(tafel, "Erste Person", "erste@example.org")
    confirmed(tafel, "Zweite Person", "zweite@example.org")
    html = admin_client.get(
        SIGNUPS_URL,
        {"status__exact": "waiting", "opportunity__quartier__id__exact": tafel.quartier_id},
    ).content.decode()
    assert "Zweite Person" in html and "Erste Person" not in html


def test_signup_pages_query_budget(admin_client, tafel, django_assert_max_num_queries):
    tafel.places = None
    tafel.save()
    for n in range(60):
        confirmed(tafel, f"Person {n}", f"p{n}@example.org")
    # 14: the change page loads the offer's own topics and their choices (2 queries).
    for url in [SIGNUPS_URL, f"/admin/quartiere/opportunity/{tafel.pk}/change/"]:
        with django_assert_max_num_queries(14):
            response = admin_client.get(url)
        assert response.status_code == 200


def test_opportunity_can_be_saved_with_its_signups_shown(admin_client, tafel):
    confirmed(tafel, "Erste Person", "erste@example.org")
    url = f"/admin/quartiere/opportunity/{tafel.pk}/change/"
    response = admin_client.get(url)
    form = {
        key: value
        for key, value in response.context["adminform"].form.initial.items()
        if value is not None and key not in ("skills", "weekdays", "project")
    }
    form.update(
        {
            "quartier": tafel.quartier_id,
            "title": "Tafel am Samstag",
            "signups-TOTAL_FORMS": "1",
            "signups-INITIAL_FORMS": "1",
            "signups-0-id": Signup.objects.get().pk,
            "signups-0-opportunity": tafel.pk,
        }
    )
    form.pop("starts_at", None), form.pop("ends_at", None)
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    tafel.refresh_from_db()
    assert tafel.title == "Tafel am Samstag"
    assert Signup.objects.get().status == SignupStatus.CONFIRMED
