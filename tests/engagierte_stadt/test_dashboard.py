"""The dashboard on the admin index: each editor sees the to-dos and figures of their own
Quartiere, the superuser those of the town. Every number is checked against a count worked
out here in Python from the rows themselves (not with the dashboard's queries), every to-do
link against the admin list it opens, and the page's queries against ten times the data."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagierte_stadt import dashboard, roles
from engagierte_stadt.submissions.capacity import SignupStatus, Source
from konferenzen.models import Conference, ConferenceWish, Meeting
from partner.models import ApplicationStatus, Partner, PartnerApplication, PartnerKind
from quartiere.models import (
    AlertStatus,
    AlertSubscription,
    Opportunity,
    Quartier,
    QuartierAssignment,
    Signup,
)
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    MeetingFactory,
    OpportunityFactory,
    ProjectFactory,
    QuartierFactory,
    TopicFactory,
    login_staff,
)

User = get_user_model()
ONCE = Opportunity.Commitment.ONCE


def add_signups(opportunity, confirmed: int, *, status=SignupStatus.CONFIRMED, days_ago=1):
    """`confirmed` sign-ups by phone (no address) with a fixed status and confirmation time."""
    moment = timezone.now() - timedelta(days=days_ago)
    Signup.objects.bulk_create(
        Signup(
            opportunity=opportunity,
            name=f"Person {n}",
            source=Source.PHONE,
            status=status,
            confirmed_at=moment,
        )
        for n in range(confirmed)
    )


def meeting(conference, slug, *, days, **kwargs):
    starts = timezone.now() + timedelta(days=days)
    return MeetingFactory(
        conference=conference,
        slug=slug,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        **kwargs,
    )


def district_data(quartier, prefix: str, topic, *, size: int = 1) -> None:
    """One Quartier's rows: `size` times each kind of to-do and figure."""
    project = ProjectFactory(quartier=quartier, slug=f"projekt-{prefix}", title=f"Projekt {prefix}")
    conference = ConferenceFactory(quartier=quartier, slug=f"konferenz-{prefix}")
    for n in range(size):
        tag = f"{prefix}-{n}"
        full = OpportunityFactory(project=project, slug=f"voll-{tag}", places=3)
        add_signups(full, 3)
        nearly = OpportunityFactory(project=project, slug=f"fast-{tag}", places=5)
        add_signups(nearly, 4, days_ago=40)
        roomy = OpportunityFactory(project=project, slug=f"frei-{tag}", places=10)
        add_signups(roomy, 2, days_ago=70)
        add_signups(roomy, 3, status=SignupStatus.WAITING)
        add_signups(roomy, 1, status=SignupStatus.CANCELLED)
        past = OpportunityFactory(
            project=project,
            slug=f"vorbei-{tag}",
            commitment=ONCE,
            starts_at=timezone.now() - timedelta(days=3),
            places=4,
        )
        add_signups(past, 4, days_ago=5)  # full, but over: not on the "full" list
        OpportunityFactory(project=project, slug=f"unbegrenzt-{tag}", places=None)
        # Meetings: soon without agenda (counts), soon with agenda, later without agenda,
        # held without minutes (counts), held with minutes, cancelled in the past.
        meeting(conference, f"bald-{tag}", days=3 + n % 5)
        with_agenda = meeting(conference, f"agenda-{tag}", days=4)
        AgendaItemFactory(meeting=with_agenda)
        meeting(conference, f"spaeter-{tag}", days=30 + n)
        meeting(conference, f"ohne-protokoll-{tag}", days=-10 - n)
        meeting(
            conference,
            f"protokoll-{tag}",
            days=-20 - n,
            minutes_published_at=timezone.now() - timedelta(days=1),
            minutes_summary="Protokoll",
        )
        meeting(conference, f"abgesagt-{tag}", days=-30 - n, status=Meeting.Status.CANCELLED)
        ConferenceWish.objects.bulk_create(
            ConferenceWish(
                quartier=quartier, name=f"W {tag} {i}", status=status, confirmed_at=timezone.now()
            )
            for i, status in enumerate([SignupStatus.CONFIRMED] * 2 + [SignupStatus.UNCONFIRMED])
        )
        partner = Partner.objects.create(
            name=f"Verein {tag}", slug=f"verein-{tag}", kind=PartnerKind.ASSOCIATION
        )
        partner.quartiere.add(quartier)
        business = Partner.objects.create(
            name=f"Firma {tag}", slug=f"firma-{tag}", kind=PartnerKind.BUSINESS
        )
        business.quartiere.add(quartier)
        AlertSubscription.objects.bulk_create(
            AlertSubscription(quartier=quartier, topic=topic, status=status)
            for status in [AlertStatus.CONFIRMED, AlertStatus.CONFIRMED, AlertStatus.CANCELLED]
        )


