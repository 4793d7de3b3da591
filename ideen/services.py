"""Writes of the ideas: from the form to the end of an idea's way.

The proposer's data stands on the submission engine: stored unconfirmed with a personal link,
double opt-in (`idea_confirm`), expiry and purge as for every entry of personal data. Staff
see an idea once it is confirmed ("new") and move it on in the admin, each step through
`idea_move` (or its named wrappers): under a row lock, only along `TRANSITIONS`, with a
history entry in plain words and a mail to the proposer sent after the commit, so no mail goes
out for a change that was rolled back. Log lines name ideas by number, never by address.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from engagierte_stadt.submissions.submission import (
    RESEND_AFTER,
    new_link,
    normalise_email,
    submission_by_token,
    submission_confirm,
)
from ideen import notifications
from ideen.models import (
    FINAL_STATUSES,
    NEEDS_REASON,
    BackerStatus,
    Idea,
    IdeaBacker,
    IdeaStatus,
    IdeaStatusChange,
)
from konferenzen.models import AgendaItem, Conference, Meeting
from quartiere.models import Project, ProjectImage, Publication

logger = logging.getLogger(__name__)


@dataclass
class IdeaSubmitResult:
    idea: Idea
    token: str | None  # None when no mail is due (the same idea was sent just now)
    created: bool


def idea_submit(
    *,
    quartier,
    title: str,
    description: str,
    email: str,
    topic=None,
    helpers: str = "",
    would_help: bool = False,
    name: str = "",
    show_name: bool = False,
    picture=None,
    picture_alt: str = "",
) -> IdeaSubmitResult:
    """Store an idea as unconfirmed and return its personal token for the opt-in mail.

    The same title for the same Quartier from the same address while the first is still
    unconfirmed makes no second row: within `RESEND_AFTER` no mail is due (a double click),
    later the same link is sent again (`created` False).
    """
    email = normalise_email(email)
    title = " ".join(title.split())
    existing = (
        Idea.objects.filter(
            email=email,
            quartier=quartier,
            title__iexact=title,
            status=IdeaStatus.UNCONFIRMED,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if existing is not None:
        if existing.created_at > timezone.now() - RESEND_AFTER:
            logger.info("idea %s sent again at once: no new mail", existing.pk)
            return IdeaSubmitResult(existing, None, False)
        return IdeaSubmitResult(existing, existing.personal_token(), False)
    link = new_link()
    idea = Idea(
        quartier=quartier,
        topic=topic,
        title=title,
        description=description.strip(),
        helpers=helpers.strip(),
        would_help=bool(would_help),
        name=name.strip(),
        show_name=bool(show_name and name.strip()),
        email=email,
        picture_alt=picture_alt.strip() if picture else "",
        token_hash=link.token_hash,
        link_key=link.key,
        consent_at=timezone.now(),
    )
    if picture:
        idea.picture = picture
    idea.save()
    logger.info("idea %s stored", idea.pk)
    return IdeaSubmitResult(idea, link.token, True)


def idea_by_token(*, token: str):
    return submission_by_token(model=Idea, token=token)


def idea_confirm(*, token: str, base_url: str):
    """Confirm an idea by its opt-in link: it now waits for moderation ("new"), and the
    Quartier's contact is told. The engine's opt-in; only the click that confirmed mails."""
    idea = submission_confirm(model=Idea, token=token)
    if idea is not None and idea.confirmed_now:
        notifications.mail_staff_new(idea=idea, base_url=base_url)
    return idea


# --- moderation by staff -------------------------------------------------------------------


def idea_move(*, idea: Idea, to: str, reason: str = "") -> bool:
    """Move an idea one step on its way (see `TRANSITIONS`), record the step in its history
    and mail the proposer after the commit. Returns False if the step is not allowed from
    the idea's current status (nothing changes). A step in `NEEDS_REASON` without a reason
    raises ValidationError: the proposer (and for "not taken up" the public) reads it.
    """
    to = IdeaStatus(to)
    reason = reason.strip()
    if to in NEEDS_REASON and not reason:
        raise ValidationError(_("Please give a reason: the proposer reads it."))
    with transaction.atomic():
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        if to not in idea.next_statuses():
            return False
        now = timezone.now()
        idea.status = to
        idea.reason = reason
        fields = ["status", "reason", "updated_at"]
        if to == IdeaStatus.PUBLISHED and idea.published_at is None:
            idea.published_at = now
            fields.append("published_at")
        idea.decided_at = now if to in FINAL_STATUSES else None
        fields.append("decided_at")
        idea.save(update_fields=fields)
        IdeaStatusChange.objects.create(
            idea=idea, status=to, reason=reason, public=to != IdeaStatus.HIDDEN, created_at=now
        )
        if idea.email and not idea.purged_at:
            token = idea.personal_token()
            transaction.on_commit(
                lambda: notifications.mail_status(
                    idea=idea, token=token, base_url=settings.SITE_URL
                )
            )
        if to == IdeaStatus.TAKEN_UP:
            _tell_backers_taken_up(idea)
    logger.info("idea %s moved to %s", idea.pk, to)
    return True


def idea_publish(*, idea: Idea) -> bool:
    return idea_move(idea=idea, to=IdeaStatus.PUBLISHED)


def idea_put_on_agenda(*, idea: Idea) -> bool:
    return idea_move(idea=idea, to=IdeaStatus.AGENDA)


def idea_take_up(*, idea: Idea, reason: str = "") -> bool:
    return idea_move(idea=idea, to=IdeaStatus.TAKEN_UP, reason=reason)


def idea_decline(*, idea: Idea, reason: str) -> bool:
    return idea_move(idea=idea, to=IdeaStatus.NOT_TAKEN_UP, reason=reason)


def idea_hide(*, idea: Idea, reason: str) -> bool:
    return idea_move(idea=idea, to=IdeaStatus.HIDDEN, reason=reason)


class IdeaStepRefused(Exception):
    """A step staff asked for that cannot be taken; the message says why, in German."""


def idea_next_meeting(*, quartier, now=None):
    """The next meeting (still to begin, not cancelled) of the conference covering the
    Quartier's Stadtteil (`ConferenceQuerySet.covering`: its own, else its district's, else a
    neighbourhood's of the district), or None. Second value: that conference, or None."""
    conference = Conference.objects.covering(quartier).first()
    if conference is None:
        return None, None
    return Meeting.objects.filter(conference=conference).ahead(now).first(), conference


