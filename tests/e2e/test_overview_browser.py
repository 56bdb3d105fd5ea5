"""The risk overview in Chromium, at 1280 and 390 px: with several productions it shows what
awaits a decision and the table by production; a use's link and a bar of a chart open the
log on it; and no console warning from the charts (Vega-Lite's "Dropping fit-y" was one)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from greenlight.policy import load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import LocalAdministrator, UseCaseStore

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
APPROVAL = {"use_case_type": "key_visual", "involves": {"key_creative_element": True}}
HOSTILE = "Poster [click](http://evil.example) **bold** <b>x</b>"


@pytest.fixture
def store(e2e_database_url, streamlit_server) -> UseCaseStore:
    return UseCaseStore(e2e_database_url)


def two_productions(store: UseCaseStore) -> list[tuple[str, str]]:
    """Two new productions with uses awaiting a decision: [(code, name), ...]."""
    run = uuid.uuid4().hex[:6].upper()
    made = []
    now = datetime.now(UTC)
    for n, titles in enumerate([(HOSTILE, "Storm previs"), ("Crowd voices", "Creature design")]):
        code, name = f"OV{n}-{run}", f"Overview film {n} {run}"
        store.create_production(code, name, actor="fixture")
        for i, title in enumerate(titles):
            answers = parse_answers({"title": title, **APPROVAL}, GUIDANCE)
            use = store.log_use(code, answers, ENGINE, actor="fixture", at=now - timedelta(days=9))
            # Only the command line, as the local administrator, dates a status change.
            store.set_status(
                use.id,
                "submitted",
                actor=LocalAdministrator("fixture"),
                at=now - timedelta(days=8 - i - 2 * n),
            )
        made.append((code, name))
    return made


def open_overview(page: Page, open_app, wait_for_app, choose, go_to, made) -> list[str]:
    """The overview on exactly these productions; returns the Vega-Lite warnings logged."""
    warnings: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "warning" and "WARN" in message.text:
            warnings.append(message.text)

    page.on("console", on_console)
    open_app("overview")
    chooser = page.get_by_test_id("stMultiSelect").first
    chooser.get_by_role("button", name="Clear all").click()
    wait_for_app(page)
    box = page.get_by_role("combobox", name="Productions (none chosen: all)")
    for code, name in made:
        box.click()
        box.press_sequentially(f"{name} · {code}")
        expect(page.get_by_role("option", name=f"{name} · {code}", exact=True)).to_be_visible()
        box.press("Enter")
        expect(chooser).to_contain_text(f"{name} · {code}")
        wait_for_app(page)
    page.keyboard.press("Escape")
    wait_for_app(page)
    return warnings


@pytest.mark.parametrize("width", [1280, 390])
def test_the_overview_says_where_to_look_on_several_productions(
    page, store, open_app, wait_for_app, choose, go_to, screenshot, console_errors, width
):
    made = two_productions(store)
    page.set_viewport_size({"width": width, "height": 900})
    warnings = open_overview(page, open_app, wait_for_app, choose, go_to, made)

    expect(page.get_by_role("heading", name="Needs a decision now")).to_be_visible()
    links = page.get_by_test_id("stPageLink")
    # Longest waiting first; the hostile title is shown as it was typed, and links nowhere.
    expect(links.nth(0)).to_contain_text("Poster [click]")
    # As typed: as_text puts an invisible word joiner in "http://", so nothing links it.
    assert links.nth(0).inner_text().replace("\u2060", "").strip() == HOSTILE
    expect(links.nth(1)).to_have_text("Storm previs")
    expect(page.locator("a[href*='evil.example']")).to_have_count(0)
    expect(page.get_by_role("heading", name="By production")).to_be_visible()
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    page.wait_for_timeout(1000)  # the charts draw after the script has run
    screenshot(page, f"overview-several-productions-{width}")
    assert warnings == []
    console_errors.assert_none()


def bar_point(page: Page, chart, label: str) -> tuple[float, float]:
    """A point on the bar whose tooltip names `label`, found by hovering down the chart."""
    box = chart.bounding_box()
    assert box is not None
    x = box["x"] + box["width"] * 0.75
    y = box["y"] + 5
    while y < box["y"] + box["height"]:
        page.mouse.move(x, y)
        page.wait_for_timeout(60)
        tip = page.locator("#vg-tooltip-element")
        if tip.count() and tip.is_visible() and label in tip.inner_text():
            return x, y
        y += 6
    raise AssertionError(f"no bar of {label!r} in the chart")


def test_a_bar_and_a_use_open_the_log_filtered(
    page, store, open_app, wait_for_app, choose, go_to, screenshot, console_errors
):
    made = two_productions(store)
    open_overview(page, open_app, wait_for_app, choose, go_to, made)
    chart = page.get_by_test_id("stVegaLiteChart").first  # Uses by level
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    x, y = bar_point(page, chart, "Written approval")
    page.mouse.click(x, y)
    wait_for_app(page, 600)

    expect(page.get_by_role("heading", name="Use-case log")).to_be_visible()
    expect(
        page.get_by_text("Opened from the risk overview: the uses of 2 productions")
    ).to_be_visible()
    levels = page.get_by_test_id("stMultiSelect").filter(has_text="Level")
    expect(levels).to_contain_text("Written approval")
    expect(page.get_by_text("4 use(s).")).to_be_visible()
    screenshot(page, "log-from-a-bar-1280")
    assert "level=" not in page.url  # the link's filters were applied once, then cleared

    page.get_by_role("button", name="Show only this production").click()
    wait_for_app(page)
    expect(page.get_by_text("Opened from the risk overview")).to_have_count(0)

    open_overview(page, open_app, wait_for_app, choose, go_to, made)
    page.get_by_test_id("stPageLink").filter(has_text="Crowd voices").click()
    wait_for_app(page, 600)
    expect(page.get_by_role("heading", name="Selected use")).to_be_visible()
    expect(page.get_by_test_id("stText").filter(has_text="Crowd voices")).to_be_visible()
    console_errors.assert_none()


# The overview's charts in page order (charts.overview_panels).
CHARTS = ("level", "department", "type", "reason", "timeline", "status", "principle")


def chart_of(page: Page, name: str):
    """The overview's chart of this name."""
    return page.get_by_test_id("stVegaLiteChart").nth(CHARTS.index(name))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reason_bar_opens_the_log_on_that_reason(
    page, store, open_app, wait_for_app, choose, go_to, screenshot, console_errors, width
):
    made = two_productions(store)
    page.set_viewport_size({"width": width, "height": 900})
    open_overview(page, open_app, wait_for_app, choose, go_to, made)
    page.wait_for_timeout(1000)  # the charts draw after the script has run
    screenshot(page, f"overview-reasons-chart-{width}")
    chart = chart_of(page, "reason")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    x, y = bar_point(page, chart, "key-creative-element")
    page.mouse.click(x, y)
    wait_for_app(page, 600)

    expect(page.get_by_role("heading", name="Use-case log")).to_be_visible()
    reasons = page.get_by_test_id("stMultiSelect").filter(has_text="Reason")
    short = GUIDANCE.rule("key-creative-element").short
    expect(reasons).to_contain_text(short)
    expect(page.get_by_text("4 use(s).")).to_be_visible()
    assert "reason=" not in page.url  # applied once, then cleared
    screenshot(page, f"log-from-a-reason-bar-{width}")
    console_errors.assert_none()


