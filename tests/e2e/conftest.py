"""Browser tests: the real app served by `streamlit run`, driven in Debian's Chromium.

One Streamlit server per session (on a free port, with its own SQLite file), one Chromium per
session, a fresh browser context per test. Use the `open_app` fixture to load a page and wait
until Streamlit has finished running it, `wait_for_app` after every interaction that reruns
the script, `go_to` to follow a link of the sidebar's navigation (which keeps the session:
the user's name, the production), `console_errors` to collect the browser errors the app
could have caused, and `screenshot` to keep a picture under artifacts/screenshots/. A failing
test leaves a screenshot there by itself.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    expect,
    sync_playwright,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
SERVER_START_TIMEOUT_S = 60
# What Streamlit logs when the port it was given is taken: start again on another.
PORT_TAKEN = ("is not available", "already in use")
APP_RUN_TIMEOUT_MS = 30_000
# The tallest full-page screenshot (in CSS pixels): enough for every page, small enough to open.
MAX_SHOT_PX = 16_000

# expect() polls for 5 s by default; a rerun plus a redraw on two busy cores can take longer.
expect.set_options(timeout=10_000)

# Headless and quiet: this machine's network is closed, and Chromium would otherwise keep
# trying to reach Google's services. --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Talk to the local server directly, whatever proxy the environment names.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_healthy(base_url: str) -> bool:
    """True once Streamlit's health endpoint answers "ok"."""
    try:
        with _LOCAL.open(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (OSError, urllib.error.URLError):
        return False


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def streamlit_command(script: str, port: int, *more: str) -> list[str]:
    """`streamlit run script` headless on 127.0.0.1:port, not watching files; `more` options."""
    return [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        *more,
    ]  # fmt: skip


def start_streamlit(
    workdir: Path,
    database_url: str,
    options_for_port: Callable[[int], list[str]] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen, str, Path]:
    """Start `streamlit run app.py` and wait until it is healthy; retry if the port was taken.

    `options_for_port(port)` gives more command-line options for the port chosen (a
    secrets file whose sign-in address names it, say); `env` adds environment variables."""
    env = {
        **os.environ,
        "GREENLIGHT_DATABASE_URL": database_url,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(env or {}),
    }
    for attempt in range(3):
        port = free_port()
        log_path = workdir / f"streamlit-{attempt}.log"
        more = options_for_port(port) if options_for_port else []
        command = streamlit_command("app.py", port, "--server.runOnSave", "false", *more)
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not is_healthy(base_url):
            if process.poll() is not None:
                break
            if time.monotonic() > deadline:
                stop_server(process)
                pytest.fail(
                    f"Streamlit was not healthy within {SERVER_START_TIMEOUT_S} s; its log ends:\n"
                    + _tail(log_path),
                    pytrace=False,
                )
            time.sleep(0.2)
        else:
            return process, base_url, log_path
        # Streamlit 1.67 logs "Port N is not available" (earlier versions "already in use").
        said = log_path.read_text(errors="replace")
        if not any(words in said for words in PORT_TAKEN):
            pytest.fail(
                f"Streamlit exited with status {process.returncode} before it was healthy; "
                f"its log ends:\n{_tail(log_path)}",
                pytrace=False,
            )
    pytest.fail("Streamlit found no free port in 3 tries", pytrace=False)


def keep_server_log(log_path: Path, name: str) -> Path:
    """Copy a server's log to artifacts/<name>.log, for when a browser test fails in CI; under
    pytest-xdist, to artifacts/<name>-<worker>.log, since each worker runs servers of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    kept = SCREENSHOTS.parent / (f"{name}-{worker}.log" if worker else f"{name}.log")
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(log_path.read_bytes())
    return kept


def stop_server(process: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate the server; kill it if it has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


@pytest.fixture(scope="session")
def e2e_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the server's database and log."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def e2e_database_url(e2e_workdir: Path) -> str:
    """The SQLite database the app under test uses (GREENLIGHT_DATABASE_URL)."""
    return f"sqlite:///{e2e_workdir / 'greenlight.db'}"


@pytest.fixture(scope="session")
def streamlit_server(e2e_workdir: Path, e2e_database_url: str) -> Iterator[str]:
    """The base URL of the app, served by a real `streamlit run` for the whole session."""
    process, base_url, log_path = start_streamlit(e2e_workdir, e2e_database_url)
    try:
        yield base_url
    finally:
        stop_server(process)
        keep_server_log(log_path, "streamlit")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """Headless Chromium, launched from the machine's own binary."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    """Remember each phase's report on the item, so `page` can tell that a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page in a fresh browser context; screenshotted if the test fails."""
    page = new_context(browser).new_page()
    context = page.context
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            save_screenshot(page, f"FAILED-{request.node.name}")
        context.close()


# Counts the page's script runs: each time stApp's script state turns to running. Installed
# in every context (new_context), before any of Streamlit's own scripts.
COUNT_RUNS_JS = """
window.__greenlightRuns = 0;
new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.target.getAttribute('data-test-script-state') === 'running') {
      window.__greenlightRuns += 1;
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""
# How long to wait for a run to begin after an interaction: one that reruns nothing (an
# expander opened, text typed without Enter) costs this much.
RUN_START_WAIT_MS = 1_500


def new_context(browser: Browser, width: int = 1280, **options) -> BrowserContext:
    """A fresh browser context `width` px wide whose pages count their script runs."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    context.set_default_timeout(15_000)
    context.add_init_script(COUNT_RUNS_JS)
    return context


def a_run_began(page: Page, timeout_ms: float) -> bool:
    """Whether a script run newer than the last wait_for_app saw begins within the time (on a
    page from new_context, which counts its runs)."""
    try:
        page.wait_for_function(
            "() => (window.__greenlightRuns || 0) > (window.__greenlightSeen || 0)",
            timeout=timeout_ms,
        )
    except PlaywrightTimeoutError:
        return False
    return True


def wait_for_app(page: Page, initial_wait_ms: int = 150) -> None:
    """Wait until Streamlit is connected and has finished the script run the last
    interaction started.

    A click's rerun can begin well after the click on busy cores, and a page that has not
    begun it yet reads as finished: so first wait for a run newer than the one this function
    last saw to begin (pages from new_context count them), at most RUN_START_WAIT_MS.
    """
    page.wait_for_timeout(initial_wait_ms)
    # An interaction may run no script, and a page not from new_context counts no runs.
    a_run_began(page, max(RUN_START_WAIT_MS - initial_wait_ms, 1))
    # stApp carries the app's own state: the websocket's, and the script run's.
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=APP_RUN_TIMEOUT_MS
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=APP_RUN_TIMEOUT_MS
    )
    page.get_by_test_id("stStatusWidget").get_by_text("Running").wait_for(
        state="detached", timeout=APP_RUN_TIMEOUT_MS
    )
    page.evaluate("() => { window.__greenlightSeen = window.__greenlightRuns || 0; }")


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    # Streamlit scrolls inside stMain, not the document, so full_page alone captures only the
    # viewport: make the viewport as tall as the content for the picture, then put it back.
    viewport = page.viewport_size
    main = page.get_by_test_id("stMain")
    height = main.evaluate("el => el.scrollHeight") if main.count() == 1 else 0
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": min(height, MAX_SHOT_PX)})
        next_frames(page)
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if viewport:
            page.set_viewport_size(viewport)
    return path


def next_frames(page: Page) -> None:
    """Return once the browser has laid out and painted two more frames."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@pytest.fixture
def open_app(page: Page, streamlit_server: str) -> Callable[[str], Page]:
    """Open a path of the app (e.g. "" or "log") and wait until it has run."""

    def open_path(path: str = "") -> Page:
        page.goto(f"{streamlit_server}/{path.lstrip('/')}")
        wait_for_app(page)
        return page

    return open_path


@pytest.fixture(name="wait_for_app")
def wait_for_app_fixture() -> Callable[..., None]:
    """`wait_for_app(page)`: call after an interaction that reruns the script."""
    return wait_for_app


@pytest.fixture(name="screenshot")
def screenshot_fixture() -> Callable[[Page, str], Path]:
    """`screenshot(page, name)`: keep a full-page picture under artifacts/screenshots/."""
    return save_screenshot


def go_to(page: Page, title: str) -> Page:
    """Follow the sidebar's link to a page (same session, unlike page.goto) and wait for it."""
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name=title, exact=True).click()
    wait_for_app(page)
    expect(nav.locator("a[aria-current='page']")).to_contain_text(title)
    return page


