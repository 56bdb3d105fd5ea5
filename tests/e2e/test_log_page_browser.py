"""The log page and the self-assessment driven as a person does, in Chromium: select then
filter, archive the selected last row, a refused approval then a corrected one, Clear all
answers then typing, two clicks on Log this use, and hostile text in the URL.

Each test makes its own production (the browser tests share one server and one database).
"""

from __future__ import annotations

import contextlib
import re
import uuid
from urllib.parse import quote

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from greenlight.policy import load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore, UseFilter
from tests.e2e.conftest import wait_for_app as wait_for_rerun

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
ROW_HEIGHT_PX = 35  # st.dataframe's fixed header and row height
REPLICA = {"involves": {"digital_replica": True}}


@pytest.fixture
def store(e2e_database_url, streamlit_server) -> UseCaseStore:
    """The database the app under test uses (after the server has created it)."""
    return UseCaseStore(e2e_database_url)


def production_with(store: UseCaseStore, *titles: str, doc: dict | None = None):
    """A new production holding a submitted use per title: (code, name, {title: id})."""
    run = uuid.uuid4().hex[:8]
    code, name = f"LOG-{run.upper()}", f"Log film {run}"
    store.create_production(code, name, actor="fixture")
    ids = {}
    for title in titles:
        answers = parse_answers({"title": title, **(doc or {})}, GUIDANCE)
        ids[title] = store.log_use(code, answers, ENGINE, actor="fixture", status="submitted").id
    return code, name, ids


def open_as(page: Page, open_app, wait_for_app, choose, go_to, name, code, where: str) -> None:
    """Open the app, give a name, choose the production and go to a page of the sidebar."""
    open_app("")
    who = page.get_by_role("textbox", name="Your name")
    who.fill("Browser tester")
    who.press("Enter")
    wait_for_app(page)
    choose(page, "Production", f"{name} · {code}")
    wait_for_app(page)
    go_to(page, where)


@pytest.fixture
def open_log(page: Page, store, open_app, wait_for_app, choose, go_to):
    """`open_log(*titles, doc=None, where="Use-case log")`: a new production holding a
    submitted use per title, opened at a page of the sidebar: (code, {title: id})."""

    def open_with(*titles: str, doc: dict | None = None, where: str = "Use-case log"):
        code, name, ids = production_with(store, *titles, doc=doc)
        open_as(page, open_app, wait_for_app, choose, go_to, name, code, where)
        return code, ids

    return open_with


def select_row(page: Page, number: int) -> None:
    """Select row `number` (1 = first) of the log table, by its row marker, and wait for the
    rerun."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.get_by_test_id("stDataFrameResizable").click(
        position={"x": 15, "y": ROW_HEIGHT_PX * number + ROW_HEIGHT_PX // 2}
    )
    wait_for_rerun(page)


def shown_title(page: Page, titles) -> Locator:
    """The st.text elements that hold one of these titles (the selected use's heading)."""
    pattern = "|".join(re.escape(t) for t in titles)
    return page.get_by_test_id("stText").filter(has_text=re.compile(rf"^({pattern})$"))


def test_a_selected_use_stays_selected_when_a_search_is_typed(
    page, open_log, wait_for_app, assert_no_exception, console_errors
):
    titles = ("Alpha matte", "Bravo crowd", "Charlie signage")
    code, ids = open_log(*titles)
    select_row(page, 1)
    heading = shown_title(page, titles)
    expect(heading).to_have_count(1)
    selected = heading.inner_text()
    other = next(t for t in titles if t != selected)
    search = page.get_by_role("textbox", name="Search title, description, tool and vendor")
    search.fill(other.split()[0])
    search.press("Enter")
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.get_by_text("1 use(s). Select a row to see it in full.")).to_be_visible()
    # Still the use that was picked, with its own id, never the one the filter left in row 1.
    expect(shown_title(page, titles)).to_have_text([selected])
    expect(page.get_by_text(f"Use {ids[selected]} in {code}")).to_be_visible()
    console_errors.assert_none()


def test_unpicking_the_picked_row_shows_no_use(page, open_log, assert_no_exception, console_errors):
    titles = ("India plate", "Juliet banner")
    code, _ = open_log(*titles)
    select_row(page, 1)
    expect(shown_title(page, titles)).to_have_count(1)
    select_row(page, 1)  # the same row's marker again: unpicked
    assert_no_exception(page)
    expect(page.get_by_role("heading", name="Selected use")).to_have_count(0)
    expect(shown_title(page, titles)).to_have_count(0)
    console_errors.assert_none()


