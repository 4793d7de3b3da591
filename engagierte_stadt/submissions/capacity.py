"""The sign-up engine: one set of rules for every sign-up with places and a waiting list.

Opportunity sign-ups (`quartiere.Signup`) use it now, conference registrations next. A concrete
model subclasses `SignupBase`, names its target in `TARGET_FIELD` (the opportunity, the meeting,
a `SignupTarget`: its `places` limits the confirmed sign-ups, None meaning unlimited) and
gets:

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
from django.db.models.functions import Coalesce
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
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)

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


def status_count(model, status):
    """How many sign-ups of `model` with `status` the target row of the outer query has.

    A subquery, so a list of opportunities or meetings keeps one query for its rows.
    """
    return Coalesce(
        models.Subquery(
            model.objects.filter(**{model.TARGET_FIELD: models.OuterRef("pk")}, status=status)
            .order_by()
            .values(model.TARGET_FIELD)
            .annotate(n=models.Count("pk"))
            .values("n"),
            output_field=models.IntegerField(),
        ),
        0,
    )


def annotate_places(queryset, model):
    """`places_taken` (confirmed sign-ups of `model`) and `free_places` (None = unlimited) on
    every row of a queryset of targets."""
    taken = status_count(model, SignupStatus.CONFIRMED)
    return queryset.annotate(
        places_taken=taken,
        free_places=models.Case(
            models.When(places__isnull=True, then=models.Value(None)),
            default=models.F("places") - taken,
            output_field=models.IntegerField(),
        ),
    )


@dataclass
class SubmitResult:
    signup: SignupBase
    token: str | None  # None when the person had signed up before (no new link is made)
    created: bool


def _create_signup(
    *,
    model,
    target,
    token_hash: str,
    name: str,
    email: str,
    phone: str,
    message: str,
    needs: str,
    source: str,
    **extra,
):
    """Insert one sign-up row with its personal fields tidied (shared by every entry path)."""
    return model.objects.create(
        **{model.TARGET_FIELD: target},
        name=name.strip(),
        email=email,
        phone=phone.strip(),
        message=message.strip(),
        needs=needs.strip(),
        source=source,
        token_hash=token_hash,
        **extra,
    )


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
    **extra,
) -> SubmitResult:
    """Store a sign-up as unconfirmed and return its personal token.

    `extra` holds the values of fields a concrete model adds (a wish's "I would help").
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
            signup = _create_signup(
                model=model,
                target=target,
                token_hash=token_hash,
                name=name,
                email=email,
                phone=phone,
                message=message,
                needs=needs,
                source=source,
                consent_at=timezone.now(),
                **extra,
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
    places = target.places  # None: no limit (a Quartier that takes wishes has none)
    if places is None:
        return True
    taken = model.objects.filter(**{model.TARGET_FIELD: target}).confirmed().count()
    return taken < places


def signup_confirm(*, model, token: str):
    """Confirm by the personal link: a place if one is free, otherwise the waiting list.

    Returns the sign-up, or None for an unknown link. Confirming twice changes nothing; the
    returned sign-up's `confirmed_now` tells whether this call confirmed it (and so whether
    to send mails), which matters when two clicks arrive at once.
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
        # Read the sign-up again under the lock: a second click may have confirmed it meanwhile.
        signup = model.objects.get(pk=signup.pk)
        if signup.status != SignupStatus.UNCONFIRMED:
            return signup
        signup.status = (
            SignupStatus.CONFIRMED if _has_free_place(model, target) else SignupStatus.WAITING
        )
        signup.confirmed_at = timezone.now()
        signup.save(update_fields=["status", "confirmed_at"])
    signup.confirmed_now = True
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


# --- staff entries, expiry and retention ---------------------------------------------------

# The personal fields `signups_purge` empties (the same five `signup_erase` empties). A concrete
# model with more personal fields names them all in its own `PERSONAL_FIELDS`.
PERSONAL_FIELDS = ("name", "email", "phone", "message", "needs")


def signup_enter_by_staff(
    *,
    model,
    target,
    name: str,
    phone: str = "",
    email: str = "",
    message: str = "",
    needs: str = "",
    source: str = Source.PHONE,
) -> SubmitResult:
    """Store a sign-up that staff took by phone or on paper, confirmed at once.

    There is no opt-in link to click: staff confirm the person's consent when they enter it.
    The sign-up goes through the same capacity as online ones, under the same lock: a place if
    one is free, otherwise the waiting list. An address that is already signed up for the
    target gives the existing sign-up back (`created` False). The returned token is the
    personal cancel link, for a mail when there is an address; nothing is sent here.
    """
    email = normalise_email(email)
    token, token_hash = new_token()
    with transaction.atomic():
        target = _lock_target(target)
        existing = model.objects.active().filter(**{model.TARGET_FIELD: target}, email=email)
        if email and (found := existing.first()):
            return SubmitResult(found, None, False)
        now = timezone.now()
        signup = _create_signup(
            model=model,
            target=target,
            token_hash=token_hash,
            name=name,
            email=email,
            phone=phone,
            message=message,
            needs=needs,
            source=source,
            consent_at=now,
            status=(
                SignupStatus.CONFIRMED if _has_free_place(model, target) else SignupStatus.WAITING
            ),
            confirmed_at=now,
        )
    logger.info(
        "sign-up %s entered by staff (%s) as %s for %s %s",
        signup.pk,
        source,
        signup.status,
        model.TARGET_FIELD,
        target.pk,
    )
    return SubmitResult(signup, token, True)


def signups_expire(*, model, now=None) -> int:
    """Mark sign-ups whose opt-in link was not clicked within `CONFIRMATION_HOURS` as expired.

    They never held a place, so nobody moves up. Returns how many changed (0 on a second run).
    """
    count = model.objects.expired_unconfirmed(now=now).update(status=SignupStatus.EXPIRED)
    if count:
        logger.info("%d unconfirmed %s expired", count, model._meta.label)
    return count


def retention_cutoff(*, now=None, days: int | None = None):
    """The moment before which personal data is no longer kept."""
    if days is None:
        days = settings.PERSONAL_DATA_RETENTION_DAYS
    return (now or timezone.now()) - timedelta(days=days)


def target_ended_q(model, cutoff) -> models.Q:
    """Sign-ups whose target ended before `cutoff`.

    A concrete model may define its own rule as a classmethod `target_ended_q(cutoff)`. The
    default reads the target's fields: it ends at `ends_at`, else at `starts_at`; a target with
    neither date (a regular or flexible opportunity) ends when it is closed for sign-ups
    (`is_open` off) and has not been changed (`updated_at`) since. A target without any of
    these fields never ends; its sign-ups are purged only after cancellation or expiry.
    """
    if hasattr(model, "target_ended_q"):
        return model.target_ended_q(cutoff)
    target_model = model._meta.get_field(model.TARGET_FIELD).related_model
    fields = {f.name for f in target_model._meta.concrete_fields}
    prefix = f"{model.TARGET_FIELD}__"
    rules, no_date = [], models.Q()
    for field in ("ends_at", "starts_at"):
        if field in fields:
            rules.append(no_date & models.Q(**{f"{prefix}{field}__lt": cutoff}))
            no_date &= models.Q(**{f"{prefix}{field}__isnull": True})
    if {"is_open", "updated_at"} <= fields:
        rules.append(
            no_date & models.Q(**{f"{prefix}is_open": False, f"{prefix}updated_at__lt": cutoff})
        )
    if not rules:
        return models.Q(pk__in=[])  # never ends
    ended = rules[0]
    for rule in rules[1:]:
        ended |= rule
    return ended


def signups_to_purge(*, model, now=None, days: int | None = None):
    """Sign-ups whose personal data is due for deletion and still there.

    Due are those whose target ended before the cutoff (see `target_ended_q`), those cancelled
    before it, and unconfirmed or expired ones whose link ran out before it.
    """
    cutoff = retention_cutoff(now=now, days=days)
    lapsed = models.Q(
        status__in=[SignupStatus.UNCONFIRMED, SignupStatus.EXPIRED],
        created_at__lt=cutoff - timedelta(hours=CONFIRMATION_HOURS),
    )
    cancelled = models.Q(status=SignupStatus.CANCELLED, cancelled_at__lt=cutoff)
    return model.objects.filter(purged_at__isnull=True).filter(
        target_ended_q(model, cutoff) | cancelled | lapsed
    )


def _empty_values(model) -> dict:
    values = {}
    for name in getattr(model, "PERSONAL_FIELDS", PERSONAL_FIELDS):
        field = model._meta.get_field(name)
        values[name] = None if field.null else ""
    return values


def signups_purge(*, model, now=None, days: int | None = None) -> int:
    """Delete the personal data of sign-ups past the retention period (see `signups_to_purge`).

    The rows stay, with their status and times, so counts survive as anonymous numbers.
    `days` defaults to `settings.PERSONAL_DATA_RETENTION_DAYS`. Returns how many rows were
    emptied; a second run returns 0.
    """
    now = now or timezone.now()
    with transaction.atomic():
        count = signups_to_purge(model=model, now=now, days=days).update(
            **_empty_values(model), purged_at=now
        )
    if count:
        logger.info("personal data of %d %s deleted (retention)", count, model._meta.label)
    return count


# --- personal links ----------------------------------------------------------------------


def signup_by_token(*, model, token: str):
    """The sign-up behind a personal link, or None (unknown, replaced or malformed token)."""
    if not token or len(token) > 100:
        return None
    return (
        model.objects.select_related(model.TARGET_FIELD)
        .filter(token_hash=hash_token(token))
        .first()
    )


def signup_renew_token(*, model, signup) -> str:
    """Give a sign-up a fresh personal link and return it; the previous link stops working.

    Only the hash is stored, so a mail that needs the link again (a repeated sign-up, moving
    up, a reminder) has to make a new one: the link in the newest mail is the one that works.
    """
    token, token_hash = new_token()
    model.objects.filter(pk=signup.pk).update(token_hash=token_hash)
    signup.token_hash = token_hash
    return token
