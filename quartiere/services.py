"""Writes about the responsibility for Quartiere: delegations (Vertretung) and their log."""

from datetime import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from quartiere.models import Quartier, QuartierAssignment


def delegable_quartiere(user, now: datetime | None = None):
    """The Quartiere `user` may hand on: those of their own current assignments (given by
    Administration). Rights received as a Vertretung are not handed on further."""
    own = user.quartier_assignments.current(now).own()
    return Quartier.objects.filter(pk__in=own.values("quartier_id"))


def delegation_latest_end(*, user, quartier, now: datetime | None = None) -> datetime | None:
    """The latest end of a Vertretung of `quartier` by `user`: their own assignment's end
    (None: no limit). A colleague never keeps rights longer than the one who gave them."""
    own = user.quartier_assignments.current(now).own().filter(quartier=quartier)
    ends = list(own.values_list("valid_until", flat=True))
    if not ends or None in ends:
        return None
    return max(ends)


@transaction.atomic
def assignment_delegate(
    *, delegator, delegate, quartier, valid_until: datetime, now: datetime | None = None
) -> QuartierAssignment:
    """Hand `delegator`'s rights for `quartier` to `delegate` until `valid_until`.

    The rights lapse by themselves at `valid_until` (the admin compares it with the clock on
    every request); no job has to remove them. Raises ValidationError when the delegator holds
    no own current assignment of the Quartier or the date lies outside it.
    """
    now = now or timezone.now()
    if delegate.pk == delegator.pk:
        raise ValidationError(gettext("You cannot hand your rights to yourself."))
    if not delegable_quartiere(delegator, now).filter(pk=quartier.pk).exists():
        raise ValidationError(gettext("You are not responsible for this district yourself."))
    if valid_until <= now:
        raise ValidationError(gettext("The end must lie in the future."))
    latest = delegation_latest_end(user=delegator, quartier=quartier, now=now)
    if latest is not None and valid_until > latest:
        raise ValidationError(
            gettext("Your own responsibility ends on %(date)s; the delegation cannot last longer.")
            % {"date": timezone.localtime(latest).strftime("%d.%m.%Y %H:%M")}
        )
    return QuartierAssignment.objects.create(
        user=delegate, quartier=quartier, valid_until=valid_until, delegated_by=delegator
    )


@transaction.atomic
def assignments_log_lapsed(now: datetime | None = None) -> int:
    """Write the lapse of every assignment whose end has passed into the admin history.

    The entry carries the moment of the lapse (not the moment it was written down) and names
    only staff accounts and the Quartier, no volunteer. Safe to call any time: each lapse is
    logged once. Returns how many were logged.
    """
    now = now or timezone.now()
    lapsed = list(
        # Locked, so two requests at once do not log one lapse twice; only the assignment
        # rows (the Quartier may be missing: the whole town).
        QuartierAssignment.objects.select_for_update(of=("self",))
        .lapsed(now)
        .filter(lapse_logged_at__isnull=True)
        .select_related("user", "quartier")
        .order_by("pk")
    )
    if not lapsed:
        return 0
    content_type = ContentType.objects.get_for_model(QuartierAssignment)
    LogEntry.objects.bulk_create(
        LogEntry(
            action_time=assignment.valid_until,
            user_id=assignment.delegated_by_id or assignment.user_id,
            content_type=content_type,
            object_id=str(assignment.pk),
            object_repr=str(assignment)[:200],
            action_flag=CHANGE,
            change_message=gettext("The rights lapsed at the end of their validity."),
        )
        for assignment in lapsed
    )
    QuartierAssignment.objects.filter(pk__in=[a.pk for a in lapsed]).update(lapse_logged_at=now)
    return len(lapsed)


@transaction.atomic
def assignments_end_now(*, assignments, now: datetime | None = None) -> int:
    """End current assignments at once (valid until now); the lapse is logged as usual."""
    now = now or timezone.now()
    ids = [a.pk for a in assignments if a.is_current(now)]
    QuartierAssignment.objects.filter(pk__in=ids).update(valid_until=now)
    assignments_log_lapsed(now)
    return len(ids)
