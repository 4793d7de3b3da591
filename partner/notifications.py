"""Mails about partner applications, through the shared `send_mail_template`.

Templates: `mail/partner_application_<kind>` (`_subject.txt`, `.txt`, `.html`). Mails to the
applicant carry their personal link (`/partner/bewerbung/<token>/`): what is stored, and
deleting it. The mail to staff names the organisation and links to the admin; the contact
person's details are read there, where access is controlled. Nothing here logs an address.
"""

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from engagierte_stadt.mails import send_mail_template, send_to_person
from engagierte_stadt.models import SiteSettings
from engagierte_stadt.submissions.mails import personal_links, send_with_code
from engagierte_stadt.submissions.submission import CONFIRMATION_HOURS
from partner.models import PartnerApplication

logger = logging.getLogger(__name__)

PREFIX = "mail/partner_application"
DECISIONS = ("in_review", "accepted", "rejected")


def _context(application, base_url: str, token: str | None = None, **extra) -> dict:
    """The context of a mail to the applicant: links to the pages in their language."""
    with application.in_language():
        return _context_in_active_language(application, base_url, token, **extra)


def _context_in_active_language(application, base_url: str, token=None, **extra) -> dict:
    context = {
        "application": application,
        "base_url": base_url,
        "confirmation_hours": CONFIRMATION_HOURS,
        "network_url": base_url + reverse("partner:network"),
        "directory_url": base_url + reverse("partner:directory"),
    }
    if token:
        context.update(personal_links(PartnerApplication, token, base_url))
    context.update(extra)
    return context


def _to_applicant(kind: str, application, context: dict) -> bool:
    # The opt-in request and "already applied" follow a public post: limited per address.
    limited = kind in ("confirm_request", "already")
    sent = send_to_person(
        f"{PREFIX}_{kind}",
        context,
        application.email,
        limited=limited,
        language=application.language,
    )
    if sent:
        logger.info("partner application %s: mail '%s' queued", application.pk, kind)
    return sent


def mail_confirm_request(*, application, token: str, base_url: str, again: bool = False) -> bool:
    """Ask the applicant to confirm the application (double opt-in), with the personal link."""
    context = _context(application, base_url, token, again=again)
    return send_with_code(
        application,
        lambda code: _to_applicant("confirm_request", application, {**context, **code}),
    )


def mail_already(*, application, token: str, base_url: str) -> bool:
    """The same organisation applied again from the same address while its application is
    open: say so, with a fresh personal link."""
    return _to_applicant("already", application, _context(application, base_url, token))


def mail_decision(*, kind: str, application, token: str, base_url: str) -> bool:
    """Tell the applicant about a decision: in review, accepted or rejected."""
    if kind not in DECISIONS:
        raise ValueError(f"unknown decision {kind!r}")
    return _to_applicant(kind, application, _context(application, base_url, token))


def mail_staff_new(*, application, base_url: str) -> bool:
    """Tell the editorial team (the site's contact address) of a new confirmed application."""
    recipient = SiteSettings.load().contact_email
    if not recipient:
        logger.warning(
            "partner application %s confirmed, but the site has no contact address",
            application.pk,
        )
        return False
    admin_url = base_url + reverse("admin:partner_partnerapplication_change", args=[application.pk])
    with translation.override(settings.LANGUAGE_CODE):  # staff read German
        context = _context_in_active_language(application, base_url, admin_url=admin_url)
    sent = send_mail_template(f"{PREFIX}_staff_new", context, [recipient])
    if sent:
        logger.info("partner application %s: editorial team informed", application.pk)
    return sent
