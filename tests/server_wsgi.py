"""The portal's WSGI application for the app servers of the scale-out test
(tests/engagierte_stadt/test_scale_out.py), with the production settings and two test hooks:

- the windows around the sign-up engine's lock are widened, as under load (a pause before
  locking the place, and one between counting the places and saving), as in
  tests/quartiere/test_signup_concurrency.py;
- `SCALE_OUT_TEST_SIGNUP_LOCKING=false` turns the lock off, for the control run that must show
  that servers without it overbook.

Never use it outside that test.
"""

import os
import time

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from engagierte_stadt.submissions import capacity  # noqa: E402 - needs the apps loaded

settings.SIGNUP_LOCKING = os.environ.get("SCALE_OUT_TEST_SIGNUP_LOCKING", "true") != "false"
_lock_target, _has_free_place = capacity._lock_target, capacity._has_free_place


def slow_lock_target(target):
    time.sleep(0.2)
    return _lock_target(target)


def slow_count(model, target):
    free = _has_free_place(model, target)
    time.sleep(0.05)
    return free


capacity._lock_target = slow_lock_target
capacity._has_free_place = slow_count
