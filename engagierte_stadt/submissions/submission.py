"""The submission layer: what every entry of personal data has, whatever it is for.

A concrete model (a sign-up, a registration, a wish, a partner application, accessibility
feedback) subclasses `SubmissionBase` and states its rules as class attributes and methods with
defaults here — no `getattr` hooks:

- `PERSONAL_FIELDS`: the fields that hold personal data; the purge and "delete my data" empty
  them (the row stays, for anonymous counts);
- `ROUTES`: the namespace prefix of its personal-link pages (`<ROUTES>_confirm`,
  `<ROUTES>_manage`); `MAIL_PREFIX`: its mail templates;
- `REQUIRES_OPT_IN`: whether it counts only after the e-mail link was clicked; such a model
  has a `status` field whose values include `UNCONFIRMED_STATUS`, `CONFIRMED_STATUS` and
  `EXPIRED_STATUS` (one without opt-in offers `status` as a property);
- its queryset's `due_for_purge(cutoff)`: which entries' data is past the retention;
- `subject`, `status_label`, `can_cancel` and `cancel_submission()` for the personal page.

Personal links: a random `link_key` is stored with each entry; the link's token is an HMAC of it
under the `SECRET_KEY`, and only the token's SHA-256 hash is stored for the lookup. So a database
dump holds no working link, yet every mail about an entry carries the same link, which keeps
working until the entry is purged (the purge empties the key). Entries from before the key
existed get one the first time a mail needs their link (their first link is replaced once).

Confirmation codes: every opt-in mail carries, besides the link, a 6-digit code that the person
may type on the "please check your e-mail" page instead (one less tap than link + button, and
no switching between mail program and browser on a phone). The page knows the entry by a
signed, short-lived reference (`confirmation_reference()`; never the personal token); the code
is random, stored only as an HMAC under the `SECRET_KEY` bound to that one entry, replaced by
each new opt-in mail, used once, refused after `CODE_MAX_TRIES` wrong tries (then only the
link works) and dead once the entry's link has expired (`submission_check_code`). Mail
scanners cannot confirm with it: it takes a POST with the code.

Any personal link proves its e-mail address: the personal page (`/meine-daten/<token>/`) shows
everything stored under that address, across every model registered here.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

CONFIRMATION_HOURS = 48
# A second submit within this time (a double click, an impatient reload) sends no new mail:
# the first one is on its way.
RESEND_AFTER = timedelta(minutes=10)
LINK_SALT = "engagierte_stadt.submissions.personal-link"
CODE_SALT = "engagierte_stadt.submissions.confirmation-code"
REFERENCE_SALT = "engagierte_stadt.submissions.check-mail-reference"
CODE_DIGITS = 6
# Wrong codes one entry accepts before only its link confirms it: with a million codes, five
# tries give a guesser a chance of 1 in 200 000.
CODE_MAX_TRIES = 5


# --- personal links ------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for_key(link_key: str) -> str:
    """The personal token of a link key: an HMAC under the SECRET_KEY (43 URL-safe chars)."""
    digest = salted_hmac(LINK_SALT, link_key, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class PersonalLink:
    key: str  # stored
    token: str  # only ever in mails
    token_hash: str  # stored, for the lookup


def new_link() -> PersonalLink:
    """A fresh personal link for a new entry."""
    key = secrets.token_urlsafe(24)
    token = token_for_key(key)
    return PersonalLink(key, token, hash_token(token))


def new_token() -> tuple[str, str]:
    """A random token and its hash, for rows made in bulk (demo data) that get their key
    later, the first time a mail needs their link."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def unusable_token_hash() -> str:
    """The hash of a token nobody knows: the default for rows made without a link (in bulk);
    they get a real one the first time a mail needs it (`personal_token()`)."""
    return hash_token(secrets.token_urlsafe(32))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def valid_token_shape(token: str) -> bool:
    return bool(token) and len(token) <= 100


# --- the language of the person ------------------------------------------------------------


