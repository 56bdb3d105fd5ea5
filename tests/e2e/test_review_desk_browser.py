"""The review desk in Chromium, in studio mode: a reviewer signs in through the test
provider, opens the oldest waiting use with one click on its row, and approves it with the
studio's reference and a note; a studio admin sees every production's waiting uses and
decides one the same way; at 1280 and 390 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from greenlight.policy import load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import LocalAdministrator, UseCaseStore
from tests.e2e.conftest import save_screenshot, wait_for_app
from tests.e2e.studio import Person, StudioApp, sign_in, studio_app

pytestmark = pytest.mark.e2e

GUIDANCE = load_guidance()
RITA = Person("rita", "rita@studio.test", "Rita Alvarez")
ADA = Person("ada", "ada@studio.test", "Ada Admin")
CLI = LocalAdministrator("fixture")
TITLES = ("Crowd replica for the harbour scene", "Voice clone for the trailer")
# Another production's, which Rita does not review: logged after HBL-S1's, so younger.
OTHER_TITLES = ("Night market replica", "De-aged flashback")
# Logged last, so no test decides it: the admin's desk always holds both productions' uses.
LAST_TITLE = "Replica stand-in for the finale"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StudioApp, UseCaseStore]]:
    """Studio mode: Rita reviews HBL-S1, where two replica uses wait for a decision; two
    more wait in OTH-S2, which only Ada, a studio admin, sees with HBL-S1's, and one more in
    HBL-S1 after them."""
    workdir = tmp_path_factory.mktemp("desk")
    store = UseCaseStore(f"sqlite:///{workdir / 'studio.db'}")
    store.create_production("HBL-S1", "Harbour Lights", actor="fixture")
    store.create_production("OTH-S2", "Other Show", actor="fixture")
    store.grant(ADA.email, "admin", actor=CLI, name=ADA.name)
    store.grant(RITA.email, "reviewer", "HBL-S1", actor=CLI, name=RITA.name)
    for code, titles in (("HBL-S1", TITLES), ("OTH-S2", OTHER_TITLES)):
        for title in titles:
            answers = parse_answers(
                {"title": title, "involves": {"digital_replica": True}}, GUIDANCE
            )
            store.log_use(code, answers, Engine(GUIDANCE), actor=CLI, status="submitted")
    last = parse_answers({"title": LAST_TITLE, "involves": {"digital_replica": True}}, GUIDANCE)
    store.log_use("HBL-S1", last, Engine(GUIDANCE), actor=CLI, status="submitted")
    with studio_app(workdir, [RITA, ADA]) as app:
        yield app, store


def click_first_row(page: Page) -> None:
    """One click on the first row of the desk's table (the grid draws on a canvas)."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # The row marker column, in the middle of the first row below the header (35 px rows).
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)
    wait_for_app(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reviewer_opens_the_oldest_waiting_use_and_approves_it(page: Page, desk, width):
    app, store = desk
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, app, RITA.sub, "review")
    page.goto(f"{app.base_url}/review")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Review desk")).to_be_visible()
    every = store.review_desk(CLI, overdue_before=store_now()).items
    waiting = [u for u in every if u.production_code == "HBL-S1"]
    oldest = waiting[0]
    expect(main).to_contain_text("Waiting in the productions you review: HBL-S1")
    for title in OTHER_TITLES:  # not hers to decide, nor to see
        expect(main).not_to_contain_text(title)
    save_screenshot(page, f"review-desk-{width}")

    click_first_row(page)

    opened = main.get_by_test_id("stText").filter(has_text=oldest.title)
    expect(opened).to_be_visible()
    # The history, its first columns (at 390 px the grid draws only those): logged by the
    # fixture's command line, as the local administrator.
    history = main.get_by_test_id("stDataFrame").last
    expect(history).to_contain_text("(local administrator)")
    expect(history).to_contain_text("Logged")
    form = page.get_by_test_id("stForm")
    form.get_by_text("Approve", exact=True).click()
    form.get_by_label("Approval reference", exact=True).fill("WA-7")
    form.get_by_label("Note", exact=True).fill("Consent on file")
    save_screenshot(page, f"review-desk-open-{width}")
    form.get_by_role("button", name="Record the decision").click()
    wait_for_app(page)

    done = store.get_use(oldest.id, viewer=CLI)
    assert (done.status, done.approval_ref) == ("approved", "WA-7")
    (entry,) = [h for h in store.history(oldest.id, viewer=CLI) if h.field == "status"]
    assert (entry.actor, entry.actor_kind, entry.version) == (RITA.name, "person", 1)
    expect(opened).to_have_count(0)
    expect(main.get_by_test_id("stMetricValue").first).to_have_text(str(len(waiting) - 1))
    save_screenshot(page, f"review-desk-done-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_sees_every_production_s_waiting_uses_and_decides_one(page: Page, desk, width):
    app, store = desk
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, app, ADA.sub, "review")
    page.goto(f"{app.base_url}/review")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(
        main.get_by_text(f"Studio mode · signed in as {ADA.name} (studio admin)")
    ).to_be_visible()
    expect(main).to_contain_text("As a studio admin you see the uses waiting in every production.")
    waiting = store.review_desk(CLI, overdue_before=store_now()).items
    assert {u.production_code for u in waiting} == {"HBL-S1", "OTH-S2"}
    expect(main.get_by_test_id("stMetricValue").first).to_have_text(str(len(waiting)))
    if width == 1280:  # at 390 px the grid draws its first columns only
        grid = main.get_by_test_id("stDataFrame").first
        for use in waiting:
            expect(grid).to_contain_text(use.title)
    save_screenshot(page, f"review-desk-admin-{width}")

    oldest = waiting[0]
    click_first_row(page)
    expect(main.get_by_test_id("stText").filter(has_text=oldest.title)).to_be_visible()
    form = page.get_by_test_id("stForm")
    form.get_by_text("Approve", exact=True).click()
    form.get_by_label("Approval reference", exact=True).fill(f"WA-A{width}")
    form.get_by_label("Note", exact=True).fill("Cleared by the studio")
    form.get_by_role("button", name="Record the decision").click()
    wait_for_app(page)

    done = store.get_use(oldest.id, viewer=CLI)
    assert (done.status, done.approval_ref) == ("approved", f"WA-A{width}")
    (entry,) = [h for h in store.history(oldest.id, viewer=CLI) if h.field == "status"]
    assert (entry.actor, entry.actor_kind) == (ADA.name, "person")
    expect(main.get_by_test_id("stMetricValue").first).to_have_text(str(len(waiting) - 1))
    save_screenshot(page, f"review-desk-admin-done-{width}")


def store_now():
    from datetime import UTC, datetime

    return datetime.now(UTC)
