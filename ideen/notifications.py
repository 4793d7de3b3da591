"""Mails about ideas, through the shared `send_mail_template`.

Templates: `mail/idea_<kind>` (`_subject.txt`, `.txt`, `.html`). Mails to the proposer carry
their personal link (`/ideen/idee/<token>/`): the idea's status, what is stored, and deleting
it. The mail to staff names the idea and links to the admin, where the proposer's details are
read under access control. Nothing here logs an address.
"""

import logging

from django.urls import reverse

from engagierte_stadt.mails import send_mail_template, send_to_person
from engagierte_stadt.submissions.mails import personal_links, send_with_code
from engagierte_stadt.submissions.submission import CONFIRMATION_HOURS

logger = logging.getLogger(__name__)

PREFIX = "mail/idea"


def _context(idea, base_url: str, token: str | None = None, **extra) -> dict:
    context = {
        "idea": idea,
        "base_url": base_url,
        "confirmation_hours": CONFIRMATION_HOURS,
        "list_url": base_url + reverse("ideen:list"),
    }
    if idea.is_public:
        context["idea_url"] = base_url + idea.get_absolute_url()
    if token:
        context.update(personal_links(type(idea), token, base_url))
    context.update(extra)
    return context


def _to_proposer(kind: str, idea, context: dict) -> bool:
    # The opt-in request follows a public post: limited per address and hour.
    sent = send_to_person(
        f"{PREFIX}_{kind}", context, idea.email, limited=kind == "confirm_request"
    )
    if sent:
        logger.info("idea %s: mail '%s' queued", idea.pk, kind)
    return sent


def mail_confirm_request(*, idea, token: str, base_url: str, again: bool = False) -> bool:
    """Ask the proposer to confirm the idea (double opt-in), with the personal link."""
    context = _context(idea, base_url, token, again=again)
    return send_with_code(
        idea, lambda code: _to_proposer("confirm_request", idea, {**context, **code})
    )


def mail_status(*, idea, token: str, base_url: str) -> bool:
    """Tell the proposer of the idea's new status, in the words its history uses."""
    from ideen.models import HISTORY_WORDS

    context = _context(
        idea, base_url, token, status_words=HISTORY_WORDS.get(idea.status, idea.status)
    )
    # On the agenda: which meeting, so the proposer can come and speak for the idea.
    meeting = idea.meeting if idea.is_on_agenda else None
    if meeting is not None:
        context.update(meeting=meeting, meeting_url=base_url + meeting.get_absolute_url())
    return _to_proposer("status", idea, context)


def mail_staff_new(*, idea, base_url: str) -> bool:
    """Tell the Quartier's contact (else the portal's) of a new idea to moderate."""
    recipients = idea.quartier.contact().recipients
    if not recipients:
        logger.warning("idea %s confirmed, but nobody can be told", idea.pk)
        return False
    admin_url = base_url + reverse("admin:ideen_idea_change", args=[idea.pk])
    sent = send_mail_template(
        f"{PREFIX}_staff_new", _context(idea, base_url, admin_url=admin_url), recipients
    )
    if sent:
        logger.info("idea %s: moderators informed", idea.pk)
    return sent


def _backer_context(backer, idea, base_url: str, token: str, **extra) -> dict:
    context = {
        "backer": backer,
        "idea": idea,
        "idea_url": base_url + idea.get_absolute_url(),
        "base_url": base_url,
        "confirmation_hours": CONFIRMATION_HOURS,
        **personal_links(type(backer), token, base_url),
    }
    context.update(extra)
    return context


def mail_backer_confirm_request(*, backer, token: str, base_url: str, again: bool = False):
    """Ask someone who clicked "Ich mache mit" to confirm it (double opt-in)."""
    context = _backer_context(backer, backer.idea, base_url, token, again=again)
    sent = send_with_code(
        backer,
        lambda code: send_to_person(
            f"{PREFIX}_backer_confirm_request", {**context, **code}, backer.email, limited=True
        ),
    )
    if sent:
        logger.info("backer %s: mail 'confirm_request' queued", backer.pk)
    return sent


def mail_backer_taken_up(*, backer, idea, token: str, base_url: str) -> bool:
    """Tell a confirmed backer, once, that the idea was taken up as a project."""
    context = _backer_context(backer, idea, base_url, token)
    sent = send_to_person(f"{PREFIX}_backer_taken_up", context, backer.email, limited=False)
    if sent:
        logger.info("backer %s: mail 'taken_up' queued", backer.pk)
    return sent
