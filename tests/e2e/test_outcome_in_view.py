"""What stays in view, at 1280 px and on a 390 px phone, in Chromium: the outcome's headline
while answering the context questions, a reason's guidance section when its link is
followed, a search's highlighted matches and their count; and the log's times and history
in words.

Pictures of the scrolled self-assessment are taken of the viewport (a full-page picture
would make the viewport as tall as the page, and nothing would need to stick).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from greenlight.policy import load_answers, load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.present import count_matches, matching_sections, query_words, section_shown
from greenlight.store import UseCaseStore
from tests.e2e.conftest import SCREENSHOTS, assert_no_exception, wait_for_app
from tests.unit.samples import MOODBOARD

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
WIDTHS = (1280, 390)
HEIGHT = {1280: 900, 390: 844}
ROW_HEIGHT_PX = 35  # st.dataframe's fixed header and row height
TIME = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"

LOW_USE = MOODBOARD  # a plain use, clear on every principle


def sized(page: Page, width: int) -> Page:
    page.set_viewport_size({"width": width, "height": HEIGHT[width]})
    return page


def in_viewport(page: Page, element: Locator) -> dict:
    """The element's box, asserted to lie wholly inside the viewport."""
    box = element.bounding_box()
    assert box is not None, "not drawn"
    height = page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (box, height)
    return box


def uncovered(page: Page, element: Locator) -> None:
    """Assert that nothing is drawn over the middle of the element (a toast, a header)."""
    box = element.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    on_top = element.evaluate(
        "(el, [x, y]) => { const hit = document.elementFromPoint(x, y);"
        " return !!hit && (el === hit || el.contains(hit) || hit.contains(el)); }",
        [x, y],
    )
    assert on_top, f"something is drawn over the element at ({x}, {y})"