def town_data(size: int = 1) -> dict:
    welper = QuartierFactory(name="Welper", slug="welper")
    mitte = QuartierFactory(
        name="Welper-Mitte", slug="welper-mitte", kind=Quartier.Kind.NEIGHBOURHOOD, parent=welper
    )
    blankenstein = QuartierFactory(name="Blankenstein", slug="blankenstein")
    holthausen = QuartierFactory(name="Holthausen", slug="holthausen")
    umwelt = TopicFactory(name="Umwelt", slug="umwelt")
    sport = TopicFactory(name="Sport", slug="sport")
    district_data(welper, "welper", umwelt, size=size)
    district_data(mitte, "mitte", sport, size=size)
    district_data(blankenstein, "blankenstein", sport, size=size)
    # Blankenstein's conference stopped: it counts as not covered.
    Conference.objects.filter(quartier=blankenstein).update(is_active=False)
    for n in range(size):
        for status in ["new", "in_review", "unconfirmed", "accepted"]:
            PartnerApplication.objects.create(
                organisation=f"Bewerbung {status} {n}", kind=PartnerKind.BUSINESS, status=status
            )
        Partner.objects.create(
            name=f"Stiftung {n}", slug=f"stiftung-{n}", kind=PartnerKind.FOUNDATION
        )
    return {
        "welper": welper,
        "mitte": mitte,
        "blankenstein": blankenstein,
        "holthausen": holthausen,
    }


def staff(username, quartier=None, *role_names):
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=role_names))
    if quartier is not None:
        QuartierAssignment.objects.create(user=user, quartier=quartier)
    return user


@pytest.fixture
def town(db):
    call_command("setup_roles", stdout=io.StringIO())
    return town_data()


@pytest.fixture
def people(town):
    return {
        "welper": staff("welper-team", town["welper"], roles.QUARTIERSENTWICKLUNG),
        "blankenstein": staff(
            "blankenstein-team", town["blankenstein"], roles.QUARTIERSENTWICKLUNG
        ),
        "chef": User.objects.create_superuser("chef", password="pw"),
    }


