"""One user's journey through the real app in Chromium, from a new production to the CSV.

Every step goes through the sidebar's navigation, so the whole journey is one Streamlit session
(the user's name and the current production live in it). Codes and titles carry a run id: the
browser tests share one server and one database.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

from playwright.sync_api import Download, Locator, Page, expect

from greenlight.policy import Guidance, load_guidance
from greenlight.policy.answers import build_document, parse_answers
from greenlight.policy.engine import Assessment, Engine
from tests.e2e.conftest import assert_no_exception, choose, go_to, save_screenshot, wait_for_app

# st.dataframe draws its rows on a canvas: a row is selected by clicking its row marker, at
# Streamlit's fixed header and row height (35 px), a little right of the grid's left edge.
ROW_HEIGHT_PX = 35
OVERVIEW_CHARTS = 7


def expected_outcome(guidance: Guidance, title: str, given: dict) -> Assessment:
    """What the engine makes of these answers: the card and the request must show exactly it."""
    document = build_document(guidance, {"title": title}, given)
    return Engine(guidance).assess(parse_answers(document, guidance))


def downloaded_text(page: Page, button: str) -> tuple[str, str]:
    """Click a download button; return the file's suggested name and its text."""
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    download: Download = info.value
    assert download.failure() is None, download.failure()
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")


def marks(chart: Locator) -> Locator:
    """The data marks (bars, points, areas) Vega drew in a chart, without axes and legends."""
    return chart.locator("g.role-mark [role='graphics-symbol']")


def metric(page: Page, label: str) -> Locator:
    """The value of the st.metric with exactly this label."""
    label_of = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=label_of).get_by_test_id("stMetricValue")


def cell(page: Page, text: str) -> Locator:
    """A dataframe cell (of the grid's accessible table) holding exactly this text."""
    return page.locator("td", has_text=re.compile(rf"^{re.escape(text)}$"))


