"""The talent consent ledger in Chromium, in studio mode (tests/e2e/studio.py): Leo, the lead
of Harbour Lights (HBL), records a performer and her consent with its signed rider (a real
PDF) on the Talent page, and downloads the rider, the view recorded under his name; Mia, a
member of HBL, has no Talent page, and opening it by its address shows her nothing of it.

Each step is a function taking a signed-in page, so the journey can go on from where it
stops (a member names the performer on a replica use and sees the consent's state, an admin
revokes the consent and the use reopens).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from greenlight.store import LocalAdministrator, UseCaseStore
from tests.e2e.conftest import (
    ConsoleErrors,
    a_run_began,
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
LEO = Person("leo", "leo@studio.test", "Leo Lead")
MIA = Person("mia", "mia@studio.test", "Mia Member")
ROLES = {ADA: ("admin", None), LEO: ("lead", "HBL"), MIA: ("member", "HBL")}
PERFORMER = "Jane Roe"
INTENDED_USE = "Digital double of Jane Roe for the harbour crowd scenes of episode 3"


def small_pdf(text: str) -> bytes:
    """A real one-page PDF saying `text` (objects, cross-reference table and trailer)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture(scope="module")
def studio(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[StudioApp, Path, UseCaseStore]]:
    """One studio server with HBL and its people; (app, the rider's path, its log)."""
    workdir = tmp_path_factory.mktemp("talent")
    store = UseCaseStore(f"sqlite:///{workdir / 'studio.db'}")
    store.create_production("HBL", "Harbour Lights", actor="fixture")
    for person, (role, code) in ROLES.items():
        store.grant(person.email, role, code, actor=CLI, name=person.name)
    rider = workdir / "jane-roe-rider.pdf"
    rider.write_bytes(small_pdf("Jane Roe consents to a digital replica for HBL, episode 3."))
    with studio_app(workdir, list(ROLES)) as app:
        yield app, rider, store
        logged = Path(app.log_path).read_text(errors="replace")
        assert "Traceback" not in logged, logged[-3000:]


def signed_in(browser: Browser, app: StudioApp, person: Person, width: int) -> Page:
    """A fresh browser at `width` px, signed in as `person`."""
    context = new_context(browser, width, accept_downloads=True)
    return sign_in(context.new_page(), app, person.sub)


def visit(page: Page, app: StudioApp, path: str) -> Page:
    """Open `path` (the sign-in cookie carries over) and wait until it has run."""
    page.goto(f"{app.base_url}/{path}")
    wait_for_app(page)
    assert_no_exception(page)
    return page


def form(page: Page, heading: str) -> Locator:
    return page.get_by_test_id("stForm").filter(has_text=heading)


def pick(page: Page, within: Locator, label: str, *options: str) -> None:
    """Choose options of a multiselect by typing each and pressing Enter."""
    box = within.get_by_role("combobox", name=label)
    for option in options:
        box.click()
        box.press_sequentially(option)
        expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
        box.press("Enter")
    box.press("Escape")


def type_date(within: Locator, label: str, day: str) -> None:
    """Type a date (YYYY-MM-DD) into a date input, year, month and day, as a person would."""
    field = within.get_by_test_id("stDateInput").filter(has_text=label)
    field.get_by_role("spinbutton", name=f"year, {label}").click()
    field.page.keyboard.type(day.replace("-", ""))
    expect(field.locator("input[type='date']")).to_have_value(day)


def consents(page: Page) -> Locator:
    """The shown performer's consents, one expander each ("C-1 · Active · Likeness")."""
    return page.get_by_test_id("stExpander").filter(
        has_text=re.compile(r"C-\d+ · (Active|Suspended|Revoked|Expired)")
    )


def submit(page: Page, within: Locator, button: str) -> None:
    """Press a form's button; a form's button always runs the script, so a press that ran
    nothing within 5 s was lost (it landed while the page was still being drawn, once in a
    full two-worker run) and is pressed again, as a person would."""
    within.get_by_role("button", name=button).click()
    if not a_run_began(page, 5_000):
        within.get_by_role("button", name=button).click()
        assert a_run_began(page, 10_000), f"pressing {button!r} twice ran nothing"
    wait_for_app(page)
    assert_no_exception(page)


# --- steps -----------------------------------------------------------------------------------


def lead_records_performer(page: Page, app: StudioApp, name: str) -> None:
    """On the Talent page, the lead adds a performer; she is listed and shown."""
    visit(page, app, "talent")
    expect(page.get_by_role("heading", name="Talent", exact=True)).to_be_visible()
    adding = form(page, "Add a performer")
    adding.get_by_role("textbox", name="Name", exact=True).fill(name)
    adding.get_by_role("textbox", name="Union", exact=True).fill("SAG-AFTRA")
    submit(page, adding, "Add the performer")
    expect(page.get_by_role("heading", name=f"Consents of {name}")).to_be_visible()