def board(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    built = dashboard.build(request)
    return (
        {task.key: task for task in built.tasks},
        {figure.key: figure for figure in built.figures},
    )


# --- the expected numbers, worked out in Python from the rows -------------------------------


def in_scope(quartier_ids):
    return lambda quartier_id: quartier_ids is None or quartier_id in quartier_ids


def ids_of(*quartiere):
    return {q.pk for q in quartiere}


def expected_tasks(quartier_ids) -> dict[int]:
    ok = in_scope(quartier_ids)
    now = timezone.now()
    counts = dict.fromkeys(
        [
            "opportunities-full",
            "opportunities-nearly-full",
            "opportunities-past-open",
            "meetings-without-agenda",
            "meetings-without-minutes",
            "wishes",
        ],
        0,
    )
    for opportunity in Opportunity.objects.all():
        if not ok(opportunity.quartier_id):
            continue
        taken = sum(1 for s in opportunity.signups.all() if s.status == SignupStatus.CONFIRMED)
        if opportunity.is_past and opportunity.is_open:
            counts["opportunities-past-open"] += 1
        if opportunity.is_past or not opportunity.accepts_signups or opportunity.places is None:
            continue
        if taken >= opportunity.places:
            counts["opportunities-full"] += 1
        elif taken / opportunity.places >= 0.8:
            counts["opportunities-nearly-full"] += 1
    for item in Meeting.objects.select_related("conference"):
        if not ok(item.conference.quartier_id):
            continue
        soon = now <= item.starts_at < now + timedelta(days=14)
        if soon and item.is_planned and not item.agenda_items.exists():
            counts["meetings-without-agenda"] += 1
        if item.is_past and not item.is_cancelled and not item.minutes_published:
            counts["meetings-without-minutes"] += 1
    counts["wishes"] = sum(
        1 for w in ConferenceWish.objects.all() if ok(w.quartier_id) and w.status == "confirmed"
    )
    return counts


def district_name(quartier):
    return quartier.parent.name if quartier.parent_id else quartier.name


def expected_signups(quartier_ids):
    ok = in_scope(quartier_ids)
    per_month, per_district = {}, {}
    for signup in Signup.objects.select_related("opportunity__quartier__parent"):
        quartier = signup.opportunity.quartier
        if signup.status != SignupStatus.CONFIRMED or not ok(quartier.pk):
            continue
        month = timezone.localtime(signup.confirmed_at).strftime("%m.%Y")
        per_month[month] = per_month.get(month, 0) + 1
        per_district[district_name(quartier)] = per_district.get(district_name(quartier), 0) + 1
    return per_month, per_district


def month_values(figure):
    """The month rows as {"MM.YYYY": n}, read from the row links (the labels are German)."""
    found = {}
    for row in figure.rows:
        year = row.url.split("confirmed_at__year=")[1].split("&")[0]
        month = row.url.split("confirmed_at__month=")[1].split("&")[0]
        if row.value:
            found[f"{int(month):02d}.{year}"] = row.value
    return found


def values(figure, *, keep_zero=False):
    return {row.label: row.value for row in figure.rows if keep_zero or row.value}


# --- the tests -------------------------------------------------------------------------------


def test_welper_editor_counts_only_welper_and_its_neighbourhood(people, town):
    tasks, figures = board(people["welper"])
    scope = ids_of(town["welper"], town["mitte"])
    expected = expected_tasks(scope)
    assert {key: task.count for key, task in tasks.items()} == {
        key: n for key, n in expected.items() if n
    }
    assert expected["opportunities-full"] == 2  # one in Welper, one in Welper-Mitte
    per_month, per_district = expected_signups(scope)
    assert month_values(figures["signups-per-month"]) == per_month
    assert values(figures["signups-per-district"]) == per_district == {"Welper": 26}
    assert "partner-applications" not in tasks  # Quartiersentwicklung may not read them


def test_blankenstein_editor_counts_only_blankenstein(people, town):
    tasks, figures = board(people["blankenstein"])
    scope = ids_of(town["blankenstein"])
    expected = expected_tasks(scope)
    assert {key: task.count for key, task in tasks.items()} == {
        key: n for key, n in expected.items() if n
    }
    per_month, per_district = expected_signups(scope)
    assert month_values(figures["signups-per-month"]) == per_month
    assert values(figures["signups-per-district"]) == per_district == {"Blankenstein": 13}
    coverage = figures["conference-coverage"]
    assert [(r.label, r.value, r.note) for r in coverage.rows] == [("Blankenstein", 2, "nein")]
    assert coverage.summary == "Aktive Stadtteilkonferenz in 0 von 1 Stadtteil."
    assert values(figures["partners-by-kind"]) == {"Verein": 1, "Unternehmen": 1}
    assert "alerts-per-topic" not in figures  # the role does not include subscriptions


def test_superuser_counts_the_whole_town(people, town):
    tasks, figures = board(people["chef"])
    expected = expected_tasks(None)
    expected["partner-applications"] = sum(
        1
        for a in PartnerApplication.objects.all()
        if a.status in (ApplicationStatus.NEW, ApplicationStatus.IN_REVIEW)
    )
    assert expected["partner-applications"] == 2
    assert {key: task.count for key, task in tasks.items()} == expected
    per_month, per_district = expected_signups(None)
    assert month_values(figures["signups-per-month"]) == per_month
    assert values(figures["signups-per-district"]) == per_district
    assert per_district == {"Welper": 26, "Blankenstein": 13}
    coverage = figures["conference-coverage"]
    assert [(r.label, r.value, r.note) for r in coverage.rows] == [
        ("Blankenstein", 2, "nein"),
        ("Holthausen", 0, "nein"),
        ("Welper", 4, "ja"),
    ]
    assert coverage.summary == "Aktive Stadtteilkonferenz in 1 von 3 Stadtteilen."
    kinds = {}
    for partner in Partner.objects.all():
        label = str(PartnerKind(partner.kind).label)
        kinds[label] = kinds.get(label, 0) + 1
    assert values(figures["partners-by-kind"]) == kinds
    assert figures["partners-by-kind"].summary.startswith("3 davon")
    topics = {}
    for sub in AlertSubscription.objects.select_related("topic"):
        if sub.status == AlertStatus.CONFIRMED:
            topics[sub.topic.name] = topics.get(sub.topic.name, 0) + 1
    assert values(figures["alerts-per-topic"]) == topics == {"Umwelt": 2, "Sport": 4}


def test_free_places_per_district(people, town):
    _tasks, figures = board(people["chef"])
    free = {}
    for opportunity in Opportunity.objects.select_related("quartier__parent"):
        if opportunity.is_past or not opportunity.accepts_signups or opportunity.places is None:
            continue
        taken = opportunity.signups.filter(status=SignupStatus.CONFIRMED).count()
        name = district_name(opportunity.quartier)
        free[name] = free.get(name, 0) + max(opportunity.places - taken, 0)
    assert values(figures["free-places"], keep_zero=True) == {**free, "Holthausen": 0}
    assert free == {"Welper": 18, "Blankenstein": 9}


@pytest.mark.parametrize("who", ["welper", "blankenstein", "chef"])
def test_every_todo_link_opens_the_list_of_exactly_those_rows(client, people, who):
    login_staff(client, people[who])
    tasks, _figures = board(people[who])
    assert tasks
    for task in tasks.values():
        response = client.get(task.url)
        assert response.status_code == 200, task.url
        assert response.context["cl"].result_count == task.count, task.key


def test_figure_row_links_open_their_lists(client, people):
    login_staff(client, people["welper"])
    _tasks, figures = board(people["welper"])
    for key in ["signups-per-month", "signups-per-district"]:
        for row in figures[key].rows:
            response = client.get(row.url)
            assert response.status_code == 200, row.url
            assert response.context["cl"].result_count == row.value, (key, row.label)


def test_admin_index_shows_the_dashboard_in_german_without_other_districts(client, people):
    login_staff(client, people["welper"])
    page = client.get("/admin/").content.decode()
    assert "Zu tun in Ihren Quartieren" in page
    assert "2 Angebote sind voll" in page
    assert "Bestätigte Anmeldungen pro Monat" in page
    assert "<svg" in page and 'aria-hidden="true"' in page
    assert "Blankenstein" not in page
    assert " style=" not in page  # the CSP forbids inline style


def test_staff_without_assignment_see_no_district_figures(db, town):
    call_command("setup_roles", stdout=io.StringIO())
    nobody = staff("ohne-quartier", None, roles.QUARTIERSENTWICKLUNG)
    tasks, figures = board(nobody)
    assert tasks == {}
    assert all(row.value == 0 for figure in figures.values() for row in figure.rows)


def index_queries(client, user) -> int:
    login_staff(client, user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["welper", "chef"])
def test_admin_index_costs_the_same_queries_with_ten_times_the_data(client, db, who):
    call_command("setup_roles", stdout=io.StringIO())
    small = town_data(size=1)
    user = (
        User.objects.create_superuser("chef", password="pw")
        if who == "chef"
        else staff("welper-team", small["welper"], roles.QUARTIERSENTWICKLUNG)
    )
    before = index_queries(client, user)
    # Nine more units of everything in the same Quartiere: ten times the data.
    for n in range(1, 10):
        for key, topic in [("welper", "umwelt"), ("mitte", "sport"), ("blankenstein", "sport")]:
            district_data(small[key], f"{key}{n}", TopicFactory(slug=topic, name=topic.title()))
    assert Signup.objects.count() == 10 * 3 * 17
    after = index_queries(client, user)
    assert after == before
    assert before <= 30


def test_redaktion_sees_the_towns_offers_but_no_personal_data(db, town):
    """Redaktion works on the public content of all Quartiere, personal data never."""
    redaktion = staff("redaktion-team", None, roles.REDAKTION)
    tasks, figures = board(redaktion)
    expected = expected_tasks(None)
    assert tasks["opportunities-full"].count == expected["opportunities-full"] == 3
    assert not {"wishes", "partner-applications"} & set(tasks)
    assert not {"signups-per-month", "signups-per-district"} & set(figures)
    assert "Blankenstein" in values(figures["free-places"])


def test_admin_index_budget_holds_on_the_demo_with_bulk_data(client, demo):
    """The demo, then the bulk rows of `load_demo --scale` on top: the same queries."""
    from bench import scale_data

    chef = User.objects.create_superuser("chef", password="pw")
    before = index_queries(client, chef)
    demo_offers = Opportunity.objects.count()
    scale_data.projects(1, unit=300, stdout=io.StringIO())
    assert Opportunity.objects.count() >= 10 * demo_offers
    scale_data.conferences(1, stdout=io.StringIO())
    scale_data.partners(1, unit=100, stdout=io.StringIO())
    assert index_queries(client, chef) == before