def test_archiving_the_selected_last_row_keeps_it_selected(
    page, open_log, store, wait_for_app, assert_no_exception, console_errors
):
    titles = ("Delta plate", "Echo banner")
    code, ids = open_log(*titles)
    select_row(page, 2)
    selected = shown_title(page, titles).inner_text()
    page.get_by_role("button", name="Archive").click()
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.get_by_text("1 use(s). Select a row to see it in full.")).to_be_visible()
    expect(shown_title(page, titles)).to_have_text([selected])
    assert store.get_use(ids[selected]).archived
    page.get_by_role("button", name="Restore").click()
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.get_by_text("2 use(s). Select a row to see it in full.")).to_be_visible()
    expect(shown_title(page, titles)).to_have_text([selected])
    assert not store.get_use(ids[selected]).archived
    console_errors.assert_none()


def test_a_refused_approval_then_a_corrected_one_records_approved(
    page, open_log, store, wait_for_app, choose, assert_no_exception, console_errors
):
    code, ids = open_log("Foxtrot replica", doc=REPLICA)
    use_id = ids["Foxtrot replica"]
    select_row(page, 1)
    choose(page, "New status", "Approved")
    page.get_by_role("textbox", name="Note").fill("Approved by studio legal")
    page.get_by_role("button", name="Apply").click()
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.get_by_test_id("stAlert")).to_contain_text(
        "Approval needs the studio's reference (the number or name of its answer) and a note "
        "saying what was approved: enter the studio's approval reference; nothing was saved"
    )
    # What the person chose and typed is still there.
    expect(page.get_by_role("combobox", name="New status")).to_have_value("Approved")
    expect(page.get_by_role("textbox", name="Note")).to_have_value("Approved by studio legal")
    page.get_by_role("textbox", name="Approval reference").fill("WA-2026-117")
    page.get_by_role("button", name="Apply").click()
    wait_for_app(page)
    assert_no_exception(page)
    record = store.get_use(use_id)
    assert (record.status, record.approval_ref) == ("approved", "WA-2026-117")
    assert store.history(use_id)[-2].note == "Approved by studio legal"
    console_errors.assert_none()


def open_questions(page: Page) -> str:
    """The headline's count of questions still open ("0" when it names none)."""
    said = page.locator(".st-key-outcome-headline").inner_text()
    found = re.search(r"(\d+) questions? open", said)
    return found.group(1) if found else "0"


def test_clear_all_answers_clears_the_widgets_and_they_stay_cleared(
    page, open_log, wait_for_app, assert_no_exception, console_errors
):
    code, _ = open_log(where="Self-assessment")
    before = open_questions(page)
    title = page.get_by_role("textbox", name="Title (required)")
    title.fill("Moodboard")
    title.press("Enter")
    wait_for_app(page)
    principle = page.get_by_role("radiogroup", name=re.compile(r"^1\. "))
    principle.get_by_role("radio", name="Yes").click()
    wait_for_app(page)
    assert open_questions(page) != before
    page.get_by_role("button", name="Clear all answers").click()
    wait_for_app(page)
    expect(page.get_by_role("textbox", name="Title (required)")).to_have_value("")
    principle = page.get_by_role("radiogroup", name=re.compile(r"^1\. "))
    expect(principle.get_by_role("radio", name="Yes")).not_to_be_checked()
    # Typing elsewhere afterwards brings none of the old answers back.
    department = page.get_by_role("textbox", name="Department")
    department.fill("Art")
    department.press("Enter")
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.get_by_role("textbox", name="Title (required)")).to_have_value("")
    expect(principle.get_by_role("radio", name="Yes")).not_to_be_checked()
    assert open_questions(page) == before
    # And a click on the principle sets it (it was not still set underneath).
    principle.get_by_role("radio", name="Yes").click()
    wait_for_app(page)
    expect(principle.get_by_role("radio", name="Yes")).to_be_checked()
    console_errors.assert_none()


