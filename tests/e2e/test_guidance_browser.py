"""The Guidance page's search in Chromium: each match is highlighted, and the highlight hugs
the word, with no gap before the character after it (Streamlit pads coloured backgrounds)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.parametrize("width", [1280, 390])
def test_a_search_highlight_leaves_no_gap_after_the_word(
    page: Page, open_app, wait_for_app, screenshot, console_errors, width
):
    page.set_viewport_size({"width": width, "height": 900})
    open_app("guidance")
    box = page.get_by_role("textbox", name="Search the guidance")
    box.fill("consent")
    box.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("matches in")).to_be_visible()
    marks = page.locator(".stMarkdownColoredBackground")
    expect(marks.first).to_be_visible()
    first = marks.first
    assert first.inner_text().lower() == "consent"
    padding = first.evaluate(
        "el => [getComputedStyle(el).paddingLeft, getComputedStyle(el).paddingRight]"
    )
    assert padding == ["0px", "0px"]
    # Measured on the page: the highlight ends where the word's last letter ends.
    gap = first.evaluate(
        """el => {
            const range = document.createRange();
            const node = el.firstChild.nodeType === 3 ? el.firstChild : el.firstChild.firstChild;
            range.setStart(node, node.length - 1);
            range.setEnd(node, node.length);
            return el.getBoundingClientRect().right - range.getBoundingClientRect().right;
        }"""
    )
    assert abs(gap) < 1, gap
    first.scroll_into_view_if_needed()
    screenshot(page, f"guidance-search-highlight-{width}")
    console_errors.assert_none()
