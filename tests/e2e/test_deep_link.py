"""A first request straight to a page's URL, on a freshly started server, gets the whole app."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from greenlight.ui import pages_for
from tests.e2e.conftest import start_streamlit, stop_server, wait_for_app

LOCAL_PAGES = pages_for(None)  # local mode: one person, no People page


def test_a_deep_link_as_the_first_request_runs_the_app_with_its_navigation(
    browser: Browser, tmp_path
):
    # Streamlit runs a script in a pages/ folder on its own when it is the first thing asked
    # for, without app.py: no sidebar, file names as navigation. Our pages live elsewhere.
    process, base_url, _ = start_streamlit(tmp_path, f"sqlite:///{tmp_path / 'deep.db'}")
    try:
        page = browser.new_page()
        page.goto(f"{base_url}/log")
        wait_for_app(page)
        nav = page.get_by_test_id("stSidebarNav")
        for spec in LOCAL_PAGES:
            expect(nav.get_by_role("link", name=spec.title)).to_be_visible()
        expect(page.get_by_role("heading", name="Use-case log")).to_be_visible()
        expect(page.get_by_role("textbox", name="Your name")).to_be_visible()
        page.close()
    finally:
        stop_server(process)
