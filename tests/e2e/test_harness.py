"""Self-checks of the harness: axe and the recorder really work under the portal's CSP.

If one of these fails, a green run of the other browser tests proves nothing.
"""

from playwright.sync_api import Page

from tests.e2e.a11y import run_axe
from tests.e2e.conftest import CSP_BINDING, BrowserRecorder

GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


def test_csp_blocks_inline_script(page: Page, demo_site_readonly, browser_recorder):
    response = page.goto(demo_site_readonly + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.e2eInline = true";
            document.head.append(script);
        }"""
    )
    assert page.evaluate("window.e2eInline") is None, "inline script ran: the CSP is not enforced"
    browser_recorder.wait_for(page, lambda: browser_recorder.csp_violations)
    directives = [violation["directive"] for violation in browser_recorder.csp_violations]
    assert directives == ["script-src-elem"], browser_recorder.csp_violations
    browser_recorder.reset()


def test_axe_runs_under_csp_and_finds_a_planted_violation(page: Page, demo_site_readonly):
    page.goto(demo_site_readonly + "/")
    page.evaluate(
        """(src) => {
            const img = document.createElement("img");
            img.src = src;
            img.id = "e2e-planted";
            document.querySelector("main").append(img);
        }""",
        GIF,
    )
    violations = {violation["id"]: violation for violation in run_axe(page)}
    assert "image-alt" in violations, violations
    assert ["#e2e-planted"] in [node["target"] for node in violations["image-alt"]["nodes"]]


def test_recorder_sees_problems(page: Page, demo_site_readonly, browser_recorder):
    page.context.route("http://foreign.example/**", lambda route: route.fulfill(body="fremd"))
    page.goto(demo_site_readonly + "/")
    assert page.evaluate(f"typeof window.{CSP_BINDING}") == "function"

    # An inline style attribute: blocked by style-src 'self' and reported by the listener.
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<p style="color: red">inline</p>')"""
    )
    browser_recorder.wait_for(page, lambda: browser_recorder.csp_violations)
    assert [v["directive"] for v in browser_recorder.csp_violations] == ["style-src-attr"]

    # An uncaught exception and a console error.
    page.evaluate("setTimeout(() => { throw new Error('e2e boom'); }, 0)")
    browser_recorder.wait_for(page, lambda: browser_recorder.page_errors)
    assert "e2e boom" in browser_recorder.page_errors[0]
    assert browser_recorder.console_errors  # Chromium logs the CSP violation there too

    # A request to another host (answered by the route: nothing leaves the machine).
    page.goto("http://foreign.example/tracker")
    assert browser_recorder.foreign_requests == ["GET http://foreign.example/tracker (document)"]
    assert browser_recorder.problems()
    browser_recorder.reset()


def test_recorder_host_rules():
    recorder = BrowserRecorder(origin="http://localhost:8123")
    assert recorder.is_local("http://localhost:8123/static/css/site.css")
    assert recorder.is_local("http://127.0.0.1:8123/")
    assert recorder.is_local("data:image/png;base64,AAAA")
    assert recorder.is_local("blob:http://localhost:8123/1234")
    assert not recorder.is_local("http://localhost:8124/")  # another local server
    assert not recorder.is_local("https://fonts.googleapis.com/css2")
    assert not recorder.is_local("http://localhost.example.org:8123/")