def test_a_timeline_bar_opens_the_log_on_its_week(
    page, store, open_app, wait_for_app, choose, go_to, screenshot, console_errors
):
    made = two_productions(store)
    open_overview(page, open_app, wait_for_app, choose, go_to, made)
    chart = chart_of(page, "timeline")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    box = chart.bounding_box()
    assert box is not None
    # The uses were logged 9 days ago: one week, one bar, at the plot's right.
    tip = page.locator("#vg-tooltip-element")
    spot = None
    for fx in [i / 40 for i in range(39, 4, -1)]:
        for fy in (0.6, 0.5, 0.4, 0.3):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(40)
            if tip.count() and tip.is_visible() and "Week of" in tip.inner_text():
                spot = (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
                break
        if spot:
            break
    assert spot is not None, "no bar in the timeline"
    page.mouse.click(*spot)
    wait_for_app(page, 600)

    logged = (datetime.now(UTC) - timedelta(days=9)).date()
    monday = logged - timedelta(days=logged.weekday())
    expect(page.get_by_role("heading", name="Use-case log")).to_be_visible()
    sunday = monday + timedelta(days=6)
    for label, day in (("Logged from", monday), ("Logged to", sunday)):
        for part, value in (("year", day.year), ("month", day.month), ("day", day.day)):
            field = page.get_by_role("spinbutton", name=f"{part}, {label}")
            expect(field).to_have_attribute("aria-valuenow", str(value))
    expect(page.get_by_text("4 use(s).")).to_be_visible()
    screenshot(page, "log-from-a-timeline-bar-1280")
    console_errors.assert_none()
