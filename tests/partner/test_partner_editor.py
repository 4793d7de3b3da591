"""A partner organisation's contact as the editor of exactly their own opportunities
(`partner.PartnerAssignment`, enforced in `engagierte_stadt.admin_scope`): the Bürgergesellschaft
works on the offers of the project it is the responsible body of, and their sign-ups; it
tries every route to the other offers of the same Quartier, to another Quartier's and to
everything else, and is refused on each."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from engagierte_stadt import roles
from engagierte_stadt.digest import digests_send
from engagierte_stadt.submissions.capacity import SignupStatus, signup_confirm, signup_submit
from konferenzen.models import ConferenceWish, Registration
from partner.models import PartnerAssignment, ProjectRole
from quartiere.models import Opportunity, Signup
from tests.factories import (
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
    login_staff,
)
from tests.partner.factories import PartnerFactory, ProjectPartnerFactory

User = get_user_model()


def confirmed(model, target, name, email):
    result = signup_submit(model=model, target=target, name=name, email=email)
    signup_confirm(model=model, token=result.token)
    return model.objects.get(pk=result.signup.pk)


def offer(project, title, slug, person):
    opportunity = OpportunityFactory(project=project, title=title, slug=slug, places=5)
    signup = confirmed(Signup, opportunity, f"{person} Mitmach", f"{slug}@example.org")
    return opportunity, signup


@pytest.fixture
def town(db):
    call_command("setup_roles", stdout=io.StringIO())
    welper = QuartierFactory(name="Welper", slug="welper")
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    partner = PartnerFactory(name="Bürgergesellschaft", slug="buergergesellschaft")
    own_project = ProjectFactory(quartier=welper, title="Repair-Projekt", slug="repair")
    ProjectPartnerFactory(project=own_project, partner=partner, role=ProjectRole.RESPONSIBLE)
    # The same partner only supports this one: not its own.
    supported = ProjectFactory(quartier=welper, title="Gartenprojekt", slug="garten")
    ProjectPartnerFactory(project=supported, partner=partner, role=ProjectRole.SUPPORTER)
    neighbours = ProjectFactory(quartier=welper, title="Nachbarprojekt", slug="nachbar")
    elsewhere = ProjectFactory(quartier=blankenstein, title="Fremdprojekt", slug="fremd")
    data = {"partner": partner, "welper": welper, "own_project": own_project}
    for key, project, title, person in [
        ("own", own_project, "Angebot Eigen", "Olga"),
        ("supported", supported, "Angebot Unterstützt", "Ulla"),
        ("neighbour", neighbours, "Angebot Nachbar", "Nina"),
        ("elsewhere", elsewhere, "Angebot Fremd", "Frida"),
    ]:
        data[key], data[f"{key}_signup"] = offer(project, title, f"angebot-{key}", person)
    conference = ConferenceFactory(quartier=welper, title="Konferenz Welper", slug="k-welper")
    meeting = MeetingFactory(conference=conference, registration_enabled=True, places=20)
    data["meeting"] = meeting
    data["registration"] = confirmed(Registration, meeting, "Rita Konferenz", "rita@example.org")
    data["wish"] = confirmed(ConferenceWish, welper, "Wanda Wunsch", "wanda@example.org")
    return data


@pytest.fixture
def contact(town):
    user = User.objects.create_user(
        "buergergesellschaft", email="kontakt@bg.example.de", password="pw", is_staff=True
    )
    user.groups.set(Group.objects.filter(name=roles.PARTNERORGANISATION))
    PartnerAssignment.objects.create(user=user, partner=town["partner"])
    return user


@pytest.fixture
def contact_client(client, contact):
    login_staff(client, contact)
    return client


OTHERS = ["supported", "neighbour", "elsewhere"]
OPPORTUNITIES = "/admin/quartiere/opportunity/"
SIGNUPS = "/admin/quartiere/signup/"


def test_opportunity_ids_are_those_of_the_projects_the_partner_is_responsible_for(town, contact):
    assert contact.partner_assignments.opportunity_ids() == {town["own"].pk}
    # Worked out independently: the offers of projects where the partner is the Träger.
    own = [
        o
        for o in Opportunity.objects.all()
        if o.project
        and o.project.partner_roles.filter(
            partner=town["partner"], role=ProjectRole.RESPONSIBLE
        ).exists()
    ]
    assert own == [town["own"]]


# --- lists and search ------------------------------------------------------------------


def test_contact_lists_only_their_own_opportunities_and_sign_ups(contact_client, town):
    html = contact_client.get(OPPORTUNITIES).content.decode()
    assert "Angebot Eigen" in html
    for key in OTHERS:
        assert town[key].title not in html
    html = contact_client.get(SIGNUPS).content.decode()
    assert "Olga Mitmach" in html
    for person in ["Ulla", "Nina", "Frida"]:
        assert person not in html


@pytest.mark.parametrize("term", ["Angebot", "Nachbar", "Fremd", "Nina", "example.org"])
def test_contact_search_finds_only_their_own(contact_client, town, term):
    offers = contact_client.get(OPPORTUNITIES, {"q": term}).context["cl"].result_list
    assert set(offers) <= {town["own"]}
    found = contact_client.get(SIGNUPS, {"q": term}).context["cl"].result_list
    assert set(found) <= {town["own_signup"]}


# --- pages of rows that are not theirs ---------------------------------------------------


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/"])
@pytest.mark.parametrize("key", OTHERS)
def test_contact_is_refused_every_page_of_another_opportunity(contact_client, town, key, suffix):
    response = contact_client.get(f"{OPPORTUNITIES}{town[key].pk}/{suffix}")
    assert response.status_code == 403
    signup = town[f"{key}_signup"]
    response = contact_client.get(f"{SIGNUPS}{signup.pk}/{suffix}")
    assert response.status_code == 403
    assert signup.name not in response.content.decode()


@pytest.mark.parametrize("key", OTHERS)
def test_contact_cannot_change_another_opportunity_by_post(contact_client, town, key):
    response = contact_client.post(f"{OPPORTUNITIES}{town[key].pk}/change/", {"title": "X"})
    assert response.status_code == 403
    assert Opportunity.objects.get(pk=town[key].pk).title == town[key].title


def test_contact_cannot_delete_even_their_own(contact_client, town):
    for url in [
        f"{OPPORTUNITIES}{town['own'].pk}/delete/",
        f"{SIGNUPS}{town['own_signup'].pk}/delete/",
    ]:
        assert contact_client.post(url, {"post": "yes"}).status_code == 403
    assert Opportunity.objects.filter(pk=town["own"].pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/quartiere/project/",
        "/admin/quartiere/quartier/",
        "/admin/konferenzen/conference/",
        "/admin/konferenzen/meeting/",
        "/admin/konferenzen/registration/",
        "/admin/konferenzen/conferencewish/",
        "/admin/partner/partner/",
        "/admin/partner/partnerapplication/",
        "/admin/partner/partnerassignment/",
        "/admin/ideen/idea/",
        "/admin/auth/user/",
        "/admin/quartiere/opportunity/add/",
    ],
)
def test_contact_is_refused_everything_else(contact_client, url):
    assert contact_client.get(url).status_code == 403


def test_more_permissions_open_no_other_rows(client, town, contact):
    """Enforced in the scope, not by the role: a contact given the permissions of
    Quartiersentwicklung still sees only their own offers and nothing of other models."""
    contact.groups.add(Group.objects.get(name=roles.QUARTIERSENTWICKLUNG))
    login_staff(client, contact)
    html = client.get(OPPORTUNITIES).content.decode()
    assert "Angebot Eigen" in html and "Angebot Nachbar" not in html
    for url, name in [
        ("/admin/konferenzen/registration/", "Rita"),
        ("/admin/konferenzen/conferencewish/", "Wanda"),
        ("/admin/quartiere/project/", "Repair-Projekt"),
    ]:
        response = client.get(url)
        assert response.status_code == 200 and name not in response.content.decode(), url
    meeting = town["meeting"]
    attendance = (
        f"/stadtteilkonferenzen/{meeting.conference.slug}/{meeting.slug}/anwesenheitsliste/"
    )
    assert client.get(attendance).status_code == 404


def test_attendance_list_is_refused(contact_client, town):
    meeting = town["meeting"]
    url = f"/stadtteilkonferenzen/{meeting.conference.slug}/{meeting.slug}/anwesenheitsliste/"
    response = contact_client.get(url)
    assert response.status_code in (403, 404)
    assert "Rita" not in response.content.decode()


# --- their own: view, change, sign-ups ---------------------------------------------------


def form_data(response) -> dict:
    """The change form's current values as a browser would send them back."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