def current_language() -> str:
    """The language of the page someone is on (German outside a request, in the admin and in
    commands): what an entry stores as the language its mails are written in."""
    try:
        return translation.get_supported_language_variant(
            translation.get_language() or settings.LANGUAGE_CODE
        )
    except LookupError:
        return settings.LANGUAGE_CODE


# --- the base model ------------------------------------------------------------------------


class SubmissionQuerySet(models.QuerySet):
    def not_purged(self):
        return self.filter(purged_at__isnull=True)

    def of_address(self, email: str):
        """Entries stored under an address whose data is still there."""
        email = normalise_email(email)
        if not email:
            return self.none()
        return self.not_purged().filter(email=email)

    def expired_unconfirmed(self, now=None):
        """Entries whose opt-in link was not clicked within `CONFIRMATION_HOURS`."""
        now = now or timezone.now()
        return self.filter(
            status=self.model.UNCONFIRMED_STATUS,
            created_at__lt=now - timedelta(hours=CONFIRMATION_HOURS),
        )

    def lapsed_before(self, cutoff):
        """Unconfirmed or expired entries whose opt-in link ran out before `cutoff`."""
        return models.Q(
            status__in=[self.model.UNCONFIRMED_STATUS, self.model.EXPIRED_STATUS],
            created_at__lt=cutoff - timedelta(hours=CONFIRMATION_HOURS),
        )

    def due_for_purge(self, cutoff):
        """Entries whose personal data is past the retention and still there. Each model
        states its own rule; the default keeps nothing past a lapsed opt-in."""
        return self.not_purged().filter(self.lapsed_before(cutoff))

    def for_personal_page(self):
        """What the personal page shows of each entry, without a query per entry."""
        return self


