"""Studio mode in Chromium: sign-in through a real OpenID Connect provider on loopback.

An anonymous visitor sees the sign-in page and nothing of the log on any page or link; a
signed-in person is named on every page, has no name field to type into, and can sign out.
A person whose provider does not vouch for their e-mail is refused with what to do, and can
sign out there too. The first line of every page says the mode, at 1280 and at 390 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from greenlight.policy import load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.ui import PAGES
from tests.e2e.conftest import save_screenshot, wait_for_app
from tests.e2e.studio import Person, StudioApp, sign_in, studio_app

pytestmark = pytest.mark.e2e

GUIDANCE = load_guidance()
ALICE = Person("alice", "alice@studio.test", "Alice Okafor")
# The provider says Uma's e-mail is not verified, and says nothing of Noor's.
UMA = Person("uma", "uma@studio.test", "Uma Unverified", email_verified=False)
NOOR = Person("noor", "noor@studio.test", "Noor Unsaid", email_verified=None)
SECRET_TITLE = "Night market crowd replica"
SECRET_PRODUCTION = "Harbour Lights Confidential"
SECRET_TOOL = "Harbour confidential upscaler"


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StudioApp, str, str]]:
    """The app in studio mode, its log holding one production with one submitted use and a
    tool of its own: (app, use id, tool id)."""
    workdir = tmp_path_factory.mktemp("studio")
    store = UseCaseStore(f"sqlite:///{workdir / 'studio.db'}")
    store.create_production("HBL-S1", SECRET_PRODUCTION, actor="fixture")
    answers = parse_answers({"title": SECRET_TITLE}, GUIDANCE)
    use = store.log_use("HBL-S1", answers, Engine(GUIDANCE), actor="fixture", status="submitted")
    tool = store.add_tool(SECRET_TOOL, "enterprise", actor="fixture", production="HBL-S1")
    with studio_app(workdir, [ALICE, UMA, NOOR]) as app:
        yield app, use.id, tool.id


def shows_nothing_of_the_log(page: Page) -> None:
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    body = page.locator("body")
    for secret in (SECRET_TITLE, SECRET_PRODUCTION, "HBL-S1", SECRET_TOOL):
        expect(body).not_to_contain_text(secret)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


@pytest.mark.parametrize("path", [spec.url_path for spec in PAGES])
def test_an_anonymous_visitor_sees_only_the_sign_in_page(page: Page, studio, path):
    app, _, _ = studio
    page.goto(f"{app.base_url}/{path}")
    wait_for_app(page)
    shows_nothing_of_the_log(page)


def test_links_to_a_use_a_tool_or_a_section_show_nothing_before_sign_in(page: Page, studio):
    app, use_id, tool_id = studio
    links = (
        f"log?use={quote(use_id)}",
        f"assess?use={quote(use_id)}",
        f"review?use={quote(use_id)}",
        f"tools?tool={quote(tool_id)}",
        "guidance?section=5",
    )
    for link in links:
        page.goto(f"{app.base_url}/{link}")
        wait_for_app(page)
        shows_nothing_of_the_log(page)


def test_a_signed_in_person_is_named_has_no_name_field_and_can_sign_out(page: Page, studio):
    app, _, _ = studio
    sign_in(page, app, ALICE.sub)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text(f"Signed in as {ALICE.name}")
    # Addresses carry an invisible word joiner, which keeps Markdown from making them links.
    assert ALICE.email in sidebar.inner_text().replace("\u2060", "")
    expect(sidebar.get_by_label("Your name")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()

    sidebar.get_by_role("button", name="Sign out").click()
    # The provider asks whether to end its own session too, then sends the browser back.
    page.wait_for_url(f"{app.issuer}/oauth2/end_session**")
    page.goto(app.base_url)
    wait_for_app(page)
    shows_nothing_of_the_log(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_first_line_says_studio_mode_and_who_even_on_a_phone(page: Page, studio, width):
    app, _, _ = studio
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, app, ALICE.sub)
    for path in ("", "log", "guidance"):
        page.goto(f"{app.base_url}/{path}")
        wait_for_app(page)
        line = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
        expect(line).to_have_text(f"Studio mode · signed in as {ALICE.name} (no role yet)")
        expect(line).to_be_in_viewport()
    save_screenshot(page, f"studio-mode-line-{width}")


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("person", [UMA, NOOR], ids=["verified false", "not said"])
def test_an_unverified_e_mail_is_refused_with_what_to_do_and_sign_out(
    page: Page, studio, person, width
):
    app, _, _ = studio
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, app, person.sub)
    main = page.get_by_test_id("stMain")
    alert = main.get_by_test_id("stAlertContentError")
    expect(alert).to_contain_text("Your sign-in provider has not confirmed that")
    # Addresses carry an invisible word joiner, which keeps Markdown from making them links.
    assert f"confirmed that {person.email} is yours" in alert.inner_text().replace("\u2060", "")
    expect(main).to_contain_text("then sign out and sign in again")
    expect(main).to_contain_text(f"Studio mode · signed in as {person.name}")
    for secret in (SECRET_TITLE, SECRET_PRODUCTION, "HBL-S1"):
        expect(page.locator("body")).not_to_contain_text(secret)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    save_screenshot(page, f"studio-unverified-{person.sub}-{width}")

    main.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{app.issuer}/oauth2/end_session**")
    page.goto(app.base_url)
    wait_for_app(page)
    shows_nothing_of_the_log(page)