def test_contact_changes_their_own_opportunity_but_not_its_project(contact_client, town):
    url = f"{OPPORTUNITIES}{town['own'].pk}/change/"
    page = contact_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Olga Mitmach" in html  # its sign-ups
    form = page.context["adminform"].form
    assert "project" not in form.fields and "quartier" not in form.fields  # shown, fixed
    data = form_data(page)
    data["title"] = "Repair-Café"
    data["project"] = ProjectFactory(quartier=town["welper"], slug="x").pk  # ignored
    response = contact_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    own = Opportunity.objects.get(pk=town["own"].pk)
    assert own.title == "Repair-Café" and own.project == town["own_project"]


def test_quartier_editor_still_chooses_the_project(client, town):
    editor = User.objects.create_user("welper-team", password="pw", is_staff=True)
    editor.groups.set(Group.objects.filter(name=roles.QUARTIERSENTWICKLUNG))
    editor.quartier_assignments.create(quartier=town["welper"])
    login_staff(client, editor)
    form = client.get(f"{OPPORTUNITIES}{town['own'].pk}/change/").context["adminform"].form
    assert "project" in form.fields


def test_autocomplete_offers_only_their_own_opportunities(contact_client, town):
    params = {"app_label": "quartiere", "model_name": "signup", "field_name": "opportunity"}
    response = contact_client.get("/admin/autocomplete/", {**params, "term": ""})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Angebot Eigen"]
    response = contact_client.get("/admin/autocomplete/", {**params, "term": "Nachbar"})
    assert response.json()["results"] == []
    # Projects and Quartiere: not theirs to look up.
    for model, field in [("opportunity", "project"), ("opportunity", "quartier")]:
        params = {"app_label": "quartiere", "model_name": model, "field_name": field}
        assert contact_client.get("/admin/autocomplete/", params).status_code == 403


