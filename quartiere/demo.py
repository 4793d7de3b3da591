"""Demo content for the Quartiere: topics, skills, projects and opportunities in Hattingen.

`load()` adds a small, realistic set that can run again at any time: rows are looked up by
their address (slug) and only created when missing, so edits made by staff survive. The
content comes from demo/quartiere.toml (topics, skills) and demo/projects.toml (projects with
pictures and opportunities); dates there are days from today and become dates here.
The bulk data for performance work (`load_demo --scale N`) is in bench/scale_data.py.
"""

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from engagierte_stadt import demo as shared

from .models import Opportunity, Project, ProjectImage, Publication, Quartier, Skill, Topic


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _time_of(day: date, at: time) -> str:
    """When a one-off date takes place: at the weekend, in the evening (from 17 h), or else
    on a weekday during the day (a key of `Opportunity.TIME_FIELDS`)."""
    if day.weekday() >= 5:
        return "weekends"
    return "evenings" if at.hour >= 17 else "weekdays"


def _opportunity_fields(spec: dict, today: date, requirements: dict) -> dict:
    commitment = Opportunity.Commitment(spec["commitment"])
    fields = {
        "title": spec["title"],
        "description": spec["description"],
        "commitment": commitment,
        "place": spec.get("place", ""),
        "places": spec.get("places"),
        "requirements": (
            requirements[spec["requirements_ref"]]
            if "requirements_ref" in spec
            else spec.get("requirements", "")
        ),
        "is_open": spec.get("open", True),
        **shared.english(spec),
    }
    times = spec.get("times", [])
    if commitment == Opportunity.Commitment.ONCE:
        day = today + timedelta(days=spec["date_in_days"])
        starts_at = _aware(day, spec["time"])
        fields["starts_at"] = starts_at
        fields["ends_at"] = starts_at + timedelta(hours=spec["hours"])
        times = [_time_of(day, spec["time"])]
    elif commitment == Opportunity.Commitment.REGULAR:
        fields["hours_per_month"] = spec["hours_per_month"]
        fields["weekdays"] = [Opportunity.Weekday(day).value for day in spec["weekdays"]]
    else:
        fields["hours_per_month"] = spec.get("hours_per_month")
    for key in times:
        fields[Opportunity.TIME_FIELDS[key]] = True
    if "signup_deadline_in_days" in spec:
        fields["signup_deadline"] = today + timedelta(days=spec["signup_deadline_in_days"])
    for flag in spec.get("flags", []):
        fields[Opportunity.SUITABILITY_FIELDS[flag]] = True
    return fields


class _Loader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.today = timezone.localdate()
        self.mail_domain = shared.data("site")["mail_domain"]
        self.counts = {
            "topics": 0,
            "skills": 0,
            "projects": 0,
            "images": 0,
            "opportunities": 0,
        }

    def say(self, message: str):
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self) -> dict:
        tags = shared.data("quartiere")
        content = shared.data("projects")
        self.requirements = content["requirements"]
        self.image_credit = content["image_credit"]
        for spec in tags["topics"]:
            _obj, created = Topic.objects.get_or_create(
                slug=spec["slug"],
                defaults={"name": spec["name"], "description": spec["description"]},
            )
            self.counts["topics"] += created
        for spec in tags["skills"]:
            _obj, created = Skill.objects.get_or_create(
                slug=spec["slug"], defaults={"name": spec["name"]}
            )
            self.counts["skills"] += created
        topic_slugs = [spec["slug"] for spec in tags["topics"]]
        skill_slugs = [spec["slug"] for spec in tags["skills"]]
        self.topics = {t.slug: t for t in Topic.objects.filter(slug__in=topic_slugs)}
        self.skills = {s.slug: s for s in Skill.objects.filter(slug__in=skill_slugs)}
        self.quartiere = {q.slug: q for q in Quartier.objects.all()}
        for spec in content["projects"]:
            self.project(spec)
        for spec in content["opportunities"]:
            quartier = self.quartiere.get(spec["quartier"])
            if quartier is None:
                self.say(f"Skipped opportunity {spec['slug']}: no Quartier {spec['quartier']!r}.")
                continue
            self.opportunity(spec, quartier=quartier)
        return self.counts

    def project(self, spec: dict):
        quartier = self.quartiere.get(spec["quartier"])
        if quartier is None:
            self.say(f"Skipped project {spec['slug']}: no Quartier {spec['quartier']!r}.")
            return
        start = spec.get("start_in_days")
        end = spec.get("end_in_days")
        project, created = Project.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "quartier": quartier,
                "title": spec["title"],
                "teaser": spec["teaser"],
                "description": spec["description"],
                "status": Project.Status(spec["status"]),
                "start_date": None if start is None else self.today + timedelta(days=start),
                "end_date": None if end is None else self.today + timedelta(days=end),
                "contact_name": spec["contact_name"],
                "contact_role": spec["contact_role"],
                "contact_email": f"{spec['contact_mailbox']}@{self.mail_domain}",
                "easy_language": spec.get("easy_language", ""),
                "featured": spec.get("featured", False),
                "publication": Publication.DRAFT if spec.get("draft") else Publication.PUBLISHED,
                # Published when it started, or a few days ago for ideas and plans.
                "publish_at": timezone.now() - timedelta(days=-start if start and start < 0 else 3),
            },
        )
        if created:
            self.counts["projects"] += 1
            project.topics.set([self.topics[slug] for slug in spec["topics"]])
            for position, image in enumerate(spec.get("images", [])):
                picture = ProjectImage(
                    project=project,
                    alt_text=shared.MOTIF_ALT_TEXTS[image["motif"]],
                    caption=image["caption"],
                    credit=self.image_credit,
                    position=position,
                )
                picture.image.save(
                    f"{spec['slug']}-{position + 1}.jpg",
                    ContentFile(shared.project_picture(image["motif"], image["seed"])),
                    save=True,
                )
                self.counts["images"] += 1
        for opportunity in spec.get("opportunities", []):
            self.opportunity(opportunity, project=project)

    def opportunity(self, spec: dict, project=None, quartier=None):
        defaults = _opportunity_fields(spec, self.today, self.requirements)
        defaults["project"] = project
        defaults["quartier"] = quartier if project is None else project.quartier
        opportunity, created = Opportunity.objects.get_or_create(
            slug=spec["slug"], defaults=defaults
        )
        shared.add_english(opportunity, spec)
        if created:
            self.counts["opportunities"] += 1
            opportunity.skills.set([self.skills[slug] for slug in spec.get("skills", [])])
            opportunity.topics.set([self.topics[slug] for slug in spec.get("topics", [])])


@transaction.atomic
def load(stdout=None) -> dict:
    """Add the demo topics, skills, projects (with images) and opportunities.

    Returns how many of each were created; a second run returns zeros. Existing rows are
    never changed. Projects whose Quartier is missing are skipped with a note on `stdout`.
    """
    return _Loader(stdout).run()
