"""Demo ideas, from demo/ideen.toml.

`load()` can run again at any time: an idea is looked up by its title and Stadtteil and only
made when missing, so moderation done by staff survives. The rows are written as the services
would leave them (confirmed, each step in the history), but without their mails: a demo sends
nobody anything. The bulk ideas for performance work (`load_demo --scale N`) are made by
bench/scale_data.py.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from engagierte_stadt import demo as shared
from ideen.models import (
    FINAL_STATUSES,
    BackerStatus,
    Idea,
    IdeaBacker,
    IdeaStatus,
    IdeaStatusChange,
)
from konferenzen.models import AgendaItem
from quartiere.models import Quartier, Topic


def _agenda_item(idea):
    """An idea "on the agenda" in the demo is on the agenda of its Stadtteil's next meeting,
    as "Auf die Tagesordnung" puts it there (None without a meeting ahead)."""
    from ideen.services import idea_next_meeting

    meeting, _ = idea_next_meeting(quartier=idea.quartier)
    if meeting is None:
        return None
    last = meeting.agenda_items.order_by("-position").values_list("position", flat=True).first()
    return AgendaItem.objects.create(
        meeting=meeting,
        position=(last or 0) + 1,
        title=f"Idee aus dem Stadtteil: {idea.title}",
        description="Ein Vorschlag aus den Ideen des Portals.",
    )


def load(stdout=None) -> dict:
    content = shared.data("ideen")
    mail_domain = shared.data("site")["mail_domain"]
    created = 0
    now = timezone.now()
    for n, spec in enumerate(content["ideas"]):
        quartier = Quartier.objects.filter(slug=spec["quartier"]).first()
        if quartier is None or Idea.objects.filter(quartier=quartier, title=spec["title"]):
            continue
        steps = spec.get("steps", [])
        # Proposed some weeks ago, one week per step since.
        when = now - timedelta(days=7 * (len(steps) + 1) + n)
        with transaction.atomic():
            idea = Idea(
                quartier=quartier,
                topic=Topic.objects.filter(slug=spec.get("topic", "")).first(),
                title=spec["title"],
                description=spec["description"],
                helpers=spec.get("helpers", ""),
                would_help=spec.get("would_help", False),
                name=spec.get("name", ""),
                show_name=spec.get("show_name", False),
                email=f"{spec['mailbox']}@{mail_domain}",
                picture_alt=spec.get("picture_alt", ""),
                status=IdeaStatus.NEW,
                consent_at=when,
                created_at=when,
                confirmed_at=when + timedelta(minutes=20),
            )
            if "picture_seed" in spec:
                idea.picture.save("idee.jpg", shared.townscape(spec["picture_seed"]), save=False)
            for step in steps:
                when += timedelta(days=7)
                status = IdeaStatus(step["to"])
                idea.status, idea.reason = status, step.get("reason", "")
                if status == IdeaStatus.PUBLISHED and idea.published_at is None:
                    idea.published_at = when
                idea.decided_at = when if status in FINAL_STATUSES else None
            if idea.status == IdeaStatus.AGENDA:
                idea.agenda_item = _agenda_item(idea)
            idea.save()
            when = idea.confirmed_at
            for step in steps:
                when += timedelta(days=7)
                IdeaStatusChange.objects.create(
                    idea=idea,
                    status=step["to"],
                    reason=step.get("reason", ""),
                    public=step["to"] != IdeaStatus.HIDDEN,
                    created_at=when,
                )
            for number in range(1, spec.get("backers", 0) + 1):
                IdeaBacker.objects.create(
                    idea=idea,
                    email=f"helfer-{n}-{number}@{mail_domain}",
                    status=BackerStatus.CONFIRMED,
                    consent_at=when,
                    created_at=when,
                    confirmed_at=when,
                )
        created += 1
    if stdout is not None:
        stdout.write(f"Ideas: {Idea.objects.count()} ({created} new).")
    return {"ideas": created}