class SubmissionBase(models.Model):
    """Personal data someone left through a form, with consent time and a personal link."""

    PERSONAL_FIELDS: tuple[str, ...] = ("email",)
    ROUTES = ""  # e.g. "quartiere:signup": routes `<ROUTES>_confirm` and `<ROUTES>_manage`
    MAIL_PREFIX = "mail/signup"
    REQUIRES_OPT_IN = True
    KIND_LABEL = None  # what the personal page calls an entry; default: the verbose name
    # Set on the entry `submission_confirm` returns when that call confirmed it.
    confirmed_now = False
    UNCONFIRMED_STATUS = "unconfirmed"
    CONFIRMED_STATUS = "confirmed"
    EXPIRED_STATUS = "expired"

    email = models.EmailField(_("e-mail"), blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, default=unusable_token_hash
    )
    link_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(
        _("personal data deleted at"), null=True, blank=True, editable=False
    )
    # The confirmation code of the last opt-in mail, as an HMAC (empty: none, or used), and
    # the wrong codes typed for this entry so far.
    code_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    code_tries = models.PositiveSmallIntegerField(default=0, editable=False)
    # The language of the form the person used: their mails and personal links are in it.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=current_language,
        editable=False,
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        abstract = True

    # -- personal link -------------------------------------------------------------------

    def personal_token(self) -> str:
        """The token of this entry's personal link, the same in every mail.

        An entry without a key (bulk-made, or from before keys existed) gets one now; its
        previous link, if it had one, is replaced this once.
        """
        if not self.link_key:
            link = new_link()
            type(self).objects.filter(pk=self.pk).update(
                link_key=link.key, token_hash=link.token_hash
            )
            self.link_key, self.token_hash = link.key, link.token_hash
        return token_for_key(self.link_key)

    def set_new_link(self) -> str:
        """Give an unsaved entry its personal link; returns the token."""
        link = new_link()
        self.link_key, self.token_hash = link.key, link.token_hash
        return link.token

    def in_language(self):
        """A context in which mails to this person are written and their links reversed."""
        return translation.override(self.language or settings.LANGUAGE_CODE)

    @classmethod
    def route(cls, name: str) -> str:
        return f"{cls.ROUTES}_{name}"

    def manage_path(self) -> str:
        """The entry's own personal page (what is stored, cancel, delete)."""
        return reverse(self.route("manage"), kwargs={"token": self.personal_token()})

    def personal_page_path(self) -> str:
        """Everything stored under this entry's address."""
        return reverse("personal_data", kwargs={"token": self.personal_token()})

    # -- confirmation code ---------------------------------------------------------------

    def set_confirmation_code(self, code: str) -> None:
        """Store the hash of the code an opt-in mail carries; it replaces an earlier code.
        The count of wrong tries stays: it belongs to the entry, not to one code."""
        self.code_hash = code_hash(self, code)
        type(self).objects.filter(pk=self.pk).update(code_hash=self.code_hash)

    def confirmation_reference(self) -> str:
        """What the "please check your e-mail" page carries to know this entry: signed, valid
        as long as the opt-in link, and no personal token."""
        return signing.dumps([self._meta.label_lower, self.pk], salt=REFERENCE_SALT)

    # -- opt-in and expiry ---------------------------------------------------------------

    @property
    def is_unconfirmed(self) -> bool:
        return self.status == self.UNCONFIRMED_STATUS

    @property
    def link_expired(self) -> bool:
        """The opt-in link ran out (marked expired, or not yet marked by the daily run)."""
        return self.status == self.EXPIRED_STATUS or (
            self.status == self.UNCONFIRMED_STATUS
            and self.created_at < timezone.now() - timedelta(hours=CONFIRMATION_HOURS)
        )

    # -- what the personal page shows ----------------------------------------------------

    @property
    def kind_label(self) -> str:
        return str(self.KIND_LABEL or self._meta.verbose_name)

    @property
    def subject(self) -> str:
        """What the entry is about, in a few words (an offer's title, an organisation)."""
        return str(self)

    def subject_url(self) -> str | None:
        return None

    @property
    def status_label(self) -> str:
        if self.link_expired:
            return str(_("The confirmation link has expired"))
        return str(self.get_status_display())

    @property
    def can_cancel(self) -> bool:
        """Whether the person can still cancel or withdraw it (before deleting it)."""
        return False

    def lock_for_confirm(self):
        """This entry read again under a row lock, for `submission_confirm`."""
        return type(self).objects.select_for_update().get(pk=self.pk)

    def confirmed_status(self) -> str:
        """The status a confirmed entry gets (a capacity model: a place or the waiting list)."""
        return self.CONFIRMED_STATUS

    def after_confirm(self) -> None:
        """Runs once the transaction that confirmed this entry has committed (registered by
        `submission_confirm` with `transaction.on_commit`), so that mails about it never go
        out for a confirmation that was rolled back. Nothing by default; a capacity model
        tells the target's contact person when the places run out."""

    def cancel_submission(self) -> list:
        """Cancel or withdraw it; returns entries that moved up (to be mailed)."""
        raise NotImplementedError

    def erase_submission(self) -> None:
        """Delete the personal data now (the person asked); cancel first where that matters."""
        submission_erase(entry=self)

    def export_fields(self) -> list[str]:
        """The fields the personal page shows and the download holds."""
        return list(self.PERSONAL_FIELDS)

    def personal_data(self) -> list[tuple[str, object]]:
        """(label, value) of every stored field the person gave us."""
        rows = []
        for name in self.export_fields():
            field = self._meta.get_field(name)
            value = getattr(self, name)
            if field.many_to_many:
                value = ", ".join(str(item) for item in value.all())
            elif field.choices:
                value = getattr(self, f"get_{name}_display")()
            rows.append((str(field.verbose_name), value))
        return rows

    def export(self) -> dict:
        """This entry as plain data for the JSON and CSV downloads (DSGVO Art. 15, 20)."""

        def iso(value):
            return timezone.localtime(value).isoformat() if value else None

        return {
            "kind": self._meta.label,
            "kind_label": self.kind_label,
            "subject": self.subject,
            "status": self.status_label,
            "created_at": iso(self.created_at),
            "consent_at": iso(self.consent_at),
            "confirmed_at": iso(self.confirmed_at),
            "data": {
                name: _plain(getattr(self, name), self._meta.get_field(name))
                for name in self.export_fields()
            },
        }

    @classmethod
    def empty_personal_values(cls) -> dict:
        """What the purge writes into the personal fields."""
        values = {}
        for name in cls.PERSONAL_FIELDS:
            field = cls._meta.get_field(name)
            if field.null:
                values[name] = None
            elif isinstance(field, models.BooleanField):
                values[name] = False
            else:
                values[name] = ""
        return values


