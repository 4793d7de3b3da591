"""The mails of the submission engine, for every model built on it.

The personal links come from the routes `<ROUTES>_confirm` and `<ROUTES>_manage` of the model
(keyword `token`; `ROUTES` is a namespace prefix such as `"konferenzen:registration"`) and lead
to the same entry in every mail; the templates are `<MAIL_PREFIX>_<kind>`. The target (the
opportunity, the meeting) is a `SignupTarget`: its title, page, date and place go into the
mails, and its `contact()` gets the replies unless the caller names other addresses; a target
that is an `engagierte_stadt.ical.CalendarTarget` with a date has its .ics attached to the
mails about a place (`CALENDAR_KINDS`).

Every opt-in mail of every model carries a fresh confirmation code besides the link
(`send_with_code()`), for the "please check your e-mail" page.

Nothing here logs an address or a name: log lines name the mail and the sign-up's number.
"""

import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from engagierte_stadt import ical
from engagierte_stadt.mails import send_mail_template, send_to_person
from engagierte_stadt.submissions.submission import new_code

logger = logging.getLogger(__name__)


# --- the confirmation code of opt-in mails ---------------------------------------------------


def send_with_code(entry, send) -> bool:
    """Send an opt-in mail about `entry` with a fresh confirmation code: `send(context)` gets
    `{"confirmation_code": …}` to add to its context and returns whether the mail went out.
    Only then is the code stored (it replaces the code of an earlier mail), so a mail held back
    by the per-address limit leaves the earlier mail's code valid."""
    code = new_code()
    sent = send({"confirmation_code": code})
    if sent:
        entry.set_confirmation_code(code)
    return sent


# --- sign-up mails -------------------------------------------------------------------------


def signup_route(model, name: str) -> str:
    """The route name of a sign-up page: `confirm` or `manage`."""
    return model.route(name)


def signup_link(model, name: str, token: str, base_url: str) -> str:
    return base_url + reverse(signup_route(model, name), kwargs={"token": token})


def personal_links(model, token: str, base_url: str) -> dict:
    """The links every mail about an entry may carry: confirm, the entry's own page, and the
    personal page with everything stored under the address (all with the same token)."""
    return {
        "confirm_url": signup_link(model, "confirm", token, base_url),
        "manage_url": signup_link(model, "manage", token, base_url),
        "personal_data_url": base_url + reverse("personal_data", kwargs={"token": token}),
    }


def admin_link(signup, base_url: str) -> str:
    """Where staff see this sign-up: its admin page, else its target's, else the admin index."""
    candidates = [
        (f"admin:{signup._meta.app_label}_{signup._meta.model_name}_change", [signup.pk]),
        (
            f"admin:{signup.target._meta.app_label}_{signup.target._meta.model_name}_change",
            [signup.target.pk],
        ),
        ("admin:index", []),
    ]
    for name, args in candidates:
        try:
            return base_url + reverse(name, args=args)
        except NoReverseMatch:
            continue
    return base_url + "/admin/"


def _signup_context(signup, base_url: str, token: str | None = None, **extra) -> dict:
    """The context of a mail to the person: its links lead to the pages in their language."""
    with signup.in_language():
        return _context(signup, base_url, token, **extra)


def _context(signup, base_url: str, token: str | None = None, **extra) -> dict:
    target = signup.target
    context = {
        "signup": signup,
        "target": target,
        "target_url": base_url + target.get_absolute_url(),
        "starts_at": target.starts_at,
        "place": target.place,
        "base_url": base_url,
        "confirmation_hours": _confirmation_hours(),
        "position": signup.waiting_position(),
    }
    if token:
        context.update(personal_links(type(signup), token, base_url))
    context.update(extra)
    return context


def _confirmation_hours() -> int:
    from engagierte_stadt.submissions.capacity import CONFIRMATION_HOURS

    return CONFIRMATION_HOURS


def mail_prefix(model) -> str:
    """The templates of a model's mails: `<MAIL_PREFIX>_<kind>` (a conference wish is no
    sign-up for a date and says so in its own words)."""
    return model.MAIL_PREFIX


# The mails anybody can cause by typing an address into a form: limited per address and hour
# (`engagierte_stadt.mails.send_to_person`).
LIMITED_KINDS = {"confirm_request", "already"}

# The mails about a place (or a spot in line) carry the date as .ics, with a link to it.
CALENDAR_KINDS = {"confirmed", "waiting", "moved_up", "reminder"}


def _with_calendar(context: dict) -> list:
    """For a target with a date (`engagierte_stadt.ical.CalendarTarget`): put the link to its
    .ics into `context` (`calendar_url`) and return the .ics as the mail's attachment.
    A target without a date (an undated opportunity, a conference wish's Quartier): nothing."""
    attachment = ical.target_attachment(context["target"])
    if attachment is None:
        return []
    context["calendar_url"] = context["base_url"] + context["target"].get_calendar_url()
    return [attachment]


