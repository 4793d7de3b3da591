"""Audit: the admin's history names personal data by id, every access of staff to personal
data is logged by id, Administration reads that log, and after the purge no volunteer's name
or address is left anywhere in the database — the logs included.
"""

import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from mailer.models import Message

from engagierte_stadt import jobs, roles
from engagierte_stadt.audit import PersonalDataAdminMixin, search_digest
from engagierte_stadt.models import AccessibilityFeedback, PersonalDataAccess
from engagierte_stadt.services import feedback_submit
from engagierte_stadt.submissions.capacity import signup_confirm, signup_submit
from engagierte_stadt.submissions.submission import submission_models
from ideen import services as ideen_services
from ideen.models import Idea, IdeaBacker
from konferenzen.models import ConferenceWish, Registration
from partner.models import PartnerApplication
from partner.services import application_reject
from quartiere.alerts import alert_confirm, alert_submit
from quartiere.models import AlertSubscription, Opportunity, QuartierAssignment, Signup
from tests.factories import (
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
    login_staff,
)
from tests.ideen.helpers import confirmed as confirmed_idea
from tests.partner.factories import ApplicationFactory

User = get_user_model()
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2025, 3, 1, 10, 0, tzinfo=BERLIN)

# Distinctive values no fixture, no demo text and no translation holds: if the scan finds
# them, they came from a volunteer.
SURNAME = "Quorrbeutel"
DOMAIN = "quorrbeutel-post.example"
STREET = "Schnurpsgasse 17"
NEEDLES = [SURNAME, DOMAIN, STREET]


def person(first: str) -> tuple[str, str]:
    return f"{first} {SURNAME}", f"{first.lower()}@{DOMAIN}"


def travel(moment):
    return time_machine.travel(moment, tick=False)


def confirmed(model, target, first, **extra):
    name, email = person(first)
    result = signup_submit(model=model, target=target, name=name, email=email, **extra)
    signup_confirm(model=model, token=result.token)
    return model.objects.get(pk=result.signup.pk)


def staff(username: str, *role_names: str):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=role_names))
    return user


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def attendance_url(meeting) -> str:
    return reverse(
        "konferenzen:attendance_list",
        kwargs={"conference": meeting.conference.slug, "slug": meeting.slug},
    )


def post_change(client, obj, **changes):
    """Save the admin change form of `obj` as a person would: what the form shows, plus
    `changes`."""
    url = change_url(obj)
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def export_csv(client, model, ids):
    return client.post(
        changelist_url(model), {"action": "export_csv", "_selected_action": [str(i) for i in ids]}
    )


def accesses(kind, model):
    return PersonalDataAccess.objects.filter(kind=kind, model_label=model._meta.label)


def text_of(row) -> str:
    return json.dumps(
        [row.object_repr, row.change_message] if isinstance(row, LogEntry) else row, default=str
    )


def tables_holding(needles) -> dict[str, list[str]]:
    """Every table (by name) with a value holding one of `needles`, and its columns: each value
    of every column of every table is read, whatever its type (text, varchar, JSON, bytes)."""
    lowered = [needle.casefold() for needle in needles]
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    elif isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if not isinstance(value, str):
                        continue
                    if any(needle in value.casefold() for needle in lowered):
                        found.setdefault(table, [])
                        if column not in found[table]:
                            found[table].append(column)
    return found


# --- the registry: every admin of personal data is audited ---------------------------------


def test_every_admin_of_personal_data_writes_ids_and_records_access():
    registered = [model for model in submission_models() if model in admin.site._registry]
    assert {Signup, Registration, ConferenceWish, PartnerApplication, Idea} <= set(registered)
    for model in registered:
        assert isinstance(admin.site._registry[model], PersonalDataAdminMixin), model


# --- who changed what -------------------------------------------------------------------------