def _plain(value, field):
    if field.many_to_many:
        return [str(item) for item in value.all()]
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --- the registry ---------------------------------------------------------------------------


def submission_models() -> list[type[SubmissionBase]]:
    """Every concrete model of all installed apps that stands on the engine."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, SubmissionBase) and not model._meta.abstract
    ]


def submission_by_token(*, model, token: str):
    """The entry of `model` behind a personal link, or None (unknown or malformed)."""
    if not valid_token_shape(token):
        return None
    return model.objects.filter(token_hash=hash_token(token)).first()


def find_by_token(token: str):
    """The entry behind a personal link of any model, or None."""
    if not valid_token_shape(token):
        return None
    token_hash = hash_token(token)
    for model in submission_models():
        entry = model.objects.filter(token_hash=token_hash).first()
        if entry is not None:
            return entry
    return None


def entries_of_address(email: str) -> list[SubmissionBase]:
    """Everything stored under an address whose data is still there, newest first."""
    entries = []
    for model in submission_models():
        entries.extend(model.objects.of_address(email).for_personal_page())
    entries.sort(key=lambda entry: entry.created_at, reverse=True)
    return entries


# --- confirmation codes -----------------------------------------------------------------------


def new_code() -> str:
    """A random code of `CODE_DIGITS` digits (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(entry, code: str) -> str:
    """The stored form of an entry's code: an HMAC under the SECRET_KEY over the entry's model,
    number and code, so a code fits only its own entry and a database dump holds none."""
    value = f"{entry._meta.label_lower}:{entry.pk}:{code}"
    return salted_hmac(CODE_SALT, value, algorithm="sha256").hexdigest()


def submission_by_reference(reference: str, *, among):
    """The entry behind a reference from `confirmation_reference()`, if it is of one of the
    models `among` and not older than the opt-in link; else None."""
    if not reference or len(reference) > 200:
        return None
    try:
        label, pk = signing.loads(
            reference, salt=REFERENCE_SALT, max_age=timedelta(hours=CONFIRMATION_HOURS)
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    for model in among:
        if model._meta.label_lower == label and isinstance(pk, int):
            return model.objects.filter(pk=pk).first()
    return None


class CodeResult(StrEnum):
    CORRECT = "correct"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong tries: only the link confirms now
    EXPIRED = "expired"  # the entry's opt-in time ran out
    UNUSABLE = "unusable"  # no code (used, never sent), confirmed already, data deleted


@dataclass(frozen=True)
class CodeCheck:
    result: CodeResult
    tries_left: int = 0


def submission_check_code(*, entry, code: str) -> CodeCheck:
    """Check a code typed for `entry`; a correct one is used up (the caller then confirms the
    entry as its link would).

    Each wrong code counts against the entry; after `CODE_MAX_TRIES` every code is refused,
    the correct one too. Both counting and using up are single conditional UPDATEs, so two
    posts at once can neither use one code twice nor slip past the limit, on any database.
    """
    model = type(entry)
    entry = model.objects.filter(pk=entry.pk).first()
    if entry is None or entry.purged_at or not entry.is_unconfirmed or not entry.code_hash:
        return CodeCheck(CodeResult.UNUSABLE)
    if entry.link_expired:
        return CodeCheck(CodeResult.EXPIRED)
    if entry.code_tries >= CODE_MAX_TRIES:
        return CodeCheck(CodeResult.LOCKED)
    rows = model.objects.filter(pk=entry.pk, code_tries__lt=CODE_MAX_TRIES)
    if constant_time_compare(code_hash(entry, code), entry.code_hash):
        if rows.filter(code_hash=entry.code_hash).update(code_hash=""):
            logger.info("%s %s: confirmation code used", model._meta.label, entry.pk)
            return CodeCheck(CodeResult.CORRECT)
        return CodeCheck(CodeResult.UNUSABLE)
    if not rows.update(code_tries=models.F("code_tries") + 1):
        return CodeCheck(CodeResult.LOCKED)
    tries = model.objects.values_list("code_tries", flat=True).get(pk=entry.pk)
    logger.info("%s %s: wrong confirmation code (%d)", model._meta.label, entry.pk, tries)
    return CodeCheck(CodeResult.WRONG, tries_left=max(CODE_MAX_TRIES - tries, 0))


# --- opt-in, expiry, retention ----------------------------------------------------------------


def submission_confirm(*, model, token: str):
    """Confirm an entry by its opt-in link.

    Returns the entry, or None for an unknown link or deleted data; a link older than
    `CONFIRMATION_HOURS` marks the entry expired instead. Confirming twice changes nothing.
    Under the entry's lock (`lock_for_confirm()`: a capacity model locks its target's places)
    the entry decides its new status (`confirmed_status()`). `confirmed_now` on the result
    tells whether this call confirmed it, which matters when two clicks arrive at once: only
    one of them sends mails.
    """
    with transaction.atomic():
        entry = submission_by_token(model=model, token=token)
        if entry is None or entry.purged_at:
            return None
        if not entry.is_unconfirmed:
            return entry
        if entry.link_expired:
            entry.status = model.EXPIRED_STATUS
            entry.save(update_fields=["status"])
            return entry
        # Read it again under the lock: a second click may have confirmed it meanwhile.
        entry = entry.lock_for_confirm()
        if not entry.is_unconfirmed:
            return entry
        entry.status = entry.confirmed_status()
        entry.confirmed_at = timezone.now()
        entry.save(update_fields=["status", "confirmed_at"])
        transaction.on_commit(entry.after_confirm)
    entry.confirmed_now = True
    logger.info("%s %s confirmed as %s", model._meta.label, entry.pk, entry.status)
    return entry


def submissions_expire(*, model, now=None) -> int:
    """Mark entries whose opt-in link was not clicked in time as expired (they never counted).
    Returns how many changed; 0 on a second run."""
    count = model.objects.expired_unconfirmed(now=now).update(status=model.EXPIRED_STATUS)
    if count:
        logger.info("%d unconfirmed %s expired", count, model._meta.label)
    return count


def retention_cutoff(*, now=None, days: int | None = None):
    """The moment before which personal data is no longer kept."""
    if days is None:
        days = settings.PERSONAL_DATA_RETENTION_DAYS
    return (now or timezone.now()) - timedelta(days=days)


def submissions_to_purge(*, model, now=None, days: int | None = None):
    return model.objects.due_for_purge(retention_cutoff(now=now, days=days))


def submissions_purge(*, model, now=None, days: int | None = None) -> int:
    """Delete the personal data of entries past the retention period (each model's
    `due_for_purge`). The rows stay, with their status and times, so counts survive as
    anonymous numbers; the personal link stops working. `days` defaults to
    `settings.PERSONAL_DATA_RETENTION_DAYS`. Returns how many were emptied; a second run 0.
    """
    now = now or timezone.now()
    with transaction.atomic():
        count = submissions_to_purge(model=model, now=now, days=days).update(
            **model.empty_personal_values(), link_key="", purged_at=now
        )
    if count:
        logger.info("personal data of %d %s deleted (retention)", count, model._meta.label)
    return count


def submission_erase(*, entry) -> None:
    """Delete an entry's personal data now, on the person's request; the row stays.

    The personal link keeps leading to a page that says the data is gone (the token hash
    stays), but the entry no longer belongs to any address.
    """
    type(entry).objects.filter(pk=entry.pk).update(
        **type(entry).empty_personal_values(), link_key="", purged_at=timezone.now()
    )
    logger.info("personal data of %s %s deleted on request", entry._meta.label, entry.pk)
