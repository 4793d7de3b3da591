"""The staff roles as data: which permissions each role (a Django group) starts with.

`manage.py setup_roles` creates the groups from this table; afterwards Administration edits
them in the admin (Benutzer und Gruppen). Which Quartiere an editor works on is not part of a
role but of their assignments (`quartiere.QuartierAssignment`, see `admin_scope`).

- Redaktion: all public content of all Quartiere, no personal data (every model on the
  submission engine is left out, whatever app it is in), no users, roles or site settings.
- Quartiersentwicklung: projects, opportunities, sign-ups, conferences, meetings,
  registrations and wishes, only of the Quartiere assigned to the editor; may hand them on
  to a colleague (Vertretung).
- Administration: users, roles, assignments and site settings, the access log of personal
  data (ids only); no content, no personal data.
- Partnerorganisation: the contact of a partner organisation, made an editor of exactly
  their own opportunities by an assignment to the partner (`partner.PartnerAssignment`):
  view and change those opportunities, see, enter and export their sign-ups; nothing else.

Models are named by label, so this module imports no app.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from engagierte_stadt.submissions.submission import SubmissionBase

REDAKTION = "Redaktion"
QUARTIERSENTWICKLUNG = "Quartiersentwicklung"
ADMINISTRATION = "Administration"
PARTNERORGANISATION = "Partnerorganisation"

ALL = ("view", "add", "change", "delete")

CONTENT_APPS = ("engagierte_stadt", "quartiere", "konferenzen", "partner", "ideen")
# Models of the content apps that belong to Administration, not to Redaktion.
ADMINISTRATION_MODELS = {
    "engagierte_stadt.sitesettings": ("view", "change"),
    "quartiere.quartierassignment": ALL,
    "auth.user": ALL,
    "auth.group": ALL,
    # Locked logins (django-axes): look and unlock by deleting the entry.
    "axes.accessattempt": ("view", "delete"),
    # Second factor: see who has an app; deleting it lets a person with a lost phone set up a
    # new one. Recovery codes are nobody's to see (listed so that Redaktion gets none).
    "engagierte_stadt.authenticatorapp": ("view", "delete"),
    "engagierte_stadt.recoverycodedevice": (),
    "engagierte_stadt.recoverycode": (),
    # The access log of personal data (read-only for everyone; who looked at what, by id).
    "engagierte_stadt.personaldataaccess": ("view",),
    # Everybody's weekly digest: on or off, last sent (each staff member changes their own).
    "engagierte_stadt.editordigest": ("view", "change"),
    # Which partner organisation's contact works on that partner's opportunities.
    "partner.partnerassignment": ALL,
}

QUARTIERSENTWICKLUNG_MODELS = {
    "quartiere.quartier": ("view", "change"),
    "quartiere.project": ALL,
    "quartiere.projectimage": ALL,
    "quartiere.opportunity": ALL,
    "quartiere.signup": ALL,
    "quartiere.topic": ("view",),
    "quartiere.skill": ("view",),
    # Vertretung: see one's assignments, hand them on, end one's own delegations early.
    "quartiere.quartierassignment": ("view", "add", "delete"),
    "konferenzen.conference": ALL,
    "konferenzen.meeting": ALL,
    "konferenzen.agendaitem": ALL,
    "konferenzen.decision": ALL,
    "konferenzen.actionitem": ALL,
    "konferenzen.registration": ALL,
    "konferenzen.conferencewish": ("view", "change"),
    "konferenzen.venue": ("view", "add"),
    "partner.partner": ("view",),
    # Ideas of their Quartiere: moderate them (each step through the change page).
    "ideen.idea": ("view", "change"),
    "ideen.ideastatuschange": ("view",),
}

# Which opportunities: those of the partner's projects (`admin_scope`, `opportunity_path`).
PARTNERORGANISATION_MODELS = {
    "quartiere.opportunity": ("view", "change"),
    "quartiere.signup": ("view", "add", "change"),
}

ALL_QUARTIERE = ("quartiere", "work_in_all_quartiere")


def _model_q(label: str, actions) -> Q:
    app_label, model_name = label.split(".")
    return Q(
        content_type__app_label=app_label,
        content_type__model=model_name,
        codename__in=[f"{action}_{model_name}" for action in actions],
    )


def personal_data_models() -> list[str]:
    """Labels of every model that holds personal data (stands on the submission engine)."""
    return [
        model._meta.label_lower
        for model in apps.get_models()
        if issubclass(model, SubmissionBase) and not model._meta.abstract
    ]


def redaktion_permissions():
    excluded = Q()
    for label in [*personal_data_models(), *ADMINISTRATION_MODELS]:
        app_label, model_name = label.split(".")
        excluded |= Q(content_type__app_label=app_label, content_type__model=model_name)
    content = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS).exclude(excluded)
    all_quartiere = Permission.objects.filter(
        content_type__app_label=ALL_QUARTIERE[0], codename=ALL_QUARTIERE[1]
    )
    return content | all_quartiere


def _permissions(models: dict):
    query = Q(pk__in=[])
    for label, actions in models.items():
        query |= _model_q(label, actions)
    return Permission.objects.filter(query)


ROLES = {
    REDAKTION: redaktion_permissions,
    QUARTIERSENTWICKLUNG: lambda: _permissions(QUARTIERSENTWICKLUNG_MODELS),
    ADMINISTRATION: lambda: _permissions(ADMINISTRATION_MODELS),
    PARTNERORGANISATION: lambda: _permissions(PARTNERORGANISATION_MODELS),
}


def setup_roles(*, reset: bool = False) -> dict[str, str]:
    """Create the role groups with their permissions. A role that exists keeps the
    permissions Administration gave it, unless `reset` sets it back to this table.

    Returns what happened to each role: "created", "reset" or "kept".
    """
    report = {}
    for name, permissions in ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        if created or reset:
            group.permissions.set(permissions().distinct())
            report[name] = "created" if created else "reset"
        else:
            report[name] = "kept"
    return report
