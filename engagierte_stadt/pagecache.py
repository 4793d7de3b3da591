"""The page cache: anonymous visitors get stored pages, and a stored page is used only while
nothing it was made from has changed.

A shared building block: it imports no app. What a page depends on is collected while it is
made, from what it reads, so that a new page or a new model needs nothing registered:

- every SELECT outside a keyed lookup makes the page depend on each table it reads
  (`t:<table>`): a list of opportunities changes when any opportunity or sign-up row does;
- the main object of a detail page is looked up in `keyed_lookup()` (the shared
  `BreadcrumbMixin.get_object` does it): that page depends on the rows it loaded there
  (`o:<model>:<pk>`, the object and whatever came with it by join or prefetch) and on rows
  pointing to its main object (`c:<model>:<pk>`, its sign-ups, its dates), not on the whole
  tables, so that editing opportunity A leaves opportunity B's page in the cache.

Changes bump those tags ("versions" holding the time of the change): every save or delete of a
model (`o:` of the row, `c:` of each row it points to), every INSERT, UPDATE or DELETE statement
(`t:` of its table; this also catches `QuerySet.update()`, which sends no signal) and the
submission engine after each change of places. A stored page records its tags' versions and is
valid only while one `get_many` returns the same. A bump is written at once and again after the
commit, and a page whose tags changed while it was being made is not stored, so a page made
from data about to change never outlives the change.

Where a page carries a form, the stored copy has holes where the CSRF token and the spam
check's fill stamp were: each visitor gets a fresh token (Django's CSRF cookie as usual) and a
fresh stamp (`note_stamp`, called by `submissions.forms.fill_stamp`).

Never cached: staff (any request with a session cookie), a request with a message waiting
(messages cookie), other methods than GET/HEAD, personal links (every route with a `token`,
read from the URLconf), the admin, answers other than 200, streaming answers, answers that set
a cookie or say `Cache-Control: private/no-store/no-cache`. Settings: `PAGE_CACHE` (on/off),
`PAGE_CACHE_SECONDS` (the longest a page is kept; it bounds what changes with time alone, such
as a date passing), `PAGE_CACHE_ALIAS`.
"""

from __future__ import annotations

import hashlib
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token

# Apps whose rows no public page shows: their writes bump nothing.
IGNORED_APPS = {"sessions", "admin", "axes", "mailer", "contenttypes", "django_otp", "otp_totp"}
IGNORED_MODELS = {
    "engagierte_stadt.usedformstamp",
    "engagierte_stadt.personaldataaccess",
    "engagierte_stadt.jobrun",
    "engagierte_stadt.mailtoaddress",
    "engagierte_stadt.recoverycode",
    "engagierte_stadt.recoverycodedevice",
    "engagierte_stadt.authenticatorapp",
}
# A page is not stored when one of its tags changed less than this many seconds before the
# page began (app servers' clocks differ a little; the versions are times). Setting
# `PAGE_CACHE_CLOCK_MARGIN`.
CLOCK_MARGIN = 0.5
TAG_SECONDS = 24 * 60 * 60
MAX_QUERY_LENGTH = 1000
KEY_PREFIX = "pc1:"

