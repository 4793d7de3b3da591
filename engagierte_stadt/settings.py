"""Settings for the Engagierte Stadt portal, read from the environment.

Every variable is listed in README.md. The defaults are safe for production: DEBUG is off
unless asked for, and without DEBUG the portal refuses to start without a secret key.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (see README.md) or run with DJANGO_DEBUG=true."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "engagierte_stadt",
    "quartiere",
    "konferenzen",
    "partner",
    "ideen",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Full-text and trigram search on PostgreSQL (engagierte_stadt.search); harmless on SQLite.
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",
    "crispy_forms",
    "django_filters",
    "imagekit",
    "csp",
    "mailer",
    "django_ratelimit",
    "axes",
    # The second factor for staff: TOTP devices, and the session's "verified" mark.
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    # First: every response, redirects and static files included, carries X-Request-ID.
    "engagierte_stadt.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "engagierte_stadt.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files come pre-compressed), before everything that writes
    # the body: gzip for HTML and other text, with Django's BREACH length padding.
    "engagierte_stadt.middleware.CompressTextMiddleware",
    "csp.middleware.CSPMiddleware",
    # Stored pages for anonymous visitors (engagierte_stadt/pagecache.py): before everything
    # a stored page does not need; it makes a form page's CSRF token itself.
    "engagierte_stadt.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the path alone (German unprefixed, /en/…): no cookie, no
    # Accept-Language redirect (Django keeps unprefixed addresses in LANGUAGE_CODE).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "engagierte_stadt.staff_login.StaffSessionMiddleware",
    # request.user.is_verified(): whether this session passed the second factor …
    "django_otp.middleware.OTPMiddleware",
    # … and a staff session that has not is kept out of the admin and staff-only pages.
    "engagierte_stadt.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "engagierte_stadt.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "engagierte_stadt.context_processors.site",
                "engagierte_stadt.context_processors.languages",
            ],
        },
    },
]

WSGI_APPLICATION = "engagierte_stadt.wsgi.application"

# Database: DATABASE_URL (e.g. postgres://user:pass@host:5432/name); unset → SQLite file.
# Empty counts as unset: env files often carry `DATABASE_URL=`, and dj_database_url.config()
# would turn that into an empty database configuration.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the portal's queries read a page's worth of rows, but with many rows
    # in a table PostgreSQL's cost estimate crosses jit_above_cost, and compiling took 24 ms of
    # a 25 ms query (the conference overview at 10x the demo data). A connection option, so it
    # needs no change to the server (DJANGO_DB_JIT=on brings the server's setting back).
    if os.environ.get("DJANGO_DB_JIT", "off").strip().lower() == "off":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
    # The SQL of the pages' prepared queries as server-side prepared statements, so that
    # PostgreSQL does not parse and plan it anew on every request (engagierte_stadt.pgstatements).
    # Off behind a pooler that does not keep a session's statements (PgBouncer in transaction
    # mode): DJANGO_DB_SERVER_PREPARE=off.
    if env_bool("DJANGO_DB_SERVER_PREPARE", True):
        from engagierte_stadt import pgstatements

        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["connection_factory"] = pgstatements.PreparingConnection
        options["cursor_factory"] = pgstatements.PreparingCursor
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff login: django-axes counts failed logins and locks out an account and, separately, an
# address after DJANGO_LOGIN_FAILURE_LIMIT failures, for DJANGO_LOGIN_LOCKOUT_MINUTES (the
# right password is refused meanwhile); Administration unlocks earlier in the admin
# (Zugriffsversuche: delete the entry). Successful logins are not recorded.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "60")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "engagierte_stadt.submissions.views.client_ip"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "engagierte_stadt.staff_login.lockout_log_text"  # no account names
# Second factor (django-otp): every staff account needs a TOTP app (or a recovery code) after
# the password before the admin or any staff-only page opens; engagierte_stadt/second_factor.py.


def _totp_issuer(device) -> str:
    """The name the authenticator app shows for the account: the portal's, set in the admin."""
    from engagierte_stadt.models import SiteSettings

    return SiteSettings.load().portal_name