def select_first_row(grid: Locator) -> None:
    """Select the first row of a single-row-selection dataframe."""
    grid.get_by_test_id("stDataFrameResizable").click(
        position={"x": 15, "y": ROW_HEIGHT_PX + ROW_HEIGHT_PX // 2}
    )


def test_create_assess_log_approve_chart_and_export(
    page: Page,
    open_app,
    console_errors,
):
    guidance = load_guidance()
    approval = guidance.level("approval")
    replica = guidance.rule("digital-replica")
    run = uuid.uuid4().hex[:8]
    actor = f"Journey tester {run}"
    code = f"E2E-{run.upper()}"
    name = f"Journey film {run}"
    title = f"Digital replica of the lead for reshoots {run}"
    reference = f"STUDIO-WA-{run.upper()}"

    # --- who, and a new production ------------------------------------------------------------
    open_app("")
    your_name = page.get_by_role("textbox", name="Your name")
    your_name.fill(actor)
    your_name.press("Enter")
    wait_for_app(page)

    page.get_by_role("button", name="New production").click()
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_role("textbox", name="Code", exact=True).fill(code)
    page.get_by_role("button", name="Create production").click()
    wait_for_app(page)
    assert_no_exception(page)
    expect(page.get_by_role("combobox", name="Production")).to_have_value(f"{name} · {code}")
    expect(your_name).to_have_value(actor)

    # --- assess a use: a digital replica of real talent needs written approval -----------------
    given = {
        "use_case_type": "talent_replication",
        "involves.digital_replica": True,
        "principles.outputs_original": "yes",
    }
    expected = expected_outcome(guidance, title, given)
    assert expected.level == approval.id, "the answers below must need written approval"
    go_to(page, "Self-assessment")
    page.get_by_role("textbox", name="Title (required)").fill(title)
    page.get_by_role("textbox", name="Title (required)").press("Enter")
    wait_for_app(page)
    kinds = guidance.question("use_case_type")
    choose(page, "Which kind of use is this?", kinds.label_of(given["use_case_type"]))
    wait_for_app(page)
    # Streamlit hides the checkbox's <input> under its label: click the label, as a person does.
    page.locator(".st-key-q-involves-digital_replica label").click()
    wait_for_app(page)
    replica_box = guidance.question("involves.digital_replica").label
    expect(page.get_by_role("checkbox", name=replica_box)).to_be_checked()
    principle = page.get_by_role("radiogroup", name=re.compile(r"^1\. "))
    principle.get_by_role("radio", name="Yes").click()
    wait_for_app(page)
    expect(principle.get_by_role("radio", name="Yes")).to_be_checked()

    card = page.locator(".st-key-outcome-card")
    badge = card.locator(".stMarkdownBadge")
    expect(badge).to_have_count(1)
    # The badge reads "<icon name> <label>": the icon is a Material Symbols ligature.
    expect(badge).to_have_text(re.compile(rf"(^|\s){re.escape(approval.label)}$"))
    # Reasons that raised the level, and apart from them the notes (low reasons).
    expect(card.locator("[class*='st-key-reason-']")).to_have_count(len(expected.raising))
    for reason in expected.raising:
        expect(card.locator(f".st-key-reason-{reason.rule}")).to_contain_text(reason.text)
    expect(card.locator("[class*='st-key-note-']")).to_have_count(len(expected.notes))
    for note in expected.notes:
        expect(card.locator(f".st-key-note-{note.rule}")).to_contain_text(note.text)
    expect(card.get_by_text(replica.text)).to_be_visible()
    save_screenshot(page, "journey-assess")

    file_name, request = downloaded_text(page, "Escalation request (text)")
    assert file_name.endswith("-escalation-request.md"), file_name
    assert "    Use:  " in request and f"  {title}\n" in request
    assert f"\n{approval.label}. {approval.meaning}\n" in request
    why = request.split("\nWhy\n---\n", 1)[1].split("\n---", 1)[0]
    for reason in expected.raising:
        assert f"- {guidance.level(reason.level).label}: {reason.text} " in why, reason.rule

    # --- log it as submitted (a draft cannot be approved) --------------------------------------
    log_as = page.get_by_role("radiogroup", name="Log as")
    log_as.get_by_role("radio", name="Submitted").click()
    wait_for_app(page)
    expect(log_as.get_by_role("radio", name="Submitted")).to_be_checked()
    page.get_by_role("button", name="Log this use").click()
    wait_for_app(page)
    assert_no_exception(page)
    logged = page.get_by_test_id("stAlert").filter(has_text=re.compile(r"Logged as \w+ in "))
    expect(logged).to_contain_text(f" in {code}.")
    use_id = re.search(r"Logged as (\w+) in ", logged.inner_text()).group(1)

    # --- find it in the log and open it ---------------------------------------------------------
    go_to(page, "Use-case log")
    expect(page.get_by_text("1 use(s). Select a row to see it in full.")).to_be_visible()
    table = page.get_by_test_id("stDataFrame").first
    select_first_row(table)
    wait_for_app(page)
    # After the first click the grid also renders its rows as an accessible table.
    row = table.locator("tr[aria-selected='true']")
    expect(row).to_contain_text(title)
    expect(page.get_by_role("heading", name="Selected use")).to_be_visible()
    expect(page.get_by_text(f"Use {use_id} in {code}")).to_be_visible()
    main = page.get_by_test_id("stMain")
    status_badge = main.locator(".stMarkdownBadge").filter(has_text=re.compile(r"Submitted$"))
    expect(status_badge).to_be_visible()

    # --- approve: refused without the studio's reference, accepted with it --------------------
    choose(page, "New status", "Approved")
    page.get_by_role("button", name="Apply").click()
    wait_for_app(page)
    assert_no_exception(page)
    refused = page.get_by_test_id("stAlert").filter(has_text="approval reference")
    expect(refused).to_be_visible()
    expect(status_badge).to_be_visible()
    expect(
        main.locator(".stMarkdownBadge").filter(has_text=re.compile(r"Approved$"))
    ).to_have_count(0)

    choose(page, "New status", "Approved")
    page.get_by_role("textbox", name="Approval reference").fill(reference)
    page.get_by_role("textbox", name="Note").fill("Signed off by the studio contact")
    page.get_by_role("button", name="Apply").click()
    wait_for_app(page)
    expect(
        main.locator(".stMarkdownBadge").filter(has_text=re.compile(r"Approved$"))
    ).to_be_visible()
    expect(refused).to_have_count(0)
    # The history grid is drawn on a canvas too; its accessible table holds the visible cells.
    history = page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Who"))
    change = history.locator("tr").filter(has=cell(page, "Status")).filter(has_text=actor)
    expect(change).to_have_count(1)
    expect(change.locator("td")).to_contain_text(["Status", "Submitted", "Approved"])
    expect(history.locator("tr").filter(has=cell(page, reference))).to_have_count(1)
    save_screenshot(page, "journey-log")

    # --- the overview draws the production's charts ---------------------------------------------
    go_to(page, "Risk overview")
    assert_no_exception(page)
    expect(metric(page, "Uses")).to_have_text("1")
    expect(metric(page, approval.label)).to_have_text("1")
    expect(metric(page, "Approved")).to_have_text("1")
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts).to_have_count(OVERVIEW_CHARTS)
    for chart in charts.all():
        expect(chart).to_be_visible()
        expect(marks(chart).first).to_be_visible()
    save_screenshot(page, "journey-overview")

    # --- the CSV export has the approved use with its reference --------------------------------
    go_to(page, "Use-case log")
    file_name, text = downloaded_text(page, "Export CSV")
    assert file_name.endswith("-genai-log.csv"), file_name
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {use_id}
    exported = rows[use_id]
    assert (exported["production"], exported["title"]) == (code, title)
    assert (exported["level"], exported["status"], exported["approval_ref"]) == (
        "approval",
        "approved",
        reference,
    )
    assert (exported["level_label"], exported["status_label"]) == ("Written approval", "Approved")
    assert exported["involves.digital_replica"] == "Yes"
    assert replica.id in exported["reasons"].split(";")
    assert replica.text in exported["reason_sentences"].split("\n")

    assert_no_exception(page)
    console_errors.assert_none()