def viewport_picture(page: Page, name: str) -> Path:
    """A picture of what the viewport shows now, under artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def counted(result) -> str:
    reasons = len(result.raising)
    return f"{reasons} reason" if reasons == 1 else f"{reasons} reasons"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_level_stays_in_view_while_answering_the_context_questions(
    page, open_app, console_errors, tmp_path, width
):
    sized(open_app("assess"), width)
    # A low-risk use loaded from a file, then one context answer made riskier.
    upload = tmp_path / f"moodboard-{width}.yaml"
    upload.write_text(LOW_USE, encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(upload)
    wait_for_app(page)
    assert_no_exception(page)
    given = len(load_answers(LOW_USE, GUIDANCE).provided)
    expect(page.get_by_test_id("stAlert").filter(has_text="Loaded")).to_have_text(
        re.compile(
            rf"Loaded “Season 2 look moodboard” from the file {upload.name}: {given} answers\."
        )
    )
    low = ENGINE.assess(load_answers(LOW_USE, GUIDANCE))
    assert low.level == "low"

    tier = GUIDANCE.question("context.tool_tier")
    question = page.get_by_role("radiogroup", name=tier.label)
    question.scroll_into_view_if_needed()
    headline = page.locator(".st-key-outcome-headline")
    expect(headline).to_contain_text(GUIDANCE.level("low").label)
    expect(headline).to_contain_text(counted(low))
    top = in_viewport(page, headline)
    below = in_viewport(page, question)
    assert below["y"] >= top["y"] + top["height"], "the headline covers the question"
    uncovered(page, headline)
    uncovered(page, question)
    viewport_picture(page, f"assess-context-low-{width}")

    # The radio's <input> lies under its drawn circle: click the option's words, as a person does.
    question.get_by_text(tier.label_of("unknown"), exact=True).click()
    wait_for_app(page)
    expect(question.get_by_role("radio", name=tier.label_of("unknown"))).to_be_checked()
    assert_no_exception(page)
    riskier = LOW_USE.replace("tool_tier: enterprise", "tool_tier: unknown")
    raised = ENGINE.assess(load_answers(riskier, GUIDANCE))
    assert raised.level != "low" and raised.raising
    expect(headline).to_contain_text(GUIDANCE.level(raised.level).label)
    expect(headline).to_contain_text(counted(raised))
    expect(headline).not_to_contain_text(GUIDANCE.level("low").label)
    in_viewport(page, headline)
    in_viewport(page, question)
    uncovered(page, headline)
    viewport_picture(page, f"assess-context-raised-{width}")
    # "see why" takes the person down to the outcome, under the headline.
    headline.get_by_role("link", name="see why").click()
    outcome = page.get_by_role("heading", name="Outcome", exact=True)
    expect(outcome).to_be_in_viewport()
    assert outcome.bounding_box()["y"] >= top["y"] + top["height"] - 1
    console_errors.assert_none()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reason_s_guidance_link_lands_with_its_section_in_view(
    page, open_app, console_errors, width
):
    sized(open_app("assess"), width)
    reason = page.locator(".st-key-outcome-card [class*='st-key-reason-']").first
    link = reason.get_by_role("link", name=re.compile(r"^Guidance: "))
    title = link.inner_text().split("Guidance: ", 1)[1].strip()
    link.click()
    wait_for_app(page)
    assert_no_exception(page)
    assert "section=" in page.url
    section = page.get_by_test_id("stExpander").first
    expect(section).to_contain_text(title)
    expect(section.locator("details")).to_have_attribute("open", "")
    in_viewport(page, section.locator("summary"))
    # The section's own text begins in view too, not only its heading.
    expect(section.get_by_test_id("stMarkdownContainer").nth(1)).to_be_in_viewport()
    viewport_picture(page, f"guidance-link-{width}")
    console_errors.assert_none()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_guidance_search_highlights_and_counts_its_matches(page, open_app, console_errors, width):
    sized(open_app("guidance"), width)
    box = page.get_by_role("textbox", name="Search the guidance")
    box.fill("Consent")
    box.press("Enter")
    wait_for_app(page)
    assert_no_exception(page)
    sections = matching_sections(GUIDANCE, "consent")
    passages = [text for s in sections for text in section_shown(GUIDANCE, s).passages()]
    matches = count_matches(passages, query_words("consent"))
    expect(page.get_by_text(f"{matches} matches in {len(sections)} sections")).to_be_visible()
    marks = page.locator(".stMarkdownColoredBackground")
    expect(marks).to_have_count(matches)
    assert {text.lower() for text in marks.all_inner_texts()} == {"consent"}
    expect(marks.first).to_be_visible()
    viewport_picture(page, f"guidance-search-{width}")
    console_errors.assert_none()


@pytest.fixture
def store(e2e_database_url, streamlit_server) -> UseCaseStore:
    """The database the app under test uses (after the server has created it)."""
    return UseCaseStore(e2e_database_url)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_log_shows_times_to_the_second_and_archive_and_restore_in_words(
    page, open_app, store, choose, go_to, console_errors, width
):
    run = uuid.uuid4().hex[:8]
    code, name = f"TIME-{run.upper()}", f"Times film {run}"
    store.create_production(code, name, actor="fixture")
    answers = parse_answers({"title": f"Kilo matte {run}"}, GUIDANCE)
    use = store.log_use(code, answers, ENGINE, actor="fixture", status="submitted")
    store.archive_use(use.id, actor="fixture")
    store.restore_use(use.id, actor="fixture")
    open_app("")
    choose(page, "Production", f"{name} · {code}")
    wait_for_app(page)
    go_to(page, "Use-case log")
    sized(page, width)
    # A grid's cells are drawn on a canvas; the accessible table Streamlit keeps beside it
    # (outside the stDataFrame element) holds the cells in view, a column at a time.
    page.get_by_test_id("stDataFrameResizable").first.click(
        position={"x": 15, "y": ROW_HEIGHT_PX + ROW_HEIGHT_PX // 2}
    )
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.locator("td", has_text=re.compile(r"^Archived$"))).to_have_count(1)
    expect(page.locator("td", has_text=re.compile(r"^Restored$"))).to_have_count(1)
    expect(page.locator("td", has_text=re.compile(rf"^{TIME} by fixture$"))).to_have_count(2)
    expect(page.locator("td", has_text=re.compile(rf"^{TIME}$"))).to_have_count(3)
    expect(page.locator("td", has_text=re.compile(r"\.\d{6}|\+00:00"))).to_have_count(0)
    console_errors.assert_none()