def test_two_clicks_on_log_this_use_log_one_use(
    page, open_log, store, wait_for_app, assert_no_exception, console_errors
):
    """The page's half: the second click finds the answers logged. (With the store branch,
    the form's token makes the store refuse a repeat too: ui.writes.log_use.)"""
    code, _ = open_log(where="Self-assessment")
    title = page.get_by_role("textbox", name="Title (required)")
    title.fill("Twice clicked moodboard")
    title.press("Enter")
    wait_for_app(page)
    button = page.get_by_role("button", name="Log this use")
    button.click()
    page.wait_for_timeout(250)
    # The second click, whether the first run has drawn the button disabled yet or not; while
    # that run redraws it, it is briefly not there to click (as for a person's second click).
    with contextlib.suppress(PlaywrightError):
        button.click(force=True, timeout=2_000)
    wait_for_app(page, initial_wait_ms=1000)
    assert_no_exception(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Logged as ")).to_have_count(1)
    assert store.count_uses(UseFilter(productions=(code,))) == 1
    expect(button).to_be_disabled()
    console_errors.assert_none()


HOSTILE_ID = (
    "x'\n\n## h [Sign in](https://evil.example/login) ![t](https://evil.example/p.png) "
    "<b>bold</b> :material/home: :red[red]"
)


def test_hostile_text_in_the_url_is_shown_as_text(
    page, open_app, assert_no_exception, console_errors
):
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    open_app("assess?use=" + quote(HOSTILE_ID, safe=""))
    assert_no_exception(page)
    alert = page.get_by_test_id("stAlert").filter(has_text="no logged use with id")
    expect(alert).to_have_count(1)
    # The text as typed; the word joiners (U+2060) that keep bare addresses from becoming
    # links are invisible.
    shown = alert.inner_text().replace("\u2060", "")
    assert "## h [Sign in](https://evil.example/login)" in shown, shown
    assert "![t](https://evil.example/p.png) <b>bold</b>" in shown, shown
    assert ":material/home: :red[red]" in shown, shown
    for made in ("h1, h2, h3", "a", "img", "b"):
        expect(alert.locator(made)).to_have_count(0)
    assert not [
        url for url in asked if url.startswith(("https://evil.example", "http://evil.example"))
    ], asked
    console_errors.assert_none()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_the_log_and_the_self_assessment(
    page, open_log, wait_for_app, assert_no_exception, screenshot, width
):
    code, _ = open_log("Golf replica", "Hotel signage", doc=REPLICA)
    select_row(page, 1)
    # Narrowed once the sidebar has been used: on a phone it starts folded away.
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(500)
    assert_no_exception(page)
    screenshot(page, f"log-page-{width}")
    page.goto(page.url.replace("/log", "/assess"))
    wait_for_app(page, initial_wait_ms=1000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    assert_no_exception(page)
    screenshot(page, f"self-assessment-{width}")


# A sheet a person filled in with three mistakes: answers a spreadsheet spells in its own way
# import, these do not.
BAD_IMPORT = (
    "Title,Principles.Outputs_Original,context.tool_tier,involves.digital_replica\r\n"
    "Moodboards,Maybe,enterprise,No\r\n"
    "Key art,YES,Pro plan,TRUE\r\n"
    ",yes,Studio enterprise agreement,perhaps\r\n"
)


@pytest.mark.parametrize("width", [1280, 390])
def test_import_problems_are_shown_whole_at_every_width(
    page, open_log, wait_for_app, assert_no_exception, console_errors, screenshot, width
):
    open_log("Already logged")
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_timeout(500)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "sheet.csv", "mimeType": "text/csv", "buffer": BAD_IMPORT.encode()}]
    )
    wait_for_app(page, initial_wait_ms=500)
    page.get_by_role("button", name="Import into this production").click()
    wait_for_app(page, initial_wait_ms=500)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(
        "Nothing was imported: 4 problems to fix"
    )
    items = page.get_by_test_id("stMarkdownContainer").locator("li")
    expect(items).to_have_count(4)
    expected = [
        "Row 2, column principles.outputs_original: 'Maybe' is not an answer here; write "
        '"Yes", "Unsure" or "No"',
        "Row 3, column context.tool_tier: 'Pro plan' is not an answer here; write \"Studio "
        'enterprise agreement", "Other terms that exclude training on our data" or "Unknown '
        'or consumer terms"',
        "Row 4, column title: is required; give the use a short title",
        "Row 4, column involves.digital_replica: 'perhaps' is not an answer here; write "
        '"No" or "Yes"',
    ]
    assert [text.strip() for text in items.all_inner_texts()] == expected
    # Every line wraps inside the page: nothing is cut off or needs a sideways scroll.
    main = page.get_by_test_id("stMain").bounding_box()
    for item in items.all():
        box = item.bounding_box()
        assert box["x"] >= main["x"] and box["x"] + box["width"] <= main["x"] + main["width"]
        assert item.evaluate("e => e.scrollWidth <= e.clientWidth"), item.inner_text()
    items.first.scroll_into_view_if_needed()
    assert_no_exception(page)
    screenshot(page, f"log-import-problems-{width}")
    console_errors.assert_none()
