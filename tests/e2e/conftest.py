"""Browser journeys in Chromium against pytest-django's live server.

How the harness works:

* Chromium is Debian's binary (``/usr/bin/chromium``, or ``$E2E_CHROMIUM``); pytest-playwright's
  own browser download does not work on these machines. Without the binary the e2e tests are
  skipped loudly, and with ``CI=true`` the run stops with a usage error instead.
* ``demo_site`` loads the demo content (``manage.py load_demo``) into the test database and returns
  the live server's URL. The live server runs in another thread, so the tests need
  ``transactional_db`` (which ``demo_site`` requests).
* Every browser context gets a :class:`BrowserRecorder`. It records each request, failed
  sub-resource, console error, uncaught page error and Content-Security-Policy violation; after
  the test body it fails the test if a request left the live server or anything else went
  wrong. The CSP listener is installed with ``BrowserContext.add_init_script`` and reports back
  through ``BrowserContext.expose_binding``: both go through the DevTools protocol, not through
  a ``<script>`` element, so the site's CSP (``script-src 'self'``) does not block them — this is
  checked by ``test_harness.py``.
"""

import io
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# ORM calls from that thread ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    f"Chromium not found at {CHROMIUM} – browser tests SKIPPED; "
    "install with apt-get install -y chromium"
)


def chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


_SKIPPED_KEY = pytest.StashKey[bool]()


def _is_e2e(item: pytest.Item) -> bool:
    return E2E_DIR in Path(str(item.path)).resolve().parents


# --- collection: marker, skip without Chromium, hard stop in CI ----------------------------


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects, so `-m "not e2e"` sees the marker
def pytest_collection_modifyitems(config, items):
    e2e_items = [item for item in items if _is_e2e(item)]
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
    if e2e_items and not chromium_available() and not running_in_ci():
        config.stash[_SKIPPED_KEY] = True
        warnings.warn(pytest.PytestWarning(MISSING_CHROMIUM), stacklevel=1)
        for item in e2e_items:
            item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


