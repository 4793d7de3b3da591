"""Each editor works only on their Quartiere: an editor of Welper tries every route to
Blankenstein's projects, opportunities, sign-ups, conferences, meetings, registrations and
wishes, and is refused on each. Redaktion sees no personal data; Administration no content.
"""

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from engagierte_stadt import roles
from engagierte_stadt.admin_scope import QuartierScopedAdminMixin
from engagierte_stadt.submissions.capacity import SignupStatus, signup_confirm, signup_submit
from konferenzen.models import ConferenceWish, Meeting, Registration
from quartiere.models import Opportunity, Project, Quartier, QuartierAssignment, Signup
from tests.factories import (
    ActionItemFactory,
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
    login_staff,
)

User = get_user_model()


def confirmed(model, target, name, email):
    result = signup_submit(model=model, target=target, name=name, email=email)
    signup_confirm(model=model, token=result.token)
    return model.objects.get(pk=result.signup.pk)


def district(slug: str, name: str, person: str) -> dict:
    """A Stadtteil with one of everything, each named after it; `person` signs up everywhere."""
    quartier = QuartierFactory(name=name, slug=slug)
    project = ProjectFactory(quartier=quartier, title=f"Projekt {name}", slug=f"projekt-{slug}")
    opportunity = OpportunityFactory(
        project=project, title=f"Angebot {name}", slug=f"angebot-{slug}", places=5
    )
    conference = ConferenceFactory(quartier=quartier, title=f"Konferenz {name}", slug=slug)
    meeting = MeetingFactory(conference=conference, registration_enabled=True, places=20)
    email = f"{slug}@example.org"
    return {
        "quartier": quartier,
        "project": project,
        "opportunity": opportunity,
        "signup": confirmed(Signup, opportunity, f"{person} Mitmach", email),
        "conference": conference,
        "meeting": meeting,
        "registration": confirmed(Registration, meeting, f"{person} Konferenz", email),
        "wish": confirmed(ConferenceWish, quartier, f"{person} Wunsch", email),
        "actionitem": ActionItemFactory(meeting=meeting, title=f"Aufgabe {name}"),
    }


@pytest.fixture
def town(db):
    call_command("setup_roles", stdout=io.StringIO())
    return {
        "welper": district("welper", "Welper", "Wilma"),
        "blankenstein": district("blankenstein", "Blankenstein", "Berta"),
    }


def staff(username: str, *role_names: str) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=role_names))
    return user


@pytest.fixture
def editor(town):
    """Quartiersentwicklung for Welper."""
    user = staff("welper-team", roles.QUARTIERSENTWICKLUNG)
    QuartierAssignment.objects.create(user=user, quartier=town["welper"]["quartier"])
    return user


@pytest.fixture
def editor_client(client, editor):
    login_staff(client, editor)
    return client


# Admin address of each kind of row, and the text by which a row shows its Stadtteil.
ROUTES = {
    "project": ("/admin/quartiere/project/", "Projekt {name}"),
    "opportunity": ("/admin/quartiere/opportunity/", "Angebot {name}"),
    "signup": ("/admin/quartiere/signup/", "{person} Mitmach"),
    "conference": ("/admin/konferenzen/conference/", "Konferenz {name}"),
    "meeting": ("/admin/konferenzen/meeting/", "Konferenz {name}"),
    "registration": ("/admin/konferenzen/registration/", "{person} Konferenz"),
    "wish": ("/admin/konferenzen/conferencewish/", "{person} Wunsch"),
    "actionitem": ("/admin/konferenzen/actionitem/", "Aufgabe {name}"),
    "quartier": ("/admin/quartiere/quartier/", "{name}"),
}
WELPER = {"name": "Welper", "person": "Wilma"}
BLANKENSTEIN = {"name": "Blankenstein", "person": "Berta"}


def url_of(kind: str, obj, suffix: str = "") -> str:
    return f"{ROUTES[kind][0]}{obj.pk}/{suffix}"


