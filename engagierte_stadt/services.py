"""Writes with side effects for the site-wide content."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from engagierte_stadt.models import AccessibilityFeedback, SiteSettings

logger = logging.getLogger(__name__)


def feedback_submit(
    *, message: str, page_url: str = "", name: str = "", email: str = "", base_url: str
) -> AccessibilityFeedback:
    """Store a barrier report and mail it to the site's contact address.

    The mail carries the message and a link to the admin, never the sender's address in a
    log line.
    """
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.create(
            message=message, page_url=page_url, name=name, email=email
        )
    site = SiteSettings.load()
    recipient = site.contact_email or settings.DEFAULT_FROM_EMAIL
    admin_url = base_url + reverse(
        "admin:engagierte_stadt_accessibilityfeedback_change", args=[feedback.pk]
    )
    context = {"feedback": feedback, "site_settings": site, "admin_url": admin_url}
    try:
        send_mail(
            subject=render_to_string("engagierte_stadt/mail/feedback_subject.txt", context).strip(),
            message=render_to_string("engagierte_stadt/mail/feedback_body.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient],
            fail_silently=False,
        )
    except (OSError, smtplib.SMTPException):
        # The message is stored; staff still see it in the admin when mail is down.
        logger.exception("accessibility feedback %s stored, but the mail failed", feedback.pk)
    else:
        logger.info("accessibility feedback %s stored and mailed to the site contact", feedback.pk)
    return feedback
