"""Settings for the test suite: the production settings with test-friendly transport."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The test client and the live server speak plain HTTP.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")

from engagierte_stadt.settings import *  # noqa: E402,F403

MEDIA_ROOT = tempfile.mkdtemp(prefix="es-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "portal@hattingen.example"
STATIC_ROOT = tempfile.mkdtemp(prefix="es-test-static-")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The page cache stays off; its own tests (tests/engagierte_stadt/test_page_cache.py) switch
# it on.
PAGE_CACHE = False
# Every form field a test renders is rendered both by engagierte_stadt/kern_fields.py and by
# the kern pack's templates, and a difference fails the test.
KERN_FIELDS_CHECK = True
# The same for every card and picture (engagierte_stadt/cards.py against their templates).
CARDS_CHECK = True
# The same for the queries compiled once per process (engagierte_stadt/prepared.py).
PREPARED_CHECK = True
