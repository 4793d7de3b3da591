"""Calendar data of the district conferences: iCalendar feeds (RFC 5545), a single meeting's
.ics download, and the schema.org Event data of the meeting page. How a calendar file is built
is shared (`engagierte_stadt.ical`); what a meeting's event says is here.

Subscribed calendars match events by UID and take a change only when SEQUENCE rises. So the
UID is the meeting's own UUID with the portal's host from `SITE_URL` (never the request's
host, which differs between www and the bare domain or behind a proxy), and SEQUENCE is the
meeting's revision counter, which `Meeting.save()` raises when date, place or status change.
Cancelled meetings stay in the feeds as STATUS:CANCELLED: a calendar that already holds the
event then strikes or removes it, while an event that silently disappears from a feed stays
in many calendars for good.

All links point to `SITE_URL`, the address that is printed on notices and flyers.
"""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from engagierte_stadt.ical import (
    CalendarEvent,
    build_calendar,
    calendar_response,
    event_uid,
    local,
    portal_url,
)
from engagierte_stadt.models import SiteSettings
from konferenzen.models import Conference, Meeting
from quartiere.models import Quartier

# Feeds list meetings from this long ago onwards: enough for "when was the last one?",
# while the size of a feed that calendars fetch every few hours stays bounded.
FEED_HISTORY = timedelta(days=365)
# How often calendars should fetch a feed.
REFRESH_INTERVAL = timedelta(hours=6)
PRODID = "-//Engagierte Stadt//Stadtteilkonferenzen//DE"


# --- addresses ------------------------------------------------------------------------------


def meeting_uid(meeting) -> str:
    """The event's UID: the same for the meeting's whole life, whatever changes about it."""
    return event_uid(meeting.uid)


def meeting_page_url(meeting) -> str:
    return portal_url(meeting.get_absolute_url())


# --- texts shared by the feed, the download and the JSON-LD ---------------------------------


def meeting_summary(meeting) -> str:
    """The conference's title, and the meeting's own title if it has one."""
    conference = meeting.conference.in_language("title")
    title = meeting.in_language("title")
    return f"{conference}: {title}" if title else conference


def meeting_location(meeting) -> str:
    """Venue, room and address on one line, as calendars show it."""
    parts = []
    if meeting.venue is not None:
        parts.append(meeting.venue.name)
    if meeting.room:
        parts.append(meeting.room)
    if meeting.venue is not None:
        parts.append(meeting.venue.address)
    return ", ".join(parts)


def accessibility_text(meeting) -> str:
    """What the place and the meeting offer, e.g. "Stufenloser Zugang, Kinderbetreuung."."""
    labels = [str(label) for label in meeting.accessibility_labels]
    text = ", ".join(labels)
    if text:
        text = text[0].upper() + text[1:] + "."
    if meeting.venue is not None and meeting.venue.accessibility_note:
        text = f"{text} {meeting.venue.accessibility_note.strip()}".strip()
    return text


def agenda_titles(meeting) -> list[str]:
    """The agenda in order (from `agenda_items`, prefetched by the views)."""
    return [item.title for item in meeting.agenda_items.all()]


