"""Logs an operator can ship and search, without personal data.

- `RequestIdMiddleware` gives every request an id: a safe incoming `X-Request-ID` (set by the
  proxy, e.g. nginx's `$request_id`) or a new UUID. It is `request.id`, is echoed in the
  response's `X-Request-ID`, and is in every log line written while the request runs.
- `JsonFormatter` writes one JSON object per line (time, level, logger, message, request_id,
  path), switched on with `DJANGO_LOG_FORMAT=json`.
- No personal data in any line: e-mail addresses are masked, and the tokens of personal links
  (`/meine-daten/<token>/`, `/mitmachen/anmeldung/<token>/`, …) are replaced by `<token>` in
  paths and messages. Which addresses carry a token is read from the URLconf (every route with a
  `token` parameter), as robots.txt does, so a new personal link is masked without a list.

This module is imported while Django configures logging: it imports no app and reads the
URLconf only when the first path is masked.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime

from engagierte_stadt.mails import EMAIL_PATTERN

# What an incoming X-Request-ID may be: letters, digits and - _ . (a UUID, nginx's hex id).
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
TOKEN_MASK = "<token>"


@dataclass(frozen=True)
class RequestInfo:
    id: str
    path: str


_current: ContextVar[RequestInfo | None] = ContextVar("request_info", default=None)


def current_request() -> RequestInfo | None:
    return _current.get()


_token_pattern: re.Pattern | None = None


def token_pattern() -> re.Pattern | None:
    """The token paths of the URLconf as one regex (prefix, then the token segment)."""
    global _token_pattern  # noqa: PLW0603 - computed once per process, the URLconf is fixed
    if _token_pattern is None:
        from engagierte_stadt.urlwords import prefixes_before

        prefixes = prefixes_before("token")
        if not prefixes:
            return None
        alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
        _token_pattern = re.compile(rf"({alternatives})[^/\s?#\"']+")
    return _token_pattern


def mask_tokens(text: str) -> str:
    """`text` with the token of every personal link replaced by `<token>`."""
    try:
        pattern = token_pattern()
    except Exception:  # URLconf not loadable (yet): mask nothing rather than fail to log
        return text
    return pattern.sub(rf"\1{TOKEN_MASK}", text) if pattern else text


def mask_path(path: str) -> str:
    """A path fit for a log: no query string, no token."""
    return mask_tokens(path.split("?", 1)[0])


def redact(text: str) -> str:
    """No e-mail address and no personal-link token in `text`."""
    if "@" in text:
        text = EMAIL_PATTERN.sub("[address]", text).replace("@", "[at]")
    return mask_tokens(text)


class RequestIdMiddleware:
    """`request.id` from a safe `X-Request-ID` or a new UUID; echoed in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        context = _current.set(RequestInfo(request.id, request.path))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(context)
        response.headers["X-Request-ID"] = request.id
        return response


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, path."""

    def format(self, record: logging.LogRecord) -> str:
        info = current_request()
        request = getattr(record, "request", None)  # django.request passes the request
        if info is None and request is not None and hasattr(request, "path"):
            info = RequestInfo(getattr(request, "id", None), request.path)
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": info.id if info else None,
            "path": redact(mask_path(info.path)) if info else None,
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """The human-readable line, with the same masking as the JSON one."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