@pytest.fixture
def place(db):
    quartier = QuartierFactory(name="Welper", slug="welper")
    project = ProjectFactory(quartier=quartier)
    opportunity = OpportunityFactory(
        project=project,
        commitment=Opportunity.Commitment.ONCE,
        starts_at=T0 + timedelta(days=10),
        places=5,
    )
    conference = ConferenceFactory(quartier=quartier, slug="welper")
    meeting = MeetingFactory(
        conference=conference,
        registration_enabled=True,
        starts_at=T0 + timedelta(days=10),
        places=20,
    )
    return {"quartier": quartier, "opportunity": opportunity, "meeting": meeting}


@pytest.fixture
def chief_client(client, db):
    user = User.objects.create_superuser("chefin", password="pw")
    login_staff(client, user)
    client.user = user
    return client


def test_admin_change_is_logged_by_id_not_by_name(chief_client, place):
    signup = confirmed(Signup, place["opportunity"], "Wilma")
    post_change(chief_client, signup, phone="02324 999")

    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert entry.object_repr == f"Anmeldung #{signup.pk}"
    assert entry.object_id == str(signup.pk)
    assert entry.user_id == chief_client.user.pk
    assert SURNAME not in text_of(entry) and DOMAIN not in text_of(entry)
    # The history still says what changed (the field, not its value).
    assert "Telefon" in entry.get_change_message()
    assert "02324" not in entry.change_message