def row(town, district_key: str, kind: str):
    return town[district_key][kind]


# --- list, search, view, change, delete, history -----------------------------------------


@pytest.mark.parametrize("kind", ROUTES)
def test_editor_lists_only_their_quartier(editor_client, town, kind):
    url, label = ROUTES[kind]
    response = editor_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert label.format(**WELPER) in html
    assert label.format(**BLANKENSTEIN) not in html


@pytest.mark.parametrize("kind", ROUTES)
def test_editor_search_finds_nothing_of_another_quartier(editor_client, town, kind):
    url, label = ROUTES[kind]
    theirs = row(town, "blankenstein", kind)
    for term in ["Blankenstein", "Berta", "blankenstein@example.org"]:
        response = editor_client.get(url, {"q": term})
        assert theirs not in list(response.context["cl"].result_list), term
        assert f"{label.format(**BLANKENSTEIN)}</a>" not in response.content.decode(), term


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/"])
@pytest.mark.parametrize("kind", ROUTES)
def test_editor_is_refused_every_page_of_another_quartier(editor_client, town, kind, suffix):
    obj = row(town, "blankenstein", kind)
    response = editor_client.get(url_of(kind, obj, suffix))
    assert response.status_code == 403
    assert "Berta" not in response.content.decode()


@pytest.mark.parametrize("kind", ROUTES)
def test_editor_opens_the_pages_of_their_own_quartier(editor_client, town, kind):
    obj = row(town, "welper", kind)
    assert editor_client.get(url_of(kind, obj, "change/")).status_code == 200
    assert editor_client.get(url_of(kind, obj, "history/")).status_code == 200


