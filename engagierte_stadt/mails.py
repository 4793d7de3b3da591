"""E-mail from templates.

`send_mail_template(prefix, context, to)` renders `<prefix>_subject.txt`, `<prefix>.txt` and
`<prefix>.html` in the portal's language and hands the mail to the configured backend — in
production the database outbox (django-mailer), so an SMTP outage delays mail but loses none.
The mails of the submission engine live in `engagierte_stadt.submissions.mails`.

Nothing here logs an address or a name.
"""

import hashlib
import hmac
import logging
import re
import smtplib
from datetime import timedelta
from email import encoders
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

EMAIL_PATTERN = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")


class RedactEmailAddresses(logging.Filter):
    """Mask e-mail addresses in a log record (third-party code, e.g. django-mailer, logs them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "@" in message:
            record.msg = EMAIL_PATTERN.sub("[address]", message).replace("@", "[at]")
            record.args = ()
        return True


def mime_attachment(filename: str, content: str | bytes, mimetype: str) -> MIMEBase:
    """An attachment part whose Content-Type is `mimetype` as given, parameters included.

    Django's `attach()` takes a bare type: parameters would end up in the subtype, next to a
    second charset. The part is a plain `email` object, so it pickles into django-mailer's
    outbox and comes out unchanged.
    """
    header = Message()
    header["Content-Type"] = mimetype
    maintype, subtype = header.get_content_maintype(), header.get_content_subtype()
    if maintype == "text":
        charset = header.get_content_charset() or "utf-8"
        if isinstance(content, bytes):
            content = content.decode(charset)
        part = MIMEText(content, subtype, charset)
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(content.encode() if isinstance(content, str) else content)
        encoders.encode_base64(part)
    part.replace_header("Content-Type", mimetype)
    if maintype == "text" and not header.get_content_charset():
        part.set_param("charset", charset)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def send_mail_template(
    prefix: str,
    context: dict,
    to: list[str],
    *,
    reply_to: list[str] | None = None,
    attachments: list[tuple[str, str | bytes, str]] | None = None,
    headers: dict[str, str] | None = None,
    language: str | None = None,
) -> bool:
    """Render `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html` and send the mail.

    The mail is written in `language` (the one the person used, see
    `SubmissionBase.language`), by default in the portal's language (mails to staff).

    `context` should hold `base_url` (scheme and host, no trailing slash) for absolute links;
    `site_settings` is added. `attachments` are (file name, content, MIME type), the type
    possibly with parameters (`text/calendar; method=PUBLISH; charset=utf-8`); `headers` are
    extra mail headers (`List-Unsubscribe`). Returns False
    when there is no recipient or the backend failed (only possible when the outbox is
    bypassed); the failure is logged without the address.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return False
    from engagierte_stadt.models import SiteSettings

    context = {"site_settings": SiteSettings.load(), **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
    mail = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[address for address in reply_to or [] if address] or None,
        headers=headers or None,
    )
    mail.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        mail.attach(mime_attachment(filename, content, mimetype))
    try:
        mail.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("mail %s could not be sent", prefix)
        return False
    logger.debug("mail %s handed to the backend for %d recipient(s)", prefix, len(recipients))
    return True


def address_hash(address: str) -> str:
    """A keyed hash of an e-mail address (HMAC under the secret key, so a list of addresses
    cannot be hashed and compared against it)."""
    normalised = address.strip().lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), normalised, hashlib.sha256).hexdigest()


def _within_address_limit(address: str) -> bool:
    """Count one mail to `address` unless it already got MAILS_PER_ADDRESS_PER_HOUR in the
    last hour. Kept in the database, so every worker and app server counts together."""
    from engagierte_stadt.models import MailToAddress

    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    digest = address_hash(address)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two requests for one address at the same moment count one after the other.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(digest[:15], 16)])
        MailToAddress.objects.filter(sent_at__lt=hour_ago).delete()
        if MailToAddress.objects.filter(address_hash=digest).count() >= (
            settings.MAILS_PER_ADDRESS_PER_HOUR
        ):
            return False
        MailToAddress.objects.create(address_hash=digest, sent_at=now)
    return True


def send_to_person(
    prefix: str,
    context: dict,
    address: str,
    *,
    limited: bool,
    reply_to: list[str] | None = None,
    attachments: list[tuple[str, str | bytes, str]] | None = None,
    language: str | None = None,
) -> bool:
    """`send_mail_template` to one person who left their address in a public form.

    `limited`: a mail that anybody can cause by typing an address into a form (the opt-in
    request, "you are already signed up", a receipt) counts against
    MAILS_PER_ADDRESS_PER_HOUR and is not sent above it, so that the portal cannot be used
    to flood someone's inbox. Mails that follow from the person's own link or from staff
    (confirmation, moving up, reminders, decisions) are not limited.
    """
    if not address:
        return False
    if limited and not _within_address_limit(address):
        logger.warning("mail %s not sent: limit of mails per address and hour reached", prefix)
        return False
    return send_mail_template(
        prefix, context, [address], reply_to=reply_to, attachments=attachments, language=language
    )
