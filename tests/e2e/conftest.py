"""Browser tests: the real app served by `streamlit run`, driven in Debian's Chromium.

One Streamlit server per session (on a free port, with its own SQLite file), one Chromium per
session, a fresh browser context per test. Use the `open_app` fixture to load a page and wait
until Streamlit has finished running it, `wait_for_app` after every interaction that reruns
the script, and `screenshot` to keep a picture under artifacts/screenshots/. A failing test
leaves a screenshot there by itself.
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

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
SERVER_START_TIMEOUT_S = 60
APP_RUN_TIMEOUT_MS = 30_000

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


def _start_streamlit(workdir: Path, database_url: str) -> tuple[subprocess.Popen, str, Path]:
    """Start `streamlit run app.py` and wait until it is healthy; retry if the port was taken."""
    env = {
        **os.environ,
        "GREENLIGHT_DATABASE_URL": database_url,
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    for attempt in range(3):
        port = free_port()
        log_path = workdir / f"streamlit-{attempt}.log"
        command = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
        ]  # fmt: skip
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
                _stop(process)
                pytest.fail(
                    f"Streamlit was not healthy within {SERVER_START_TIMEOUT_S} s; its log ends:\n"
                    + _tail(log_path),
                    pytrace=False,
                )
            time.sleep(0.2)
        else:
            return process, base_url, log_path
        if "already in use" not in log_path.read_text(errors="replace"):
            pytest.fail(
                f"Streamlit exited with status {process.returncode} before it was healthy; "
                f"its log ends:\n{_tail(log_path)}",
                pytrace=False,
            )
    pytest.fail("Streamlit found no free port in 3 tries", pytrace=False)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


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
    process, base_url, log_path = _start_streamlit(e2e_workdir, e2e_database_url)
    try:
        yield base_url
    finally:
        _stop(process)
        # Keep the server's log beside the screenshots, for when a browser test fails in CI.
        SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS.parent / "streamlit.log").write_bytes(log_path.read_bytes())


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
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            save_screenshot(page, f"FAILED-{request.node.name}")
        context.close()


def wait_for_app(page: Page, initial_wait_ms: int = 150) -> None:
    """Wait until Streamlit is connected and has finished running the page's script."""
    # A click's rerun may not have started yet: give it a moment before asking.
    page.wait_for_timeout(initial_wait_ms)
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


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


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