def test_admin_addition_and_deletion_are_logged_by_id(chief_client, place):
    name, email = person("Paul")
    response = chief_client.post(
        reverse("admin:quartiere_signup_add"),
        {
            "opportunity": place["opportunity"].pk,
            "source": "phone",
            "name": name,
            "email": email,
            "consent": "on",
        },
    )
    assert response.status_code == 302
    signup = Signup.objects.get(email=email)
    added = LogEntry.objects.get(action_flag=ADDITION)
    assert added.object_repr == f"Anmeldung #{signup.pk}"

    response = chief_client.post(
        reverse("admin:quartiere_signup_delete", args=[signup.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    deleted = LogEntry.objects.get(action_flag=DELETION)
    assert deleted.object_repr == f"Anmeldung #{signup.pk}"
    assert not any(SURNAME in text_of(entry) for entry in LogEntry.objects.all())


def test_purge_renames_older_admin_log_entries_to_ids(place):
    signup = confirmed(Signup, place["opportunity"], "Wilma")
    user = User.objects.create_superuser("chefin", password="pw")
    # As Django wrote it before the admin named rows by id.
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Signup),
        object_id=str(signup.pk),
        object_repr=str(signup),
        action_flag=CHANGE,
        change_message="[]",
    )
    assert LogEntry.objects.get().object_repr == f"Wilma {SURNAME}"

    output = io.StringIO()
    call_command("purge_personal_data", stdout=output)

    assert LogEntry.objects.get().object_repr == f"Anmeldung #{signup.pk}"
    assert "Admin log entries renamed to ids: 1" in output.getvalue()


# --- who looked: one access-log row per access, ids only -------------------------------------


@pytest.fixture
def town(db):
    call_command("setup_roles", stdout=io.StringIO())


@pytest.fixture
def editor_client(client, town, place):
    """Quartiersentwicklung for Welper."""
    user = staff("welper-team", roles.QUARTIERSENTWICKLUNG)
    QuartierAssignment.objects.create(user=user, quartier=place["quartier"])
    login_staff(client, user)
    client.user = user
    return client


def assert_no_person_in(record: PersonalDataAccess):
    text = json.dumps(
        [record.model_label, record.object_ids, record.search_digest, str(record)], default=str
    )
    assert SURNAME not in text and DOMAIN not in text and STREET not in text


def test_opening_a_sign_up_in_the_admin_is_logged_with_its_id(editor_client, place):
    signup = confirmed(Signup, place["opportunity"], "Wilma")

    assert editor_client.get(change_url(signup)).status_code == 200

    record = accesses(PersonalDataAccess.Kind.VIEW, Signup).get()
    assert record.user == editor_client.user
    assert record.object_ids == [signup.pk]
    assert record.count == 1
    assert_no_person_in(record)


def test_opening_a_list_without_a_row_logs_no_detail_access(editor_client, place):
    confirmed(Signup, place["opportunity"], "Wilma")
    assert editor_client.get(changelist_url(Signup)).status_code == 200
    assert not PersonalDataAccess.objects.exists()


def test_csv_export_is_logged_with_the_ids_of_the_exported_rows(editor_client, place):
    first = confirmed(Signup, place["opportunity"], "Wilma")
    second = confirmed(Signup, place["opportunity"], "Otto")

    response = export_csv(editor_client, Signup, [first.pk, second.pk])

    assert response.status_code == 200
    assert SURNAME in response.content.decode("utf-8-sig")  # the export itself has the names
    record = accesses(PersonalDataAccess.Kind.EXPORT, Signup).get()
    assert sorted(record.object_ids) == sorted([first.pk, second.pk])
    assert record.count == 2
    assert record.user == editor_client.user
    assert_no_person_in(record)


def test_exporting_wishes_is_logged(editor_client, place):
    wish = confirmed(ConferenceWish, place["quartier"], "Wanda")
    response = export_csv(editor_client, ConferenceWish, [wish.pk])
    assert response.status_code == 200
    assert accesses(PersonalDataAccess.Kind.EXPORT, ConferenceWish).get().object_ids == [wish.pk]


def test_attendance_list_is_logged_with_the_registrations_on_it(editor_client, place):
    registration = confirmed(Registration, place["meeting"], "Rita")

    response = editor_client.get(attendance_url(place["meeting"]))

    assert response.status_code == 200
    assert f"Rita {SURNAME}" in response.content.decode()
    record = accesses(PersonalDataAccess.Kind.ATTENDANCE, Registration).get()
    assert record.object_ids == [registration.pk]
    assert record.user == editor_client.user
    assert_no_person_in(record)


def test_refused_attendance_list_logs_nothing(client, town, place):
    confirmed(Registration, place["meeting"], "Rita")
    outsider = staff("blankenstein-team", roles.QUARTIERSENTWICKLUNG)  # no assignment here
    login_staff(client, outsider)
    assert client.get(attendance_url(place["meeting"])).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_search_by_address_is_logged_without_the_term(editor_client, place):
    signup = confirmed(Signup, place["opportunity"], "Wilma")

    response = editor_client.get(changelist_url(Signup), {"q": signup.email})

    assert response.status_code == 200
    assert f"Wilma {SURNAME}" in response.content.decode()  # the search did find her
    record = accesses(PersonalDataAccess.Kind.SEARCH, Signup).get()
    assert record.user == editor_client.user
    assert_no_person_in(record)
    # A keyed hash: the data protection officer can check a given address, nobody can read it.
    assert record.search_digest == search_digest(f"  {signup.email.upper()} ")
    assert record.search_digest != search_digest("someone@else.example")
    assert "wilma" not in record.search_digest


def test_search_in_a_list_without_personal_data_is_not_logged(editor_client, place):
    assert editor_client.get(changelist_url(Opportunity), {"q": "Tafel"}).status_code == 200
    assert not PersonalDataAccess.objects.exists()


# --- who reads the access log ------------------------------------------------------------------


@pytest.fixture
def a_record(db):
    return PersonalDataAccess.objects.create(
        kind=PersonalDataAccess.Kind.EXPORT, model_label="quartiere.Signup", object_ids=[4, 2]
    )


def test_administration_reads_the_access_log(client, town, a_record):
    login_staff(client, staff("it", roles.ADMINISTRATION))

    listing = client.get(reverse("admin:engagierte_stadt_personaldataaccess_changelist"))
    assert listing.status_code == 200
    assert "quartiere.Signup" in listing.content.decode()
    detail = client.get(
        reverse("admin:engagierte_stadt_personaldataaccess_change", args=[a_record.pk])
    )
    assert detail.status_code == 200
    # Read-only: nobody changes or deletes the log in the admin.
    assert b'name="_save"' not in detail.content
    delete = reverse("admin:engagierte_stadt_personaldataaccess_delete", args=[a_record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PersonalDataAccess.objects.filter(pk=a_record.pk).exists()


@pytest.mark.parametrize("rows", [5, 1000])
def test_access_log_list_holds_its_query_budget(client, town, rows, django_assert_max_num_queries):
    people = [staff(f"editor-{n}", roles.QUARTIERSENTWICKLUNG) for n in range(5)]
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(
            user=people[n % 5],
            kind=PersonalDataAccess.Kind.VIEW,
            model_label="quartiere.Signup",
            object_ids=[n],
            count=1,
        )
        for n in range(rows)
    )
    login_staff(client, staff("it", roles.ADMINISTRATION))
    url = reverse("admin:engagierte_stadt_personaldataaccess_changelist")
    # Session, user, device, the user's and the groups' permissions (2); the staff members
    # of the filter; the count and the total; site settings and accessibility statement
    # (the admin's links to them); the page with its users (one join); the first and last
    # date and the days of the date bar; the kinds of data of the filter.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("quartiere.Signup: ") == min(rows, 100)


@pytest.mark.parametrize("role", [roles.QUARTIERSENTWICKLUNG, roles.REDAKTION])
def test_other_roles_do_not_see_the_access_log(client, town, a_record, role):
    login_staff(client, staff("someone", role))
    url = reverse("admin:engagierte_stadt_personaldataaccess_changelist")
    assert client.get(url).status_code == 403
    index = client.get(reverse("admin:index"))
    assert url not in index.content.decode()


# --- kept for a documented time ----------------------------------------------------------------


def test_access_log_is_pruned_after_its_retention(db, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 365
    with travel(T0):
        old = PersonalDataAccess.objects.create(kind="view", model_label="quartiere.Signup")
    with travel(T0 + timedelta(days=300)):
        recent = PersonalDataAccess.objects.create(kind="view", model_label="quartiere.Signup")
    with travel(T0 + timedelta(days=364)):
        call_command("purge_access_log", stdout=io.StringIO())
    assert PersonalDataAccess.objects.count() == 2
    with travel(T0 + timedelta(days=366)):
        output = io.StringIO()
        call_command("purge_access_log", stdout=output)
    assert list(PersonalDataAccess.objects.all()) == [recent]
    assert not PersonalDataAccess.objects.filter(pk=old.pk).exists()
    assert "Access log rows deleted: 1" in output.getvalue()


def test_access_log_pruning_is_a_daily_job():
    job = jobs.get_job("purge_access_log")
    assert job.command == "purge_access_log"
    assert job.interval == timedelta(days=1)


# --- after the purge, no volunteer is left anywhere ---------------------------------------------


def everyone(place) -> dict:
    """One entry of every kind of personal data, each by a volunteer named `SURNAME`."""
    quartier = place["quartier"]
    entries = {
        "signup": confirmed(Signup, place["opportunity"], "Wilma", message=f"Ich wohne {STREET}"),
        "registration": confirmed(
            Registration, place["meeting"], "Rita", needs=f"Abholung {STREET}", phone="0171 1"
        ),
        "wish": confirmed(ConferenceWish, quartier, "Wanda"),
    }
    name, email = person("Paula")
    application = ApplicationFactory(contact_name=name, email=email, offer=f"Hof in {STREET}")
    application_reject(application=application)
    entries["application"] = application
    name, email = person("Ida")
    idea = confirmed_idea(quartier, name=name, email=email, show_name=True)
    assert ideen_services.idea_publish(idea=idea)
    backer = ideen_services.backer_submit(idea=idea, email=person("Bert")[1])
    ideen_services.backer_confirm(token=backer.token)
    entries["idea"], entries["backer"] = idea, backer.backer
    alert = alert_submit(email=person("Alma")[1], query="quartier=welper", frequency="sofort")
    alert_confirm(token=alert.token)
    entries["alert"] = alert.subscription
    name, email = person("Fritz")
    entries["feedback"] = feedback_submit(
        message="Der Kontrast ist zu schwach.", name=name, email=email, base_url="http://x"
    )
    return entries


def test_after_the_purge_no_volunteer_name_or_address_is_anywhere_in_the_database(
    chief_client, place, settings, django_capture_on_commit_callbacks
):
    # Mails go through the real outbox (django-mailer's tables), delivered by `send_mail` as
    # `run_jobs` does every minute; the outbox's log keeps no message data.
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with travel(T0), django_capture_on_commit_callbacks(execute=True):
        entries = everyone(place)
        # Staff work with them: open, change, delete, export, print, search.
        for entry in entries.values():
            if type(entry) in admin.site._registry:  # backers have no admin page
                assert chief_client.get(change_url(entry)).status_code == 200, entry
        post_change(chief_client, entries["signup"], phone="02324 555")
        post_change(chief_client, entries["wish"], name=f"Wanda B. {SURNAME}")
        extra = confirmed(Signup, place["opportunity"], "Erwin")
        delete = reverse("admin:quartiere_signup_delete", args=[extra.pk])
        assert chief_client.post(delete, {"post": "yes"}).status_code == 302
        for model, key in [
            (Signup, "signup"),
            (Registration, "registration"),
            (ConferenceWish, "wish"),
        ]:
            assert export_csv(chief_client, model, [entries[key].pk]).status_code == 200
        assert chief_client.get(attendance_url(place["meeting"])).status_code == 200
        for model, term in [(Signup, entries["signup"].email), (Registration, STREET)]:
            assert chief_client.get(changelist_url(model), {"q": term}).status_code == 200
        # An entry Django wrote before the admin named rows by id.
        LogEntry.objects.create(
            user=chief_client.user,
            content_type=ContentType.objects.get_for_model(Registration),
            object_id=str(entries["registration"].pk),
            object_repr=str(entries["registration"]),
            action_flag=CHANGE,
        )
    with travel(T0 + timedelta(days=20)), django_capture_on_commit_callbacks(execute=True):
        # The idea is declined: its proposer's and backers' data has a retention from now on.
        assert ideen_services.idea_decline(idea=entries["idea"], reason="Kein Platz am Ufer.")
    call_command("send_mail", stdout=io.StringIO())
    # Mails to the volunteers passed through the outbox's tables (and left them).
    assert any(DOMAIN in address for message in mail.outbox for address in message.to)
    assert not Message.objects.exists()

    # The check can fail: before the purge, the scan finds the volunteers in their own tables
    # and in the old admin log entry — but not in the access log.
    before = tables_holding(NEEDLES)
    for model in [Signup, Registration, ConferenceWish, PartnerApplication, Idea, IdeaBacker]:
        assert model._meta.db_table in before, model
    for model in [AlertSubscription, AccessibilityFeedback]:
        assert model._meta.db_table in before, model
    assert LogEntry._meta.db_table in before
    assert PersonalDataAccess._meta.db_table not in before
    kinds = set(PersonalDataAccess.objects.values_list("kind", flat=True))
    assert kinds == set(PersonalDataAccess.Kind.values)
    assert LogEntry.objects.filter(action_flag=DELETION).exists()

    with travel(T0 + timedelta(days=3 * 365)):
        call_command("purge_personal_data", stdout=io.StringIO())

    assert tables_holding(NEEDLES) == {}
    # The logs themselves are still there, by id.
    assert LogEntry.objects.filter(object_id=str(entries["signup"].pk)).exists()
    assert PersonalDataAccess.objects.count() >= 8