def meeting_description(meeting) -> str:
    """The plain-text body of a calendar event: agenda, accessibility, registration, link."""
    blocks = []
    if meeting.is_cancelled:
        blocks.append(_("This meeting has been cancelled."))
    titles = agenda_titles(meeting)
    if titles:
        lines = [_("Agenda:")]
        lines += [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
        blocks.append("\n".join(lines))
    accessibility = accessibility_text(meeting)
    if accessibility:
        blocks.append(_("Accessibility: %(text)s") % {"text": accessibility})
    if not meeting.is_cancelled:
        if meeting.registration_enabled:
            blocks.append(_("Please register on the meeting's page."))
        else:
            blocks.append(_("Just come along, no registration needed."))
    blocks.append(_("All information: %(url)s") % {"url": meeting_page_url(meeting)})
    return "\n\n".join(blocks)


# --- iCalendar ------------------------------------------------------------------------------


def calendar_meetings():
    """The meetings with everything an event needs, in two queries (meetings, agenda)."""
    return (
        Meeting.objects.select_related("conference__quartier", "venue")
        .prefetch_related("agenda_items")
        .order_by("starts_at", "pk")
    )


def feed_meetings(now=None):
    """`calendar_meetings()` limited to the feed window (`FEED_HISTORY` back from now)."""
    now = now or timezone.now()
    return calendar_meetings().filter(starts_at__gte=now - FEED_HISTORY)


def meeting_calendar_event(meeting) -> CalendarEvent:
    """The meeting as a calendar event (`Meeting.calendar_event()`, the feeds, the mails)."""
    return CalendarEvent(
        uid=meeting.uid,
        starts_at=meeting.starts_at,
        ends_at=meeting.end,
        summary=meeting_summary(meeting),
        url=meeting_page_url(meeting),
        sequence=meeting.sequence,
        location=meeting_location(meeting),
        description=meeting_description(meeting),
        cancelled=meeting.is_cancelled,
        created_at=meeting.created_at,
        updated_at=meeting.updated_at,
    )


def meetings_calendar(meetings, *, name: str, key: str):
    """A feed named `name` with one event per meeting; `key` names it in the calendar's UID."""
    return build_calendar(
        [meeting_calendar_event(meeting) for meeting in meetings],
        prodid=PRODID,
        name=name,
        key=key,
        refresh_interval=REFRESH_INTERVAL,
    )


def meeting_filename(meeting) -> str:
    """stadtteilkonferenz-<conference>-<date>.ics, without saying "stadtteilkonferenz" twice
    when the conference's address starts with it already."""
    name = meeting.conference.slug
    if not name.startswith("stadtteilkonferenz"):
        name = f"stadtteilkonferenz-{name}"
    return f"{name}-{local(meeting.starts_at):%Y-%m-%d}.ics"


# --- views ----------------------------------------------------------------------------------


@require_safe
def all_meetings_feed(request):
    """Every conference's meetings: /stadtteilkonferenzen/kalender.ics."""
    city = SiteSettings.load().city_name
    name = _("District conferences %(city)s") % {"city": city}
    return calendar_response(request, meetings_calendar(feed_meetings(), name=name, key="alle"))


@require_safe
def quartier_feed(request, slug):
    """The meetings of the conferences of a Quartier and of its neighbourhoods."""
    quartier = get_object_or_404(Quartier, slug=slug)
    name = _("District conferences %(quartier)s") % {"quartier": quartier.name}
    calendar = meetings_calendar(
        feed_meetings().in_quartier(quartier), name=name, key=f"quartier-{quartier.pk}"
    )
    return calendar_response(request, calendar)


@require_safe
def conference_feed(request, slug):
    conference = get_object_or_404(Conference, slug=slug)
    calendar = meetings_calendar(
        feed_meetings().filter(conference=conference),
        name=conference.title,
        key=f"konferenz-{conference.pk}",
    )
    return calendar_response(request, calendar)


@require_safe
def meeting_ics(request, conference, slug):
    """One meeting as a file to add to a calendar (any date, also older than the feeds)."""
    meeting = get_object_or_404(calendar_meetings(), conference__slug=conference, slug=slug)
    calendar = meetings_calendar(
        [meeting], name=meeting.conference.title, key=f"termin-{meeting.uid}"
    )
    return calendar_response(request, calendar, filename=meeting_filename(meeting))


# --- schema.org -----------------------------------------------------------------------------

SCHEMA = "https://schema.org/"


def meeting_event_data(meeting, *, organiser_fallback: str = "") -> dict:
    """The meeting as a schema.org Event, for the JSON-LD block of its page."""
    location = {"@type": "Place"}
    if meeting.venue is not None:
        venue = meeting.venue
        location["name"] = ", ".join(part for part in (venue.name, meeting.room) if part)
        location["address"] = {
            "@type": "PostalAddress",
            "streetAddress": venue.street,
            "postalCode": venue.postcode,
            "addressLocality": venue.city,
            "addressCountry": "DE",
        }
    else:
        location["name"] = meeting.room or meeting.conference.quartier.name
    titles = agenda_titles(meeting)
    if titles:
        description = _("Agenda: %(items)s") % {"items": "; ".join(titles)}
    else:
        description = meeting.conference.in_language("description")
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting_summary(meeting),
        "startDate": local(meeting.starts_at).isoformat(),
        "endDate": local(meeting.end).isoformat(),
        "eventStatus": SCHEMA + ("EventCancelled" if meeting.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": location,
        "isAccessibleForFree": True,
        "inLanguage": "de",
        "url": meeting_page_url(meeting),
    }
    if description:
        data["description"] = Truncator(description).chars(500)
    organiser = meeting.conference.organiser or organiser_fallback
    if organiser:
        data["organizer"] = {"@type": "Organization", "name": organiser}
    return data
