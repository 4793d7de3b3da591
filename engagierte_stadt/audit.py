"""Audit: who changed what, and who looked at whose personal data — without keeping either.

Two logs, both free of volunteers' names and addresses, so that the purge of personal data
(`manage.py purge_personal_data`) leaves nothing behind:

- Who changed what: Django's admin log (`LogEntry`, "Neueste Aktionen" and the history
  pages). For a model holding personal data (every model on the submission engine, see
  `submission_models()`) the admin writes an id instead of the row's name ("Anmeldung #42"):
  `PersonalDataAdminMixin` replaces the three places where a ModelAdmin writes its log.
  The purge rewrites older entries of such rows the same way (`admin_log_scrub`).
- Who looked: `PersonalDataAccess`, one row per access of staff to personal data (a detail
  page in the admin, a search in a personal-data list, a CSV export, the attendance list)
  with the user, the time, the model and the ids of the rows. A search term is stored only as
  a keyed hash (HMAC under the SECRET_KEY): one can check whether somebody searched for a
  given address, but not read what was searched. Kept `ACCESS_LOG_RETENTION_DAYS`, then
  deleted by `manage.py purge_access_log` (a job of `run_jobs`).

This module imports no app.
"""

import json
import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from engagierte_stadt.models import PersonalDataAccess
from engagierte_stadt.submissions.submission import SubmissionBase, submission_models

logger = logging.getLogger(__name__)

SEARCH_SALT = "engagierte_stadt.audit.search"


def holds_personal_data(model) -> bool:
    """Whether rows of `model` hold personal data (it stands on the submission engine)."""
    return issubclass(model, SubmissionBase) and not model._meta.abstract


def id_repr(model, pk) -> str:
    """What the logs call a row of personal data: its kind and id, never its name."""
    return f"{model._meta.verbose_name} #{pk}"


# --- who changed what (Django's admin log) -------------------------------------------------


def log_admin_actions(*, user_id, objects: Iterable, action_flag: int, change_message="") -> list:
    """Admin log entries for rows of personal data, named by id (`id_repr`).

    Django's change message names the fields that changed, never their values.
    """
    if isinstance(change_message, list):
        change_message = json.dumps(change_message)
    entries = [
        LogEntry(
            user_id=user_id,
            content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
            object_id=str(obj.pk),
            object_repr=id_repr(type(obj), obj.pk)[:200],
            action_flag=action_flag,
            change_message=change_message,
        )
        for obj in objects
    ]
    for entry in entries:
        entry.save()
    return entries


def admin_log_scrub() -> int:
    """Rename every admin log entry of a personal-data row to its id (`id_repr`): entries
    written before the admin named rows by id, or by code that wrote `str(row)`.
    Returns how many changed; 0 on a second run."""
    changed = []
    for model in submission_models():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        entries = LogEntry.objects.filter(content_type=content_type).only(
            "pk", "object_id", "object_repr"
        )
        for entry in entries.iterator():
            wanted = id_repr(model, entry.object_id)[:200]
            if entry.object_repr != wanted:
                entry.object_repr = wanted
                changed.append(entry)
    LogEntry.objects.bulk_update(changed, ["object_repr"], batch_size=500)
    if changed:
        logger.info("%d admin log entries of personal data renamed to ids", len(changed))
    return len(changed)


# --- who looked (the access log) ------------------------------------------------------------


def search_digest(term: str) -> str:
    """A keyed hash of a search term, the same for the same words in any case and spacing."""
    normalised = " ".join(term.split()).casefold()
    return salted_hmac(SEARCH_SALT, normalised, algorithm="sha256").hexdigest()


def access_record(
    *,
    request,
    kind: str,
    model,
    ids: Iterable = (),
    count: int | None = None,
    search_term: str = "",
) -> PersonalDataAccess:
    """Record that the user of `request` accessed rows of personal data of `model`."""
    ids = list(ids)
    user = getattr(request, "user", None)
    return PersonalDataAccess.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        model_label=model._meta.label,
        object_ids=ids,
        count=len(ids) if count is None else count,
        search_digest=search_digest(search_term) if search_term else "",
    )


def access_log_prune(*, now=None, days: int | None = None) -> int:
    """Delete access log rows older than `days` (default `ACCESS_LOG_RETENTION_DAYS`)."""
    if days is None:
        days = settings.ACCESS_LOG_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    with transaction.atomic():
        count, _per_model = PersonalDataAccess.objects.filter(at__lt=cutoff).delete()
    if count:
        logger.info("%d access log rows older than %d days deleted", count, days)
    return count


class PersonalDataAdminMixin:
    """For the ModelAdmin of a model holding personal data (put it before `ModelAdmin`).

    Writes the admin log by id (`id_repr`), and records in the access log every detail page
    opened and every search (its term only as a keyed hash). For a model without personal
    data it changes nothing. CSV exports record themselves (`submissions.admin.csv_response`).
    """

    def _audited(self) -> bool:
        return holds_personal_data(self.model)

    def log_addition(self, request, obj, message):
        if not self._audited():
            return super().log_addition(request, obj, message)
        return log_admin_actions(
            user_id=request.user.pk, objects=[obj], action_flag=ADDITION, change_message=message
        )[0]

    def log_change(self, request, obj, message):
        if not self._audited():
            return super().log_change(request, obj, message)
        return log_admin_actions(
            user_id=request.user.pk, objects=[obj], action_flag=CHANGE, change_message=message
        )[0]

    def log_deletions(self, request, queryset):
        if not self._audited():
            return super().log_deletions(request, queryset)
        return log_admin_actions(
            user_id=request.user.pk, objects=list(queryset), action_flag=DELETION
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if self._audited() and change and obj is not None and obj.pk is not None:
            access_record(
                request=request, kind=PersonalDataAccess.Kind.VIEW, model=self.model, ids=[obj.pk]
            )
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if self._audited() and search_term.strip():
            # Which rows matched is not stored: reading them would cost a query per search;
            # the hash of the term answers "did anyone search for this address?".
            access_record(
                request=request,
                kind=PersonalDataAccess.Kind.SEARCH,
                model=self.model,
                search_term=search_term,
            )
        return queryset, may_have_duplicates