def test_phone_sign_up_only_for_their_own_opportunity(contact_client, town):
    def enter(opportunity, name):
        return contact_client.post(
            "/admin/quartiere/signup/add/",
            {"opportunity": opportunity.pk, "source": "phone", "name": name, "consent": "on"},
        )

    response = enter(town["neighbour"], "Eingeschmuggelt")
    assert response.status_code == 200
    assert not Signup.objects.filter(name="Eingeschmuggelt").exists()
    enter(town["own"], "Paul Telefon")
    assert Signup.objects.filter(name="Paul Telefon", opportunity=town["own"]).exists()


def csv_names(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return [row[5] for row in rows[1:]]


def test_csv_export_holds_only_their_own_sign_ups(contact_client, town):
    everyone = [town[f"{key}_signup"].pk for key in ["own", *OTHERS]]
    for extra in [{}, {"select_across": "1"}]:
        response = contact_client.post(
            SIGNUPS, {"action": "export_csv", "_selected_action": everyone, **extra}
        )
        assert response.status_code == 200
        assert csv_names(response) == ["Olga Mitmach"]


def test_cancel_action_leaves_other_sign_ups(contact_client, town):
    others = [town[f"{key}_signup"] for key in OTHERS]
    contact_client.post(
        SIGNUPS, {"action": "cancel_signups", "_selected_action": [s.pk for s in others]}
    )
    for signup in others:
        signup.refresh_from_db()
        assert signup.status == SignupStatus.CONFIRMED


def test_dashboard_of_the_contact_counts_only_their_own_offers(contact_client, town):
    Opportunity.objects.filter(pk__in=[town["own"].pk, town["neighbour"].pk]).update(places=1)
    response = contact_client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 Angebot ist voll" in html
    assert "Nina" not in html and "Angebot Nachbar" not in html


def test_weekly_digest_of_the_contact_names_only_their_own_offers(town, contact):
    now = timezone.now() + timedelta(minutes=1)
    assert digests_send(base_url="https://example.de", now=now) == 1
    (message,) = [m for m in mail.outbox if m.to == [contact.email]]
    assert "- Angebot Eigen: 1\n" in message.body
    for key in OTHERS:
        assert town[key].title not in message.body
    assert "Olga" not in message.body


# --- who makes the assignment ------------------------------------------------------------


def test_administration_makes_a_contact_an_editor_of_their_partner(client, town):
    admin_user = User.objects.create_user("it-team", password="pw", is_staff=True)
    admin_user.groups.set(Group.objects.filter(name=roles.ADMINISTRATION))
    account = User.objects.create_user("neu", password="pw", is_staff=True)
    login_staff(client, admin_user)
    response = client.post(
        "/admin/partner/partnerassignment/add/", {"user": account.pk, "partner": town["partner"].pk}
    )
    assert response.status_code == 302
    assert account.partner_assignments.opportunity_ids() == {town["own"].pk}


@pytest.mark.parametrize("role", [roles.REDAKTION, roles.QUARTIERSENTWICKLUNG])
def test_other_roles_cannot_assign_partners(client, town, role):
    user = User.objects.create_user("jemand", password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name=role))
    login_staff(client, user)
    assert client.get("/admin/partner/partnerassignment/").status_code == 403
    assert not Permission.objects.filter(
        group__name=role, codename__endswith="_partnerassignment"
    ).exists()
