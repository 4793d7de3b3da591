"""iCalendar (RFC 5545) for the portal's dates: feeds, single-event downloads, mail attachments.

A model whose records are dates (a meeting, a dated opportunity) implements `CalendarTarget`:
`calendar_event()` describes the record as a `CalendarEvent` (None when it has no date) and
`get_calendar_url()` is the path of its .ics download. Everything here is generic and imports
no app; what the event says (title, place, description) is the model's business.

Calendars match events by UID and take a change only when SEQUENCE rises. So the UID is the
record's own UUID with the portal's host from `SITE_URL` (never the request's host, which
differs between www and the bare domain or behind a proxy), and SEQUENCE is a revision counter
the model raises when date, place or status change. Cancelled events stay in feeds as
STATUS:CANCELLED: a calendar that already holds the event then strikes or removes it.

Times are written as wall-clock times of `TIME_ZONE` (Europe/Berlin) with a VTIMEZONE in the
same file, so no calendar has to know the zone by name.
"""

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, quote_etag
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration

PRODID = "-//Engagierte Stadt//Portal//DE"
# How long browsers and proxies may keep a calendar file.
CACHE_SECONDS = 15 * 60
# A single event sent by e-mail: METHOD:PUBLISH, so mail programs offer "add to calendar"
# instead of treating it as an invitation that expects an answer.
ATTACHMENT_FILENAME = "termin.ics"
ATTACHMENT_MIMETYPE = "text/calendar; method=PUBLISH; charset=utf-8"


# --- addresses and time ---------------------------------------------------------------------


def portal_url(path: str = "") -> str:
    """The absolute address of `path` on the portal (`SITE_URL`)."""
    return settings.SITE_URL + path


def uid_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def event_uid(uid: uuid.UUID | str) -> str:
    """An event's UID: the record's UUID at the portal's host, the same for its whole life."""
    return f"{uid}@{uid_host()}"


def portal_timezone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local(dt: datetime) -> datetime:
    """`dt` as wall-clock time of the portal's time zone (not of the active one)."""
    return dt.astimezone(portal_timezone())


# --- what a model provides ------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEvent:
    """One date as a calendar shows it. `url` and links in `description` are absolute."""

    uid: uuid.UUID | str
    starts_at: datetime
    ends_at: datetime
    summary: str
    url: str
    sequence: int = 0
    location: str = ""
    description: str = ""
    cancelled: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None


@runtime_checkable
class CalendarTarget(Protocol):
    """A record that can be a date in a calendar (a meeting, a dated opportunity)."""

    def calendar_event(self) -> CalendarEvent | None:
        """The record as an event, or None when it has no date."""

    def get_calendar_url(self) -> str:
        """The path of the record's .ics download (only used when it has an event)."""


def target_event(target) -> CalendarEvent | None:
    """The event of `target` if it is a `CalendarTarget` with a date, else None."""
    if isinstance(target, CalendarTarget):
        return target.calendar_event()
    return None


# --- building -------------------------------------------------------------------------------


def build_event(event: CalendarEvent, *, stamp: datetime | None = None) -> Event:
    """One VEVENT. DTSTAMP is the last change unless `stamp` is given: RFC 5545 asks for that
    in calendars without METHOD, and it keeps an unchanged feed byte-identical (its ETag holds).
    """
    summary = event.summary
    if event.cancelled:
        # Some calendars ignore STATUS and would keep showing the date as if nothing happened.
        summary = _("Cancelled: %(title)s") % {"title": summary}
    return Event.new(
        uid=event_uid(event.uid),
        stamp=stamp or event.updated_at or timezone.now(),
        created=event.created_at,
        last_modified=event.updated_at,
        start=local(event.starts_at),
        end=local(event.ends_at),
        sequence=event.sequence,
        summary=summary,
        location=event.location or None,
        description=event.description or None,
        url=event.url,
        status="CANCELLED" if event.cancelled else "CONFIRMED",
    )


def timezone_range(events: Iterable[CalendarEvent]) -> tuple[date, date]:
    """Years covering every event and today, for the VTIMEZONE's list of transitions."""
    today = timezone.localdate()
    events = list(events)
    first = min([local(e.starts_at).date() for e in events] + [today])
    last = max([local(e.ends_at).date() for e in events] + [today])
    return date(first.year - 1, 1, 1), date(last.year + 2, 1, 1)


def build_calendar(
    events: Iterable[CalendarEvent],
    *,
    prodid: str = PRODID,
    name: str | None = None,
    key: str | None = None,
    refresh_interval: timedelta | None = None,
    method: str | None = None,
) -> Calendar:
    """A VCALENDAR with the portal's time zone and one VEVENT per event.

    A feed passes `name` (shown as the calendar's name), `key` (names the feed in the
    calendar's UID, the same between fetches) and `refresh_interval` (how often to fetch).
    A single date to import passes none of them: some programs (Outlook) open a file with a
    calendar name as a calendar of its own instead of adding the date to the user's calendar.
    `method` (PUBLISH for a mail attachment) makes DTSTAMP the time the file is made.
    """
    events = list(events)
    calendar = Calendar.new(
        prodid=prodid,
        name=name,
        uid=f"{key}@{uid_host()}" if key else None,
        refresh_interval=refresh_interval,
        method=method,
    )
    if not key:
        # `Calendar.new()` makes up a random one, which would change the file on every request.
        calendar.pop("UID", None)
    if name:
        calendar.add("X-WR-TIMEZONE", settings.TIME_ZONE)
    if refresh_interval:
        calendar.add("X-PUBLISHED-TTL", vDuration(refresh_interval))
    first, last = timezone_range(events)
    # Always there, also for an empty feed: a feed names it in X-WR-TIMEZONE.
    calendar.add_component(Timezone.from_tzid(settings.TIME_ZONE, first_date=first, last_date=last))
    stamp = timezone.now() if method else None
    for event in events:
        calendar.add_component(build_event(event, stamp=stamp))
    return calendar


def calendar_response(
    request, calendar: Calendar, *, filename: str | None = None, max_age: int = CACHE_SECONDS
) -> HttpResponse:
    """The calendar as text/calendar, cacheable for a while, with an ETag so that calendars
    polling an unchanged feed get a 304 without the body."""
    body = calendar.to_ical()
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def event_attachment(event: CalendarEvent, *, prodid: str = PRODID) -> tuple[str, str, str]:
    """The event as a mail attachment: (file name, content, MIME type) for
    `send_mail_template(attachments=...)`."""
    calendar = build_calendar([event], prodid=prodid, method="PUBLISH")
    return ATTACHMENT_FILENAME, calendar.to_ical().decode(), ATTACHMENT_MIMETYPE


def target_attachment(target) -> tuple[str, str, str] | None:
    """The .ics attachment of `target` in the portal's language, None when it has no date."""
    with translation.override(settings.LANGUAGE_CODE):
        event = target_event(target)
        return event_attachment(event) if event is not None else None
