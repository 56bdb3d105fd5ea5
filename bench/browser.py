"""Figures that need the real server and a browser: cold start and memory per session.

Debian's Chromium (/usr/bin/chromium) through Playwright's pip package, headless, with the
same quiet flags as the browser tests. Servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("GREENLIGHT_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HELLO = 'import streamlit as st\n\nst.title("Hello")\nst.write("world")\n'
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))
RENDER_TIMEOUT_MS = 120_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        with _LOCAL.open(f"{base}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@contextmanager
def server(script: str, database_url: str, log: Path):
    """`streamlit run script` on a free port: yields (process, base URL) once started."""
    port = _free_port()
    env = {**os.environ, "GREENLIGHT_DATABASE_URL": database_url}
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_rendered(page) -> None:
    """Until Streamlit has run the script and drawn its title."""
    page.locator("h1").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )


def _start_to_render(browser, script: str, database_url: str, log: Path) -> float:
    started = time.perf_counter()
    with server(script, database_url, log) as (process, base):
        while not _healthy(base):
            if process.poll() is not None:
                raise RuntimeError(f"streamlit run {script} stopped; see {log}")
            if time.perf_counter() - started > 120:
                raise RuntimeError(f"streamlit run {script} never became healthy; see {log}")
            time.sleep(0.05)
        page = browser.new_page()
        page.goto(base)
        wait_rendered(page)
        seconds = time.perf_counter() - started
        page.close()
    return seconds


def cold_start(database_url: str, rounds: int = 3) -> tuple[float, float]:
    """Median seconds from `streamlit run` to the page rendered: (app.py, hello world)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        hello = Path(folder) / "hello.py"
        hello.write_text(HELLO)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        app, baseline = [], []
        # Alternating, so both sides see the same load on a shared machine.
        for n in range(rounds + 1):
            a = _start_to_render(browser, "app.py", database_url, Path(folder) / f"app{n}.log")
            b = _start_to_render(browser, str(hello), database_url, Path(folder) / f"h{n}.log")
            if n:  # the first round warms the disk cache for both
                app.append(a)
                baseline.append(b)
        browser.close()
    return statistics.median(app), statistics.median(baseline)


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def _open_overview(context, base: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/overview")
    wait_rendered(page)
    # Every production: clear the productions filter, which starts at the current one.
    chosen = page.get_by_test_id("stMultiSelect").first
    clear = chosen.locator("[aria-label='Clear all'], [title='Clear all']")
    if clear.count():
        clear.first.click()
    page.wait_for_timeout(300)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )
    page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=RENDER_TIMEOUT_MS)


def session_memory(database_url: str, sessions: int = 20) -> tuple[float, int, int]:
    """Server RSS growth per added browser session on the all-productions overview:
    (bytes per session, RSS with one session, RSS with all)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with server("app.py", database_url, Path(folder) / "server.log") as (process, base):
            deadline = time.perf_counter() + 120
            while not _healthy(base):
                if time.perf_counter() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start")
                time.sleep(0.1)
            contexts = [browser.new_context(viewport={"width": 1280, "height": 900})]
            _open_overview(contexts[0], base)
            time.sleep(2)
            first = _rss(process.pid)
            for _ in range(sessions - 1):
                contexts.append(browser.new_context(viewport={"width": 1280, "height": 900}))
                _open_overview(contexts[-1], base)
            time.sleep(2)
            last = _rss(process.pid)
            for context in contexts:
                context.close()
        browser.close()
    return (last - first) / (sessions - 1), first, last