_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]*)(")')


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE", False)


def _cache():
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


# --- what a page depends on, collected while it is made --------------------------------------


@dataclass
class _Recorder:
    started: float
    tags: set = field(default_factory=set)
    keyed: int = 0
    stamps: dict = field(default_factory=dict)  # stamp value -> purpose


_recorder: ContextVar[_Recorder | None] = ContextVar("pagecache_recorder", default=None)


def _label(model) -> str:
    return model._meta.label_lower


def object_tag(model, pk) -> str:
    return f"o:{_label(model)}:{pk}"


def children_tag(model, pk) -> str:
    return f"c:{_label(model)}:{pk}"


def table_tag(table: str) -> str:
    return f"t:{table}"


@contextmanager
def keyed_lookup():
    """Read one object by its key (a detail page's main object, 404 when absent): the page
    depends on the rows loaded here, not on their tables. Use only where no row means no page
    (a 404), since a row appearing later bumps no tag such a page has."""
    recorder = _recorder.get()
    if recorder is None:
        yield
        return
    recorder.keyed += 1
    try:
        yield
    finally:
        recorder.keyed -= 1


def depends_on_object(obj) -> None:
    """The page shows `obj` and what points to it (its sign-ups, dates, pictures)."""
    recorder = _recorder.get()
    if recorder is not None and obj is not None and obj.pk is not None:
        model = obj._meta.concrete_model
        recorder.tags.update((object_tag(model, obj.pk), children_tag(model, obj.pk)))


def lookup(fetch):
    """`fetch()` in a keyed lookup, and the page depends on the object it returns."""
    with keyed_lookup():
        obj = fetch()
    depends_on_object(obj)
    return obj


def note_stamp(stamp: str, purpose: str) -> None:
    """A spam-check fill stamp went into the page: a stored copy gets a fresh one each time."""
    recorder = _recorder.get()
    if recorder is not None:
        recorder.stamps[stamp] = purpose


def _on_post_init(sender, instance, **kwargs):
    recorder = _recorder.get()
    if recorder is not None and recorder.keyed and instance.pk is not None:
        model = instance._meta.concrete_model
        recorder.tags.update((object_tag(model, instance.pk), updates_tag(model._meta.db_table)))


def updates_tag(table: str) -> str:
    """Changed by an UPDATE statement whose rows are not known (a bulk `update()`)."""
    return f"u:{table}"


@lru_cache(maxsize=1)
def _tables():
    """(regex finding any known table in SQL, the tables whose writes are ignored, the model
    of each table)."""
    known, ignored, models = set(), set(), {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        known.add(table)
        models.setdefault(table, model)
        if model._meta.app_label in IGNORED_APPS or _label(model) in IGNORED_MODELS:
            ignored.add(table)
    names = "|".join(re.escape(name) for name in sorted(known, key=len, reverse=True))
    return re.compile(rf'"({names})"'), frozenset(ignored), models


def _update_tags(table: str, sql: str, params) -> list[str]:
    """The tags an UPDATE statement touches: its table's, and the rows' own when its WHERE
    names them by primary key (`filter(pk=…).update()`, a save); else `u:<table>`, on which
    every page that shows a row of the table depends."""
    tags = [table_tag(table)]
    model = _tables()[2].get(table)
    head, sep, where = sql.partition(" WHERE ")
    if model is None or not sep or not isinstance(params, list | tuple):
        return [*tags, updates_tag(table)]
    column = re.escape(model._meta.pk.column)
    found = re.match(rf'(\()?"{re.escape(table)}"\."{column}" (?:= %s|IN \(((?:%s, )*%s)\))', where)
    rest = where[found.end() :] if found else ""
    if not found or (rest if not found.group(1) else not rest.startswith(" AND ")):
        return [*tags, updates_tag(table)]
    first = head.count("%s")
    count = found.group(2).count("%s") if found.group(2) else 1
    pks = params[first : first + count]
    concrete = model._meta.concrete_model
    return (
        tags + [object_tag(concrete, pk) for pk in pks] + [children_tag(concrete, pk) for pk in pks]
    )


_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _sql_wrapper(execute, sql, params, many, context):
    """Every statement: a read adds its tables to the page being made; a write bumps its
    table's tag."""
    head = sql.lstrip()[:6].upper()
    if head not in {"INSERT", "UPDATE", "DELETE"}:
        recorder = _recorder.get()
        if recorder is not None and not recorder.keyed:
            finder = _tables()[0]
            recorder.tags.update(table_tag(name) for name in set(finder.findall(sql)))
        return execute(sql, params, many, context)
    result = execute(sql, params, many, context)
    # After the statement: a page made between a bump and the write would keep old rows.
    if enabled():
        match = _WRITE.match(sql)
        table = match.group(1) if match else None
        if table and table not in _tables()[1]:
            if head == "UPDATE" and not many:
                tags = _update_tags(table, sql, params)
            else:
                tags = [table_tag(table)]
            bump(tags, using=context["connection"].alias)
    return result


def _install_wrapper(sender=None, connection=None, **kwargs):
    if _sql_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_sql_wrapper)


# --- invalidation -----------------------------------------------------------------------------


def _write_versions(tags) -> None:
    now = time.time()
    _cache().set_many(dict.fromkeys(tags, now), timeout=TAG_SECONDS)


def bump(tags, *, using: str = "default") -> None:
    """Mark everything that depends on `tags` as changed: now, and again after the commit (a
    page made meanwhile from the old rows is dropped by the second bump)."""
    if not enabled():
        return
    tags = list(tags)
    if not tags:
        return
    _write_versions(tags)
    if connections[using].in_atomic_block:
        transaction.on_commit(lambda: _write_versions(tags), using=using)


def instance_tags(instance) -> list[str]:
    """The tags a change of `instance` touches: its own, and the children tags of each row it
    points to (a new sign-up changes its opportunity's page)."""
    model = instance._meta.concrete_model
    tags = [object_tag(model, instance.pk), children_tag(model, instance.pk)]
    for field_ in model._meta.concrete_fields:
        if field_.is_relation and field_.many_to_one:
            value = getattr(instance, field_.attname, None)
            if value is not None:
                tags.append(children_tag(field_.related_model._meta.concrete_model, value))
    return tags


def object_changed(obj, *, using: str = "default") -> None:
    """Something shown with `obj` changed without a save of it (places counted by the engine,
    a counter written with `update()`): its pages and the lists of its table are redone."""
    model = obj._meta.concrete_model
    bump(
        [object_tag(model, obj.pk), children_tag(model, obj.pk), table_tag(model._meta.db_table)],
        using=using,
    )


def _on_change(sender, instance, using="default", **kwargs):
    if instance.pk is not None:
        bump(instance_tags(instance), using=using)


def _on_m2m(sender, instance, action, model, pk_set, using="default", **kwargs):
    if not action.startswith("post_"):
        return
    tags = instance_tags(instance)
    for pk in pk_set or ():
        tags += [object_tag(model, pk), children_tag(model, pk)]
    tags.append(table_tag(sender._meta.db_table))
    bump(tags, using=using)


def connect() -> None:
    """Hook the page cache into the ORM (from `EngagierteStadtConfig.ready`)."""
    post_init.connect(_on_post_init, dispatch_uid="pagecache_post_init")
    for model in apps.get_models():
        if model._meta.app_label in IGNORED_APPS or _label(model) in IGNORED_MODELS:
            continue
        post_save.connect(_on_change, sender=model, dispatch_uid=f"pagecache_save_{model}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"pagecache_del_{model}")
    m2m_changed.connect(_on_m2m, dispatch_uid="pagecache_m2m")
    connection_created.connect(_install_wrapper, dispatch_uid="pagecache_sql")
    for connection in connections.all(initialized_only=True):
        _install_wrapper(connection=connection)


# --- the middleware ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _private_prefixes() -> tuple[str, ...]:
    """Addresses never stored: personal links (in every language) and the admin."""
    from engagierte_stadt.urlwords import prefixes_before

    prefixes = set(prefixes_before("token"))
    prefixes |= {f"/{code}{prefix}" for prefix in list(prefixes) for code, _ in settings.LANGUAGES}
    prefixes |= {"/admin/", settings.STATIC_URL, settings.MEDIA_URL, "/healthz/"}
    return tuple(sorted(prefix for prefix in prefixes if prefix))


def cache_key(request) -> str | None:
    """The address (scheme, host, path, sorted query) a stored page is kept under, or None
    when this request is not served from the cache."""
    if request.method not in ("GET", "HEAD") or not enabled():
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    path = request.path
    if path.startswith(_private_prefixes()):
        return None
    query = request.META.get("QUERY_STRING", "")
    if len(query) > MAX_QUERY_LENGTH:
        return None
    try:
        host = request.get_host()
    except Exception:  # noqa: BLE001 - a bad Host header: let Django answer as usual
        return None
    normalised = urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
    address = f"{request.scheme}://{host}{path}?{normalised}"
    return KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _cacheable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _nothing_personal(request) -> bool:
    """The view left nothing for this visitor alone: no message queued (MessageMiddleware
    would set its cookie), no session written."""
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "_queued_messages", None):
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def _split(content: bytes, stamps: dict) -> list | None:
    """The page in parts: bytes, and holes ("csrf",) or ("stamp", purpose)."""
    marks = []
    for match in _CSRF_INPUT.finditer(content):
        marks.append((match.start(2), match.end(2), ("csrf",)))
    for stamp, purpose in stamps.items():
        needle = stamp.encode()
        start = content.find(needle)
        while start != -1:
            marks.append((start, start + len(needle), ("stamp", purpose)))
            start = content.find(needle, start + len(needle))
    marks.sort()
    parts, position = [], 0
    for start, end, hole in marks:
        if start < position:
            return None  # overlapping marks: do not store what we do not understand
        parts += [content[position:start], hole]
        position = end
    parts.append(content[position:])
    return parts


def _assemble(parts, request) -> bytes:
    from engagierte_stadt.submissions.forms import fill_stamp

    out = []
    for part in parts:
        if isinstance(part, bytes):
            out.append(part)
        elif part[0] == "csrf":
            out.append(get_token(request).encode())
        else:
            out.append(fill_stamp(purpose=part[1]).encode())
    return b"".join(out)


def _valid_entry(cache, entry) -> bool:
    tags = entry["tags"]
    if not tags:
        return True
    current = cache.get_many(list(tags))
    return len(current) == len(tags) and all(current[tag] == tags[tag] for tag in tags)


def _versions_for(cache, tags, started: float) -> dict | None:
    """The tags' current versions, or None when one changed while the page was being made."""
    tags = list(tags)
    current = cache.get_many(tags)
    margin = getattr(settings, "PAGE_CACHE_CLOCK_MARGIN", CLOCK_MARGIN)
    if any(version > started - margin for version in current.values()):
        return None
    missing = [tag for tag in tags if tag not in current]
    if missing:
        # A tag never bumped (or dropped by the cache): start it with a value no earlier
        # version had, so a page stored before it was dropped never becomes valid again.
        # Negative: it is no change (bumps write the time), so it never holds a page back.
        start = -time.time()
        for tag in missing:
            cache.add(tag, start, timeout=TAG_SECONDS)
        again = cache.get_many(missing)
        if len(again) != len(missing) or any(
            again[tag] != start and again[tag] > started - margin for tag in missing
        ):
            return None
        current.update(again)
    return current


class PageCacheMiddleware:
    """Serve anonymous visitors from the page cache (see the module's docstring).

    Placed early (after the security headers, compression and CSP, before sessions, language,
    CSRF and authentication), so a stored page skips everything else. What those inner
    layers add to a page is stored with it (headers such as Content-Language, Vary,
    X-Frame-Options); the CSRF token of a form page is made here on a hit, with Django's own
    CsrfViewMiddleware setting its cookie. Sends `X-Page-Cache: hit` or `miss` on the pages
    it keeps.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        key = cache_key(request)
        if key is None:
            return self.get_response(request)
        cache = _cache()
        entry = cache.get(key)
        if entry is not None and _valid_entry(cache, entry):
            return self._hit(request, entry)
        recorder = _Recorder(started=time.time())
        token = _recorder.set(recorder)
        try:
            response = self.get_response(request)
        finally:
            _recorder.reset(token)
        if request.method == "GET" and _cacheable(response) and _nothing_personal(request):
            if self._store(cache, key, request, response, recorder):
                response.headers["X-Page-Cache"] = "miss"
        return response

    def _hit(self, request, entry):
        parts = entry["parts"]
        has_form = ("csrf",) in parts
        if has_form:
            self.csrf.process_request(request)  # the visitor's CSRF cookie, if any
        content = _assemble(parts, request)
        response = HttpResponse(content, status=200)
        for name, value in entry["headers"]:
            response.headers[name] = value
        response.headers["Content-Length"] = str(len(content))
        response.headers["X-Page-Cache"] = "hit"
        if has_form:
            self.csrf.process_response(request, response)  # sets or renews the cookie
        return response

    def _store(self, cache, key, request, response, recorder) -> bool:
        parts = _split(response.content, recorder.stamps)
        if parts is None:
            return False
        # The token went somewhere else than a form's hidden input: not a page to share.
        if settings.CSRF_COOKIE_NAME in response.cookies and ("csrf",) not in parts:
            return False
        versions = _versions_for(cache, recorder.tags, recorder.started)
        if versions is None:
            return False
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in {"content-length", "x-page-cache"}
        ]
        cache.set(
            key,
            {"parts": parts, "headers": headers, "tags": versions},
            timeout=getattr(settings, "PAGE_CACHE_SECONDS", 300),
        )
        return True