def pytest_collection_finish(session):
    # After deselection: only stop if browser tests are really about to run.
    if running_in_ci() and not chromium_available() and any(map(_is_e2e, session.items)):
        pytest.exit(
            f"CI=true but Chromium was not found at {CHROMIUM}: the browser tests cannot run. "
            "Install it with `apt-get install -y chromium` (or set E2E_CHROMIUM).",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # With pytest-xdist the workers collect, so the controller only knows Chromium is missing.
    skipped = config.stash.get(_SKIPPED_KEY, False)
    if skipped or (hasattr(config, "workerinput") is False and not chromium_available()):
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(MISSING_CHROMIUM, red=True, bold=True)


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options plus Debian's Chromium (headless stays the default)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Relative URLs in ``page.goto("/")`` go to the live server.

    (Also replaces pytest-playwright's fallback fixture, which pytest 9 warns about.)
    """
    return live_server.url


def _demo_loaded() -> bool:
    from quartiere.models import Quartier

    return Quartier.objects.exists()


def _flush_database() -> None:
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_site(transactional_db, live_server) -> str:
    """The live server with the demo content loaded; returns its base URL (no trailing slash).

    For tests that change data: they start from a freshly loaded demo, and the database is
    emptied after each of them (``transactional_db``).
    """
    if _demo_loaded():  # left by `demo_site_readonly` tests of this module
        _flush_database()
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture(scope="module")
def _shared_demo(django_db_setup, django_db_blocker):
    """One demo load for the read-only tests of a module; the database is emptied at its end,
    so the next module starts from an empty database as ``transactional_db`` tests expect."""
    yield
    with django_db_blocker.unblock():
        _flush_database()


@pytest.fixture
def demo_site_readonly(_shared_demo, django_db_blocker, live_server) -> str:
    """The demo for tests that only look (GET pages, run axe) and change no row.

    The demo is loaded once per module instead of once per test, which is most of the browser
    suite's time. A writing test of the same module empties the database after it; the next
    read-only test then loads the demo again. A read-only test that wrote anyway would leak
    its rows into the following read-only tests of the module, so keep them read-only.
    """
    with django_db_blocker.unblock():
        if not _demo_loaded():
            call_command("load_demo", stdout=io.StringIO())
        yield live_server.url


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """pytest-django's helper, except for ``demo_site_readonly`` tests.

    pytest-django makes every test that uses the live server a ``transactional_db`` test,
    which empties the database after the test. Read-only tests keep the module's demo
    instead (their database access comes from ``demo_site_readonly``).
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    if "demo_site_readonly" not in request.fixturenames:
        request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


# --- recorder --------------------------------------------------------------------------------

CSP_BINDING = "__e2eReportCspViolation"
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.BINDING({
    directive: event.effectiveDirective || event.violatedDirective,
    blockedURI: event.blockedURI,
    documentURI: event.documentURI,
    sourceFile: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
}, true);
""".replace("BINDING", CSP_BINDING)

_RECORDER_KEY = pytest.StashKey["BrowserRecorder"]()


@dataclass
class BrowserRecorder:
    """Everything the browser did during one test, and what of it is a problem."""

    origin: str
    requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict] = field(default_factory=list)
    # Regular expressions (re.search) of console errors a test expects, e.g. a 404 page's own
    # "Failed to load resource" line. A form shown again with its errors answers 422 on
    # purpose; Chromium logs that for the document too (sub-resources are checked apart).
    allowed_console_errors: list[str] = field(
        default_factory=lambda: [r"status of 422 \(Unprocessable"]
    )

    def __post_init__(self):
        parts = urlsplit(self.origin)
        self.port = parts.port
        self.local_hosts = {parts.hostname, "127.0.0.1", "localhost"}

    def attach(self, context) -> None:
        context.expose_binding(CSP_BINDING, self._on_csp_violation)
        context.add_init_script(CSP_LISTENER)
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("requestfailed", self._on_request_failed)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True
        return (
            parts.scheme in {"http", "https", "ws", "wss"}
            and parts.hostname in self.local_hosts
            and parts.port == self.port
        )

    def _on_request(self, request) -> None:
        self.requests.append(request.url)
        if not self.is_local(request.url):
            self.foreign_requests.append(
                f"{request.method} {request.url} ({request.resource_type})"
            )

    def _on_response(self, response) -> None:
        # The document itself may answer 404 (the error page test); its sub-resources may not.
        if response.status >= 400 and not response.request.is_navigation_request():
            self.failed_resources.append(f"{response.status} {response.url}")

    def _on_request_failed(self, request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            return  # cancelled by the browser, e.g. the favicon when the test navigates on
        self.failed_resources.append(f"{failure} {request.url}")

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        if any(re.search(pattern, message.text) for pattern in self.allowed_console_errors):
            return
        location = message.location or {}
        self.console_errors.append(f"{message.text} [{location.get('url', '')}]")

    def _on_csp_violation(self, source, violation: dict) -> None:
        self.csp_violations.append(violation)

    def problems(self) -> list[str]:
        found = []
        for title, entries in [
            ("Requests to other hosts than the live server", self.foreign_requests),
            ("Failed sub-resources", self.failed_resources),
            ("Console errors", self.console_errors),
            ("Uncaught JavaScript errors", self.page_errors),
            ("Content-Security-Policy violations", self.csp_violations),
        ]:
            if entries:
                found.append(f"{title} ({len(entries)}):")
                found.extend(f"  - {entry}" for entry in entries)
        return found

    def wait_for(self, page, predicate, timeout_ms: int = 3000) -> None:
        """Let the browser's events arrive until ``predicate()`` holds (or the time is up)."""
        waited = 0
        while not predicate() and waited < timeout_ms:
            page.wait_for_timeout(50)
            waited += 50

    def reset(self) -> None:
        """Forget what was recorded so far (for tests that provoke problems on purpose)."""
        for entries in (
            self.requests,
            self.foreign_requests,
            self.failed_resources,
            self.console_errors,
            self.page_errors,
            self.csp_violations,
        ):
            entries.clear()


@pytest.fixture
def browser_recorder(request, live_server) -> BrowserRecorder:
    recorder = BrowserRecorder(origin=live_server.url)
    request.node.stash[_RECORDER_KEY] = recorder
    return recorder


@pytest.fixture
def new_context(new_context, browser_recorder):
    """pytest-playwright's context factory; every context it makes is watched by the recorder.

    pytest-playwright's ``context`` and ``page`` fixtures are built on this factory, so
    ``page`` is watched too.
    """

    def factory(**kwargs):
        context = new_context(**kwargs)
        browser_recorder.attach(context)
        return context

    return factory


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        result = yield
    except BaseException:
        recorder = item.stash.get(_RECORDER_KEY, None)
        if recorder is not None and recorder.problems():
            item.add_report_section("call", "browser", "\n".join(recorder.problems()))
        raise
    recorder = item.stash.get(_RECORDER_KEY, None)
    if recorder is not None and recorder.problems():
        pytest.fail(
            "The browser recorded problems during the test:\n" + "\n".join(recorder.problems()),
            pytrace=False,
        )
    return result
