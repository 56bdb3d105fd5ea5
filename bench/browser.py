"""Figures that need the real server and a browser: cold start and memory per session.

Debian's Chromium (/usr/bin/chromium) through Playwright's pip package, headless, with the
same quiet flags as the browser tests. Servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.conftest import free_port, is_healthy, stop_server, streamlit_command

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
# The home page's kinds of element, drawn with no work: the sidebar's production picker over
# as many productions as the log holds, its New production form and name field, five pages of
# navigation, then the title, text, three bordered columns with badges, five metrics and three
# page links. Its cold start against hello world is what Streamlit's frontend alone costs for
# a page like ours: the scripts of these widgets, fetched and run by the browser. Kept in step
# with app_pages/home.py and ui.sidebar by hand.
WIDGETS = """import streamlit as st

st.set_page_config(page_title="Widgets", layout="wide")
pages = [
    st.Page(lambda: None, title=title, icon=":material/home:", url_path=title.lower())
    for title in ("Home", "Assess", "Log", "Overview", "Guidance")
]
navigation = st.navigation(pages)
with st.sidebar:
    st.selectbox("Production", [f"Production {{n}} · P{{n}}" for n in range({productions})])
    with st.popover("New production", icon=":material/add:", width="stretch"):
        with st.form("new", clear_on_submit=True, border=False):
            st.text_input("Name", max_chars=200)
            st.text_input("Code", max_chars=32)
            st.form_submit_button("Create production", type="primary")
    st.text_input("Your name", max_chars=120)
st.title("Greenlight")
st.markdown("Words about the product. " * 20)
st.subheader("The three levels")
for column in st.columns(3):
    with column.container(border=True):
        st.badge("Level", icon=":material/check_circle:", color="green")
        st.write("What the level means. " * 4)
st.subheader("This production")
st.text("A production")
for column in st.columns(5):
    column.metric("Uses logged", 400)
st.subheader("Next step")
for column, page in zip(st.columns(3), pages[1:4]):
    column.page_link(page, label=page.title, icon=":material/fact_check:")
"""
RENDER_TIMEOUT_MS = 120_000


@contextmanager
def server(script: str, database_url: str, log: Path):
    """`streamlit run script` on a free port: yields (process, base URL) once started."""
    port = free_port()
    env = {**os.environ, "GREENLIGHT_DATABASE_URL": database_url}
    command = streamlit_command(script, port, "--browser.gatherUsageStats", "false")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        stop_server(process, timeout=20)


def wait_rendered(page) -> None:
    """Until Streamlit has run the script and drawn its title."""
    page.locator("h1").first.wait_for(state="visible", timeout=RENDER_TIMEOUT_MS)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=RENDER_TIMEOUT_MS
    )


def _start_to_render(browser, script: str, database_url: str, log: Path) -> float:
    started = time.perf_counter()
    with server(script, database_url, log) as (process, base):
        while not is_healthy(base):
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


def cold_start(database_url: str, productions: int, rounds: int = 3) -> dict[str, float]:
    """Median seconds from `streamlit run` to the page rendered, for app.py, hello world and
    the home page's widgets with no work (WIDGETS, its picker over `productions`)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        scripts = {"app": "app.py"}
        for name, text in (("hello", HELLO), ("widgets", WIDGETS.format(productions=productions))):
            path = Path(folder) / f"{name}.py"
            path.write_text(text)
            scripts[name] = str(path)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        times: dict[str, list[float]] = {name: [] for name in scripts}
        # Alternating, so every script sees the same load on a shared machine.
        for n in range(rounds + 1):
            for name, script in scripts.items():
                seconds = _start_to_render(
                    browser, script, database_url, Path(folder) / f"{name}{n}.log"
                )
                if n:  # the first round warms the disk cache for all
                    times[name].append(seconds)
        browser.close()
    return {name: statistics.median(values) for name, values in times.items()}


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
            while not is_healthy(base):
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