def _send_to_person(kind: str, signup, context: dict, reply_to=None) -> bool:
    if reply_to is None:  # also mails sent from the admin and by commands reach the contact
        reply_to = signup.target.contact().reply_to
    prefix = f"{mail_prefix(type(signup))}_{kind}"
    attachments = _with_calendar(context) if kind in CALENDAR_KINDS else None
    sent = send_to_person(
        prefix,
        context,
        signup.email,
        limited=kind in LIMITED_KINDS,
        reply_to=reply_to,
        attachments=attachments,
        language=signup.language,
    )
    if sent:
        logger.info("sign-up %s: mail '%s' queued", signup.pk, kind)
    return sent


def mail_signup_confirm_request(
    *, signup, token: str, base_url: str, again: bool = False, reply_to=None
) -> bool:
    """Ask the person to confirm (double opt-in), with the personal link and a code."""
    context = _signup_context(signup, base_url, token, again=again)
    return send_with_code(
        signup,
        lambda code: _send_to_person("confirm_request", signup, {**context, **code}, reply_to),
    )


def mail_signup_already(*, signup, token: str, base_url: str, reply_to=None) -> bool:
    """Someone signed up again with an address that already holds a place or waits."""
    return _send_to_person("already", signup, _signup_context(signup, base_url, token), reply_to)


def mail_signup_result(
    *, signup, token: str, base_url: str, reply_to=None, entered_by_staff: bool = False
) -> bool:
    """After confirming: a place, or the waiting list with the position."""
    kind = "confirmed" if signup.takes_place else "waiting"
    context = _signup_context(signup, base_url, token, entered_by_staff=entered_by_staff)
    return _send_to_person(kind, signup, context, reply_to)


def mail_signup_moved_up(*, signup, base_url: str, reply_to=None) -> bool:
    """Someone cancelled and this person moved up from the waiting list.

    The mail carries a fresh personal link (the old one stops working), so the person can
    cancel right away if the date no longer suits them.
    """
    if not signup.email:
        return False
    token = signup.personal_token()  # the same link as in the earlier mails
    return _send_to_person("moved_up", signup, _signup_context(signup, base_url, token), reply_to)


def mail_signup_entered_by_staff(*, signup, token: str, base_url: str, reply_to=None) -> bool:
    """Staff took a sign-up by phone or on paper: its result and the personal link."""
    if not signup.email:
        return False
    return mail_signup_result(
        signup=signup, token=token, base_url=base_url, reply_to=reply_to, entered_by_staff=True
    )


def mail_signup_cancelled(*, signup, token: str, base_url: str, reply_to=None) -> bool:
    """The person cancelled with the personal link: confirm it, with the link to delete data."""
    return _send_to_person("cancelled", signup, _signup_context(signup, base_url, token), reply_to)


def mail_signup_reminder(*, signup, base_url: str, reply_to=None) -> bool:
    """A reminder before a dated opportunity or meeting, with a fresh personal link."""
    token = signup.personal_token()
    return _send_to_person("reminder", signup, _signup_context(signup, base_url, token), reply_to)


def mail_signup_to_contact(*, signup, recipients: list[str], base_url: str) -> bool:
    """Tell the contact person of a new confirmed sign-up: the name and a link to the admin.

    No address, phone or message: staff read those in the admin, where access is controlled.
    """
    # Staff read German, whatever language the person used.
    with translation.override(settings.LANGUAGE_CODE):
        context = _context(signup, base_url, admin_url=admin_link(signup, base_url))
    prefix = f"{mail_prefix(type(signup))}_contact_new"
    sent = send_mail_template(prefix, context, recipients)
    if sent:
        logger.info("sign-up %s: contact person informed", signup.pk)
    return sent


def target_admin_link(target, base_url: str) -> str:
    """The admin page of a target (an opportunity, a meeting), else the admin index."""
    opts = target._meta
    try:
        return base_url + reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[target.pk]
        )
    except NoReverseMatch:
        return base_url + "/admin/"


def mail_target_fill(
    *, target, level: int, taken: int, recipients: list[str], base_url: str
) -> bool:
    """Tell the contact person that a target is nearly full or full (`level` 80 or 100): once
    per step (`capacity.signup_notify_fill` decides). Counts only, no names."""
    context = {
        "target": target,
        "target_url": base_url + target.get_absolute_url(),
        "starts_at": target.starts_at,
        "place": target.place,
        "base_url": base_url,
        "full": level >= 100,
        "percent": int(level),
        "taken": taken,
        "places": target.places,
        "admin_url": target_admin_link(target, base_url),
    }
    sent = send_mail_template("mail/signup_fill_level", context, recipients)
    if sent:
        logger.info("%s %s: contact person told of %d %%", target._meta.label, target.pk, level)
    return sent
