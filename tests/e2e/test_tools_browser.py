"""The tool registry in Chromium, in studio mode (tests/e2e/studio.py): a studio admin
registers a tool with its terms file on the Tools page, and a member of a production reads it
there, its terms as recorded and no form to change it.

The journey is a helper per step, each taking the browser, the app and the state so far, so
later steps append to it (a member picking the tool on the self-assessment and seeing
principles 2 and 3 answered from the registry; the admin marking it not allowed and the use's
level rising).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from greenlight.store import LocalAdministrator, UseCaseStore
from tests.e2e.conftest import (
    ConsoleErrors,
    assert_no_exception,
    choose,
    new_context,
    save_screenshot,
    wait_for_app,
)
from tests.e2e.studio import Person, StudioApp, sign_in, studio_app

pytestmark = pytest.mark.e2e

CLI = LocalAdministrator("fixture")
ADA = Person("ada", "ada@studio.test", "Ada Admin")
MIA = Person("mia", "mia@studio.test", "Mia Member")
ROLES = {ADA: ("admin", None), MIA: ("member", "HBL")}
TERMS = b"Enterprise agreement: inputs are not stored, reused or used for training.\n"


@dataclass
class Journey:
    """What the steps so far made: the app, the store behind it, the viewport width, the
    registered tool's name and id (and, for the steps to come, the use that names it)."""

    app: StudioApp
    store: UseCaseStore
    width: int
    tool_name: str = ""
    tool_id: str = ""
    use_id: str = ""


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StudioApp, UseCaseStore]]:
    """One studio server for the module: Harbour Lights (HBL), Ada its admin, Mia a member."""
    workdir = tmp_path_factory.mktemp("studio-tools")
    store = UseCaseStore(f"sqlite:///{workdir / 'studio.db'}")
    store.create_production("HBL", "Harbour Lights", actor="fixture")
    for person, (role, code) in ROLES.items():
        store.grant(person.email, role, code, actor=CLI, name=person.name)
    with studio_app(workdir, list(ROLES)) as app:
        yield app, store
        logged = Path(app.log_path).read_text(errors="replace")
        assert "Traceback" not in logged, logged[-3000:]


def signed_in(browser: Browser, journey: Journey, person: Person, path: str) -> Page:
    """A fresh browser at the journey's width, `person` signed in, on `path`."""
    page = sign_in(new_context(browser, journey.width).new_page(), journey.app, person.sub)
    return visit(page, journey, path)


def visit(page: Page, journey: Journey, path: str) -> Page:
    """Open `path` in a new session of the same browser (the sign-in cookie carries over)."""
    page.goto(f"{journey.app.base_url}/{path}")
    wait(page)
    return page


def wait(page: Page) -> None:
    wait_for_app(page)
    assert_no_exception(page)


def eventually(read, what: str, timeout: float = 15.0):
    """What `read()` gives once it is truthy, read again until `timeout`: a click's rerun may
    start after wait() has returned, so the store is read until the write is there."""
    deadline = time.monotonic() + timeout
    while True:
        found = read()
        if found or time.monotonic() > deadline:
            assert found, f"not within {timeout} s: {what}"
            return found
        time.sleep(0.2)


def admin_registers_a_tool(browser: Browser, journey: Journey, tmp: Path) -> Journey:
    """Ada registers the tool on the Tools page with its terms file; it is in the table."""
    page = signed_in(browser, journey, ADA, "tools")
    errors = ConsoleErrors(page, journey.app.base_url)
    try:
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Tools")).to_be_visible()
        main.get_by_test_id("stExpander").filter(has_text="Register a tool").click()
        form = page.get_by_test_id("stForm").first
        form.get_by_role("textbox", name="Name").fill(journey.tool_name)
        form.get_by_role("textbox", name="Vendor").fill("Adobe")
        choose(page, "Tier", "enterprise agreement")
        for term in ("Stores inputs", "Reuses inputs", "Trains on inputs"):
            choose(page, term, "no")
        form.get_by_role("textbox", name="Retention").fill("not kept after the session")
        terms = tmp / "firefly-terms.txt"
        terms.write_bytes(TERMS)
        form.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(terms)
        save_screenshot(page, f"tools-ada-register-{journey.width}")
        form.get_by_role("button", name="Register the tool").click()
        wait(page)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        [record] = eventually(
            lambda: [
                r for r in journey.store.list_tools(viewer=CLI) if r.name == journey.tool_name
            ],
            f"{journey.tool_name} registered",
        )
        assert (record.tool.tier, record.tool.trains_on_inputs) == ("enterprise", "no")
        assert record.tool.reviewed_by == ADA.name
        [terms_file] = journey.store.evidence_of("tool", record.id, viewer=CLI)
        assert terms_file.name == "firefly-terms.txt"
        journey.tool_id = record.id
        expect(page.get_by_test_id("stToast")).to_contain_text(f"Registered {journey.tool_name}")
        table = page.get_by_test_id("stDataFrame").first
        expect(table).to_contain_text(journey.tool_name)
        # Opened, the tool's terms file is there for its reviewer.
        visit(page, journey, f"tools?tool={record.id}")
        expect(main).to_contain_text("firefly-terms.txt")
        expect(main.get_by_role("button", name="Record the review")).to_be_visible()
        save_screenshot(page, f"tools-ada-opened-{journey.width}")
        errors.assert_none()
    finally:
        page.context.close()
    return journey


