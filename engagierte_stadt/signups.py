"""The sign-up engine: one set of rules for every sign-up with places and a waiting list.

Opportunity sign-ups (`quartiere.Signup`) use it now, conference registrations next. A concrete
model subclasses `SignupBase`, names its capacity target in `TARGET_FIELD` (a model with a
`places` field, None meaning unlimited) and gets:

- double opt-in: a sign-up is stored unconfirmed with a personal link; only confirmed ones take
  places; unconfirmed ones expire after `CONFIRMATION_HOURS`;
- capacity: confirming locks the target row (`SELECT … FOR UPDATE` on PostgreSQL), so
  confirmed sign-ups never exceed the places; the rest wait in line and move up on cancellation;
- idempotence: one active sign-up per target and e-mail address (a partial unique constraint),
  so a double submit gives one row.

Tokens are random, sent only by e-mail, and stored as SHA-256 hashes: a database dump does not
contain working links.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

CONFIRMATION_HOURS = 48


class SignupStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("not yet confirmed")
    CONFIRMED = "confirmed", _("confirmed")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")


ACTIVE_STATUSES = [SignupStatus.UNCONFIRMED, SignupStatus.CONFIRMED, SignupStatus.WAITING]


class Source(models.TextChoices):
    ONLINE = "online", _("online form")
    PHONE = "phone", _("by phone")
    PAPER = "paper", _("on paper")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh personal token and its hash (only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class SignupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self):
        return self.filter(status=SignupStatus.CONFIRMED)

    def waiting(self):
        return self.filter(status=SignupStatus.WAITING).order_by("confirmed_at", "pk")

    def expired_unconfirmed(self, now=None):
        now = now or timezone.now()
        return self.filter(
            status=SignupStatus.UNCONFIRMED,
            created_at__lt=now - timedelta(hours=CONFIRMATION_HOURS),
        )


class SignupBase(models.Model):
    """Personal data of one sign-up: the minimum, deletable, with the time of consent."""

    TARGET_FIELD = ""  # the ForeignKey to the thing with places, set by the subclass

    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    message = models.TextField(_("message"), blank=True)
    needs = models.TextField(_("what I need to take part"), blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SignupStatus.choices, default=SignupStatus.UNCONFIRMED
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ONLINE
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(
        _("personal data deleted at"), null=True, blank=True, editable=False
    )

    objects = SignupQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name or str(_("(deleted)"))

    @property
    def target(self):
        return getattr(self, self.TARGET_FIELD)

    @property
    def takes_place(self) -> bool:
        return self.status == SignupStatus.CONFIRMED

    def waiting_position(self) -> int | None:
        """1 for the first in line; None when not waiting."""
        if self.status != SignupStatus.WAITING:
            return None
        ahead = (
            type(self)
            .objects.filter(**{self.TARGET_FIELD: self.target})
            .waiting()
            .filter(
                models.Q(confirmed_at__lt=self.confirmed_at)
                | models.Q(confirmed_at=self.confirmed_at, pk__lt=self.pk)
            )
            .count()
        )
        return ahead + 1

    @classmethod
    def active_email_constraint(cls, target_field: str, name: str) -> models.UniqueConstraint:
        """One active sign-up per target and e-mail address (phone/paper ones have none)."""
        return models.UniqueConstraint(
            fields=[target_field, "email"],
            condition=models.Q(status__in=ACTIVE_STATUSES) & ~models.Q(email=""),
            name=name,
        )


@dataclass
class SubmitResult:
    signup: SignupBase
    token: str | None  # None when the person had signed up before (no new link is made)
    created: bool


def signup_submit(
    *,
    model,
    target,
    name: str,
    email: str,
    phone: str = "",
    message: str = "",
    needs: str = "",
    source: str = Source.ONLINE,
) -> SubmitResult:
    """Store a sign-up as unconfirmed and return its personal token.

    A second submit with the same address for the same target returns the existing active
    sign-up instead of a new row (also when two requests race: the unique constraint decides).
    """
    email = normalise_email(email)
    existing = model.objects.active().filter(**{model.TARGET_FIELD: target}, email=email)
    if email and (found := existing.first()):
        return SubmitResult(found, None, False)
    token, token_hash = new_token()
    try:
        with transaction.atomic():
            signup = model.objects.create(
                **{model.TARGET_FIELD: target},
                name=name.strip(),
                email=email,
                phone=phone.strip(),
                message=message.strip(),
                needs=needs.strip(),
                consent_at=timezone.now(),
                source=source,
                token_hash=token_hash,
            )
    except IntegrityError:
        found = existing.first()
        if found is None:
            raise
        return SubmitResult(found, None, False)
    logger.info("sign-up %s stored for %s %s", signup.pk, model.TARGET_FIELD, target.pk)
    return SubmitResult(signup, token, True)


def _lock_target(target):
    """Lock the target row until the end of the transaction (a no-op on SQLite, which
    serialises writers anyway). `SIGNUP_LOCKING = False` exists only for the control run of
    the concurrency test, which must show that without the lock places get overbooked."""
    if getattr(settings, "SIGNUP_LOCKING", True):
        return type(target).objects.select_for_update().get(pk=target.pk)
    return type(target).objects.get(pk=target.pk)


def _has_free_place(model, target) -> bool:
    if target.places is None:
        return True
    taken = model.objects.filter(**{model.TARGET_FIELD: target}).confirmed().count()
    return taken < target.places


def signup_confirm(*, model, token: str):
    """Confirm by the personal link: a place if one is free, otherwise the waiting list.

    Returns the sign-up, or None for an unknown or expired link. Confirming twice changes
    nothing.
    """
    with transaction.atomic():
        signup = model.objects.filter(token_hash=hash_token(token)).first()
        if signup is None or signup.purged_at:
            return None
        if signup.status != SignupStatus.UNCONFIRMED:
            return signup
        if signup.created_at < timezone.now() - timedelta(hours=CONFIRMATION_HOURS):
            signup.status = SignupStatus.EXPIRED
            signup.save(update_fields=["status"])
            return signup
        target = _lock_target(signup.target)
        signup.status = (
            SignupStatus.CONFIRMED if _has_free_place(model, target) else SignupStatus.WAITING
        )
        signup.confirmed_at = timezone.now()
        signup.save(update_fields=["status", "confirmed_at"])
    logger.info("sign-up %s confirmed as %s", signup.pk, signup.status)
    return signup


def signup_cancel(*, model, signup) -> list:
    """Cancel a sign-up; when it held a place, the first ones waiting move up.

    Returns the sign-ups that moved up (to be mailed by the caller).
    """
    with transaction.atomic():
        target = _lock_target(signup.target)
        signup = model.objects.select_for_update().get(pk=signup.pk) if _locking() else signup
        if signup.status not in ACTIVE_STATUSES:
            return []
        held_place = signup.status == SignupStatus.CONFIRMED
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = timezone.now()
        signup.save(update_fields=["status", "cancelled_at"])
        moved = signup_fill_places(model=model, target=target) if held_place else []
    logger.info("sign-up %s cancelled, %d moved up", signup.pk, len(moved))
    return moved


def signup_fill_places(*, model, target) -> list:
    """Move waiting sign-ups up while there are free places (call with the target locked)."""
    moved = []
    for waiting in model.objects.filter(**{model.TARGET_FIELD: target}).waiting():
        if not _has_free_place(model, target):
            break
        waiting.status = SignupStatus.CONFIRMED
        waiting.save(update_fields=["status"])
        moved.append(waiting)
    return moved


def signup_move_up(*, model, signup) -> bool:
    """Staff move a waiting sign-up up by hand, even beyond the places."""
    with transaction.atomic():
        _lock_target(signup.target)
        signup = model.objects.get(pk=signup.pk)
        if signup.status != SignupStatus.WAITING:
            return False
        signup.status = SignupStatus.CONFIRMED
        signup.save(update_fields=["status"])
    return True


def signup_erase(*, model, signup) -> None:
    """Delete the personal data now; the anonymous row stays for the counts."""
    if signup.status in ACTIVE_STATUSES:
        signup_cancel(model=model, signup=signup)
        signup.refresh_from_db()
    model.objects.filter(pk=signup.pk).update(
        name="", email="", phone="", message="", needs="", purged_at=timezone.now()
    )
    logger.info("personal data of sign-up %s deleted on request", signup.pk)


def _locking() -> bool:
    return getattr(settings, "SIGNUP_LOCKING", True)