def idea_put_on_next_meeting(*, idea: Idea) -> AgendaItem:
    """ "Auf die Tagesordnung": add the idea as the last item of the agenda of the next
    meeting of its Stadtteil's conference, link it, and move the idea to "on the agenda"
    (history, mail to the proposer). Raises `IdeaStepRefused` and changes nothing when the
    idea is not published or there is no meeting ahead."""
    with transaction.atomic():
        # Only the idea's row is locked (not its Quartier's).
        idea = (
            Idea.objects.select_for_update(of=("self",)).select_related("quartier").get(pk=idea.pk)
        )
        if IdeaStatus.AGENDA not in idea.next_statuses():
            raise IdeaStepRefused(
                _("“%(title)s” is not published, so it cannot go onto an agenda.")
                % {"title": idea.title}
            )
        meeting, conference = idea_next_meeting(quartier=idea.quartier)
        if conference is None:
            raise IdeaStepRefused(
                _("“%(title)s”: %(quartier)s has no district conference yet.")
                % {"title": idea.title, "quartier": idea.quartier.name}
            )
        if meeting is None:
            raise IdeaStepRefused(
                _(
                    "“%(title)s”: the conference “%(conference)s” has no meeting ahead. "
                    "Please add its next meeting first."
                )
                % {"title": idea.title, "conference": conference.title}
            )
        last = meeting.agenda_items.aggregate(last=models.Max("position"))["last"] or 0
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=last + 1,
            title=_("Idea from the district: %(title)s") % {"title": idea.title},
            description=_("A proposal from the portal's ideas (%(url)s).")
            % {"url": settings.SITE_URL + idea.get_absolute_url()},
        )
        Idea.objects.filter(pk=idea.pk).update(agenda_item=item)
        idea_move(idea=idea, to=IdeaStatus.AGENDA)
    logger.info("idea %s put on the agenda of meeting %s", idea.pk, meeting.pk)
    return item