def lead_records_consent(page: Page, rider: Path, use: str) -> None:
    """The lead records the shown performer's consent with its rider; it is listed active,
    with the rider and who added it."""
    recording = form(page, "Record a consent")
    pick(page, recording, "It covers", "Likeness", "Voice")
    choose(page, "Kind", "Employment-based replica")
    recording.get_by_role("textbox", name="Intended use, reasonably specifically described").fill(
        use
    )
    pick(page, recording, "Media", "Final deliverables")
    type_date(recording, "Signed on", "2026-11-02")
    type_date(recording, "Expires on (optional)", "2027-03-31")
    recording.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(rider)
    expect(recording.get_by_text(rider.name)).to_be_visible()
    submit(page, recording, "Record the consent")
    main = page.get_by_test_id("stMain")
    assert main.get_by_test_id("stAlertContentError").all_inner_texts() == []
    expect(consents(page)).to_have_count(1)


def lead_reads_the_rider(page: Page, person: Person, rider: Path) -> None:
    """The lead opens the consent, downloads the rider (the same bytes), and the page then
    lists the view under their name."""
    consent = consents(page).first
    consent.locator("summary").click()
    expect(consent.get_by_text(INTENDED_USE)).to_be_visible()
    expect(consent.get_by_text("Not viewed yet.")).to_be_visible()
    with page.expect_download() as info:
        consent.get_by_role("button", name=f"Download {rider.name}").click()
    assert Path(info.value.path()).read_bytes() == rider.read_bytes()
    assert info.value.suggested_filename == rider.name
    wait_for_app(page)
    expect(consent.get_by_text(re.compile(f"^Viewed by {person.name} at "))).to_be_visible()


def revoke(changing: Locator) -> None:
    """Choose "Revoke for good" in a consent's form, and wait until it is chosen (a click
    while the expander still opens can be lost under load)."""
    choice = changing.get_by_role("radio", name="Revoke for good")
    for _ in range(3):
        changing.get_by_text("Revoke for good").click()
        if choice.is_checked():
            return
        changing.page.wait_for_timeout(300)
    expect(choice).to_be_checked()


def revokes_the_consent(page: Page, app: StudioApp, performer: str, note: str) -> None:
    """On the Talent page, someone holding the ledger revokes the performer's consent: first
    without a note (refused, nothing changes), then with one; it reads revoked for good."""
    visit(page, app, "talent")
    choose(page, "Performer", f"{performer} · P-1")
    wait_for_app(page)
    consent = consents(page).first
    consent.locator("summary").click()
    changing = consent.get_by_test_id("stForm").filter(has_text="Change its state")
    revoke(changing)
    submit(page, changing, "Apply the change")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stAlertContentError")).to_contain_text(
        "the consent was not revoked: the note is missing"
    )
    expect(consents(page).first.locator("summary")).to_contain_text("Active")
    revoke(changing)
    changing.get_by_role("textbox", name="Note").fill(note)
    submit(page, changing, "Apply the change")
    consent = consents(page).first
    expect(consent.locator("summary")).to_contain_text(re.compile(r"Revoked on \d{4}-\d\d-\d\d"))
    consent.locator("summary").click()
    expect(consent.get_by_text(note)).to_be_visible()
    expect(consent.get_by_text("Revoked for good: record a new consent")).to_be_visible()


def member_has_no_talent_page(page: Page, app: StudioApp) -> None:
    """A member's navigation has no Talent page; its address shows nothing of the ledger."""
    visit(page, app, "")
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.is_visible():
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_role("link", name="Home", exact=True)).to_be_visible()
        expect(nav.get_by_role("link", name="Talent", exact=True)).to_have_count(0)
    page.goto(f"{app.base_url}/talent")
    wait_for_app(page)
    body = page.locator("body").inner_text()
    assert PERFORMER not in body and INTENDED_USE not in body
    expect(page.get_by_role("heading", name="Talent", exact=True)).to_have_count(0)


# --- the journey -----------------------------------------------------------------------------


def test_a_lead_records_a_performer_and_her_consent_with_its_rider(browser: Browser, studio):
    app, rider, _ = studio
    page = signed_in(browser, app, LEO, 1280)
    errors = ConsoleErrors(page, app.base_url)
    try:
        lead_records_performer(page, app, PERFORMER)
        lead_records_consent(page, rider, INTENDED_USE)
        lead_reads_the_rider(page, LEO, rider)
        save_screenshot(page, "talent-leo-consent-1280")
        errors.assert_none()
    finally:
        page.context.close()
    # The same ledger at a phone's width: read, not changed.
    mobile = signed_in(browser, app, LEO, 390)
    try:
        visit(mobile, app, "talent")
        expect(mobile.get_by_role("heading", name=f"Consents of {PERFORMER}")).to_be_visible()
        save_screenshot(mobile, "talent-leo-consent-390")
    finally:
        mobile.context.close()