def member_reads_the_tool(browser: Browser, journey: Journey) -> Journey:
    """Mia reads the tool on the Tools page, its terms as recorded, with nothing to change."""
    page = signed_in(browser, journey, MIA, f"tools?tool={journey.tool_id}")
    errors = ConsoleErrors(page, journey.app.base_url)
    try:
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name=f"{journey.tool_name} · {journey.tool_id}"))
        expect(main).to_contain_text("Tier: enterprise agreement")
        expect(main).to_contain_text(
            "Terms: stores inputs: no; reuses inputs: no; trains on inputs: no"
        )
        expect(main).to_contain_text("Reviewed by Ada Admin")
        expect(main).to_contain_text("You may read the registry.")
        expect(main).to_contain_text("The terms files are for the tool's reviewers.")
        for offered in ("Register a tool", "Record the review", "Add a workflow"):
            expect(main.get_by_text(offered, exact=True)).to_have_count(0)
        save_screenshot(page, f"tools-mia-reads-{journey.width}")
        errors.assert_none()
    finally:
        page.context.close()
    return journey


def pick(page: Page, label: str, option: str) -> None:
    """Pick one option of a multiselect by typing it and pressing Enter."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option)
    expect(page.get_by_role("option", name=option).first).to_be_visible()
    box.press("Enter")
    box.press("Escape")


TOOLS_PICKER = "Tools and workflows (from the studio's registry)"


STORYBOARDS = """\
title: Storyboards {width}
use_case_type: ideation
principles:
  outputs_original: yes
  temporary_only: yes
  no_performance_replacement: yes
context:
  final_deliverable: false
  vendor_pipeline: false
"""


def member_picks_the_tool(browser: Browser, journey: Journey, tmp: Path) -> Journey:
    """Mia picks the tool on the self-assessment: principles 2 and 3 and the tools' terms
    are answered from the registry, each naming the tool and its review; she logs the use."""
    page = signed_in(browser, journey, MIA, "assess")
    errors = ConsoleErrors(page, journey.app.base_url)
    try:
        main = page.get_by_test_id("stMain")
        # Her answers, from a file, leave principles 2 and 3 and the tools' terms open: the
        # registry is to answer them.
        answers = tmp / f"storyboards-{journey.width}.yaml"
        answers.write_text(STORYBOARDS.format(width=journey.width), encoding="utf-8")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(answers)
        wait(page)
        expect(main).to_contain_text("Loaded")
        pick(page, TOOLS_PICKER, journey.tool_name)
        wait(page)
        # Under principles 2 and 3, and under the tools' terms, each naming the tool.
        source = f"from the tool registry: {journey.tool_name}: enterprise agreement, reviewed"
        expect(main.get_by_text(f"Yes, {source}")).to_have_count(2)
        line = main.get_by_text(f"Studio enterprise agreement, {source}")
        expect(line).to_contain_text("by Ada Admin")
        line.scroll_into_view_if_needed()
        save_screenshot(page, f"tools-mia-picks-{journey.width}")
        main.get_by_role("button", name="Log this use").click()
        wait(page)
        expect(main).to_contain_text("Logged as")
        expect(main.get_by_text("Low risk").first).to_be_visible()
        errors.assert_none()
    finally:
        page.context.close()
    [use] = eventually(
        lambda: [
            u
            for u in journey.store.list_uses(viewer=CLI).rows
            if u.title == f"Storyboards {journey.width}"
        ],
        "the use logged",
    )
    record = journey.store.get_use(use.id, viewer=CLI)
    assert record.answers["tools"] == [journey.tool_id]
    assert {f.question for f in record.facts} >= {
        "principles.no_training_on_inputs",
        "principles.enterprise_environment",
        "context.tool_tier",
    }
    journey.use_id = use.id
    return journey


def admin_marks_the_tool_not_allowed(browser: Browser, journey: Journey) -> Journey:
    """Ada marks the tool not allowed: the use naming it rises to written approval, and the
    log says why, naming the tool."""
    before = journey.store.get_use(journey.use_id, viewer=CLI)
    assert before.level != "approval"
    page = signed_in(browser, journey, ADA, f"tools?tool={journey.tool_id}")
    errors = ConsoleErrors(page, journey.app.base_url)
    try:
        main = page.get_by_test_id("stMain")
        choose(page, "State", "not allowed")
        main.get_by_role("textbox", name="Why (for a tool under review or not allowed)").fill(
            "terms changed: inputs now train the vendor's models"
        )
        main.get_by_role("button", name="Record the review").click()
        wait(page)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
        after = eventually(
            lambda: (
                (u := journey.store.get_use(journey.use_id, viewer=CLI)).level == "approval" and u
            ),
            "the use at written approval",
        )
        assert "tool-not-allowed" in [r.rule for r in after.reasons]
        visit(page, journey, f"log?use={journey.use_id}")
        expect(main).to_contain_text("does not allow")
        expect(main).to_contain_text(f"{journey.tool_name}")
        save_screenshot(page, f"tools-ada-not-allowed-use-{journey.width}")
        errors.assert_none()
    finally:
        page.context.close()
    return journey


@pytest.mark.parametrize("width", (1280, 390), ids=lambda w: f"{w}px")
def test_a_registered_tool_answers_a_members_use_until_it_is_not_allowed(
    browser: Browser, studio, width: int, tmp_path: Path
):
    app, store = studio
    journey = Journey(app, store, width, tool_name=f"Studio Firefly {width}")
    journey = admin_registers_a_tool(browser, journey, tmp_path)
    journey = member_reads_the_tool(browser, journey)
    journey = member_picks_the_tool(browser, journey, tmp_path)
    admin_marks_the_tool_not_allowed(browser, journey)
