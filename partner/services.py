"""Writes of the partner app: applications ("Partner werden") from submission to decision.

An application stands on the submission engine (`engagierte_stadt.submissions`): its personal
link, opt-in, expiry and purge are the engine's; it takes no place, so the capacity layer is not
involved. What is the partner app's own is the submit rule (one open application per
organisation and address) and the decisions.

Decisions (`application_start_review`, `application_accept`, `application_reject`) are made
by staff in the admin. Each changes the row under a lock, and mails the applicant only after
the transaction has committed, so no mail goes out for a change that was rolled back. Log
lines name applications by number, never by address or name.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify

from engagierte_stadt.submissions.submission import (
    RESEND_AFTER,
    new_link,
    normalise_email,
    submission_by_token,
    submission_confirm,
)
from partner import notifications
from partner.models import (
    PENDING_STATUSES,
    ApplicationStatus,
    Partner,
    PartnerApplication,
)

logger = logging.getLogger(__name__)


@dataclass
class ApplicationSubmitResult:
    application: PartnerApplication
    token: str | None  # None when no mail is due (the same application was sent just now)
    created: bool


def _same_application(*, organisation: str, email: str):
    """An application of the same organisation from the same address that is still open."""
    return (
        PartnerApplication.objects.filter(
            email=email,
            organisation__iexact=organisation,
            status__in=[ApplicationStatus.UNCONFIRMED, *PENDING_STATUSES],
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def application_submit(
    *,
    organisation: str,
    kind: str,
    contact_name: str,
    email: str,
    phone: str = "",
    website: str = "",
    offer: str = "",
    quartiere=(),
) -> ApplicationSubmitResult:
    """Store an application as unconfirmed and return its personal token for the opt-in mail.

    Sending the same organisation from the same address again, while the first application
    is open, makes no second row: within `RESEND_AFTER` nothing new is returned (no mail);
    later the application gets a fresh link (`created` False), to mail again.
    """
    email = normalise_email(email)
    organisation = organisation.strip()
    existing = _same_application(organisation=organisation, email=email)
    if existing is not None:
        if existing.created_at > timezone.now() - RESEND_AFTER:
            logger.info("partner application %s sent again at once: no new mail", existing.pk)
            return ApplicationSubmitResult(existing, None, False)
        return ApplicationSubmitResult(existing, existing.personal_token(), False)
    link = new_link()
    with transaction.atomic():
        application = PartnerApplication.objects.create(
            organisation=organisation,
            kind=kind,
            contact_name=contact_name.strip(),
            email=email,
            phone=phone.strip(),
            website=website.strip(),
            offer=offer.strip(),
            token_hash=link.token_hash,
            link_key=link.key,
            consent_at=timezone.now(),
        )
        application.quartiere.set(quartiere)
    logger.info("partner application %s stored", application.pk)
    return ApplicationSubmitResult(application, link.token, True)


def application_by_token(*, token: str):
    """The application behind a personal link, or None (unknown or malformed)."""
    return submission_by_token(model=PartnerApplication, token=token)


def application_confirm(*, token: str):
    """Confirm an application by its opt-in link; it then waits for staff ("new").
    The engine's opt-in (`submission_confirm`); see there for expiry and double clicks."""
    return submission_confirm(model=PartnerApplication, token=token)


# --- decisions by staff ------------------------------------------------------------------


def _lock(application: PartnerApplication) -> PartnerApplication:
    return PartnerApplication.objects.select_for_update().get(pk=application.pk)


def _mail_after_commit(kind: str, application: PartnerApplication) -> None:
    """Renew the personal link now and mail it with the decision once the data is committed."""
    if not application.email or application.purged_at:
        return
    token = application.personal_token()
    transaction.on_commit(
        lambda: notifications.mail_decision(
            kind=kind, application=application, token=token, base_url=settings.SITE_URL
        )
    )


def application_start_review(*, application: PartnerApplication) -> bool:
    """Staff start reviewing a new application; the applicant is told. False if not new."""
    with transaction.atomic():
        application = _lock(application)
        if application.status != ApplicationStatus.NEW:
            return False
        application.status = ApplicationStatus.IN_REVIEW
        application.review_started_at = timezone.now()
        application.save(update_fields=["status", "review_started_at"])
        _mail_after_commit("in_review", application)
    logger.info("partner application %s in review", application.pk)
    return True


def _unique_partner_slug(name: str) -> str:
    base = slugify(name)[:140].strip("-") or "partner"
    slug, n = base, 1
    while Partner.slug_is_reserved(slug) or Partner.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def application_accept(*, application: PartnerApplication) -> Partner | None:
    """Accept a confirmed application: an unpublished partner, pre-filled from it, is created
    and linked; the applicant is told. Returns the partner, or None if the application was not
    waiting for a decision.

    The contact details go into the partner's private contact fields: none is public until
    staff tick it and publish the partner.
    """
    with transaction.atomic():
        application = _lock(application)
        if application.status not in PENDING_STATUSES:
            return None
        offer = application.offer
        for _attempt in range(3):  # two staff accepting similar names at once: try again
            try:
                with transaction.atomic():
                    partner = Partner.objects.create(
                        name=application.organisation,
                        slug=_unique_partner_slug(application.organisation),
                        kind=application.kind,
                        teaser=Truncator(" ".join(offer.split())).chars(300),
                        description=offer,
                        website=application.website,
                        contact_name=application.contact_name,
                        contact_email=application.email,
                        contact_phone=application.phone,
                        is_published=False,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise IntegrityError("no free address for the new partner")
        partner.quartiere.set(application.quartiere.all())
        application.status = ApplicationStatus.ACCEPTED
        application.decided_at = timezone.now()
        application.partner = partner
        application.save(update_fields=["status", "decided_at", "partner"])
        _mail_after_commit("accepted", application)
    logger.info("partner application %s accepted as partner %s", application.pk, partner.pk)
    return partner


def application_reject(*, application: PartnerApplication) -> bool:
    """Reject a confirmed application; the applicant is told. False if not pending."""
    with transaction.atomic():
        application = _lock(application)
        if application.status not in PENDING_STATUSES:
            return False
        application.status = ApplicationStatus.REJECTED
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at"])
        _mail_after_commit("rejected", application)
    logger.info("partner application %s rejected", application.pk)
    return True
