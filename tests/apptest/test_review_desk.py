"""The review desk in the real Streamlit runtime, on a local log: the waiting uses oldest
first with the overdue ones marked, a use opened with its answers, history and request, and
a decision that needs its reference and note before the store records it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from greenlight.policy import parse_answers
from greenlight.present import reasons_in_short
from greenlight.ui.text import plain
from tests.apptest.helpers import APP, ENGINE, GUIDANCE, TIMEOUT, fresh_log


def waiting(store, title: str, days_ago: int, **involves):
    answers = parse_answers({"title": title, "involves": involves}, GUIDANCE)
    at = datetime.now(UTC) - timedelta(days=days_ago, hours=1)
    return store.log_use("TST", answers, ENGINE, actor="Pat", status="submitted", at=at)


def open_desk(use_id: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = "Avery Tester"
    at.run()
    at.switch_page("app_pages/review.py")
    if use_id:
        at.query_params["use"] = use_id
    at.run()
    assert not at.exception
    return at


def test_the_desk_lists_the_waiting_uses_oldest_first_and_marks_the_overdue(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    monkeypatch.setenv("GREENLIGHT_REVIEW_OVERDUE_DAYS", "3")
    waiting(store, "Recent", 1)
    waiting(store, "Old replica", 9, digital_replica=True)
    store.log_use("TST", parse_answers({"title": "Draft"}, GUIDANCE), ENGINE, actor="Pat")

    at = open_desk()

    assert at.title[0].value == "Review desk"
    assert [m.value for m in at.metric] == ["2", "1"]
    assert at.metric[1].label == "Waiting more than 3 days"
    table = at.dataframe[0].value
    assert list(table["Title"]) == ["Old replica", "Recent"]
    assert list(table["Waiting"]) == ["9 days", "1 day"]
    assert list(table["Overdue"]) == ["⚠ overdue", ""]
    assert list(table["Production"]) == ["TST", "TST"]
    old = store.review_desk(None, overdue_before=datetime.now(UTC)).items[0]
    assert table["Why"][0] == reasons_in_short(GUIDANCE, old.reason_rules) != ""
    # The first line says the mode on every page; the desk's own says whose decisions these are.
    assert at.main.caption[0].value.startswith("Local mode: for one person on this machine")
    assert at.main.caption[1].value.startswith("Every production's uses waiting")


def test_a_bad_overdue_setting_says_what_to_set(tmp_path, monkeypatch):
    fresh_log(tmp_path, monkeypatch)
    monkeypatch.setenv("GREENLIGHT_REVIEW_OVERDUE_DAYS", "five")
    at = open_desk()
    assert "GREENLIGHT_REVIEW_OVERDUE_DAYS is 'five'" in plain(at.error[0].value)
    assert not at.dataframe


def test_an_approval_needs_its_reference_and_note_then_is_recorded(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    use = waiting(store, "Replica of a lead", 2, digital_replica=True)

    at = open_desk(use.id)
    assert "Replica of a lead" in [t.value for t in at.text]
    assert [e.label for e in at.expander][:1] == ["Every answer"]
    history = at.dataframe[-1].value
    assert list(history["What"]) == ["Logged"]
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == ["Escalation request (PDF)", "Escalation request (text)"]

    at.radio(key=f"decide-target-{use.id}-{use.version}").set_value("approved")
    at.text_area(key=f"decide-note-{use.id}-{use.version}").set_value("Cleared with legal")
    submit = next(b for b in at.button if b.label == "Record the decision")
    submit.click().run()
    assert "give the studio's approval reference" in at.error[0].value
    assert store.get_use(use.id).status == "submitted"

    at.text_input(key=f"decide-ref-{use.id}-{use.version}").set_value("WA-2211")
    next(b for b in at.button if b.label == "Record the decision").click().run()

    done = store.get_use(use.id)
    assert (done.status, done.approval_ref, done.awaiting_since) == ("approved", "WA-2211", None)
    (entry,) = [h for h in store.history(use.id) if h.field == "status"]
    assert (entry.actor, entry.note, entry.version) == ("Avery Tester", "Cleared with legal", 1)
    assert [m.value for m in at.metric][0] == "0"


def test_a_decline_needs_a_note(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    use = waiting(store, "Voice", 1)
    at = open_desk(use.id)
    at.radio(key=f"decide-target-{use.id}-{use.version}").set_value("declined")
    next(b for b in at.button if b.label == "Record the decision").click().run()
    assert at.error[0].value == "To decline this use, give a note saying why."
    assert store.get_use(use.id).status == "submitted"