OTP_TOTP_ISSUER = _totp_issuer
# The stock device admin would show the secret key; ours (engagierte_stadt/admin.py) does not.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A staff session ends after this many seconds without a request (a working day).
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("DJANGO_STAFF_SESSION_IDLE_SECONDS", "28800"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: German first, English second. German pages keep their printed addresses
# without a prefix, English lives under /en/…; the language switch in the header links between
# them. The language comes from the address only: never from Accept-Language or a cookie, so
# a printed address always shows German and nothing is stored on the visitor's device.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own way ("22. Dezember 2026", "22 December 2026").
FORMAT_MODULE_PATH = ["engagierte_stadt.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static files: WhiteNoise serves them with hashed, compressed names.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# How long browsers may keep a file from /media/ without asking again. Uploads are stored
# under random names and a new picture gets a new name, so a long lifetime never shows a
# stale picture; renditions keep their name only when a rendition spec changes in code.
MEDIA_CACHE_SECONDS = int(os.environ.get("DJANGO_MEDIA_CACHE_SECONDS", str(60 * 60 * 24 * 365)))
# Media on S3-compatible object storage (django-storages) when DJANGO_S3_BUCKET is set: every
# app server then sees the same uploads and renditions, and the pictures are served from the
# bucket (public-read, or through DJANGO_S3_CUSTOM_DOMAIN, a CDN or proxy in front of it).
# The storage API is used throughout (no `.path`), so originals and renditions both go there.


def s3_media_storage(environ) -> dict | None:
    """The `STORAGES["default"]` entry for media in a bucket, from DJANGO_S3_* variables."""
    bucket = environ.get("DJANGO_S3_BUCKET", "").strip()
    if not bucket:
        return None
    endpoint = environ.get("DJANGO_S3_ENDPOINT_URL", "").strip()
    return {
        "BACKEND": "engagierte_stadt.media_storage.BucketMediaStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": environ.get("DJANGO_S3_REGION", "").strip() or None,
            "access_key": environ.get("DJANGO_S3_ACCESS_KEY_ID", ""),
            "secret_key": environ.get("DJANGO_S3_SECRET_ACCESS_KEY", ""),
            "custom_domain": environ.get("DJANGO_S3_CUSTOM_DOMAIN", "").strip() or None,
            # Other S3 services (MinIO, Ceph, most hosters) address buckets by path; AWS by host.
            "addressing_style": environ.get(
                "DJANGO_S3_ADDRESSING_STYLE", "path" if endpoint else "virtual"
            ).strip(),
            # Plain, stable URLs (the pictures are public anyway): the same URL on every page
            # view lets browsers and proxies cache it, and building it needs no signature.
            "querystring_auth": False,
            # Readable for everyone: by a bucket policy (leave unset), or per object with
            # DJANGO_S3_DEFAULT_ACL=public-read where the service still uses ACLs.
            "default_acl": environ.get("DJANGO_S3_DEFAULT_ACL", "").strip() or None,
            "url_protocol": environ.get("DJANGO_S3_URL_PROTOCOL", "https:").strip(),
            # Uploads get random names, renditions names that follow from them: cache long.
            "object_parameters": {"CacheControl": f"public, max-age={MEDIA_CACHE_SECONDS}"},
        },
    }


def s3_media_origin(storage: dict | None) -> str | None:
    """Where the pages' pictures come from when they live in a bucket (for the CSP)."""
    if storage is None:
        return None
    options = storage["OPTIONS"]
    if options["custom_domain"]:
        return f"{options['url_protocol']}//{options['custom_domain'].split('/')[0]}"
    if options["endpoint_url"]:
        endpoint = urlsplit(options["endpoint_url"])
        if options["addressing_style"] == "virtual":
            return f"{endpoint.scheme}://{options['bucket_name']}.{endpoint.netloc}"
        return f"{endpoint.scheme}://{endpoint.netloc}"
    region = f".{options['region_name']}" if options["region_name"] else ""
    return f"https://{options['bucket_name']}.s3{region}.amazonaws.com"


if _s3_storage := s3_media_storage(os.environ):
    STORAGES["default"] = _s3_storage
MEDIA_ORIGIN = s3_media_origin(_s3_storage)
# Uploaded media is served by the app itself unless the web server in front does it (or the
# files live in a bucket, which serves them).
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", _s3_storage is None)

# Uploads: keep request bodies bounded; image checks live in engagierte_stadt.images.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# E-mail goes through a database outbox (django-mailer): sending a mail only stores it, so an
# SMTP outage loses nothing. `manage.py send_mail` (every minute) delivers the queue with
# MAILER_EMAIL_BACKEND, `manage.py retry_deferred` (every 20 minutes) puts failed mails back in
# line. The real transport is SMTP when DJANGO_EMAIL_HOST is set, else the console.
# DJANGO_EMAIL_BACKEND bypasses the outbox (e.g. the console backend for `make run`).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "mailer.backend.DbBackend")
MAILER_EMAIL_BACKEND = os.environ.get(
    "DJANGO_MAILER_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# The sent-mail log keeps the result and Message-ID, not the mail (names, addresses, links).
MAILER_EMAIL_LOG_MESSAGE_DATA = False
# A mail refused for good stops being retried after about a day of 20-minute rounds.
MAILER_EMAIL_MAX_RETRIES = int(os.environ.get("DJANGO_MAILER_MAX_RETRIES", "72"))
MAILER_LOCK_PATH = os.environ.get(
    "DJANGO_MAILER_LOCK_PATH", str(Path(tempfile.gettempdir()) / "engagierte-stadt-send-mail")
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's own address, for links in mails sent without a request (reminders, mails
# after staff actions). Pages build their links from the request.
SITE_URL = os.environ.get(
    "DJANGO_SITE_URL",
    f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS and not DEBUG else "http://127.0.0.1:8000",
).rstrip("/")

# Cache: Redis when REDIS_URL is set (shared by all gunicorn workers, needed for the per-IP
# limit on sign-up forms); otherwise each process keeps its own memory cache, and the per-IP
# limit is off (a per-process count limits nothing). The honeypot and the minimum fill time
# protect the forms either way.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "engagierte-stadt"),
            "TIMEOUT": 300,
            # Redis down must not stop people from signing up: the cache answers "nothing"
            # and the rate limit lets the request through (logged by django-redis).
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    # Stored pages and their tags' versions, shared by every app server (pagecache.py).
    CACHES["pages"] = {
        **CACHES["default"],
        "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"] + "-pages",
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    RATELIMIT_ENABLE = True
    RATELIMIT_FAIL_OPEN = True
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Pages of this process only (`make run`): stored pages and the versions of what they
        # show; some tens of MB per process at most.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        },
    }
    RATELIMIT_ENABLE = False
    # django-ratelimit refuses a per-process cache; the limit is off without Redis (above).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# Page cache for anonymous visitors (engagierte_stadt/pagecache.py, docs/betrieb.md): pages
# are kept until what they show changes, and at most DJANGO_PAGE_CACHE_SECONDS (what changes
# with time alone, a date passing, shows after that). DJANGO_PAGE_CACHE=false switches it off.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_ALIAS = "pages"
# gunicorn passes the proxy's address as REMOTE_ADDR; the visitor's address is the last
# X-Forwarded-For entry added by a proxy listed here (same default as gunicorn's
# forwarded_allow_ips). Requests from anywhere else are counted by REMOTE_ADDR.
RATELIMIT_IP_META_KEY = "engagierte_stadt.submissions.views.client_ip"
TRUSTED_PROXIES = env_list(
    "DJANGO_TRUSTED_PROXIES", os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
)

# Sign-up forms: how many accepted sign-ups one address (IP) may send (django-ratelimit rate,
# e.g. "10/h"), and how many seconds a person needs at least to fill in the form (faster posts
# are from bots and are rejected, as are forms older than a day).
SIGNUP_RATE_LIMIT = os.environ.get("DJANGO_SIGNUP_RATE_LIMIT", "10/h")
SIGNUP_MIN_FILL_SECONDS = int(os.environ.get("DJANGO_SIGNUP_MIN_FILL_SECONDS", "3"))

# Forms: the project's own crispy template pack renders KERN markup.
CRISPY_ALLOWED_TEMPLATE_PACKS = ("kern",)
CRISPY_TEMPLATE_PACK = "kern"
# The pack's common fields are written in Python (engagierte_stadt/kern_fields.py); True also
# renders each through the pack's templates and fails on any difference (the test suite does).
KERN_FIELDS_CHECK = env_bool("DJANGO_KERN_FIELDS_CHECK", False)
# The cards of the lists and the responsive pictures are written in Python too
# (engagierte_stadt/cards.py); True also renders their templates and fails on any difference.
CARDS_CHECK = env_bool("DJANGO_CARDS_CHECK", False)
# The pages' list queries are built and compiled once per process (engagierte_stadt
# .prepared); True also builds each the usual way and fails on any difference of SQL.
PREPARED_CHECK = env_bool("DJANGO_PREPARED_CHECK", False)
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Sessions only for staff; visitors get no session cookie.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "engagierte_stadt.views.csrf_failure"
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# Security headers. Production (DEBUG off) gets secure cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# Content-Security-Policy: nothing from other hosts, no inline script, no inline style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Pictures from the bucket, when media lives in S3-compatible storage.
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        # Self-hosted videos (sign language) and their caption files, from the bucket when
        # media lives there; never a video platform.
        "media-src": [SELF, *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# Browser features no page needs. Neither Django's SecurityMiddleware nor django-csp sends
# this header: engagierte_stadt.middleware.PermissionsPolicyMiddleware does, on every response.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Logs go to stderr (journald under systemd). DJANGO_LOG_FORMAT=json writes one JSON object per
# line with time, level, logger, message, request id and path (engagierte_stadt.logs); both
# formats mask e-mail addresses and the tokens of personal links.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "plain").strip().lower() or "plain"
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "engagierte_stadt.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "engagierte_stadt.logs.JsonFormatter"},
    },
    # django-mailer names the recipients in its log lines; they are masked before any handler.
    "filters": {"no_addresses": {"()": "engagierte_stadt.mails.RedactEmailAddresses"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "mailer.engine": {"filters": ["no_addresses"]},
        "mailer.models": {"filters": ["no_addresses"]},
    },
}

# Image renditions (django-imagekit, see engagierte_stadt/images.py): generated once when a
# picture is saved, never checked or generated while a page renders. Names follow from the
# original's name; files live under MEDIA_ROOT/renditions/. Recreate them all (after restoring
# originals, or after changing a spec) with `python manage.py generateimages`.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = "engagierte_stadt.images.RenditionFileBackend"
IMAGEKIT_SPEC_CACHEFILE_NAMER = "imagekit.cachefiles.namers.source_name_as_path"
IMAGEKIT_CACHEFILE_DIR = "renditions"

# Personal data (DSGVO): `python manage.py purge_personal_data`, run daily, empties the personal
# fields of sign-ups this many days after their opportunity or meeting ended, or after they were
# cancelled or their confirmation link ran out; the anonymous rows stay for the counts.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("DJANGO_PERSONAL_DATA_RETENTION_DAYS", "180"))
if PERSONAL_DATA_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("DJANGO_PERSONAL_DATA_RETENTION_DAYS cannot be negative.")

# Audit (`engagierte_stadt.audit`): the log of staff accesses to personal data (who, when, which
# rows by id) is kept this many days, then deleted by `manage.py purge_access_log` (run_jobs).
ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("DJANGO_ACCESS_LOG_RETENTION_DAYS", "365"))
if ACCESS_LOG_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("DJANGO_ACCESS_LOG_RETENTION_DAYS cannot be negative.")

# Operations (README, "Regular jobs" and "Health check"). `manage.py run_jobs` holds this lock
# file on SQLite (on PostgreSQL an advisory lock), so that two runs never overlap.
JOBS_LOCK_PATH = os.environ.get(
    "DJANGO_JOBS_LOCK_PATH", str(Path(tempfile.gettempdir()) / "engagierte-stadt-jobs.lock")
)
# /healthz/ answers 503 when the oldest mail waiting in the outbox is older than this.
HEALTHZ_MAIL_QUEUE_MAX_MINUTES = int(os.environ.get("DJANGO_HEALTHZ_MAIL_QUEUE_MAX_MINUTES", "15"))
# Seconds the health check waits for the database (connect, then the statement).
HEALTHZ_DB_TIMEOUT_SECONDS = int(os.environ.get("DJANGO_HEALTHZ_DB_TIMEOUT_SECONDS", "2"))
# Mails a stranger can cause by typing an address into a public form (opt-in requests,
# receipts): at most this many per address and hour, counted in the database (no Redis needed).
MAILS_PER_ADDRESS_PER_HOUR = int(os.environ.get("DJANGO_MAILS_PER_ADDRESS_PER_HOUR", "5"))
