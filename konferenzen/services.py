"""Writes of the district conferences that touch several rows: agendas, next dates, minutes."""

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from konferenzen.models import AgendaItem, Meeting

logger = logging.getLogger(__name__)

# Without an earlier meeting to measure the rhythm by: about three months, on the same weekday.
DEFAULT_INTERVAL = timedelta(weeks=13)
# The interval between meetings is measured in whole weeks (same weekday), at least this many.
MIN_INTERVAL_WEEKS = 1


def meeting_unique_slug(*, conference, day, exclude_pk=None, taken=()) -> str:
    """The address of a meeting on `day`: the date (2027-03-09), or the date with "-2", "-3" …
    when the conference already has a meeting with that address (two on one day).

    `taken` holds addresses given away in the same go but not saved yet.
    """
    base = day.strftime("%Y-%m-%d")
    used = set(taken)
    if conference is not None and conference.pk is not None:
        existing = Meeting.objects.filter(conference=conference, slug__startswith=base)
        if exclude_pk is not None:
            existing = existing.exclude(pk=exclude_pk)
        used |= set(existing.values_list("slug", flat=True))
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    return slug


def previous_meeting_with_agenda(meeting):
    """The latest earlier meeting of the same conference that has agenda items, or None."""
    return (
        Meeting.objects.filter(
            conference_id=meeting.conference_id,
            starts_at__lt=meeting.starts_at,
            agenda_items__isnull=False,
        )
        .exclude(pk=meeting.pk)
        .distinct()
        .order_by("-starts_at", "-pk")
        .first()
    )


def meeting_copy_agenda(*, meeting, source=None) -> int:
    """Copy the agenda of `source` to `meeting` and return how many items were copied.

    `source` defaults to the latest earlier meeting of the same conference that has agenda
    items; without one nothing happens (0). Title, description, presenter and planned minutes
    are copied in their order. Items the meeting has already stay first: the copies come
    after them, so copying twice shows every item twice rather than losing anything staff
    typed — the count in the admin message tells them what happened.
    """
    if source is None:
        source = previous_meeting_with_agenda(meeting)
        if source is None:
            return 0
    if source.pk == meeting.pk:
        raise ValueError("A meeting cannot take its agenda from itself.")
    with transaction.atomic():
        items = list(source.agenda_items.order_by("position", "pk"))
        if not items:
            return 0
        last = meeting.agenda_items.aggregate(last=models.Max("position"))["last"]
        # Keep the source's numbering when the agenda is empty; otherwise continue after it.
        shift = 0 if last is None else last + 1 - items[0].position
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                position=item.position + shift,
                title=item.title,
                description=item.description,
                presenter=item.presenter,
                minutes_planned=item.minutes_planned,
            )
            for item in items
        )
    logger.info(
        "meeting %s: %d agenda items copied from meeting %s", meeting.pk, len(items), source.pk
    )
    return len(items)


def next_meeting_start(meeting):
    """When the meeting after `meeting` starts: same weekday and time, one rhythm later.

    The rhythm is the gap to the meeting before, in whole weeks; without one, 13 weeks
    (about three months). The local wall-clock time is kept across daylight-saving changes.
    Never in the past: a date that has passed already moves on by further rhythms.
    """
    before = (
        Meeting.objects.filter(conference_id=meeting.conference_id, starts_at__lt=meeting.starts_at)
        .exclude(pk=meeting.pk)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at", "-pk")
        .first()
    )
    local = timezone.localtime(meeting.starts_at)
    if before is None:
        interval = DEFAULT_INTERVAL
    else:
        gap_days = (local.date() - timezone.localtime(before.starts_at).date()).days
        interval = timedelta(weeks=max(MIN_INTERVAL_WEEKS, round(gap_days / 7)))
    day = local.date() + interval
    today = timezone.localdate()
    while day <= today:
        day += interval
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def meeting_create_next(*, meeting, starts_at=None) -> Meeting:
    """Plan the next meeting after `meeting`, with its agenda, and return it (saved).

    Copied: the conference, venue, room, services (sign language, childcare), registration
    and number of places, the duration, and the agenda items. Not copied: the title (often
    "Spring conference"), registrations, minutes, decisions and action items. The start
    defaults to `next_meeting_start()`; the address is the new date, made unique.
    """
    starts_at = starts_at or next_meeting_start(meeting)
    with transaction.atomic():
        new = Meeting(
            conference=meeting.conference,
            starts_at=starts_at,
            ends_at=starts_at + (meeting.ends_at - meeting.starts_at) if meeting.ends_at else None,
            venue=meeting.venue,
            room=meeting.room,
            sign_language_on_request=meeting.sign_language_on_request,
            childcare=meeting.childcare,
            registration_enabled=meeting.registration_enabled,
            places=meeting.places,
            status=Meeting.Status.PLANNED,
        )
        new.slug = meeting_unique_slug(
            conference=meeting.conference, day=timezone.localtime(starts_at).date()
        )
        new.full_clean()
        new.save()
        if meeting.agenda_items.exists():
            meeting_copy_agenda(meeting=new, source=meeting)
        else:
            meeting_copy_agenda(meeting=new)
    logger.info("meeting %s planned after meeting %s", new.pk, meeting.pk)
    return new


def meeting_publish_minutes(*, meeting, when=None) -> bool:
    """Publish the minutes of a meeting (now, or at `when`); True when this call did it.

    The minutes need a summary or a PDF file, and a cancelled meeting has none: both raise a
    `ValidationError` with a German message for staff. Minutes already published stay with
    their date (False). A planned meeting that has begun counts as held from now on.
    """
    when = when or timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError(
                _("%(meeting)s was cancelled, so it has no minutes."),
                code="cancelled",
                params={"meeting": meeting},
            )
        if not (meeting.minutes_summary.strip() or meeting.minutes_file):
            raise ValidationError(
                _("%(meeting)s has no minutes yet: enter a summary or upload a PDF file."),
                code="no_minutes",
                params={"meeting": meeting},
            )
        if meeting.minutes_published:
            return False
        meeting.minutes_published_at = when
        fields = ["minutes_published_at", "updated_at"]
        if meeting.status == Meeting.Status.PLANNED and meeting.starts_at <= timezone.now():
            meeting.status = Meeting.Status.HELD
            fields.append("status")
        meeting.save(update_fields=fields)
    logger.info("minutes of meeting %s published for %s", meeting.pk, when.isoformat())
    return True