def _unique_project_slug(title: str) -> str:
    base = slugify(title)[:180] or "idee"
    slug, n = base, 1
    while Project.objects.filter(slug=slug).exists() or Project.slug_is_reserved(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def idea_take_up_as_project(*, idea: Idea) -> Project:
    """ "Als Projekt übernehmen": create an unpublished (draft) project with the idea's title,
    text, picture and Quartier, link the two and move the idea to "taken up" (history, mail
    to the proposer, one mail to each confirmed backer). Under the idea's row lock: a second
    click finds the project and creates none. Raises `IdeaStepRefused` from any other status
    than published or on the agenda."""
    with transaction.atomic():
        idea = (
            Idea.objects.select_for_update(of=("self",)).select_related("quartier").get(pk=idea.pk)
        )
        if idea.project_id is not None:
            # Its own query: a click that waited for the lock sees the project only in a
            # statement after the other click's commit (PostgreSQL re-reads only the locked
            # row, not a joined one).
            return Project.objects.get(pk=idea.project_id)
        if IdeaStatus.TAKEN_UP not in idea.next_statuses():
            raise IdeaStepRefused(
                _("“%(title)s” cannot be taken up from the status “%(status)s”.")
                % {"title": idea.title, "status": idea.get_status_display()}
            )
        project = Project.objects.create(
            quartier=idea.quartier,
            title=idea.title[:200],
            slug=_unique_project_slug(idea.title),
            teaser=" ".join(idea.description.split())[:300],
            description=idea.description,
            status=Project.Status.IDEA,
            publication=Publication.DRAFT,
        )
        if idea.topic_id:
            project.topics.add(idea.topic_id)
        if idea.picture:
            with idea.picture.open("rb") as picture:
                image = ProjectImage(
                    project=project,
                    alt_text=idea.picture_alt or idea.title[:250],
                    credit=_("Picture: from the idea"),
                )
                image.image.save("idea.jpg", ContentFile(picture.read()), save=False)
                image.save()
        Idea.objects.filter(pk=idea.pk).update(project=project)
        idea_move(idea=idea, to=IdeaStatus.TAKEN_UP)
    logger.info("idea %s taken up as project %s", idea.pk, project.pk)
    return project


def _tell_backers_taken_up(idea: Idea) -> None:
    """Each confirmed backer gets one mail that the idea was taken up, after the commit.
    Marked under the idea's lock, so a second call (or a second step) mails nobody twice."""
    backers = list(
        IdeaBacker.objects.confirmed()
        .not_purged()
        .filter(idea=idea, told_taken_up_at__isnull=True)
        .exclude(email="")
    )
    if not backers:
        return
    IdeaBacker.objects.filter(pk__in=[b.pk for b in backers]).update(
        told_taken_up_at=timezone.now()
    )
    links = [(backer, backer.personal_token()) for backer in backers]

    def send():
        for backer, token in links:
            notifications.mail_backer_taken_up(
                backer=backer, idea=idea, token=token, base_url=settings.SITE_URL
            )

    transaction.on_commit(send)


# --- "Ich mache mit" ---------------------------------------------------------------------


@dataclass
class BackerSubmitResult:
    backer: IdeaBacker
    token: str | None  # None when no mail is due (already confirmed, or sent just now)
    created: bool


def backer_submit(*, idea: Idea, email: str) -> BackerSubmitResult:
    """Store an unconfirmed "Ich mache mit" for a published idea; return the token for the
    opt-in mail. An address that already backs the idea makes no second row: unconfirmed, it
    gets its link again (not within `RESEND_AFTER`); confirmed, nothing is sent (the form says
    the same either way, so it tells nobody whether an address backs an idea)."""
    email = normalise_email(email)
    existing = (
        IdeaBacker.objects.filter(
            idea=idea, email=email, status__in=[BackerStatus.UNCONFIRMED, BackerStatus.CONFIRMED]
        )
        .order_by("-pk")
        .first()
    )
    if existing is not None:
        if existing.is_confirmed or existing.created_at > timezone.now() - RESEND_AFTER:
            return BackerSubmitResult(existing, None, False)
        return BackerSubmitResult(existing, existing.personal_token(), False)
    link = new_link()
    backer = IdeaBacker.objects.create(
        idea=idea,
        email=email,
        token_hash=link.token_hash,
        link_key=link.key,
        consent_at=timezone.now(),
    )
    logger.info("backer %s of idea %s stored", backer.pk, idea.pk)
    return BackerSubmitResult(backer, link.token, True)


def backer_by_token(*, token: str):
    return submission_by_token(model=IdeaBacker, token=token)


def backer_confirm(*, token: str):
    """Confirm an "Ich mache mit" by its opt-in link: only then does it count."""
    return submission_confirm(model=IdeaBacker, token=token)
