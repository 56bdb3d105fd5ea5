"""The Tools page in the real Streamlit runtime, on a local log: the registry as a table with
each tool's terms and review, a tool registered with its terms file, a review that raises
the level of the uses that name the tool, a vendor's workflow at its weakest step, and every
value the store refuses shown as text with nothing saved. The review desk's due tools and the
overview's tool figures too."""

from __future__ import annotations

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from greenlight.policy import parse_answers
from greenlight.store.rows import now_utc
from greenlight.ui.text import plain
from tests.apptest.helpers import APP, ENGINE, GUIDANCE, TIMEOUT, fresh_log
from tests.unit.samples import CLEAR

TODAY = now_utc().date()
ADD = "tool-add-0"  # the register form's key before any write of this session
# A use whose person left principles 2 and 3 to the registry.
OPEN = {k: v for k, v in CLEAR.items() if k not in ("no_training_on_inputs", "enterprise_environment")}  # fmt: skip


def use_of(store, title: str, *links: str, status: str = "draft"):
    doc = {
        "title": title, "use_case_type": "ideation", "principles": OPEN,
        "context": {"final_deliverable": False, "vendor_pipeline": False}, "tools": list(links),
    }  # fmt: skip
    return store.log_use("TST", parse_answers(doc, GUIDANCE), ENGINE, actor="Pat", status=status)


def open_tools(tool: str | None = None, actor: str = "Avery Tester") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = actor
    at.session_state["production"] = "TST"
    at.run()
    at.switch_page("app_pages/tools.py")
    if tool:
        at.query_params["tool"] = tool
    at.run()
    assert not at.exception, at.exception
    return at


