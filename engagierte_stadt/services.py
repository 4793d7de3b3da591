"""Writes with side effects for the site-wide content."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from engagierte_stadt.mails import send_to_person
from engagierte_stadt.models import AccessibilityFeedback, SiteSettings
from engagierte_stadt.submissions.submission import RESEND_AFTER, new_link, normalise_email

logger = logging.getLogger(__name__)


def feedback_submit(
    *, message: str, page_url: str = "", name: str = "", email: str = "", base_url: str
) -> AccessibilityFeedback:
    """Store a barrier report and mail it to the site's contact address; a sender who gave an
    address gets a receipt with the personal link (the submission engine's, so the report is
    on their personal page with everything else).

    The same message from the same sender again within `RESEND_AFTER` (a double click, a
    reload) stores and mails nothing new. No log line holds the sender's address.
    """
    email = normalise_email(email)
    message = message.strip()
    repeated = AccessibilityFeedback.objects.filter(
        message=message, email=email, name=name, created_at__gte=timezone.now() - RESEND_AFTER
    ).first()
    if repeated is not None:
        logger.info("accessibility feedback %s sent again at once: nothing new", repeated.pk)
        return repeated
    link = new_link()
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(
            message=message,
            page_url=page_url,
            name=name,
            email=email,
            token_hash=link.token_hash,
            link_key=link.key,
            consent_at=timezone.now() if (name or email) else None,
        )
    site = SiteSettings.load()
    recipient = site.contact_email or settings.DEFAULT_FROM_EMAIL
    admin_url = base_url + reverse(
        "admin:engagierte_stadt_accessibilityfeedback_change", args=[feedback.pk]
    )
    context = {"feedback": feedback, "site_settings": site, "admin_url": admin_url}
    with translation.override(settings.LANGUAGE_CODE):  # staff read German
        subject = render_to_string("engagierte_stadt/mail/feedback_subject.txt", context).strip()
        body = render_to_string("engagierte_stadt/mail/feedback_body.txt", context)
    try:
        send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient],
            fail_silently=False,
        )
    except (OSError, smtplib.SMTPException):
        # The message is stored; staff still see it in the admin when mail is down.
        logger.exception("accessibility feedback %s stored, but the mail failed", feedback.pk)
    else:
        logger.info("accessibility feedback %s stored and mailed to the site contact", feedback.pk)
    if email:
        with feedback.in_language():
            personal_data_url = base_url + reverse("personal_data", kwargs={"token": link.token})
        send_to_person(
            "mail/feedback_receipt",
            {"feedback": feedback, "base_url": base_url, "personal_data_url": personal_data_url},
            email,
            limited=True,
            language=feedback.language,
        )
    return feedback
