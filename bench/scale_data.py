"""Bulk data for performance work: many generated rows, fast, on top of the demo.

Reached as `manage.py load_demo --scale N` (all of it, through `load()`) and from
bench/load_scale.py (the projects, timed). One unit of scale is

* 1 000 projects with 3 000 opportunities (`projects()`; the unit is adjustable),
* 20 conferences with 2 000 meetings and their agendas, minutes and registrations
  (`conferences()`),
* 250 partners with Quartiere and roles in projects (`partners()`),
* 5 000 ideas in every status with their history (`ideas()`).

Everything goes in with bulk_create (no save(), no signals, no validation), so every value
is set here. Addresses are `bulk-<run>-<n>` (partners: `bulk-partner-<run>-<n>`), so each call
adds a new run beside the earlier ones. The texts say that the rows are test data; they are not
demo content and stay out of demo/*.toml. Needs the demo's Quartiere to exist.
"""

import random
import time
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from engagierte_stadt import demo
from engagierte_stadt.submissions.capacity import SignupStatus, new_token
from engagierte_stadt.submissions.counters import recount_places
from ideen.models import (
    FINAL_STATUSES,
    LAPSED_STATUSES,
    PUBLIC_STATUSES,
    Idea,
    IdeaStatus,
    IdeaStatusChange,
)
from konferenzen.models import (
    ActionItem,
    AgendaItem,
    Conference,
    Decision,
    Meeting,
    Registration,
    Venue,
)
from partner.models import Partner, PartnerKind, ProjectPartner, ProjectRole
from quartiere.models import Opportunity, Project, Publication, Quartier, Skill, Topic

BATCH = 1000


def load(scale: int, unit: int | None = None, stdout=None) -> dict:
    """All bulk data of `scale` units, as `load_demo --scale` adds it; `unit` projects a unit."""
    counts = {
        "projects": projects(
            scale, unit=PROJECTS_PER_UNIT if unit is None else unit, stdout=stdout
        ),
        "conferences": conferences(scale, stdout=stdout),
        "partners": partners(scale, stdout=stdout),
        "ideas": ideas(scale, stdout=stdout),
    }
    # Sign-ups and registrations go in by bulk_create: the database's triggers count them into
    # the places; the recount puts right whatever was written past them (none, normally).
    recount_places()
    return counts


def _run_prefix(model, stem: str = "bulk") -> str:
    """`<stem>-<run>` with the first run number that `model`'s addresses do not use yet."""
    run = 1
    while model.objects.filter(slug__startswith=f"{stem}-{run}-").exists():
        run += 1
    return f"{stem}-{run}"


def _fill_pks(objects, queryset, key: str):
    """Give bulk-created rows their ids on databases that do not return them."""
    if objects and objects[0].pk is None:
        ids = dict(queryset.values_list(key, "pk"))
        for obj in objects:
            obj.pk = ids[getattr(obj, key)]


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


# --- Projects and opportunities -----------------------------------------------------------

PROJECTS_PER_UNIT = 1000
OPPORTUNITIES_PER_PROJECT = 3
DIRECT_SHARE = 10  # every 10th opportunity sits directly in a Quartier

_ACTIVITIES = [
    "Nachbarschaftstreff",
    "Gemeinschaftsgarten",
    "Lesepatenschaft",
    "Repair-Café",
    "Sprachcafé",
    "Spielplatzpflege",
    "Erzählcafé",
    "Fahrdienst",
    "Hausaufgabenhilfe",
    "Bewegungstreff",
    "Aufräumaktion",
    "Kleidertausch",
    "Computerhilfe",
    "Mittagstisch",
    "Wanderweg-Patenschaft",
    "Chorprojekt",
]
_ADJECTIVES = ["Offener", "Kleiner", "Neuer", "Gemeinsamer", "Bunter", "Wöchentlicher"]
_TASKS = [
    ("Helfen beim Aufbau", Opportunity.Commitment.ONCE),
    ("Regelmäßig begleiten", Opportunity.Commitment.REGULAR),
    ("Kuchen backen", Opportunity.Commitment.FLEXIBLE),
    ("Organisation übernehmen", Opportunity.Commitment.REGULAR),
    ("Handzettel verteilen", Opportunity.Commitment.FLEXIBLE),
    ("Fahrdienst", Opportunity.Commitment.FLEXIBLE),
    ("Aktionstag mitgestalten", Opportunity.Commitment.ONCE),
]
_PROJECT_TEXT = (
    "Dieses Projekt wurde für Last- und Geschwindigkeitstests erzeugt. Es beschreibt ein "
    "typisches Vorhaben im Quartier: Menschen treffen sich, planen gemeinsam und packen an. "
    "Wer mitmachen möchte, findet unten die passenden Mitmach-Angebote."
)