def press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest, first_column: str):
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def test_the_registry_shows_each_tools_terms_and_marks_a_review_due(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    store.add_tool(
        "Studio Firefly", "enterprise", actor="Ada Admin", vendor="Adobe", version="Enterprise",
        stores_inputs="no", reuses_inputs="no", trains_on_inputs="no", retention="30 days",
        runs_in="EU cloud", enterprise_secured="yes",
    )  # fmt: skip
    store.add_tool(
        "Old upscaler", "no_training_terms", actor="Ada Admin",
        reviewed_on=TODAY - timedelta(days=400), review_due=TODAY - timedelta(days=35),
    )  # fmt: skip
    store.add_tool("Soon chat", "no_training_terms", actor="Ada Admin",
                   review_due=TODAY + timedelta(days=10))  # fmt: skip

    at = open_tools()

    assert at.title[0].value == "Tools"
    shown = table(at, "Tool")
    assert list(shown["Tool"]) == ["Old upscaler", "Soon chat", "Studio Firefly"]
    firefly = shown.iloc[2]
    assert (firefly["Vendor"], firefly["Version or plan"]) == ("Adobe", "Enterprise")
    assert firefly["Tier"] == "enterprise agreement"
    assert firefly["State"] == "approved for use"
    assert (firefly["Stores inputs"], firefly["Trains on inputs"]) == ("no", "no")
    assert (firefly["Retention"], firefly["Where it runs"]) == ("30 days", "EU cloud")
    assert (firefly["Reviewed by"], firefly["Reviewed on"]) == ("Ada Admin", TODAY.isoformat())
    assert list(shown["Review status"]) == ["⚠ overdue", "due soon", ""]
    assert list(shown["Whose"]) == ["Studio"] * 3


def test_a_tool_registered_with_its_terms_file(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    at = open_tools()
    at.text_input(key=f"{ADD}-name").input("Studio Firefly")
    at.text_input(key=f"{ADD}-vendor").input("Adobe")
    at.selectbox(key=f"{ADD}-tier").set_value("enterprise")
    at.selectbox(key=f"{ADD}-trains_on_inputs").set_value("no")
    at.text_input(key=f"{ADD}-retention").input("deleted after 30 days")
    at.date_input(key=f"{ADD}-due").set_value(date(2030, 1, 31))
    at.file_uploader(key=f"{ADD}-file").set_value(("terms.txt", b"No training on inputs.\n", "text/plain"))  # fmt: skip
    press(at, "Register the tool")

    assert not at.error, [e.value for e in at.error]
    [record] = store.list_tools(viewer=None)
    t = record.tool
    assert (t.name, t.vendor, t.tier, t.trains_on_inputs) == ("Studio Firefly", "Adobe", "enterprise", "no")  # fmt: skip
    assert (t.retention, t.review_due, t.reviewed_by) == ("deleted after 30 days", date(2030, 1, 31), "Avery Tester")  # fmt: skip
    [terms] = store.evidence_of("tool", record.id, viewer=None)
    assert (terms.name, terms.media_type) == ("terms.txt", "text/plain")
    assert [plain(t.value) for t in at.toast] == [f"Registered Studio Firefly as {record.id}"]
    assert list(table(at, "Tool")["Tool"]) == ["Studio Firefly"]
    # The form is empty again for the next tool.
    assert at.text_input(key="tool-add-1-name").value == ""


def test_a_tool_without_a_name_or_with_a_file_that_is_not_terms_saves_nothing(tmp_path, monkeypatch):  # fmt: skip
    store = fresh_log(tmp_path, monkeypatch)
    at = press(open_tools(), "Register the tool")
    assert [plain(e.value) for e in at.error] == ["a tool needs a name: nothing was saved"]
    at.text_input(key=f"{ADD}-name").input("Mystery <b>tool</b>")
    at.file_uploader(key=f"{ADD}-file").set_value(("terms.txt", b"\x00\x01binary", "text/plain"))
    press(at, "Register the tool")
    assert plain(at.error[0].value) == (
        "terms.txt is not a PDF, PNG, JPEG or plain-text (UTF-8) file by its content (its "
        "name does not count): nothing was stored"
    )
    assert store.list_tools(viewer=None) == []


def test_a_change_needs_a_name_in_local_mode(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    at = open_tools(actor="")
    assert at.info[0].value.startswith("No tool is registered yet.")
    at.text_input(key=f"{ADD}-name").input("Studio Firefly")
    press(at, "Register the tool")
    assert "Enter your name in the sidebar" in at.warning[0].value
    assert store.list_tools(viewer=None) == []


def test_marking_a_tool_not_allowed_raises_its_uses_and_is_in_its_history(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    firefly = store.add_tool("Studio Firefly", "enterprise", actor="Ada Admin", vendor="Adobe")
    logged = use_of(store, "Moodboard", firefly.id)
    use_of(store, "No tool")
    assert logged.level == "low"

    at = open_tools(firefly.id)
    assert plain(at.subheader[0].value) == f"Studio Firefly · {firefly.id}"
    uses = table(at, "Use")
    assert list(uses["Title"]) == ["Moodboard"]
    assert "No terms file attached yet." in [c.value for c in at.caption]
    key = f"tool-review-{firefly.id}-{firefly.version}-0"
    at.selectbox(key=f"{key}-state").set_value("not_allowed")
    at.text_input(key=f"{key}-why").input("terms changed: trains on inputs")
    at.text_area(key=f"{key}-note").input("Read the new terms of 2026-12")
    press(at, "Record the review")

    assert not at.error, [e.value for e in at.error]
    after = store.get_use(logged.id)
    assert after.level == "approval"
    assert "tool-not-allowed" in after.rule_ids
    assert [plain(t.value) for t in at.toast] == [
        "Review of Studio Firefly recorded: 1 use(s) re-assessed, 1 changed level"
    ]
    assert table(at, "Tool")["State"][0] == "not allowed"
    history = table(at, "When (UTC)")
    changed = dict(zip(history["What"], history["Now"], strict=True))
    assert changed["state"] == "not_allowed"
    assert changed["why (state)"] == "terms changed: trains on inputs"
    assert set(history["Note"][1:]) == {"Read the new terms of 2026-12"}


def test_a_review_of_a_tool_changed_meanwhile_saves_nothing(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    firefly = store.add_tool("Studio Firefly", "enterprise", actor="Ada Admin")
    at = open_tools(firefly.id)
    store.review_tool(firefly.id, ENGINE, actor="Rita", tier="unknown")
    key = f"tool-review-{firefly.id}-{firefly.version}-0"
    at.selectbox(key=f"{key}-state").set_value("not_allowed")
    press(at, "Record the review")
    assert [plain(w.value) for w in at.warning] == [
        "Studio Firefly was changed by Rita since the page last showed it: a review you had "
        "started was not recorded. Check its terms and history, then review again."
    ]
    assert store.get_tool(firefly.id, viewer=None).tool.state == "approved"


def test_a_workflow_shows_every_step_and_its_weakest_tier(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    firefly = store.add_tool("Studio Firefly", "enterprise", actor="Ada")
    free = store.add_tool("Free upscaler", "unknown", actor="Ada")
    at = open_tools()
    at.text_input(key="workflow-add-0-name").input("Crowd pipeline")
    at.text_input(key="workflow-add-0-vendor").input("Pixel Co")
    at.multiselect(key="workflow-add-0-steps").set_value([firefly.id, free.id])
    press(at, "Add the workflow")

    assert not at.error, [e.value for e in at.error]
    [flow] = store.list_workflows(viewer=None)
    assert flow.steps == (firefly.id, free.id)
    row = table(at, "Workflow").iloc[0]
    assert (row["Workflow"], row["Vendor"]) == ("Crowd pipeline", "Pixel Co")
    assert row["Tier (weakest step)"] == "unknown terms"
    assert row["Steps"] == (
        "1. Studio Firefly (enterprise agreement, approved for use) → "
        "2. Free upscaler (unknown terms, approved for use)"
    )


def test_a_workflow_without_steps_saves_nothing(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    store.add_tool("Studio Firefly", "enterprise", actor="Ada")
    at = open_tools()
    at.text_input(key="workflow-add-0-name").input("Empty")
    press(at, "Add the workflow")
    assert [plain(e.value) for e in at.error] == [
        "a workflow needs at least one step (a registered tool id)"
    ]
    assert store.list_workflows(viewer=None) == []


def test_the_desk_lists_the_tools_whose_review_falls_due(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    monkeypatch.setenv("GREENLIGHT_TOOL_REVIEW_DUE_DAYS", "14")
    store.add_tool("Lapsed", "enterprise", actor="Ada", reviewed_on=TODAY - timedelta(days=90),
                   review_due=TODAY - timedelta(days=2))  # fmt: skip
    store.add_tool("Soon", "enterprise", actor="Ada", review_due=TODAY + timedelta(days=10))
    store.add_tool("Later", "enterprise", actor="Ada", review_due=TODAY + timedelta(days=40))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = "Avery Tester"
    at.run()
    at.switch_page("app_pages/review.py")
    at.run()
    assert not at.exception
    due = table(at, "Review due")
    assert list(due["Tool"]) == ["Lapsed", "Soon"]
    assert list(due["When"]) == ["⚠ overdue", "in 10 day(s)"]
    assert "Tool reviews due" in [s.value for s in at.subheader]


def test_the_overview_counts_uses_by_tool_and_tier(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    firefly = store.add_tool("Studio Firefly", "enterprise", actor="Ada")
    banned = store.add_tool("Banned chat", "no_training_terms", actor="Ada", state="not_allowed")
    use_of(store, "Moodboard", firefly.id)
    use_of(store, "Storyboard", firefly.id)
    use_of(store, "Script notes", banned.id, "other")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = "Avery Tester"
    at.session_state["production"] = "TST"
    at.run()
    at.switch_page("app_pages/overview.py")
    at.run()
    assert not at.exception, at.exception
    tiers = {m.label: m.value for m in at.metric}
    assert tiers["Enterprise agreement"] == "2"
    assert tiers["Unknown terms"] == "1"
    frames = [d.value for d in at.dataframe if d.value.columns[0] == "Tool or workflow"]
    by_tool, at_approval = frames
    assert list(by_tool["Uses"])[:1] == [2]
    assert by_tool["Tool or workflow"][0] == "Studio Firefly"
    assert "Banned chat" in list(at_approval["Tool or workflow"])
    assert "Studio Firefly" not in list(at_approval["Tool or workflow"])


def test_every_tier_has_its_few_words():
    from greenlight.ledger import TOOL_TIERS
    from greenlight.ui.tools_page import TIER_WORDS

    assert list(TIER_WORDS) == list(TOOL_TIERS)


def test_the_terms_file_is_read_only_when_opened_and_the_read_is_recorded(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    firefly = store.add_tool(
        "Studio Firefly", "enterprise", actor="Ada", evidence=("../../etc/terms.txt", b"Terms.\n")
    )
    [terms] = store.evidence_of("tool", firefly.id, viewer=None)
    at = open_tools(firefly.id)
    assert store.evidence_views(terms.id, viewer=None) == []  # listed, not read
    assert not at.get("download_button")
    press(at, "Open")
    [download] = at.get("download_button")
    assert download.proto.label == "Download"
    [view] = store.evidence_views(terms.id, viewer=None)
    assert view.viewer == "Avery Tester"


def test_a_tools_own_words_are_shown_as_text(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    hostile = "**Bold** <b>x</b> [link](http://evil.test)"
    made = store.add_tool(
        hostile, "enterprise", actor="Ada", state="not_allowed", state_note=hostile
    )
    at = open_tools(made.id)
    assert plain(at.subheader[0].value) == f"{hostile} · {made.id}"
    assert f"State: not allowed ({hostile})" in [plain(m.value) for m in at.markdown][0]
    assert "<b>" not in at.subheader[0].value and "](http" not in at.subheader[0].value
