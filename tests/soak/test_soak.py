"""Soak: the real app under a bounded loop of browser sessions for ten minutes (`make soak`).

`streamlit run app.py` serves on a free loopback port with a SQLite file of its own. Workers,
each with its own headless Chromium (Debian's, as the browser tests use), open one session
after another: the home page, the user's name, a use assessed and logged, the use-case log,
the risk overview; then the session's browser context closes. The loop stops by itself at the
deadline (GREENLIGHT_SOAK_SECONDS, default 600) or after GREENLIGHT_SOAK_MAX_SESSIONS sessions.

Counted as errors (target 0): an exception or error box on a page, a browser error or
uncaught exception from the app, an HTTP response >= 400 or a failed request to the server, a
step that did not finish, a traceback in the server's log. The server's memory (VmRSS of its
process) is sampled throughout: at start, after warm-up (the first WARM_UP_SHARE of the run,
at least long enough for Streamlit to drop the first closed sessions) and at the end, where it
must be flat (growth after warm-up within RSS_GROWTH_LIMIT). The figures are printed and
written to artifacts/soak.json.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from greenlight.store import UseCaseStore
from greenlight.store.database import dispose_engines
from tests.e2e.conftest import CHROMIUM_ARGS, start_streamlit, stop_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
DURATION_S = float(os.environ.get("GREENLIGHT_SOAK_SECONDS", "600"))
MAX_SESSIONS = int(os.environ.get("GREENLIGHT_SOAK_MAX_SESSIONS", "5000"))
WORKERS = int(os.environ.get("GREENLIGHT_SOAK_WORKERS", "2"))
# Streamlit keeps a closed session's state for server.disconnectedSessionTTL (120 s by
# default) in case it reconnects: memory is judged only after that has turned over.
WARM_UP_SHARE = 0.3
MIN_WARM_UP_S = 150
RSS_GROWTH_LIMIT = 0.15  # after warm-up, as a share of the warm RSS
STEP_TIMEOUT_MS = 60_000
SAMPLE_EVERY_S = 5
# Streamlit's frontend opened at a page's URL first asks for /<page>/_stcore/health and
# host-config, gets a 404 and falls back to the root: the server answering that is not an error.
_PROBE_PATH = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")


def rss_mb(pid: int) -> float:
    """The resident memory of a process, in MB (VmRSS from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


@dataclass
class Tally:
    """What the workers did and what went wrong, shared under a lock."""

    sessions: int = 0
    page_loads: int = 0
    script_runs: int = 0  # reruns a user's action caused, page loads included
    http_requests: int = 0
    uses_logged: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text[:500])


def wait_for_app(page: Page) -> None:
    """Until Streamlit is connected and the script has finished its run (as the e2e tests)."""
    page.wait_for_timeout(150)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=STEP_TIMEOUT_MS
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=STEP_TIMEOUT_MS
    )


def check_page(page: Page, tally: Tally, where: str) -> None:
    for kind in ("stException", "stAlertContentError"):
        for text in page.get_by_test_id(kind).all_inner_texts():
            tally.error(f"{where}: {kind}: {text}")


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_for_app(page)


def one_session(page: Page, base_url: str, worker: int, n: int, tally: Tally) -> None:
    """A person's visit: name, assess and log a use, look at the log and the overview."""
    page.goto(base_url)
    wait_for_app(page)
    check_page(page, tally, "home")
    name = page.get_by_role("textbox", name="Your name")
    name.fill(f"Soak tester {worker}-{n}")
    name.press("Enter")
    wait_for_app(page)

    go_to(page, "Self-assessment")
    title = page.get_by_role("textbox", name="Title (required)")
    title.fill(f"Soak use {worker}-{n}")
    title.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Log this use").click()
    wait_for_app(page)
    check_page(page, tally, "assess")
    logged = page.get_by_test_id("stAlert").filter(has_text=re.compile(r"Logged as \w+ in "))
    expect(logged).to_be_visible(timeout=STEP_TIMEOUT_MS)

    go_to(page, "Use-case log")
    check_page(page, tally, "log")
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=STEP_TIMEOUT_MS)

    go_to(page, "Risk overview")
    check_page(page, tally, "overview")
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    tally.add(sessions=1, page_loads=1, script_runs=7, uses_logged=1)


