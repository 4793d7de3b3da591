"""The second factor for staff: a TOTP app (django-otp's TOTP device) and recovery codes
(`RecoveryCodeDevice`), required after the password before the admin or any staff-only page.

How a staff login goes: the password on the admin's login page (django-axes counts failures
there) → `SecondFactorMiddleware` sends the session to the code step; a staff member without
a confirmed app is sent on to the enrolment (QR code, the key to type, a code to confirm),
then sees their recovery codes once → the admin. django-otp's `OTPMiddleware` reads the
verified device from the session on every request (`request.user.is_verified()`).

Until the second factor is passed, a staff session is nobody's for the rest of the site:
`request.user` is the anonymous user on every page but the steps themselves and the logout,
so any page that asks `is_staff`, a permission or `staff_member_required` (the attendance
list, previews of drafts) treats the person as a visitor; the admin redirects to the step.
"""

from base64 import b32encode
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from engagierte_stadt.models import RecoveryCode, RecoveryCodeDevice

# How many recovery codes a staff member gets at a time.
RECOVERY_CODE_COUNT = 10
# The codes made at enrolment wait here until their page shows them, once.
CODES_TO_SHOW = "_recovery_codes_to_show"
APP_NAME = "Authenticator-App"


def needs_second_factor(user) -> bool:
    """Whether `user` is staff (or superuser) whose session has not passed the second factor."""
    return (
        user.is_authenticated
        and (user.is_staff or user.is_superuser)
        and not (hasattr(user, "is_verified") and user.is_verified())
    )


def safe_next(request, default: str | None = None) -> str:
    """The `next` address of the request if it stays on this site, else the admin's index."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("admin:index")


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def has_confirmed_app(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_app(user) -> TOTPDevice:
    """The app being set up for `user`: the unconfirmed TOTP device, made on the first visit
    of the enrolment page and kept until confirmed, so a reload shows the same key."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def second_factor_login(request, device) -> None:
    """Mark the session as verified by `device` the way django-otp does, on a new session key
    (the session is worth more now than it was after the password)."""
    request.session.cycle_key()
    otp_login(request, device)


def recovery_codes_create(*, user) -> list[str]:
    """Replace `user`'s recovery codes with new ones and return their texts, which are stored
    nowhere: only their digests are kept."""
    texts = [RecoveryCode.new_text() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        # The device stays (a session verified by one of its codes stays verified); its codes go.
        device, _created = RecoveryCodeDevice.objects.get_or_create(
            user=user, defaults={"name": "Wiederherstellungscodes"}
        )
        device.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, digest=RecoveryCode.digest_of(text)) for text in texts
        )
    return texts


def second_factor_enrol(request, *, device: TOTPDevice) -> None:
    """Confirm the app `device` after a right code: other apps go, the recovery
    codes are made (and kept in the session until their page shows them once), and the
    session counts as verified."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other app goes: unconfirmed tries, and the old phone when a verified person
        # sets up a new one.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        codes = recovery_codes_create(user=device.user)
    second_factor_login(request, device)
    request.session[CODES_TO_SHOW] = codes


def _devices_for_code(user, compact: str):
    """Six digits go to the app, anything longer to the recovery codes, so a mistyped code of
    one kind does not slow the other down."""
    if compact.isdigit() and len(compact) <= 8:
        return TOTPDevice.objects.devices_for_user(user, confirmed=True)
    return RecoveryCodeDevice.objects.filter(user=user)


def second_factor_check(user, code: str):
    """The device of `user` that accepts `code`, or None. Each device throttles wrong codes
    itself (the waiting time doubles with each failure)."""
    compact = "".join(code.split())
    with transaction.atomic():
        for device in _devices_for_code(user, compact).select_for_update():
            if device.verify_token(compact):
                return device
    return None


def second_factor_throttled(user, code: str) -> bool:
    """Whether the devices that would check `code` all wait out a series of wrong codes."""
    devices = list(_devices_for_code(user, "".join(code.split())))
    return bool(devices) and not any(device.verify_is_allowed()[0] for device in devices)


class SecondFactorMiddleware:
    """Keeps a staff session that has not passed the second factor out of everything staff
    may see. Put it after django-otp's OTPMiddleware."""

    STEP_ROUTES = (
        "staff_second_factor",
        "staff_second_factor_enrol",
        "staff_recovery_codes",
        "admin:logout",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and needs_second_factor(user):
            path = request.path
            if path in {reverse(name) for name in self.STEP_ROUTES}:
                return self.get_response(request)
            if path.startswith(reverse("admin:index")):
                if path == reverse("admin:login"):
                    target = safe_next(request)
                else:
                    target = request.get_full_path()
                return redirect(with_next(reverse("staff_second_factor"), target))
            anonymous = AnonymousUser()

            async def auser():
                return anonymous

            request.user = anonymous
            request.auser = auser
        return self.get_response(request)
