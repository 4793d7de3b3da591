"""The capacity layer: sign-ups that take a place, with a waiting list.

It stands on the submission layer (`submission.py`: personal fields, consent, personal links,
opt-in, expiry, purge). A concrete model subclasses `SignupBase`, names its target in
`TARGET_FIELD` (the opportunity, the meeting, the Quartier of a wish: a `SignupTarget`, whose
`places` limits the confirmed sign-ups, None meaning unlimited) and gets:

- capacity: confirming locks the target row (`SELECT … FOR UPDATE` on PostgreSQL), so
  confirmed sign-ups never exceed the target's `places` (None: unlimited); the rest wait in
  line and move up on cancellation;
- idempotence: one active sign-up per target and e-mail address (a partial unique constraint),
  so a double submit gives one row;
- the retention rule: data goes a while after the target ended (`target_ended_q`), after a
  cancellation, or after an opt-in link ran out.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from engagierte_stadt import pagecache
from engagierte_stadt.submissions.submission import (  # noqa: F401 (re-exported)
    CONFIRMATION_HOURS,
    SubmissionBase,
    SubmissionQuerySet,
    current_language,
    hash_token,
    new_link,
    new_token,
    normalise_email,
    retention_cutoff,
    submission_by_token,
    submission_confirm,
    submission_erase,
    submissions_expire,
    submissions_purge,
    submissions_to_purge,
    valid_token_shape,
)

logger = logging.getLogger(__name__)


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


# The personal fields of a sign-up: the purge and "delete my data" empty them.
PERSONAL_FIELDS = ("name", "email", "phone", "message", "needs")


class SignupQuerySet(SubmissionQuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self):
        return self.filter(status=SignupStatus.CONFIRMED)

    def waiting(self):
        return self.filter(status=SignupStatus.WAITING).order_by("confirmed_at", "pk")

    def due_for_purge(self, cutoff):
        """Sign-ups whose target ended before `cutoff` (the model's `target_ended_q`), those
        cancelled before it, and unconfirmed or expired ones whose link ran out before it."""
        cancelled = models.Q(status=SignupStatus.CANCELLED, cancelled_at__lt=cutoff)
        return self.not_purged().filter(
            self.model.target_ended_q(cutoff) | cancelled | self.lapsed_before(cutoff)
        )

    def for_personal_page(self):
        return self.select_related(self.model.TARGET_FIELD, *self.model.TARGET_RELATED)


class SignupBase(SubmissionBase):
    """A sign-up for a target: the minimum of personal data, deletable, with consent time."""

    TARGET_FIELD = ""  # the ForeignKey to the thing with places, set by the subclass
    TARGET_RELATED: tuple[str, ...] = ()  # what the target's title and address need besides
    PERSONAL_FIELDS = PERSONAL_FIELDS
    ROUTES = ""  # set by the subclass, e.g. "quartiere:signup"

    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    message = models.TextField(_("message"), blank=True)
    needs = models.TextField(_("what I need to take part"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=SignupStatus.choices, default=SignupStatus.UNCONFIRMED
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ONLINE
    )
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
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

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_waiting(self) -> bool:
        return self.status == SignupStatus.WAITING

    @property
    def is_cancelled(self) -> bool:
        return self.status == SignupStatus.CANCELLED

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

    @classmethod
    def target_ended_q(cls, cutoff) -> models.Q:
        """Sign-ups whose target ended before `cutoff`, for the retention rule.

        The default reads the target's fields: it ends at `ends_at`, else at `starts_at`; a
        target with neither date ends when it is closed for sign-ups (`is_open` off) and has
        not been changed (`updated_at`) since. A target without any of these fields never
        ends; its sign-ups are purged only after cancellation or expiry. A model with another
        rule overrides this.
        """
        target_model = cls._meta.get_field(cls.TARGET_FIELD).related_model
        fields = {f.name for f in target_model._meta.concrete_fields}
        prefix = f"{cls.TARGET_FIELD}__"
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

    # -- the submission contract -----------------------------------------------------------

    def lock_for_confirm(self):
        """Lock the target's places, then read this sign-up again under that lock."""
        target = _lock_target(self.target)
        fresh = type(self).objects.get(pk=self.pk)
        fresh._locked_target = target
        return fresh

    def confirmed_status(self) -> str:
        """A place if one is free, else the waiting list (after `lock_for_confirm`)."""
        if _has_free_place(type(self), self._locked_target):
            return SignupStatus.CONFIRMED
        return SignupStatus.WAITING

    def after_confirm(self) -> None:
        """A sign-up that took a place may have filled its target to the next step."""
        places_changed(self.target)
        if self.takes_place:
            signup_notify_fill(model=type(self), target=self.target)

    @property
    def subject(self) -> str:
        """The target's title, in the language active now (a mail in the person's language
        names an English version of it where staff gave one)."""
        share_title = getattr(self.target, "share_title", None)
        return share_title() if share_title else str(self.target)

    def subject_url(self) -> str | None:
        return self.target.get_absolute_url()

    @property
    def status_label(self) -> str:
        if self.status == SignupStatus.WAITING:
            position = self.waiting_position()
            return str(_("on the waiting list, in position %(position)s") % {"position": position})
        return super().status_label

    @property
    def can_cancel(self) -> bool:
        return self.is_active

    def cancel_submission(self) -> list:
        return signup_cancel(model=type(self), signup=self)

    def export_fields(self) -> list[str]:
        return [*self.PERSONAL_FIELDS, "source"]


def places_changed(target) -> None:
    """The free places of `target` changed: its page and the lists showing it are made anew
    (the page cache; also when the count was written with `update()`, which no signal tells)."""
    pagecache.object_changed(target)


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


# From this share of places taken on, a target counts as nearly full (the dashboard's to-do
# list, the contact person's mail).
NEARLY_FULL_PERCENT = 80


class FillLevel(models.IntegerChoices):
    """How full a target with limited places is: the steps staff are told about."""

    OPEN = 0, _("places free")
    NEARLY_FULL = NEARLY_FULL_PERCENT, _("nearly full")
    FULL = 100, _("full")


def fill_level(*, places: int | None, taken: int) -> FillLevel:
    """The step a target with `places` (None: unlimited) and `taken` confirmed places is on."""
    if not places:
        return FillLevel.OPEN if places is None else FillLevel.FULL
    if taken >= places:
        return FillLevel.FULL
    if taken * 100 >= places * NEARLY_FULL_PERCENT:
        return FillLevel.NEARLY_FULL
    return FillLevel.OPEN


def fill_filter(queryset, level: FillLevel):
    """The targets of a queryset with `annotate_places` that are on `level` exactly (the same
    rule as `fill_level`, in the database)."""
    limited = queryset.filter(places__isnull=False)
    if level == FillLevel.FULL:
        return limited.filter(free_places__lte=0)
    margin = models.F("places_taken") * 100 - models.F("places") * NEARLY_FULL_PERCENT
    limited = limited.alias(fill_margin=margin)
    if level == FillLevel.NEARLY_FULL:
        return limited.filter(free_places__gt=0, fill_margin__gte=0)
    return queryset.alias(fill_margin=margin).filter(
        models.Q(places__isnull=True) | models.Q(free_places__gt=0, fill_margin__lt=0)
    )


def signup_notify_fill(*, model, target) -> FillLevel | None:
    """Tell the target's contact person once when its places are `NEARLY_FULL_PERCENT` taken
    and once when all are (one mail per step, not one per sign-up). Call after the commit of
    the confirmation (`SignupBase.after_confirm`).

    The step already told of is stored on the target (`fill_notified`). Raising it is a
    conditional update, so of two confirmations arriving at once only one mails. The stored
    step never goes down: a place freed by a cancellation and taken again sends nothing new,
    and after "full" no second "nearly full" follows. Returns the step mailed, else None.
    """
    if target.places is None:
        return None
    taken = model.objects.filter(**{model.TARGET_FIELD: target}).confirmed().count()
    level = fill_level(places=target.places, taken=taken)
    if level == FillLevel.OPEN:
        return None
    raised = (
        type(target)
        .objects.filter(pk=target.pk, fill_notified__lt=level)
        .update(fill_notified=level)
    )
    if not raised:
        return None
    from engagierte_stadt.submissions import mails

    recipients = target.contact().recipients
    if not recipients:
        logger.warning(
            "%s %s reached %d %%, no contact address", model.TARGET_FIELD, target.pk, level
        )
        return level
    mails.mail_target_fill(
        target=target,
        level=level,
        taken=taken,
        recipients=recipients,
        base_url=settings.SITE_URL.rstrip("/"),
    )
    return level


@dataclass
class SubmitResult:
    signup: SignupBase
    token: str | None  # the personal link's token (the same in every mail about the sign-up)
    created: bool


def _create_signup(
    *,
    model,
    target,
    name: str,
    email: str,
    phone: str,
    message: str,
    needs: str,
    source: str,
    **extra,
):
    """Insert one sign-up row with its personal fields tidied and its personal link (shared by
    every entry path). Returns the row and its token."""
    link = new_link()
    signup = model.objects.create(
        **{model.TARGET_FIELD: target},
        name=name.strip(),
        email=email,
        phone=phone.strip(),
        message=message.strip(),
        needs=needs.strip(),
        source=source,
        token_hash=link.token_hash,
        link_key=link.key,
        **extra,
    )
    return signup, link.token


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
        if source == Source.ONLINE:  # the mails follow the language the person used last
            found.language = current_language()
            model.objects.filter(pk=found.pk).update(language=found.language)
        return SubmitResult(found, found.personal_token(), False)
    try:
        with transaction.atomic():
            signup, token = _create_signup(
                model=model,
                target=target,
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
        return SubmitResult(found, found.personal_token(), False)
    logger.info("sign-up %s stored for %s %s", signup.pk, model.TARGET_FIELD, target.pk)
    return SubmitResult(signup, token, True)


def _locking() -> bool:
    """`SIGNUP_LOCKING = False` exists only for the control run of the concurrency test,
    which must show that without the lock places get overbooked."""
    return getattr(settings, "SIGNUP_LOCKING", True)


def _lock_target(target):
    """Lock the target row until the end of the transaction (a no-op on SQLite, which
    serialises writers anyway)."""
    if _locking():
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

    The submission layer's opt-in (`submission_confirm`) with the sign-up's capacity rules:
    the target's row is locked while the place is decided. Returns the sign-up, or None for an
    unknown link; `confirmed_now` tells whether this call confirmed it.
    """
    return submission_confirm(model=model, token=token)


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
        places_changed(target)
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
        places_changed(signup.target)
        transaction.on_commit(signup.after_confirm)
    return True


def signup_erase(*, model, signup) -> list:
    """Delete the personal data now; an active sign-up is cancelled first (the anonymous row
    stays for the counts). Returns the sign-ups that moved up into the freed place."""
    moved = []
    if signup.status in ACTIVE_STATUSES:
        moved = signup_cancel(model=model, signup=signup)
        signup.refresh_from_db()
    submission_erase(entry=signup)
    return moved


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
    with transaction.atomic():
        target = _lock_target(target)
        existing = model.objects.active().filter(**{model.TARGET_FIELD: target}, email=email)
        if email and (found := existing.first()):
            return SubmitResult(found, None, False)
        now = timezone.now()
        signup, token = _create_signup(
            model=model,
            target=target,
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
        places_changed(target)
        transaction.on_commit(signup.after_confirm)
    logger.info(
        "sign-up %s entered by staff (%s) as %s for %s %s",
        signup.pk,
        source,
        signup.status,
        model.TARGET_FIELD,
        target.pk,
    )
    return SubmitResult(signup, token, True)


# Retention and expiry are the submission layer's, under the names the apps use.
signups_expire = submissions_expire
signups_purge = submissions_purge
signups_to_purge = submissions_to_purge


def signup_by_token(*, model, token: str):
    """The sign-up behind a personal link with its target (one query), or None (unknown or
    malformed token)."""
    if not valid_token_shape(token):
        return None
    return (
        model.objects.select_related(model.TARGET_FIELD)
        .filter(token_hash=hash_token(token))
        .first()
    )