@pytest.fixture(name="go_to")
def go_to_fixture() -> Callable[[Page, str], Page]:
    """`go_to(page, "Use-case log")`: open a page from the sidebar's navigation."""
    return go_to


# Errors Chromium logs that the app neither causes nor can fix; tests leave them out:
#  - a request to another host: this machine is offline, and Streamlit fetches a favicon given
#    as ":material/...:" from fonts.gstatic.com;
#  - /<page>/_stcore/...: Streamlit's frontend, opened at a page's URL, first looks for its
#    server under that path, gets a 404 and falls back to the root.
_STREAMLIT_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")


class ConsoleErrors:
    """The console errors and uncaught exceptions of one page: the app's, and those left out."""

    def __init__(self, page: Page, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.ours: list[str] = []
        self.left_out: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        where = urlsplit(url)
        text = f"{message.text} [{url}]" if url else message.text
        if url and (where.netloc != self.host or _STREAMLIT_PROBE.match(where.path)):
            self.left_out.append(text)
        else:
            self.ours.append(text)

    def _on_page_error(self, error: Error) -> None:
        self.ours.append(f"uncaught {error.name}: {error.message}")

    def assert_none(self) -> None:
        """Fail, listing them, if the page logged errors of our own."""
        assert not self.ours, (
            "the browser logged errors:\n  "
            + "\n  ".join(self.ours)
            + "\nleft out as not the app's:\n  "
            + ("\n  ".join(self.left_out) or "none")
        )


@pytest.fixture
def console_errors(page: Page, streamlit_server: str) -> ConsoleErrors:
    """The console errors of the test's page, recorded from before its first load."""
    return ConsoleErrors(page, streamlit_server)


def choose(page: Page, label: str, option: str, attempts: int = 3) -> None:
    """Pick an option of a selectbox: type it to open and filter the list, click the option,
    and check the box holds it once it has lost focus.

    Typing opens the list where a click on the box sometimes leaves it closed. While the box
    has focus its text is what was typed, chosen or not (Enter pressed before the filtered
    list settled chose nothing, and a form then sent the old value): so the value is read
    after the box is left, when it shows only what was chosen. A rerun that redraws the box
    while its list is open closes the list under the click: then the pick starts again, as a
    person would, and the value is checked all the same.
    """
    box = page.get_by_role("combobox", name=label)
    for attempt in range(attempts):
        last = attempt == attempts - 1
        try:
            box.click()
            box.fill("")
            box.press_sequentially(option)
            page.get_by_role("option", name=option, exact=True).click(
                timeout=None if last else 5_000
            )
        except PlaywrightTimeoutError:
            if last:
                raise
            page.keyboard.press("Escape")
            continue
        expect(page.get_by_role("option")).to_have_count(0)
        box.blur()
        if last:
            break
        try:
            expect(box).to_have_value(option, timeout=3_000)
            return
        except AssertionError:
            continue
    expect(box).to_have_value(option)


def options_of(page: Page, label: str, within: Locator | None = None) -> list[str]:
    """The options a selectbox offers, read from its open list, which is closed again after.

    A click on the box sometimes leaves its list closed (the click lands while the page is
    still drawn): then the keyboard opens it, as a person would press the down arrow.
    """
    box = (within or page).get_by_role("combobox", name=label)
    box.click()
    first = page.get_by_role("option").first
    try:
        first.wait_for(state="visible", timeout=3_000)
    except PlaywrightTimeoutError:
        box.focus()
        box.press("ArrowDown")
    expect(first).to_be_visible()
    offered = page.get_by_role("option").all_inner_texts()
    box.press("Escape")
    expect(first).to_have_count(0)
    return offered


@pytest.fixture(name="choose")
def choose_fixture() -> Callable[[Page, str, str], None]:
    """`choose(page, "New status", "Approved")`: pick an option of a selectbox."""
    return choose


def assert_no_exception(page: Page) -> None:
    """Fail, with Streamlit's message, if the page shows an exception; call after wait_for_app."""
    shown = page.get_by_test_id("stException").all_inner_texts()
    assert not shown, (
        "the page shows an exception (the traceback is in artifacts/streamlit*.log):\n"
        + "\n".join(shown)
    )


@pytest.fixture(name="assert_no_exception")
def assert_no_exception_fixture() -> Callable[[Page], None]:
    """`assert_no_exception(page)`: the script's last run ended without an exception."""
    return assert_no_exception
