"""The escalation request's two download buttons, on the self-assessment and on a logged use
opened by the link the request itself gives, at a laptop's width and at a phone's: each button
whole, and each file what it says (a PDF with the use's title, the text with the use's link)."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Download, Page, expect
from pypdf import PdfReader

from greenlight.policy import Engine, load_guidance, parse_answers
from greenlight.present import use_link
from greenlight.store import UseCaseStore
from tests.e2e.conftest import SCREENSHOTS, assert_no_exception, save_screenshot, wait_for_app

WIDTHS = (1280, 390)
PDF_BUTTON = "Escalation request (PDF)"
TEXT_BUTTON = "Escalation request (text)"

# Each button of a row: its label not cut (no text wider than its box) and the button inside
# the main area. Returns the problems found, by label.
CUT_JS = """(row) => {
  const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
  const problems = [];
  row.querySelectorAll('button').forEach((button) => {
    const box = button.getBoundingClientRect();
    const label = button.innerText.trim();
    if (box.left < main.left - 1 || box.right > main.right + 1)
      problems.push(`${label}: outside the page (${box.left}-${box.right})`);
    button.querySelectorAll('p, span, div').forEach((part) => {
      if (part.scrollWidth > part.clientWidth + 1)
        problems.push(`${label}: its text is cut (${part.scrollWidth} in ${part.clientWidth} px)`);
    });
  });
  return problems;
}"""


def downloaded(page: Page, button: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    download: Download = info.value
    assert download.failure() is None, download.failure()
    return download.suggested_filename, Path(download.path()).read_bytes()


def assert_whole(page: Page, row_key: str, shot: str) -> None:
    """Both buttons of the row visible and whole; a picture of the row, to look at."""
    row = page.locator(f".st-key-{row_key}")
    for name in (PDF_BUTTON, TEXT_BUTTON):
        expect(row.get_by_role("button", name=name)).to_be_visible()
    row.scroll_into_view_if_needed()
    assert row.evaluate(CUT_JS) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    row.screenshot(path=str(SCREENSHOTS / f"{shot}-buttons.png"))


@pytest.mark.parametrize("width", WIDTHS)
def test_both_request_buttons_are_whole_and_give_the_request(
    width, page: Page, open_app, console_errors, e2e_database_url
):
    guidance = load_guidance()
    run = uuid.uuid4().hex[:8]
    code, title = f"RQ-{run.upper()}", f"Mood board for the harbour set {run}"
    store = UseCaseStore(e2e_database_url)
    store.create_production(code, f"Harbour film {run}", actor="Sam Rivera")
    answers = parse_answers(
        {"title": title, "department": "Art", "principles": {"outputs_original": "unsure"}},
        guidance,
    )
    use = store.log_use(code, answers, Engine(guidance), actor="Sam Rivera")
    page.set_viewport_size({"width": width, "height": 900})

    # The request's own link opens the use on the log page, in its production.
    open_app(f"log?use={use.id}")
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.get_by_text(f"Use {use.id} in {code}")).to_be_visible()
    assert_whole(page, f"downloads-use-{use.id}", f"request-log-{width}")
    save_screenshot(page, f"request-log-{width}")
    name, pdf = downloaded(page, PDF_BUTTON)
    assert name.endswith("-escalation-request.pdf") and pdf.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert title in text and use.id in text and "Sam Rivera" in text
    name, markdown = downloaded(page, TEXT_BUTTON)
    assert name.endswith("-escalation-request.md")
    assert use_link(use.id, "http://localhost:8501") in markdown.decode()

    # Not logged yet: the self-assessment offers both too, beside the answers.
    open_app("assess")
    page.get_by_role("textbox", name="Title (required)").fill(title)
    page.get_by_role("textbox", name="Title (required)").press("Enter")
    wait_for_app(page)
    assert_whole(page, "downloads-assess", f"request-assess-{width}")
    expect(page.locator(".st-key-downloads-assess").get_by_role("button")).to_have_count(3)
    save_screenshot(page, f"request-assess-{width}")
    _, markdown = downloaded(page, TEXT_BUTTON)
    assert "not logged yet" in markdown.decode() and title in markdown.decode()
    _, pdf = downloaded(page, PDF_BUTTON)
    assert title in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    console_errors.assert_none()
