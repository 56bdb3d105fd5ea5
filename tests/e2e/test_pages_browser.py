"""Every page of the navigation in Chromium, at a laptop's width and at a phone's.

The pages come from greenlight.ui.PAGES, the list app.py builds its navigation from. Each page
shows the demo production (the one production with data in every chart, whatever the other
browser tests have created), must render without an exception or a console error of our own,
and leaves a full-page screenshot as artifacts/screenshots/<url path>-<width>.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from greenlight.demo import load_demo, seed_demo
from greenlight.policy import load_guidance
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.ui import pages_for
from tests.e2e.conftest import assert_no_exception, choose, go_to, save_screenshot, wait_for_app

LOCAL_PAGES = pages_for(None)  # local mode: one person, no People page

WIDTHS = (1280, 390)
# Below this width Streamlit lays a page out for a phone: the sidebar starts folded away.
PHONE_MAX_WIDTH = 768

# Anything wider than the space it was given: the main area scrolling sideways, or a chart
# drawn past the edge of its own element (cut off on a phone).
SIDEWAYS_OVERFLOW_JS = """() => {
  const problems = [];
  const main = document.querySelector('[data-testid="stMain"]');
  if (main.scrollWidth > main.clientWidth + 1)
    problems.push(`the page is ${main.scrollWidth} px wide in ${main.clientWidth} px`);
  document.querySelectorAll('[data-testid="stVegaLiteChart"]').forEach((chart, i) => {
    const drawing = chart.querySelector('svg.marks, canvas.marks');
    const room = chart.getBoundingClientRect().right;
    if (drawing && drawing.getBoundingClientRect().right > room + 1)
      problems.push(`chart ${i + 1} is drawn past its right edge`);
  });
  return problems;
}"""


@pytest.fixture(autouse=True)
def demo_seeded(e2e_database_url: str, streamlit_server: str) -> None:
    """The demo production, as the app's first start on an empty log makes it. The server is
    shared with the other browser tests, and one that writes a production before any page
    has run leaves the log not empty at the first start, so no demo: seeded here if absent
    (seed_demo leaves one that is there as it is)."""
    seed_demo(UseCaseStore(e2e_database_url), Engine(load_guidance()))


def show_demo_production(page: Page, choose) -> None:
    """Make the demo production the current one (the sidebar must be open)."""
    demo = load_demo(load_guidance())
    label = f"{demo.name} · {demo.code}"
    if page.get_by_role("combobox", name="Production").input_value() != label:
        choose(page, "Production", label)


def wait_until_drawn(page: Page) -> None:
    """Wait for what Streamlit draws after the script has run: lazy widgets, charts, grids."""
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    for chart in page.get_by_test_id("stVegaLiteChart").all():
        expect(chart.locator("svg.marks, canvas.marks")).to_be_visible()
    for grid in page.get_by_test_id("stDataFrame").all():
        expect(grid.get_by_test_id("data-grid-canvas")).to_be_attached()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("spec", LOCAL_PAGES, ids=[spec.url_path for spec in LOCAL_PAGES])
def test_page_renders_cleanly(
    spec,
    width,
    page: Page,
    open_app,
    console_errors,
):
    page.set_viewport_size({"width": width, "height": 900})
    open_app("")
    collapsed = page.get_by_test_id("stExpandSidebarButton")
    phone = width < PHONE_MAX_WIDTH
    if phone:
        expect(collapsed).to_be_visible()
        collapsed.click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()

    show_demo_production(page, choose)
    wait_for_app(page)
    if not spec.default:
        go_to(page, spec.title)
    if phone:
        page.get_by_test_id("stSidebarCollapseButton").click()
        expect(collapsed).to_be_visible()

    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    wait_until_drawn(page)
    assert_no_exception(page)
    assert page.evaluate(SIDEWAYS_OVERFLOW_JS) == []
    console_errors.assert_none()
    # The page icon comes inline with the page, not from another host.
    icon = page.evaluate("document.querySelector(\"link[rel*='icon']\")?.href ?? ''")
    assert icon.startswith("data:image/svg+xml"), icon
    save_screenshot(page, f"{spec.url_path}-{width}")
