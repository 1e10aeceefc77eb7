"""Browser journeys: a live server, headless Chromium through Playwright, axe-core.

Skipped with a visible reason when Playwright or Debian's chromium is not
available (``.ci/run`` installs chromium, so CI always runs them).
Screenshots of every step go to ``test-artifacts/screenshots/`` (not committed).
"""

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"phone": 390, "desktop": 1280}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def playwright_browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="journeys need Playwright (test extra)")
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"journeys skipped: no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app with the demo municipality on a real port, in a thread."""
    from werkzeug.serving import make_server

    from deliberatie import create_app
    from deliberatie.config import TestConfig
    from deliberatie.demo import seed_demo
    from deliberatie.extensions import db

    database = tmp_path_factory.mktemp("journeys") / "journeys.sqlite"
    app = create_app(TestConfig(f"sqlite:///{database}", WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
    server = make_server("127.0.0.1", _free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield type("LiveServer", (), {"url": f"http://127.0.0.1:{server.server_port}", "app": app})
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def width(request):
    return request.param


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def javascript(request):
    return request.param


@pytest.fixture
def browser_page(playwright_browser, width, request):
    javascript = request.node.callspec.params.get("javascript", True)
    context = playwright_browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900}, java_script_enabled=javascript,
        locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


class Journey:
    """Helpers for one journey: screenshots and accessibility checks per step."""

    def __init__(self, page, name, javascript=True):
        self.page = page
        self.javascript = javascript
        self.name = name
        self.step = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def check(self, label, *, accessibility=True):
        """Screenshot the page, assert zero WCAG 2.1 A/AA violations and that the page reflows.

        axe-core is JavaScript: with scripting off it cannot run in the page,
        so the no-JS variants screenshot only (the server sends the same HTML,
        which the JS variant of the journey checks). Print previews are not
        interactive and are checked for content only (``accessibility=False``).
        Reflow (WCAG 1.4.10): at any width the page itself never scrolls sideways;
        a wide table may scroll inside its own container.
        """
        from axe_playwright_python.sync_playwright import Axe

        self.step += 1
        self.page.screenshot(path=str(SCREENSHOTS / f"{self.name}-{self.step:02d}-{label}.png"), full_page=True)
        if not (self.javascript and accessibility):
            return
        overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{label}: the page scrolls sideways by {overflow}px (WCAG 1.4.10 reflow)"
        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response["violations"]
        assert not violations, f"{label}: " + "; ".join(
            f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})" for v in violations)


@pytest.fixture
def journey(browser_page, request):
    javascript = request.node.callspec.params.get("javascript", True)
    return Journey(browser_page, request.node.name.replace("/", "_").replace("[", "-").rstrip("]"), javascript)


def tab_to(page, condition, *, limit=120):
    """Press Tab until ``condition`` (a JS expression on ``el``, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({condition}); }})()"):
            return
    pytest.fail(f"not reachable by keyboard: {condition}")
