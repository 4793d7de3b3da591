"""A dated opportunity as a calendar event: its .ics download and what the event says.

Only one-off opportunities with a date (`Opportunity.has_date`) are events; regular and
flexible ones have no single date to put into a calendar. The file itself is built by
`engagierte_stadt.ical` (UID from the opportunity's `uid`, SEQUENCE from its `sequence`).
Opportunities have no cancelled state, so their events are always CONFIRMED.

All links point to `SITE_URL`, the address that is printed on posters and flyers.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from engagierte_stadt.ical import (
    CalendarEvent,
    build_calendar,
    calendar_response,
    local,
    portal_url,
)
from quartiere.models import Opportunity

# The description is Markdown that can be long; a calendar shows a preview and the link.
DESCRIPTION_CHARS = 1000


def opportunity_page_url(opportunity) -> str:
    return portal_url(opportunity.get_absolute_url())


def opportunity_description(opportunity) -> str:
    """The plain-text body of the event: what you do, whether sign-up is closed, the link."""
    blocks = []
    text = opportunity.description.strip()
    if text:
        blocks.append(Truncator(text).chars(DESCRIPTION_CHARS))
    if not opportunity.is_open:
        blocks.append(_("Sign-up for this offer is closed."))
    blocks.append(_("All information: %(url)s") % {"url": opportunity_page_url(opportunity)})
    return "\n\n".join(blocks)


def opportunity_calendar_event(opportunity) -> CalendarEvent:
    """The event of a dated opportunity (`Opportunity.calendar_event()` checks the date)."""
    return CalendarEvent(
        uid=opportunity.uid,
        starts_at=opportunity.starts_at,
        ends_at=opportunity.end,
        summary=opportunity.title,
        url=opportunity_page_url(opportunity),
        sequence=opportunity.sequence,
        location=opportunity.place,
        description=opportunity_description(opportunity),
        created_at=opportunity.created_at,
        updated_at=opportunity.updated_at,
    )


def opportunity_filename(opportunity) -> str:
    return f"{opportunity.slug}-{local(opportunity.starts_at):%Y-%m-%d}.ics"


@require_safe
def opportunity_ics(request, slug):
    """A dated opportunity as a file to add to a calendar: /mitmachen/<slug>/termin.ics.

    404 for an opportunity without a one-off date, as for an unpublished one.
    """
    opportunity = get_object_or_404(Opportunity.objects.published(), slug=slug)
    event = opportunity.calendar_event()
    if event is None:
        raise Http404("no date")
    return calendar_response(
        request, build_calendar([event]), filename=opportunity_filename(opportunity)
    )
