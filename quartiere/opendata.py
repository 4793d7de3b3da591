"""The open data sets of projects and opportunities (see `engagierte_stadt.opendata`)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.opendata import (
    BOOLEAN,
    DATE,
    DATETIME,
    INTEGER,
    LIST,
    TEXT,
    URL,
    Dataset,
    Field,
    iso,
    register,
)
from quartiere.models import Opportunity, Project, ProjectImage

CONTACT_FIELDS = [
    Field("contactName", TEXT, _("Contact person, only if shown on the page.")),
    Field("contactRole", TEXT, _("Role of the contact person, only if shown on the page.")),
    Field("contactEmail", TEXT, _("Contact e-mail address, only if shown on the page.")),
    Field("contactPhone", TEXT, _("Contact phone number, only if shown on the page.")),
]


def contact_values(obj) -> dict:
    """The contact as the page shows it: only the parts staff chose to publish."""
    public = obj.public_contact
    return {
        "contactName": public["name"] or None,
        "contactRole": public["role"] or None,
        "contactEmail": public["email"] or None,
        "contactPhone": public["phone"] or None,
    }


@register
class ProjectDataset(Dataset):
    slug = "projekte"
    title = _("Projects")
    description = _("The published neighbourhood projects with district, topics and status.")
    ORDER = 10
    FIELDS = [
        Field("id", INTEGER, _("Stable number of the project.")),
        Field("url", URL, _("Address of the project's page.")),
        Field("title", TEXT, _("Title.")),
        Field("teaser", TEXT, _("Short description.")),
        Field("description", TEXT, _("Description (Markdown).")),
        Field("status", TEXT, _("idee, geplant, laeuft or abgeschlossen.")),
        Field("quartier", TEXT, _("District or neighbourhood.")),
        Field("topics", LIST, _("Topics.")),
        Field("startDate", DATE, _("Start.")),
        Field("endDate", DATE, _("End.")),
        *CONTACT_FIELDS,
        Field("image", URL, _("Address of the first picture, if any.")),
        Field("published", DATETIME, _("Publication date.")),
        Field("modified", DATETIME, _("Last change.")),
    ]

    def queryset(self):
        return (
            Project.objects.published()
            .select_related("quartier")
            .prefetch_related(
                "topics",
                Prefetch(
                    "images",
                    queryset=ProjectImage.objects.order_by("position", "pk"),
                    to_attr="gallery",
                ),
            )
            .order_by("pk")
        )

    def row(self, obj, absolute):
        cover = obj.cover
        return {
            "id": obj.pk,
            "url": absolute(obj.get_absolute_url()),
            "title": obj.title,
            "teaser": obj.teaser,
            "description": obj.description,
            "status": obj.status,
            "quartier": obj.quartier.name,
            "topics": [topic.name for topic in obj.topics.all()],
            "startDate": iso(obj.start_date),
            "endDate": iso(obj.end_date),
            **contact_values(obj),
            "image": absolute(cover.image.url) if cover else None,
            "published": iso(obj.publish_at),
            "modified": iso(obj.updated_at),
        }


@register
class OpportunityDataset(Dataset):
    slug = "mitmachen"
    title = _("Opportunities")
    description = _("The published ways to get involved, with time, place and requirements.")
    ORDER = 20
    FIELDS = [
        Field("id", INTEGER, _("Stable number of the opportunity.")),
        Field("url", URL, _("Address of the opportunity's page.")),
        Field("title", TEXT, _("Title.")),
        Field("description", TEXT, _("What volunteers do (Markdown).")),
        Field("project", INTEGER, _("Number of the project (data set projekte), if any.")),
        Field("quartier", TEXT, _("District or neighbourhood.")),
        Field("commitment", TEXT, _("einmalig, regelmaessig or flexibel.")),
        Field("startDate", DATETIME, _("Date and time (one-off) or first date.")),
        Field("endDate", DATETIME, _("End.")),
        Field("hoursPerMonth", INTEGER, _("About how many hours a month.")),
        Field("place", TEXT, _("Place.")),
        Field("places", INTEGER, _("Number of places; empty for unlimited.")),
        Field("signupDeadline", DATE, _("Sign-up deadline.")),
        Field("isOpen", BOOLEAN, _("Open for sign-ups.")),
        Field("topics", LIST, _("The offer's own topics.")),
        Field("skills", LIST, _("Skills and interests.")),
        Field("suitableFor", LIST, _("youth, families, seniors, no_german, step_free.")),
        Field("requirements", TEXT, _("Requirements.")),
        *CONTACT_FIELDS,
        Field("published", DATETIME, _("First published.")),
        Field("modified", DATETIME, _("Last change.")),
    ]

    def queryset(self):
        return (
            Opportunity.objects.published()
            .select_related("quartier")
            .prefetch_related("topics", "skills")
            .order_by("pk")
        )

    def row(self, obj, absolute):
        return {
            "id": obj.pk,
            "url": absolute(obj.get_absolute_url()),
            "title": obj.title,
            "description": obj.description,
            "project": obj.project_id,
            "quartier": obj.quartier.name if obj.quartier_id else None,
            "commitment": obj.commitment,
            "startDate": iso(obj.starts_at),
            "endDate": iso(obj.ends_at),
            "hoursPerMonth": obj.hours_per_month,
            "place": obj.place,
            "places": obj.places,
            "signupDeadline": iso(obj.signup_deadline),
            "isOpen": obj.is_open,
            "topics": [topic.name for topic in obj.topics.all()],
            "skills": [skill.name for skill in obj.skills.all()],
            "suitableFor": [
                key for key, name in Opportunity.SUITABILITY_FIELDS.items() if getattr(obj, name)
            ],
            "requirements": obj.requirements,
            **contact_values(obj),
            "published": iso(obj.published_at),
            "modified": iso(obj.updated_at),
        }
