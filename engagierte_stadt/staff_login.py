"""Safe staff logins: sessions that end after a working day without activity, and what
django-axes (the lockout after failed logins, settings.py) writes to the log.

Visitors have no session worth keeping; staff have the admin, where a forgotten open session
on a shared office computer gives away volunteers' data. A staff session therefore lasts
`STAFF_SESSION_IDLE_SECONDS` (a working day, 8 hours) from the last request, not Django's
two weeks. The moment of activity is written at most every `REFRESH_SECONDS`, so a staff
member's requests do not each write the session.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in

SEEN = "_staff_seen"
# How stale the stored moment of activity may get before it is written again.
REFRESH_SECONDS = 300


def idle_seconds() -> int:
    return settings.STAFF_SESSION_IDLE_SECONDS


def mark_active(session) -> None:
    session[SEEN] = int(time.time())
    session.set_expiry(idle_seconds())


def staff_logged_in(sender, request, user, **kwargs):
    """Start the shorter session at login (connected in `EngagierteStadtConfig.ready`)."""
    if user.is_staff and hasattr(request, "session"):
        mark_active(request.session)


class StaffSessionMiddleware:
    """Ends a staff session that was idle for longer than a working day; keeps an active one
    alive. Put it after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            seen = request.session.get(SEEN)
            if seen is not None and now - seen >= idle_seconds():
                logout(request)
            elif seen is None or now - seen >= REFRESH_SECONDS:
                mark_active(request.session)
        return self.get_response(request)


def connect() -> None:
    user_logged_in.connect(staff_logged_in, dispatch_uid="staff_session_login")


def lockout_log_text(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a failed login in the log (`AXES_CLIENT_STR_CALLABLE`): by the
    page only. An account name may be an e-mail address, and logs carry none."""
    return f"a login at {path_info}"