@transaction.atomic
def projects(scale: int, unit: int = PROJECTS_PER_UNIT, stdout=None, seed: int = 0) -> dict:
    """Create `scale × unit` projects and three times as many opportunities, fast.

    Sets the opportunity's Quartier too (save() would copy it from the project). No images.
    Topics and skills are linked if there are any.
    """
    started = time.perf_counter()
    quartier_ids = list(Quartier.objects.values_list("pk", flat=True))
    if not quartier_ids:
        raise ValueError("No Quartiere yet: load the demo before bulk data.")
    topic_ids = list(Topic.objects.values_list("pk", flat=True))
    skill_ids = list(Skill.objects.values_list("pk", flat=True))
    mail_domain = demo.data("site")["mail_domain"]
    rng = random.Random(seed)
    prefix = _run_prefix(Project)
    today = timezone.localdate()
    now = timezone.now()
    statuses = Project.Status.values
    weekdays = Opportunity.Weekday.values
    total = scale * unit

    projects = []
    for n in range(total):
        status = statuses[n % len(statuses)]
        start = None
        end = None
        if status != Project.Status.IDEA:
            start = today + timedelta(days=rng.randint(-400, 120))
            if status == Project.Status.FINISHED or rng.random() < 0.3:
                end = start + timedelta(days=rng.randint(0, 200))
        activity = _ACTIVITIES[n % len(_ACTIVITIES)]
        projects.append(
            Project(
                quartier_id=quartier_ids[n % len(quartier_ids)],
                title=f"{rng.choice(_ADJECTIVES)} {activity} {n + 1}",
                slug=f"{prefix}-{n + 1}",
                teaser=f"{activity}: ein Testprojekt mit der Nummer {n + 1}.",
                description=_PROJECT_TEXT,
                status=status,
                start_date=start,
                end_date=end,
                contact_name="Testperson",
                contact_email=f"test-{n + 1}@{mail_domain}",
                publication=Publication.DRAFT if n % 10 == 9 else Publication.PUBLISHED,
                publish_at=now - timedelta(days=rng.randint(0, 400)),
                featured=n % 100 == 0,
            )
        )
    Project.objects.bulk_create(projects, batch_size=BATCH)
    _fill_pks(projects, Project.objects.filter(slug__startswith=f"{prefix}-"), "slug")

    topic_links = []
    if topic_ids:
        ProjectTopic = Project.topics.through
        topic_links = [
            ProjectTopic(project_id=project.pk, topic_id=topic_id)
            for project in projects
            for topic_id in rng.sample(topic_ids, k=min(len(topic_ids), rng.randint(1, 3)))
        ]
        ProjectTopic.objects.bulk_create(topic_links, batch_size=BATCH)

    opportunities = []
    for n in range(total * OPPORTUNITIES_PER_PROJECT):
        project = projects[n // OPPORTUNITIES_PER_PROJECT]
        direct = n % DIRECT_SHARE == DIRECT_SHARE - 1
        task, commitment = _TASKS[n % len(_TASKS)]
        fields = {}
        if commitment == Opportunity.Commitment.ONCE:
            starts_at = now + timedelta(days=rng.randint(-30, 90), hours=rng.randint(0, 10))
            fields = {"starts_at": starts_at, "ends_at": starts_at + timedelta(hours=3)}
        elif commitment == Opportunity.Commitment.REGULAR:
            fields = {
                "hours_per_month": rng.choice([2, 4, 6, 8]),
                "weekdays": sorted(rng.sample(weekdays, k=rng.randint(1, 2)), key=weekdays.index),
            }
        opportunities.append(
            Opportunity(
                project_id=None if direct else project.pk,
                # bulk_create skips save(), which would copy the project's Quartier.
                quartier_id=project.quartier_id,
                title=f"{task} ({project.title})",
                slug=f"{prefix}-{n + 1}",
                description="Ein Mitmach-Angebot für Tests. " + _PROJECT_TEXT,
                commitment=commitment,
                place="Hattingen",
                places=rng.choice([None, None, 4, 6, 12]),
                signup_deadline=today + timedelta(days=rng.randint(-10, 60))
                if n % 4 == 0
                else None,
                is_open=n % 25 != 0,
                suitable_youth=n % 3 == 0,
                suitable_families=n % 4 == 1,
                suitable_seniors=n % 5 == 2,
                suitable_without_german=n % 6 == 3,
                step_free=n % 2 == 0,
                **fields,
            )
        )
    Opportunity.objects.bulk_create(opportunities, batch_size=BATCH)
    _fill_pks(opportunities, Opportunity.objects.filter(slug__startswith=f"{prefix}-"), "slug")

    skill_links = []
    if skill_ids:
        OpportunitySkill = Opportunity.skills.through
        skill_links = [
            OpportunitySkill(opportunity_id=opportunity.pk, skill_id=skill_id)
            for opportunity in opportunities
            for skill_id in rng.sample(skill_ids, k=min(len(skill_ids), rng.randint(0, 2)))
        ]
        OpportunitySkill.objects.bulk_create(skill_links, batch_size=BATCH)

    counts = {
        "projects": len(projects),
        "opportunities": len(opportunities),
        "topic_links": len(topic_links),
        "skill_links": len(skill_links),
        "seconds": round(time.perf_counter() - started, 2),
        "prefix": prefix,
    }
    if stdout is not None:
        stdout.write(
            f"Bulk data ({prefix}): {counts['projects']} projects and "
            f"{counts['opportunities']} opportunities in {counts['seconds']} s."
        )
    return counts


# --- Conferences and meetings -------------------------------------------------------------

CONFERENCES_PER_UNIT = 20
MEETINGS_PER_CONFERENCE = 100
WEEKS_BETWEEN_MEETINGS = 2
_AGENDA_ITEMS = [
    ("Begrüßung", 10),
    ("Berichte aus dem Stadtteil", 20),
    ("Offene Aufgaben", 15),
    ("Schwerpunktthema", 30),
    ("Verschiedenes", 10),
]
_MEETING_TOPICS = [
    "Spielplatz",
    "Verkehr",
    "Stadtteilfest",
    "Nachbarschaftshilfe",
    "Grünflächen",
    "Jugendtreff",
    "Sauberkeit",
    "Bürgerbus",
]


@transaction.atomic
def conferences(scale: int, stdout=None, seed: int = 0) -> dict:
    """Create `scale × 2000` meetings (in `scale × 20` conferences) with agenda items, fast.

    Every second week from about three years ago to a year ahead: past ones held, most with
    published minutes, a decision and two action items; some upcoming ones with
    registration and a few registrations. The conferences go to the Quartiere that have one
    already (all Quartiere when none has), so the gaps in the overview stay where the demo
    put them.
    """
    started = time.perf_counter()
    quartier_ids = list(
        Quartier.objects.filter(conferences__isnull=False).distinct().values_list("pk", flat=True)
    ) or list(Quartier.objects.values_list("pk", flat=True))
    if not quartier_ids:
        raise ValueError("No Quartiere yet: load the demo before bulk data.")
    mail_domain = demo.data("site")["mail_domain"]
    organiser = demo.data("konferenzen")["organiser"]
    rng = random.Random(seed)
    prefix = _run_prefix(Conference)
    now = timezone.now()
    today = timezone.localdate()

    conferences = [
        Conference(
            quartier_id=quartier_ids[n % len(quartier_ids)],
            title=f"Testkonferenz {prefix} Nr. {n + 1}",
            slug=f"{prefix}-{n + 1}",
            description="Eine Stadtteilkonferenz für Last- und Geschwindigkeitstests.",
            organiser=organiser,
            contact_email=f"test-{n + 1}@{mail_domain}",
            rhythm="alle zwei Wochen",
        )
        for n in range(scale * CONFERENCES_PER_UNIT)
    ]
    Conference.objects.bulk_create(conferences, batch_size=BATCH)
    _fill_pks(conferences, Conference.objects.filter(slug__startswith=f"{prefix}-"), "slug")

    venue_ids = list(Venue.objects.values_list("pk", flat=True)) or [None]
    meetings = []
    weeks_back = MEETINGS_PER_CONFERENCE * WEEKS_BETWEEN_MEETINGS * 3 // 4
    for conference in conferences:
        first = today - timedelta(weeks=weeks_back) + timedelta(days=rng.randint(0, 6))
        for n in range(MEETINGS_PER_CONFERENCE):
            day = first + timedelta(weeks=n * WEEKS_BETWEEN_MEETINGS)
            starts_at = _aware(day, rng.choice([17, 18, 19]), rng.choice([0, 30]))
            past = starts_at < now
            registration = not past and n % 3 == 0
            topic = _MEETING_TOPICS[n % len(_MEETING_TOPICS)]
            meetings.append(
                Meeting(
                    conference_id=conference.pk,
                    slug=day.strftime("%Y-%m-%d"),
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=2),
                    venue_id=rng.choice(venue_ids),
                    room="Saal",
                    status=(
                        Meeting.Status.HELD
                        if past
                        else Meeting.Status.CANCELLED
                        if n % 17 == 0
                        else Meeting.Status.PLANNED
                    ),
                    registration_enabled=registration,
                    places=rng.choice([None, 20, 40]) if registration else None,
                    childcare=n % 5 == 0,
                    minutes_summary=(
                        f"Testprotokoll: Die Konferenz hat über das Thema {topic} gesprochen."
                        if past
                        else ""
                    ),
                    minutes_published_at=starts_at + timedelta(days=7)
                    if past and n % 5 != 4 and starts_at + timedelta(days=7) < now
                    else None,
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    if meetings and meetings[0].pk is None:
        rows = Meeting.objects.filter(conference__slug__startswith=f"{prefix}-").values_list(
            "conference_id", "slug", "pk"
        )
        ids = {(conference_id, slug): pk for conference_id, slug, pk in rows}
        for meeting in meetings:
            meeting.pk = ids[(meeting.conference_id, meeting.slug)]

    agenda, decisions, actions, registrations = [], [], [], []
    for n, meeting in enumerate(meetings):
        topic = _MEETING_TOPICS[n % len(_MEETING_TOPICS)]
        for position, (title, minutes) in enumerate(_AGENDA_ITEMS, start=1):
            agenda.append(
                AgendaItem(
                    meeting_id=meeting.pk,
                    position=position,
                    title=f"{title}: {topic}" if title == "Schwerpunktthema" else title,
                    minutes_planned=minutes,
                )
            )
        if meeting.status == Meeting.Status.HELD:
            decisions.append(
                Decision(meeting_id=meeting.pk, position=1, text=f"Beschluss zum Thema {topic}.")
            )
            due = timezone.localtime(meeting.starts_at).date() + timedelta(days=30)
            for position in (1, 2):
                done = rng.random() < 0.7
                actions.append(
                    ActionItem(
                        meeting_id=meeting.pk,
                        position=position,
                        title=f"Aufgabe {position} zum Thema {topic}",
                        responsible="Quartiersbüro",
                        due_date=due,
                        status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
                        done_at=min(due, today) if done else None,
                    )
                )
        if meeting.registration_enabled and meeting.status == Meeting.Status.PLANNED:
            for k in range(3):
                registrations.append(
                    Registration(
                        meeting_id=meeting.pk,
                        name=f"Testperson {n + 1}-{k + 1}",
                        email=f"test-{meeting.pk}-{k + 1}@{mail_domain}",
                        status=SignupStatus.CONFIRMED,
                        token_hash=new_token()[1],
                        created_at=now,
                        consent_at=now,
                        confirmed_at=now,
                    )
                )
    AgendaItem.objects.bulk_create(agenda, batch_size=BATCH)
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    ActionItem.objects.bulk_create(actions, batch_size=BATCH)
    Registration.objects.bulk_create(registrations, batch_size=BATCH)

    counts = {
        "conferences": len(conferences),
        "meetings": len(meetings),
        "agenda_items": len(agenda),
        "decisions": len(decisions),
        "action_items": len(actions),
        "registrations": len(registrations),
        "seconds": round(time.perf_counter() - started, 2),
        "prefix": prefix,
    }
    if stdout is not None:
        stdout.write(
            f"Bulk conference data ({prefix}): {counts['conferences']} conferences, "
            f"{counts['meetings']} meetings, {counts['agenda_items']} agenda items in "
            f"{counts['seconds']} s."
        )
    return counts


# --- Partners -----------------------------------------------------------------------------

PARTNERS_PER_UNIT = 250
_PARTNER_WORDS = ["Nachbarschaft", "Kultur", "Sport", "Umwelt", "Jugend", "Senioren", "Musik"]
_PARTNER_NAMES = {
    PartnerKind.ASSOCIATION: "Verein für {} e.V.",
    PartnerKind.INITIATIVE: "Initiative {}",
    PartnerKind.INSTITUTION: "Haus der {}",
    PartnerKind.FEDERATION: "Verband {}",
    PartnerKind.FOUNDATION: "Stiftung {}",
    PartnerKind.BUSINESS: "{} GmbH",
    PartnerKind.HOUSING: "Wohnen {} eG",
    PartnerKind.ADMINISTRATION: "Fachstelle {}",
}


@transaction.atomic
def partners(scale: int, stdout=None, seed: int = 0, unit: int | None = None) -> dict:
    """Create `scale × unit` test partners (unit default 250) with Quartiere and project roles.

    No logos; one in ten unpublished, about one in a hundred a cooperation partner.
    """
    if unit is None:
        unit = PARTNERS_PER_UNIT
    started = time.perf_counter()
    rng = random.Random(seed)
    quartier_ids = list(Quartier.objects.values_list("pk", flat=True))
    project_ids = list(Project.objects.values_list("pk", flat=True)[:5000])
    prefix = _run_prefix(Partner, stem="bulk-partner")
    kinds = PartnerKind.values
    partners = [
        Partner(
            slug=f"{prefix}-{n + 1}",
            name=_PARTNER_NAMES[kinds[n % len(kinds)]].format(
                f"{rng.choice(_PARTNER_WORDS)} {n + 1}"
            ),
            kind=kinds[n % len(kinds)],
            teaser="Ein Testpartner für Last- und Geschwindigkeitstests.",
            is_cooperation_partner=n % 97 == 0,
            is_published=n % 10 != 9,
        )
        for n in range(scale * unit)
    ]
    Partner.objects.bulk_create(partners, batch_size=BATCH)
    _fill_pks(partners, Partner.objects.filter(slug__startswith=f"{prefix}-"), "slug")
    links = []
    if quartier_ids:
        Through = Partner.quartiere.through
        links = [
            Through(partner_id=partner.pk, quartier_id=quartier_id)
            for partner in partners
            for quartier_id in rng.sample(quartier_ids, k=min(len(quartier_ids), rng.randint(0, 3)))
        ]
        Through.objects.bulk_create(links, batch_size=BATCH)
    roles = []
    if project_ids:
        roles = [
            ProjectPartner(
                partner_id=partner.pk,
                project_id=project_id,
                role=rng.choice(ProjectRole.values),
            )
            for partner in partners
            for project_id in rng.sample(project_ids, k=min(len(project_ids), rng.randint(0, 2)))
        ]
        ProjectPartner.objects.bulk_create(roles, batch_size=BATCH)
    counts = {
        "partners": len(partners),
        "quartier_links": len(links),
        "roles": len(roles),
        "seconds": round(time.perf_counter() - started, 2),
        "prefix": prefix,
    }
    if stdout is not None:
        stdout.write(
            f"Bulk data ({prefix}): {counts['partners']} partners, {counts['roles']} roles "
            f"in {counts['seconds']} s."
        )
    return counts


# --- Ideas ---------------------------------------------------------------------------------

IDEAS_PER_UNIT = 5000
_IDEA_STATUSES = [
    # (status, share in 20): most public, some waiting, a few hidden or lapsed
    (IdeaStatus.PUBLISHED, 8),
    (IdeaStatus.AGENDA, 3),
    (IdeaStatus.TAKEN_UP, 2),
    (IdeaStatus.NOT_TAKEN_UP, 2),
    (IdeaStatus.NEW, 2),
    (IdeaStatus.HIDDEN, 1),
    (IdeaStatus.UNCONFIRMED, 1),
    (IdeaStatus.EXPIRED, 1),
]


@transaction.atomic
def ideas(scale: int, stdout=None, seed: int = 0, unit: int | None = None) -> dict:
    """Create `scale × unit` test ideas (unit default 5 000) across the Quartiere and topics,
    in every status, each public one with its history. No pictures, no mails; the proposers'
    addresses use the reserved domain example.org."""
    if unit is None:
        unit = IDEAS_PER_UNIT
    started = time.perf_counter()
    rng = random.Random(seed)
    quartier_ids = list(Quartier.objects.values_list("pk", flat=True))
    topic_ids = [None, *Topic.objects.values_list("pk", flat=True)]
    if not quartier_ids:
        return {"ideas": 0, "changes": 0}
    run = 1
    while Idea.objects.filter(title__startswith=f"Testidee {run}-").exists():
        run += 1
    statuses = [status for status, share in _IDEA_STATUSES for _ in range(share)]
    now = timezone.now()
    rows = []
    for n in range(scale * unit):
        status = statuses[n % len(statuses)]
        created = now - timedelta(days=rng.randint(1, 700), minutes=n % 1440)
        public = status in PUBLIC_STATUSES
        what = f"{rng.choice(_ADJECTIVES)} {rng.choice(_ACTIVITIES)}"
        rows.append(
            Idea(
                quartier_id=rng.choice(quartier_ids),
                topic_id=rng.choice(topic_ids),
                title=f"Testidee {run}-{n + 1}: {what}",
                description="Diese Idee wurde für Last- und Geschwindigkeitstests erzeugt.",
                helpers="Nachbarinnen und Nachbarn" if n % 3 else "",
                would_help=n % 2 == 0,
                email=f"testidee-{run}-{n + 1}@example.org",
                name=f"Testperson {n + 1}" if n % 4 else "",
                show_name=n % 8 == 1,
                status=status,
                reason="Ein Grund für Tests." if status == IdeaStatus.NOT_TAKEN_UP else "",
                consent_at=created,
                created_at=created,
                confirmed_at=None if status in LAPSED_STATUSES else created,
                published_at=created + timedelta(days=2) if public else None,
                decided_at=created + timedelta(days=30) if status in FINAL_STATUSES else None,
            )
        )
    Idea.objects.bulk_create(rows, batch_size=BATCH)
    _fill_pks(rows, Idea.objects.filter(title__startswith=f"Testidee {run}-"), "title")
    changes = []
    for idea in rows:
        if idea.published_at:
            changes.append(
                IdeaStatusChange(
                    idea_id=idea.pk, status=IdeaStatus.PUBLISHED, created_at=idea.published_at
                )
            )
        if idea.status not in (IdeaStatus.PUBLISHED, *LAPSED_STATUSES, IdeaStatus.NEW):
            changes.append(
                IdeaStatusChange(
                    idea_id=idea.pk,
                    status=idea.status,
                    reason=idea.reason,
                    public=idea.status != IdeaStatus.HIDDEN,
                    created_at=idea.decided_at or now,
                )
            )
    IdeaStatusChange.objects.bulk_create(changes, batch_size=BATCH)
    counts = {
        "ideas": len(rows),
        "changes": len(changes),
        "seconds": round(time.perf_counter() - started, 2),
    }
    if stdout is not None:
        stdout.write(
            f"Bulk data: {counts['ideas']} ideas, {counts['changes']} history entries "
            f"in {counts['seconds']} s."
        )
    return counts
