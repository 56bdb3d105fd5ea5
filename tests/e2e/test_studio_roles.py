"""Studio mode in Chromium, for each role: a member, a lead, a reviewer and an admin sign in
through a real OpenID Connect provider (tests/e2e/studio.py) to one studio server, and each
sees only what their roles allow and is offered only what they may do.

The log: Harbour Lights (HBL), where Mia is a member, Leo the lead and Rita a reviewer, with
one submitted written-approval use; Other Show (OTH), where none of them has a role, with one
use whose title must never reach them; Ada is a studio admin (GREENLIGHT_FIRST_ADMIN's work
is the store's, tested there: here she is granted from the command line's side).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from greenlight.policy import load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import LocalAdministrator, UseCaseStore
from tests.e2e.conftest import (
    ConsoleErrors,
    assert_no_exception,
    choose,
    new_context,
    options_of,
    save_screenshot,
    wait_for_app,
)
from tests.e2e.studio import Person, StudioApp, sign_in, studio_app

pytestmark = pytest.mark.e2e

GUIDANCE = load_guidance()
CLI = LocalAdministrator("fixture")
OURS = "Crowd fill with a replica"
SECRET = "Night market secret replica"
SECRET_PRODUCTION = "Other Show Confidential"
ADA = Person("ada", "ada@studio.test", "Ada Admin")
MIA = Person("mia", "mia@studio.test", "Mia Member")
LEO = Person("leo", "leo@studio.test", "Leo Lead")
RITA = Person("rita", "rita@studio.test", "Rita Reviewer")
ROLES = {ADA: ("admin", None), MIA: ("member", "HBL"), LEO: ("lead", "HBL"), RITA: ("reviewer", "HBL")}  # fmt: skip
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StudioApp, dict]]:
    """One studio server for the module, its log seeded: (app, {name: use id})."""
    workdir = tmp_path_factory.mktemp("studio-roles")
    store = UseCaseStore(f"sqlite:///{workdir / 'studio.db'}")
    store.create_production("HBL", "Harbour Lights", actor="fixture")
    store.create_production("OTH", SECRET_PRODUCTION, actor="fixture")
    for person, (role, code) in ROLES.items():
        store.grant(person.email, role, code, actor=CLI, name=person.name)
    engine = Engine(GUIDANCE)
    replica = {"involves": {"digital_replica": True}}
    ours = parse_answers({"title": OURS, **replica}, GUIDANCE)
    theirs = parse_answers({"title": SECRET, **replica}, GUIDANCE)
    ids = {
        "ours": store.log_use("HBL", ours, engine, actor=CLI, status="submitted").id,
        "theirs": store.log_use("OTH", theirs, engine, actor=CLI, status="submitted").id,
    }
    with studio_app(workdir, list(ROLES)) as app:
        yield app, ids
        # The server's log, watched for the whole module: no traceback, no error of ours.
        logged = Path(app.log_path).read_text(errors="replace")
        assert "Traceback" not in logged, logged[-3000:]


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request) -> int:
    return request.param


def signed_in(browser: Browser, app: StudioApp, person: Person, width: int) -> Page:
    """A fresh browser at `width` px, signed in as `person`, on the home page."""
    return sign_in(new_context(browser, width).new_page(), app, person.sub)


def visit(page: Page, app: StudioApp, path: str) -> Page:
    """Open `path` in a new session of the same browser (the sign-in cookie carries over)."""
    page.goto(f"{app.base_url}/{path}")
    wait_for_app(page)
    assert_no_exception(page)
    return page


def main_text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text()


@pytest.mark.parametrize("person", [MIA, LEO, RITA, ADA], ids=lambda p: p.sub)
def test_each_role_sees_its_productions_and_uses(browser: Browser, studio, person, width):
    app, _ = studio
    page = signed_in(browser, app, person, width)
    errors = ConsoleErrors(page, app.base_url)
    try:
        for path in ("", "log", "overview"):
            visit(page, app, path)
            save_screenshot(page, f"studio-{person.sub}-{path or 'home'}-{width}")
            shown = main_text(page)
            assert "Harbour Lights" in shown
            assert SECRET not in shown
        expect(page.get_by_test_id("stMain")).to_contain_text(re.compile("Uses\\s*1"))
        visit(page, app, "log")
        expect(page.get_by_test_id("stMain")).to_contain_text("1 use(s)")
        if width == 1280:  # the sidebar is open: its navigation and productions are in view
            nav = page.get_by_test_id("stSidebarNav")
            people = nav.get_by_role("link", name="People", exact=True)
            expect(people).to_have_count(1 if person in (ADA, LEO) else 0)
            desk = nav.get_by_role("link", name="Review desk", exact=True)
            expect(desk).to_have_count(1 if person in (ADA, RITA) else 0)
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_text("New production")).to_have_count(1 if person == ADA else 0)
            options = options_of(page, "Production", within=sidebar)
            expected = ["Harbour Lights · HBL"]
            if person == ADA:
                expected.append(f"{SECRET_PRODUCTION} · OTH")
            assert options == expected
        errors.assert_none()
    finally:
        page.context.close()


def test_a_member_logs_and_submits_but_has_no_decision(browser: Browser, studio):
    app, ids = studio
    page = signed_in(browser, app, MIA, 1280)
    try:
        visit(page, app, f"log?use={ids['ours']}")
        expect(page.get_by_test_id("stMain")).to_contain_text(OURS)
        offered = options_of(page, "New status")
        assert (
            "Approved" not in offered and "Escalated" not in offered and "Declined" not in offered
        )
        assert offered  # taking it back is the production's work
        save_screenshot(page, "studio-mia-use-1280")

        with page.expect_download() as info:
            page.get_by_role("button", name="Export CSV").click()
        text = Path(info.value.path()).read_text(encoding="utf-8")
        assert OURS in text and SECRET not in text
    finally:
        page.context.close()


def test_a_link_to_another_production_s_use_says_it_is_not_theirs(browser: Browser, studio):
    app, ids = studio
    page = signed_in(browser, app, MIA, 390)
    try:
        # The log leaves what a link names but cannot show out, with a warning; the
        # self-assessment cannot open it, with an error.
        for path, kind in (("log", "Warning"), ("assess", "Error")):
            visit(page, app, f"{path}?use={ids['theirs']}")
            alert = page.get_by_test_id(f"stAlertContent{kind}")
            expect(alert).to_contain_text(f"may not see use {ids['theirs']}")
            body = page.locator("body").inner_text()
            assert SECRET not in body and SECRET_PRODUCTION not in body
        save_screenshot(page, "studio-mia-not-theirs-390")
    finally:
        page.context.close()


def test_a_reviewer_decides_on_another_person_s_use(browser: Browser, studio):
    app, ids = studio
    page = signed_in(browser, app, RITA, 1280)
    try:
        visit(page, app, f"log?use={ids['ours']}")
        expect(page.get_by_role("button", name="Archive")).to_have_count(0)
        choose(page, "New status", "Approved")
        page.get_by_role("textbox", name="Approval reference").fill("WA-77")
        # Every approval carries the studio's reference and a note (the store's rule).
        page.get_by_role("textbox", name="Note").fill("Approved as logged")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_timeout(300)
        visit(page, app, f"log?use={ids['ours']}")
        main = page.get_by_test_id("stMain")
        expect(
            main.locator(".stMarkdownBadge").filter(has_text=re.compile("Approved$"))
        ).to_be_visible()
        history = page.get_by_test_id("stDataFrame").filter(
            has=page.locator("th", has_text="Recorded as")
        )
        row = history.locator("tr").filter(has_text="Rita Reviewer")
        expect(row.first).to_contain_text("signed-in person")
        save_screenshot(page, "studio-rita-approved-1280")
    finally:
        page.context.close()


def test_a_lead_gives_their_production_a_member_on_the_people_page(browser: Browser, studio):
    app, _ = studio
    page = signed_in(browser, app, LEO, 1280)
    try:
        visit(page, app, "people")
        expect(page.get_by_role("heading", name="People")).to_be_visible()
        main = page.get_by_test_id("stMain")
        page.get_by_role("textbox", name="E-mail").fill("nia@studio.test")
        page.get_by_role("button", name="Give the role").click()
        page.wait_for_timeout(300)
        visit(page, app, "people")
        expect(main.locator("td", has_text="nia@studio.test")).to_have_count(1)
        assert SECRET_PRODUCTION not in main.inner_text()
        save_screenshot(page, "studio-leo-people-1280")
    finally:
        page.context.close()
    mobile = signed_in(browser, app, LEO, 390)
    try:
        visit(mobile, app, "people")
        save_screenshot(mobile, "studio-leo-people-390")
    finally:
        mobile.context.close()
