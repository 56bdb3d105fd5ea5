"""The log page's status form, as a person uses it: a refused change keeps the choice and
what was typed, says why in words, and the corrected change records what was meant."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.policy import parse_answers
from greenlight.ui.text import plain
from tests.apptest.helpers import ENGINE, GUIDANCE, fresh_log, log_replica, start_app

# Every approval needs the studio's reference and a note (the store's rule, at every level).
REFUSED = (
    "Approval needs the studio's reference (the number or name of its answer) and a note "
    "saying what was approved: enter the studio's approval reference; nothing was saved"
)
BOTH_MISSING = (
    "Approval needs the studio's reference (the number or name of its answer) and a note "
    "saying what was approved: enter the studio's approval reference and a note saying what "
    "was approved; nothing was saved"
)


@pytest.fixture
def log_page(tmp_path, monkeypatch):
    """The log page with one submitted written-approval use selected: (AppTest, store, id)."""
    store = fresh_log(tmp_path, monkeypatch)
    use = log_replica(store)
    at = start_app("log", selected=use.id)
    assert not at.exception
    return at, store, use.id


def _one(elements, label: str):
    (element,) = [e for e in elements if e.label == label]
    return element


def _apply(at: AppTest) -> None:
    _one(at.get("form_submit_button"), "Apply").click()
    at.run()
    assert not at.exception, at.exception


def test_a_refused_approval_keeps_the_choice_and_the_corrected_one_records_approved(log_page):
    at, store, use_id = log_page
    _one(at.selectbox, "New status").set_value("approved")
    _one(at.text_area, "Note").input("Approved by studio legal")
    _apply(at)
    assert [plain(e.value) for e in at.error] == [REFUSED]
    assert store.get_use(use_id).status == "submitted"
    # The form still holds what the person chose and typed.
    assert _one(at.selectbox, "New status").value == "approved"
    assert _one(at.text_area, "Note").value == "Approved by studio legal"

    _one(at.text_input, "Approval reference").input("WA-2026-117")
    _apply(at)
    assert not at.error, [e.value for e in at.error]
    record = store.get_use(use_id)
    assert (record.status, record.approval_ref) == ("approved", "WA-2026-117")
    last = store.history(use_id)[-2:]
    assert [(e.field, e.new, e.note) for e in last] == [
        ("status", "approved", "Approved by studio legal"),
        ("approval_ref", "WA-2026-117", "Approved by studio legal"),
    ]
    # A new form for the use as it is now: from Approved, nothing is pre-chosen from before.
    assert _one(at.selectbox, "New status").options == ["Submitted", "Withdrawn"]
    assert _one(at.text_area, "Note").value == ""


def test_the_form_of_one_use_never_shows_under_another(log_page):
    at, store, first = log_page
    answers = parse_answers({"title": "Second"}, GUIDANCE)
    second = store.log_use("TST", answers, ENGINE, actor="fixture", status="submitted").id
    _one(at.selectbox, "New status").set_value("declined")
    _one(at.text_area, "Note").input("Not for the first one")
    at.run()
    at.session_state["log-selected"] = second
    at.run()
    assert [t.value for t in at.text if t.value in ("Replica", "Second")] == ["Second"]
    assert _one(at.selectbox, "New status").value != "declined"
    assert _one(at.text_area, "Note").value == ""
    assert store.get_use(first).status == "submitted"


def test_approving_asks_for_the_studio_s_reference_and_a_note_at_every_level(log_page):
    at, store, _ = log_page
    answers = parse_answers({"title": "Second"}, GUIDANCE)
    use = store.log_use("TST", answers, ENGINE, actor="fixture", status="submitted")
    at.session_state["log-selected"] = use.id
    at.run()
    assert "To approve, give the studio's reference and a note saying what was approved." in [
        c.value for c in at.caption
    ]
    _one(at.selectbox, "New status").set_value("approved")
    _apply(at)
    assert [plain(e.value) for e in at.error] == [BOTH_MISSING]
    _one(at.text_input, "Approval reference").input("WA-9")
    _apply(at)
    assert [plain(e.value) for e in at.error] == [
        REFUSED.replace("the studio's approval reference;", "a note saying what was approved;")
    ]
    assert store.get_use(use.id).status == "submitted"
    assert _one(at.text_input, "Approval reference").value == "WA-9"
    _one(at.text_area, "Note").input("Agreed for the pitch deck only")
    _apply(at)
    assert not at.error, [e.value for e in at.error]
    record = store.get_use(use.id)
    assert (record.status, record.approval_ref) == ("approved", "WA-9")
