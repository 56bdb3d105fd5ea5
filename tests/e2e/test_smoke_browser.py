"""The harness itself: the app starts, Chromium loads it, the home page renders."""

from playwright.sync_api import expect


def test_home_page_shows_the_title(open_app, screenshot):
    page = open_app("")

    expect(page.get_by_role("heading", name="Greenlight")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    assert screenshot(page, "home").stat().st_size > 0