def worker(chromium: str, base_url: str, number: int, deadline: float, tally: Tally) -> None:
    host = urlsplit(base_url).netloc
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        try:
            n = 0
            while time.monotonic() < deadline:
                with tally.lock:
                    if tally.sessions + len(tally.errors) >= MAX_SESSIONS:
                        return
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.set_default_timeout(STEP_TIMEOUT_MS)
                page = context.new_page()

                def on_response(response, n=n):
                    where = urlsplit(response.url)
                    if where.netloc != host:
                        return
                    tally.add(http_requests=1)
                    if response.status >= 400 and not _PROBE_PATH.match(where.path):
                        tally.error(f"session {number}-{n}: HTTP {response.status} {where.path}")

                def on_failed(request, n=n):
                    if urlsplit(request.url).netloc == host:
                        tally.error(f"session {number}-{n}: failed {request.url}")

                def on_console(message, n=n):
                    url = (message.location or {}).get("url", "")
                    if (
                        message.type == "error"
                        and (not url or urlsplit(url).netloc == host)
                        and not _PROBE_PATH.match(urlsplit(url).path)
                    ):
                        tally.error(f"session {number}-{n}: console: {message.text}")

                page.on("response", on_response)
                page.on("requestfailed", on_failed)
                page.on("console", on_console)
                page.on("pageerror", lambda e, n=n: tally.error(f"session {number}-{n}: {e}"))
                try:
                    one_session(page, base_url, number, n, tally)
                except Exception as exc:  # noqa: BLE001 - a step that did not finish
                    tally.error(f"session {number}-{n}: {type(exc).__name__}: {exc}")
                finally:
                    context.close()
                n += 1
        finally:
            browser.close()


def test_soak(chromium_path, tmp_path):
    # Healthy within 60 s, or the test fails with the end of the server's log.
    url = f"sqlite:///{tmp_path / 'greenlight.db'}"
    # Visitors log real work, which the demo production does not take: a production of their
    # own, which the sidebar chooses first.
    UseCaseStore(url).create_production("SOAK", "Soak production", actor="soak")
    dispose_engines()
    server, base_url, log_path = start_streamlit(tmp_path, url)
    try:
        started = time.monotonic()
        samples: list[tuple[float, float]] = [(0.0, rss_mb(server.pid))]
        warm_up = (
            max(MIN_WARM_UP_S, DURATION_S * WARM_UP_SHARE)
            if DURATION_S >= 300
            else (DURATION_S * WARM_UP_SHARE)
        )
        tally = Tally()
        end = started + DURATION_S
        workers = [
            threading.Thread(target=worker, args=(chromium_path, base_url, w, end, tally))
            for w in range(WORKERS)
        ]
        for t in workers:
            t.start()
        while any(t.is_alive() for t in workers):
            time.sleep(SAMPLE_EVERY_S)
            assert server.poll() is None, "the server died"
            samples.append((time.monotonic() - started, rss_mb(server.pid)))
        for t in workers:
            t.join()
        elapsed = time.monotonic() - started
        samples.append((elapsed, rss_mb(server.pid)))
    finally:
        stop_server(server, timeout=15)
    server_log = log_path.read_text(errors="replace")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "soak-streamlit.log").write_text(server_log)
    for block in re.findall(
        r"Traceback \(most recent call last\):.*?(?=\n\S|\Z)", server_log, re.S
    ):
        tally.error(f"server log: {block[-300:]}")

    warm = [mb for t, mb in samples if t >= warm_up] or [samples[-1][1]]
    figures = {
        "duration_s": round(elapsed, 1),
        "workers": WORKERS,
        "sessions": tally.sessions,
        "page_loads": tally.page_loads,
        "script_runs": tally.script_runs,
        "http_requests": tally.http_requests,
        "uses_logged": tally.uses_logged,
        "errors": len(tally.errors),
        "rss_mb_start": round(samples[0][1], 1),
        "rss_mb_after_warm_up": round(warm[0], 1),
        "rss_mb_end": round(samples[-1][1], 1),
        "rss_mb_max_after_warm_up": round(max(warm), 1),
        "warm_up_s": round(warm_up),
        "rss_samples": [(round(t), round(mb, 1)) for t, mb in samples],
        "first_errors": tally.errors[:10],
    }
    (ARTIFACTS / "soak.json").write_text(json.dumps(figures, indent=2))
    print("\nsoak:", json.dumps({k: v for k, v in figures.items() if k != "rss_samples"}, indent=2))

    assert tally.sessions > 0, "no session completed"
    assert tally.errors == [], f"{len(tally.errors)} errors, the first: {tally.errors[:5]}"
    growth = (figures["rss_mb_end"] - figures["rss_mb_after_warm_up"]) / figures[
        "rss_mb_after_warm_up"
    ]
    assert growth <= RSS_GROWTH_LIMIT, f"server memory grew {growth:.0%} after warm-up: {figures}"
