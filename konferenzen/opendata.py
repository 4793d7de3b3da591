"""The open data sets of the district conferences, their meetings and agenda items, the
meetings and agenda items in the shape of OParl 1.1 `Meeting` and `AgendaItem` (see
`engagierte_stadt.opendata`)."""

from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from engagierte_stadt.opendata import (
    BOOLEAN,
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
from konferenzen.models import AgendaItem, Conference, Meeting

OPARL = "https://schema.oparl.org/1.1/"


@register
class ConferenceDataset(Dataset):
    slug = "stadtteilkonferenzen"
    title = _("District conferences")
    description = _("The district conferences: district, organiser, rhythm and contact.")
    ORDER = 30
    FIELDS = [
        Field("id", INTEGER, _("Stable number of the conference.")),
        Field("url", URL, _("Address of the conference's page.")),
        Field("name", TEXT, _("Title.")),
        Field("quartier", TEXT, _("District or neighbourhood.")),
        Field("description", TEXT, _("Description (Markdown).")),
        Field("organiser", TEXT, _("Who organises it.")),
        Field("rhythm", TEXT, _("How often it meets.")),
        Field("isActive", BOOLEAN, _("Meets at present.")),
        Field("contactName", TEXT, _("Contact person, as shown on the page.")),
        Field("contactEmail", TEXT, _("Contact e-mail address, as shown on the page.")),
        Field("contactPhone", TEXT, _("Contact phone number, as shown on the page.")),
        Field("meeting", LIST, _("Numbers of its meetings (data set sitzungen).")),
        Field("modified", DATETIME, _("Last change.")),
    ]

    def queryset(self):
        return (
            Conference.search_queryset()
            .select_related("quartier")
            .prefetch_related(Prefetch("meetings", queryset=Meeting.objects.order_by("pk")))
            .order_by("pk")
        )

    def row(self, obj, absolute):
        # The conference's own contact person is shown on its page in full.
        contact = obj.own_contact()
        return {
            "id": obj.pk,
            "url": absolute(obj.get_absolute_url()),
            "name": obj.title,
            "quartier": obj.quartier.name,
            "description": obj.description,
            "organiser": obj.organiser,
            "rhythm": obj.rhythm,
            "isActive": obj.is_active,
            "contactName": contact.name or None,
            "contactEmail": contact.email or None,
            "contactPhone": contact.phone or None,
            "meeting": [meeting.pk for meeting in obj.meetings.all()],
            "modified": iso(obj.updated_at),
        }


@register
class MeetingDataset(Dataset):
    slug = "sitzungen"
    title = _("Conference meetings")
    description = _(
        "Every meeting of the district conferences with place, state and published minutes, "
        "in the shape of an OParl Meeting."
    )
    ORDER = 40
    OPARL_TYPE = "Meeting"
    FIELDS = [
        Field("id", INTEGER, _("Stable number of the meeting.")),
        Field("type", URL, _("OParl type: https://schema.oparl.org/1.1/Meeting.")),
        Field("web", URL, _("Address of the meeting's page.")),
        Field("name", TEXT, _("Name of the meeting.")),
        Field("organization", INTEGER, _("Number of the conference (stadtteilkonferenzen).")),
        Field("organizationName", TEXT, _("Name of the conference.")),
        Field("meetingState", TEXT, _("geplant, abgesagt or stattgefunden.")),
        Field("cancelled", BOOLEAN, _("The meeting was called off.")),
        Field("start", DATETIME, _("Start.")),
        Field("end", DATETIME, _("End.")),
        Field("location", TEXT, _("Venue, room and address.")),
        Field("stepFree", BOOLEAN, _("The venue has step-free access.")),
        Field("agendaItem", LIST, _("Numbers of its agenda items (tagesordnungspunkte).")),
        Field("minutesSummary", TEXT, _("Summary of the published minutes.")),
        Field("minutesFile", URL, _("Address of the published minutes (PDF).")),
        Field("modified", DATETIME, _("Last change.")),
    ]

    def queryset(self):
        return (
            Meeting.search_queryset()
            .select_related("conference", "venue")
            .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("pk")))
            .order_by("pk")
        )

    def row(self, obj, absolute):
        published = obj.minutes_published
        return {
            "id": obj.pk,
            "type": OPARL + "Meeting",
            "web": absolute(obj.get_absolute_url()),
            "name": obj.display_title,
            "organization": obj.conference_id,
            "organizationName": obj.conference.title,
            "meetingState": obj.status,
            "cancelled": obj.is_cancelled,
            "start": iso(obj.starts_at),
            "end": iso(obj.ends_at),
            "location": obj.place,
            "stepFree": obj.venue.step_free if obj.venue_id else None,
            "agendaItem": [item.pk for item in obj.agenda_items.all()],
            "minutesSummary": obj.minutes_summary if published else None,
            "minutesFile": absolute(obj.minutes_file.url)
            if published and obj.minutes_file
            else None,
            "modified": iso(obj.updated_at),
        }


@register
class AgendaItemDataset(Dataset):
    slug = "tagesordnungspunkte"
    title = _("Agenda items")
    description = _("The agenda items of the meetings, in the shape of an OParl AgendaItem.")
    ORDER = 45
    OPARL_TYPE = "AgendaItem"
    FIELDS = [
        Field("id", INTEGER, _("Stable number of the agenda item.")),
        Field("type", URL, _("OParl type: https://schema.oparl.org/1.1/AgendaItem.")),
        Field("meeting", INTEGER, _("Number of the meeting (data set sitzungen).")),
        Field("number", TEXT, _("Number on the agenda (TOP).")),
        Field("order", INTEGER, _("Position on the agenda.")),
        Field("name", TEXT, _("Title.")),
        Field("description", TEXT, _("Description.")),
        Field("presenter", TEXT, _("Who presents it, as shown on the meeting's page.")),
        Field("minutesPlanned", INTEGER, _("Minutes planned.")),
        Field("public", BOOLEAN, _("Always true: the meetings are public.")),
    ]

    def queryset(self):
        meetings = Meeting.search_queryset().values("pk")
        # "TOP 3": the place on the meeting's agenda, counted as the page shows it.
        number = Window(
            RowNumber(), partition_by=[F("meeting_id")], order_by=[F("position"), F("pk")]
        )
        return (
            AgendaItem.objects.filter(meeting__in=meetings).annotate(number=number).order_by("pk")
        )

    def row(self, obj, absolute):
        return {
            "id": obj.pk,
            "type": OPARL + "AgendaItem",
            "meeting": obj.meeting_id,
            "number": str(obj.number),
            "order": obj.position,
            "name": obj.title,
            "description": obj.description,
            "presenter": obj.presenter,
            "minutesPlanned": obj.minutes_planned,
            "public": True,
        }