REPLICA_USE = """\
title: Harbour crowd double
use_case_type: talent_replication
principles:
  outputs_original: yes
  no_training_on_inputs: yes
  enterprise_environment: yes
  temporary_only: no
  no_performance_replacement: yes
involves:
  digital_replica: true
context:
  final_deliverable: true
  on_screen: incidental
  tool_tier: enterprise
  replica_exception: as_scripted
  harm_to_talent: "no"
  vendor_pipeline: false
"""
PERFORMERS_PICKER = "Performers this use involves (from the production's talent ledger)"
USES: dict[str, str] = {}  # what the journey logged: name -> use id


def member_links_the_performer(page: Page, app: StudioApp, tmp: Path) -> None:
    """A member loads a replica use's answers, picks the performer beside the consent
    question and sees the ledger's answer there (the consent holds: its state and id); she
    submits the use."""
    visit(page, app, "assess")
    answers = tmp / "harbour-double.yaml"
    answers.write_text(REPLICA_USE, encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(answers)
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Loaded")
    pick(page, main, PERFORMERS_PICKER, f"{PERFORMER} (P-1)")
    wait_for_app(page)
    state = main.get_by_text(
        f"Yes, from the talent consent ledger: {PERFORMER}: consent C-1 is active and covers "
        "this use"
    )
    expect(state).to_be_visible()
    state.scroll_into_view_if_needed()
    save_screenshot(page, f"talent-mia-links-{page.viewport_size['width']}")
    log_as = page.get_by_role("radiogroup", name="Log as")
    log_as.get_by_role("radio", name="Submitted").click()
    expect(log_as.get_by_role("radio", name="Submitted")).to_be_checked()
    wait_for_app(page)
    main.get_by_role("button", name="Log this use").click()
    wait_for_app(page)
    expect(main).to_contain_text("Logged as")


def admin_approves_on_the_desk(page: Page, app: StudioApp) -> None:
    """Ada opens the one use waiting on the review desk and approves it with a reference."""
    visit(page, app, "review")
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's marker (35 px rows)
    wait_for_app(page)
    decision = page.get_by_test_id("stForm").filter(has_text="Record the decision")
    decision.get_by_text("Approve", exact=True).click()
    decision.get_by_label("Approval reference", exact=True).fill("WA-77")
    decision.get_by_label("Note", exact=True).fill("Consent C-1 on file")
    decision.get_by_role("button", name="Record the decision").click()
    wait_for_app(page)
    assert_no_exception(page)


def test_a_member_links_the_performer_to_a_replica_use(browser: Browser, studio, tmp_path):
    app, _, store = studio
    page = signed_in(browser, app, MIA, 1280)
    errors = ConsoleErrors(page, app.base_url)
    try:
        member_links_the_performer(page, app, tmp_path)
        errors.assert_none()
    finally:
        page.context.close()
    [use] = [u for u in store.list_uses(viewer=CLI).rows if u.title == "Harbour crowd double"]
    record = store.get_use(use.id, viewer=CLI)
    assert record.answers["performers"] == ["P-1"] and record.status == "submitted"
    assert [(f.question, f.value, f.subject) for f in record.facts] == [
        ("context.talent_consent", True, "consent:C-1")
    ]
    # The studio approves it on the review desk, as Ada.
    desk = signed_in(browser, app, ADA, 1280)
    try:
        admin_approves_on_the_desk(desk, app)
    finally:
        desk.context.close()
    approved = store.get_use(use.id, viewer=CLI)
    assert (approved.status, approved.approval_ref) == ("approved", "WA-77")
    USES["double"] = use.id


def test_an_admin_revokes_the_consent_with_a_note(browser: Browser, studio):
    app, _, store = studio
    page = signed_in(browser, app, ADA, 390)
    errors = ConsoleErrors(page, app.base_url)
    try:
        revokes_the_consent(page, app, PERFORMER, "Withdrawn by her agent on 2026-12-01")
        save_screenshot(page, "talent-ada-revoked-390")
        # The approved use relying on it went back to the studio, its history naming it.
        use = store.get_use(USES["double"], viewer=CLI)
        assert use.status == "submitted"
        assert "replica-without-consent" in [r.rule for r in use.reasons]
        notes = [h.note for h in store.history(use.id, viewer=CLI) if h.field == "status"]
        assert any("consent C-1 was revoked" in note for note in notes), notes
        visit(page, app, f"log?use={use.id}")
        main = page.get_by_test_id("stMain")
        expect(main).to_contain_text(f"No, from the talent consent ledger: {PERFORMER}")
        save_screenshot(page, "talent-ada-use-reopened-390")
        errors.assert_none()
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 390], ids=lambda w: f"{w}px")
def test_a_member_cannot_open_the_talent_page(browser: Browser, studio, width):
    app, _, _ = studio
    page = signed_in(browser, app, MIA, width)
    try:
        member_has_no_talent_page(page, app)
        save_screenshot(page, f"talent-mia-refused-{width}")
    finally:
        page.context.close()
