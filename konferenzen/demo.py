"""Demo content for the district conferences: venues, conferences, meetings, wishes.

`load()` adds a small, realistic set that can run again at any time: venues are looked up by
name, conferences by their address (slug), wishes by Quartier and address; a conference's
meetings (with agenda, minutes, decisions, action items and a few registrations) are created
only together with the conference, so edits made by staff survive. The content comes from
demo/konferenzen.toml; its dates are days from today, so the demo always has past meetings
with minutes and upcoming ones.

The bulk data for performance work (`load_demo --scale N`) is in bench/scale_data.py.
"""

import textwrap
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from engagierte_stadt import demo as shared
from engagierte_stadt.submissions.capacity import SignupStatus, Source, new_token
from quartiere.models import Quartier

from .models import (
    ActionItem,
    AgendaItem,
    Conference,
    ConferenceWish,
    Decision,
    Meeting,
    Registration,
    Venue,
)

WEEKDAYS = ["mo", "di", "mi", "do", "fr", "sa", "so"]  # as in the data file; Monday is 0


def minutes_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page PDF with real text (not a picture of text), built by hand.

    Helvetica with the Windows-1252 encoding covers German umlauts; the document carries
    its title and language for screen readers. Small enough to create on every demo load.
    """

    def literal(text: str) -> bytes:
        data = text.encode("cp1252", "replace")
        return (
            b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
        )

    lines = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, width=88) or [""])
        lines.append("")
    body = [
        b"BT /F1 15 Tf 56 780 Td " + literal(title) + b" Tj ET",
        b"BT /F1 10 Tf 14 TL 56 750 Td",
    ]
    body += [literal(line) + b" Tj T*" for line in lines[:48]]
    body.append(b"ET")
    content = b"\n".join(body)
    title_utf16 = ("\ufeff" + title).encode("utf-16-be").hex().upper().encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (de-DE) "
        b"/ViewerPreferences << /DisplayDocTitle true >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title <" + title_utf16 + b"> /Producer (Engagierte Stadt Hattingen, Demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _on_weekday(today, days: int, weekday: int):
    """`days` from today, moved to `weekday`: later for future dates, earlier for past ones,
    so an upcoming meeting stays upcoming and a past one past."""
    day = today + timedelta(days=days)
    if days >= 0:
        return day + timedelta(days=(weekday - day.weekday()) % 7)
    return day - timedelta(days=(day.weekday() - weekday) % 7)


class _Loader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.mail_domain = shared.data("site")["mail_domain"]
        self.counts = {
            "venues": 0,
            "conferences": 0,
            "meetings": 0,
            "agenda_items": 0,
            "decisions": 0,
            "action_items": 0,
            "registrations": 0,
            "wishes": 0,
        }
        self.people = 0

    def say(self, message: str):
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self) -> dict:
        content = shared.data("konferenzen")
        self.organiser = content["organiser"]
        self.standard_items = content["standard_agenda_items"]
        self.first_names = content["registration_names"]["first"]
        self.last_names = content["registration_names"]["last"]
        venues = {}
        for spec in content["venues"]:
            fields = {key: value for key, value in spec.items() if key != "name"}
            venues[spec["name"]], created = Venue.objects.get_or_create(
                name=spec["name"], defaults=fields
            )
            self.counts["venues"] += created
        quartiere = {q.slug: q for q in Quartier.objects.all()}
        for spec in content["conferences"]:
            quartier = quartiere.get(spec["quartier"])
            if quartier is None:
                self.say(f"Skipped conference {spec['slug']}: no Quartier {spec['quartier']!r}.")
                continue
            self.conference(spec, quartier, venues[spec["venue"]])
        for spec in content["wishes"]:
            quartier = quartiere.get(spec["quartier"])
            if quartier is None:
                self.say(f"Skipped a wish: no Quartier {spec['quartier']!r}.")
                continue
            self.wish(
                quartier,
                spec["name"],
                f"{spec['mailbox']}@{self.mail_domain}",
                spec["would_help"],
            )
        self.say(
            "Conference demo: "
            + ", ".join(
                f"{count} new {name.replace('_', ' ')}" for name, count in self.counts.items()
            )
            + "."
        )
        return self.counts

    def conference(self, spec: dict, quartier, venue):
        conference, created = Conference.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "quartier": quartier,
                "title": spec["title"],
                "description": spec["description"],
                "organiser": self.organiser,
                "contact_name": spec["contact_name"],
                "contact_email": f"{spec['contact_mailbox']}@{self.mail_domain}",
                "usual_venue": venue,
                "rhythm": spec["rhythm"],
            },
        )
        if not created:
            return  # its meetings came with it; whatever staff changed since stays
        self.counts["conferences"] += 1
        for meeting in spec["meetings"]:
            self.meeting(conference, venue, spec, meeting)

    def agenda(self, spec: dict) -> list[dict]:
        """The meeting's agenda items, with the standard ones written out."""
        return [
            self.standard_items[item["standard"]] if "standard" in item else item
            for item in spec.get("agenda", [])
        ]

    def meeting(self, conference, venue, conference_spec: dict, spec: dict):
        weekday = WEEKDAYS.index(conference_spec["weekday"])
        day = _on_weekday(self.today, spec["date_in_days"], weekday)
        starts_at = _aware(day, conference_spec["time"])
        agenda = self.agenda(spec)
        meeting = Meeting(
            conference=conference,
            slug=day.strftime("%Y-%m-%d"),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            venue=venue,
            room=spec.get("room", ""),
            status=Meeting.Status(spec.get("status", Meeting.Status.PLANNED)),
            sign_language_on_request=spec.get("sign_language", False),
            childcare=spec.get("childcare", False),
            registration_enabled=spec.get("registration", False),
            places=spec.get("places"),
            minutes_summary=spec.get("summary", ""),
        )
        if "minutes_published_days_after" in spec:
            published = starts_at + timedelta(days=spec["minutes_published_days_after"])
            meeting.minutes_published_at = min(published, self.now)
        if spec.get("minutes_pdf"):
            meeting.minutes_file.save(
                "protokoll.pdf",
                ContentFile(self.minutes_document(conference, day, spec, agenda)),
                False,
            )
        meeting.full_clean()
        meeting.save()
        self.counts["meetings"] += 1

        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                position=position,
                title=item["title"],
                description=item.get("description", ""),
                presenter=item.get("presenter", ""),
                minutes_planned=item["minutes"],
            )
            for position, item in enumerate(agenda, start=1)
        )
        self.counts["agenda_items"] += len(agenda)
        Decision.objects.bulk_create(
            Decision(meeting=meeting, position=position, text=text)
            for position, text in enumerate(spec.get("decisions", []), start=1)
        )
        self.counts["decisions"] += len(spec.get("decisions", []))
        actions = []
        for position, action in enumerate(spec.get("actions", []), start=1):
            status = ActionItem.Status(action["status"])
            due_date = day + timedelta(days=action["due_days_after"])
            done_at = None
            if status == ActionItem.Status.DONE:
                done_at = min(due_date - timedelta(days=3), self.today)
            actions.append(
                ActionItem(
                    meeting=meeting,
                    position=position,
                    title=action["title"],
                    responsible=action["responsible"],
                    due_date=due_date,
                    status=status,
                    done_at=done_at,
                )
            )
        ActionItem.objects.bulk_create(actions)
        self.counts["action_items"] += len(actions)
        for n in range(spec.get("registrations", 0)):
            self.registration(meeting, n)

    def minutes_document(self, conference, day, spec: dict, agenda: list[dict]) -> bytes:
        title = f"Protokoll: {conference.title}, {day:%d.%m.%Y}"
        paragraphs = ["Beispielprotokoll für die Demo des Portals."]
        paragraphs += [line for line in spec.get("summary", "").split("\n\n") if line]
        paragraphs.append("Tagesordnung:")
        paragraphs += [f"{n}. {item['title']}" for n, item in enumerate(agenda, start=1)]
        if spec.get("decisions"):
            paragraphs.append("Beschlüsse:")
            paragraphs += [f"- {text}" for text in spec["decisions"]]
        if spec.get("actions"):
            paragraphs.append("Aufgaben:")
            paragraphs += [f"- {a['title']} ({a['responsible']})" for a in spec["actions"]]
        return minutes_pdf(title, paragraphs)

    def registration(self, meeting, n: int):
        first = self.first_names[self.people % len(self.first_names)]
        last = self.last_names[(self.people * 5 + 3) % len(self.last_names)]
        self.people += 1
        phone = n % 4 == 3
        when = self.now - timedelta(days=n + 1, hours=n)
        Registration.objects.create(
            meeting=meeting,
            name=f"{first} {last}",
            email="" if phone else f"{first}.{last}.{self.people}@{self.mail_domain}".lower(),
            phone="02324 000000" if phone else "",
            status=SignupStatus.CONFIRMED,
            source=Source.PHONE if phone else Source.ONLINE,
            token_hash=new_token()[1],
            created_at=when,
            consent_at=when,
            confirmed_at=when + timedelta(minutes=20),
        )
        self.counts["registrations"] += 1

    def wish(self, quartier, name: str, email: str, would_help: bool):
        if ConferenceWish.objects.filter(quartier=quartier, email=email).exists():
            return
        when = self.now - timedelta(days=20 + 7 * self.counts["wishes"])
        ConferenceWish.objects.create(
            quartier=quartier,
            name=name,
            email=email,
            would_help=would_help,
            status=SignupStatus.CONFIRMED,
            token_hash=new_token()[1],
            created_at=when,
            consent_at=when,
            confirmed_at=when + timedelta(hours=2),
        )
        self.counts["wishes"] += 1


@transaction.atomic
def load(stdout=None) -> dict:
    """Add the demo venues, conferences (with their meetings) and wishes.

    Returns how many of each were created; a second run returns zeros. Existing rows are
    never changed. Conferences whose Quartier is missing are skipped with a note on `stdout`.
    """
    return _Loader(stdout).run()