@pytest.mark.parametrize("kind", ["project", "opportunity", "conference", "meeting", "actionitem"])
def test_editor_cannot_delete_a_row_of_another_quartier(editor_client, town, kind):
    obj = row(town, "blankenstein", kind)
    response = editor_client.post(url_of(kind, obj, "delete/"), {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_editor_cannot_change_a_project_of_another_quartier_by_post(editor_client, town):
    project = town["blankenstein"]["project"]
    response = editor_client.post(url_of("project", project, "change/"), {"title": "Gekapert"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title == "Projekt Blankenstein"


def test_an_address_that_does_not_exist_is_still_reported_missing(editor_client, town):
    # Not 403: that there is no such row says nothing about another Quartier.
    response = editor_client.get("/admin/quartiere/project/999999/change/")
    assert response.status_code == 302


# --- related choices: an editor picks only their own Quartiere --------------------------


def test_new_project_cannot_be_put_into_another_quartier(editor_client, town):
    response = editor_client.post(
        "/admin/quartiere/project/add/",
        {
            "title": "Neu",
            "slug": "neu",
            "quartier": town["blankenstein"]["quartier"].pk,
            "teaser": "t",
            "description": "d",
            "status": Project.Status.PLANNED,
            "publication": "draft",
            "images-TOTAL_FORMS": 0,
            "images-INITIAL_FORMS": 0,
            "opportunities-TOTAL_FORMS": 0,
            "opportunities-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "keine gültige Auswahl" in " ".join(
        response.context["adminform"].form.errors["quartier"]
    )
    assert not Project.objects.filter(slug="neu").exists()


def test_phone_signup_cannot_be_entered_for_another_quartier(editor_client, town):
    opportunity = town["blankenstein"]["opportunity"]
    response = editor_client.post(
        "/admin/quartiere/signup/add/",
        {
            "opportunity": opportunity.pk,
            "source": "telefon",
            "name": "Eingeschmuggelt",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["opportunity"]
    assert "keine gültige Auswahl" in " ".join(errors)
    assert not Signup.objects.filter(name="Eingeschmuggelt").exists()


def test_meeting_cannot_be_moved_to_a_conference_of_another_quartier(editor_client, town):
    meeting = town["welper"]["meeting"]
    form = editor_client.get(url_of("meeting", meeting, "change/")).context["adminform"].form
    assert list(form.fields["conference"].queryset) == [town["welper"]["conference"]]


@pytest.mark.parametrize(
    ("source", "field", "label"),
    [
        ("quartiere.project", "quartier", "Blankenstein"),
        ("quartiere.opportunity", "project", "Projekt Blankenstein"),
        ("quartiere.signup", "opportunity", "Angebot Blankenstein"),
        ("konferenzen.conference", "quartier", "Blankenstein"),
        ("konferenzen.meeting", "conference", "Konferenz Blankenstein"),
        ("konferenzen.registration", "meeting", "Konferenz Blankenstein"),
        ("konferenzen.actionitem", "meeting", "Konferenz Blankenstein"),
    ],
)
def test_autocomplete_offers_nothing_of_another_quartier(editor_client, town, source, field, label):
    app_label, model_name = source.split(".")
    params = {"app_label": app_label, "model_name": model_name, "field_name": field}
    response = editor_client.get("/admin/autocomplete/", {**params, "term": "Blankenstein"})
    assert response.status_code == 200
    assert response.json()["results"] == []
    everything = editor_client.get("/admin/autocomplete/", {**params, "term": ""}).json()
    texts = [result["text"] for result in everything["results"]]
    assert texts and all(label not in text for text in texts)


# --- actions and exports -----------------------------------------------------------------


def act(client, kind, name, objects, **extra):
    return client.post(
        ROUTES[kind][0],
        {"action": name, "_selected_action": [o.pk for o in objects], "post": "yes", **extra},
    )


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    ("kind", "action", "name_column"),
    [("signup", "export_csv", 5), ("registration", "export_csv", 6), ("wish", "export_csv", 1)],
)
def test_csv_export_holds_only_their_quartier(editor_client, town, kind, action, name_column):
    both = [town["welper"][kind], town["blankenstein"][kind]]
    response = act(editor_client, kind, action, both)
    rows = csv_rows(response)
    assert [r[name_column] for r in rows[1:]] == [str(both[0].name)]
    # All rows at once ("select all across pages") stay in Welper as well.
    response = act(editor_client, kind, action, both, select_across="1")
    assert "Berta" not in response.content.decode("utf-8-sig")


def test_cancel_action_leaves_sign_ups_of_another_quartier(editor_client, town):
    signup = town["blankenstein"]["signup"]
    act(editor_client, "signup", "cancel_signups", [signup])
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED


def test_erase_action_leaves_registrations_and_wishes_of_another_quartier(editor_client, town):
    registration, wish = town["blankenstein"]["registration"], town["blankenstein"]["wish"]
    act(editor_client, "registration", "erase_personal_data", [registration])
    act(editor_client, "wish", "erase_personal_data", [wish])
    registration.refresh_from_db()
    wish.refresh_from_db()
    assert registration.name == "Berta Konferenz" and wish.name == "Berta Wunsch"


def test_publish_action_leaves_projects_of_another_quartier(editor_client, town):
    project = town["blankenstein"]["project"]
    Project.objects.filter(pk=project.pk).update(publication="draft")
    act(editor_client, "project", "publish", [project, town["welper"]["project"]])
    project.refresh_from_db()
    assert project.publication == "draft"
    assert Project.objects.get(pk=town["welper"]["project"].pk).publication == "published"


def test_meeting_actions_leave_meetings_of_another_quartier(editor_client, town):
    meeting = town["blankenstein"]["meeting"]
    before = Meeting.objects.count()
    act(editor_client, "meeting", "create_next", [meeting])
    assert Meeting.objects.count() == before


# --- the attendance list outside the admin -----------------------------------------------


def attendance_url(meeting) -> str:
    return f"/stadtteilkonferenzen/{meeting.conference.slug}/{meeting.slug}/anwesenheitsliste/"


def test_attendance_list_of_another_quartier_is_not_found(editor_client, town):
    response = editor_client.get(attendance_url(town["blankenstein"]["meeting"]))
    assert response.status_code == 404
    assert "Berta" not in response.content.decode()


def test_attendance_list_of_their_own_quartier_names_the_people(editor_client, town):
    response = editor_client.get(attendance_url(town["welper"]["meeting"]))
    assert response.status_code == 200
    assert "Wilma Konferenz" in response.content.decode()


# --- inside a Stadtteil, without assignment ------------------------------------------------


def test_a_districts_assignment_covers_the_quartiere_inside_it(client, town):
    inner = QuartierFactory(name="Welper-Nord", slug="welper-nord")
    inner.parent = town["welper"]["quartier"]
    inner.save()
    project = ProjectFactory(quartier=inner, title="Projekt Welper-Nord")
    user = staff("stadtteil-team", roles.QUARTIERSENTWICKLUNG)
    QuartierAssignment.objects.create(user=user, quartier=town["welper"]["quartier"])
    login_staff(client, user)
    assert client.get(url_of("project", project, "change/")).status_code == 200


def test_an_assignment_of_a_quartier_does_not_open_its_district(client, town):
    inner = QuartierFactory(name="Welper-Nord", slug="welper-nord")
    inner.parent = town["welper"]["quartier"]
    inner.save()
    user = staff("quartier-team", roles.QUARTIERSENTWICKLUNG)
    QuartierAssignment.objects.create(user=user, quartier=inner)
    login_staff(client, user)
    assert client.get(url_of("project", town["welper"]["project"], "change/")).status_code == 403


def test_editor_without_assignment_sees_nothing(client, town):
    login_staff(client, staff("neu", roles.QUARTIERSENTWICKLUNG))
    for kind, (url, label) in ROUTES.items():
        html = client.get(url).content.decode()
        assert label.format(**WELPER) not in html, kind
        assert label.format(**BLANKENSTEIN) not in html, kind


def test_superuser_sees_every_quartier(admin_client, town):
    for kind, (url, label) in ROUTES.items():
        html = admin_client.get(url).content.decode()
        assert label.format(**WELPER) in html and label.format(**BLANKENSTEIN) in html, kind


# --- Redaktion and Administration ----------------------------------------------------------

PERSONAL_DATA_LISTS = [
    "/admin/quartiere/signup/",
    "/admin/konferenzen/registration/",
    "/admin/konferenzen/conferencewish/",
    "/admin/partner/partnerapplication/",
    "/admin/engagierte_stadt/accessibilityfeedback/",
]


@pytest.fixture
def redaktion_client(client, town):
    login_staff(client, staff("redaktion-team", roles.REDAKTION))
    return client


@pytest.mark.parametrize("url", PERSONAL_DATA_LISTS)
def test_redaktion_is_refused_personal_data(redaktion_client, url):
    assert redaktion_client.get(url).status_code == 403


@pytest.mark.parametrize("kind", ["signup", "registration", "wish"])
def test_redaktion_is_refused_each_personal_record(redaktion_client, town, kind):
    response = redaktion_client.get(url_of(kind, town["welper"][kind], "change/"))
    assert response.status_code == 403


def test_redaktion_edits_public_content_of_all_quartiere(redaktion_client, town):
    for kind in ["project", "opportunity", "conference", "meeting"]:
        for key in ["welper", "blankenstein"]:
            response = redaktion_client.get(url_of(kind, town[key][kind], "change/"))
            assert response.status_code == 200, (kind, key)


def test_redaktion_sees_no_names_on_opportunity_and_meeting_pages(redaktion_client, town):
    for kind in ["opportunity", "meeting"]:
        html = redaktion_client.get(url_of(kind, town["welper"][kind], "change/")).content
        assert b"Wilma" not in html


def test_redaktion_gets_no_attendance_list(redaktion_client, town):
    assert redaktion_client.get(attendance_url(town["welper"]["meeting"])).status_code == 403


def test_redaktion_also_in_quartiersentwicklung_sees_personal_data_only_of_its_quartiere(
    client, town
):
    # The permission for all Quartiere opens public content, never personal data.
    user = staff("beides", roles.REDAKTION, roles.QUARTIERSENTWICKLUNG)
    QuartierAssignment.objects.create(user=user, quartier=town["welper"]["quartier"])
    login_staff(client, user)
    html = client.get(ROUTES["signup"][0]).content.decode()
    assert "Wilma Mitmach" in html and "Berta Mitmach" not in html
    blankenstein = town["blankenstein"]
    assert client.get(url_of("signup", blankenstein["signup"], "change/")).status_code == 403
    opportunity_page = client.get(url_of("opportunity", blankenstein["opportunity"], "change/"))
    assert opportunity_page.status_code == 200
    assert "Berta" not in opportunity_page.content.decode()
    assert client.get(attendance_url(blankenstein["meeting"])).status_code == 404


@pytest.fixture
def administration_client(client, town):
    login_staff(client, staff("it-team", roles.ADMINISTRATION))
    return client


def test_administration_manages_users_roles_and_assignments(administration_client):
    for url in [
        "/admin/auth/user/",
        "/admin/auth/group/",
        "/admin/quartiere/quartierassignment/",
        "/admin/engagierte_stadt/sitesettings/",
    ]:
        assert administration_client.get(url, follow=True).status_code == 200, url


@pytest.mark.parametrize("url", [*PERSONAL_DATA_LISTS, "/admin/quartiere/project/"])
def test_administration_sees_no_content_and_no_personal_data(administration_client, url):
    assert administration_client.get(url).status_code == 403


# --- every admin of something in a Quartier is scoped ---------------------------------------

# Admins that reach a Quartier but follow a rule of their own.
OWN_RULES = {"quartiere.quartierassignment"}


def reaches_quartier(model, scoped: set) -> bool:
    return any(
        isinstance(field, models.ForeignKey)
        and (field.related_model is Quartier or field.related_model in scoped)
        for field in model._meta.get_fields()
        if field.concrete
    )


def test_every_admin_of_something_in_a_quartier_is_scoped():
    registry = admin.site._registry
    scoped = {m for m, a in registry.items() if isinstance(a, QuartierScopedAdminMixin)}
    assert Quartier in scoped
    unscoped = [
        model._meta.label_lower
        for model in registry
        if model not in scoped
        and model._meta.label_lower not in OWN_RULES
        and reaches_quartier(model, scoped)
    ]
    assert not unscoped, f"add QuartierScopedAdminMixin to the admins of {unscoped}"


def test_the_guard_finds_an_unscoped_admin():
    # The check above must be able to fail: Opportunity reaches Quartier.
    assert reaches_quartier(Opportunity, set())
    assert not reaches_quartier(get_user_model(), {Opportunity})


@pytest.mark.parametrize("kind", ["signup", "registration", "project", "meeting"])
def test_scope_costs_the_same_queries_with_many_rows(
    editor_client, town, kind, django_assert_max_num_queries
):
    """The scope is two queries per request (assignments, the Quartier tree), whatever the
    number of rows: measured with 1 row, then with 30 more."""
    url = ROUTES[kind][0]
    with CaptureQueriesContext(connection) as few:
        editor_client.get(url)
    welper = town["welper"]
    for n in range(30):
        if kind == "signup":
            confirmed(Signup, welper["opportunity"], f"Person {n}", f"p{n}@example.org")
        elif kind == "registration":
            confirmed(Registration, welper["meeting"], f"Person {n}", f"p{n}@example.org")
        elif kind == "project":
            ProjectFactory(quartier=welper["quartier"])
        else:
            MeetingFactory(conference=welper["conference"], slug=f"t-{n}")
    with django_assert_max_num_queries(len(few)):
        assert editor_client.get(url).status_code == 200
