"""The self-assessment form: Clear all answers clears every widget for good, and Log this
use logs one use per submission."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.store import UseFilter
from greenlight.ui.text import plain
from tests.apptest.helpers import fresh_log, start_app


@pytest.fixture
def assess(tmp_path, monkeypatch):
    """The Self-assessment page of a fresh log with one production: (AppTest, store)."""
    store = fresh_log(tmp_path, monkeypatch)
    at = start_app("assess")
    assert not at.exception
    return at, store


def _key(at: AppTest, name: str) -> str:
    generation = at.session_state["assess:form"]["generation"]
    return name if generation == 0 else f"{name}@{generation}"


def _button(at: AppTest, label: str):
    (button,) = [b for b in at.button if b.label == label]
    return button


def test_clear_all_answers_clears_every_widget_and_it_stays_cleared(assess):
    at, _ = assess
    at.text_input(key=_key(at, "f:title")).input("Moodboard")
    at.segmented_control(key=_key(at, "q:principles.outputs_original")).set_value("yes")
    at.selectbox(key=_key(at, "q:use_case_type")).set_value("ideation")
    at.run()
    _button(at, "Clear all answers").click()
    at.run()
    title = at.text_input(key=_key(at, "f:title"))
    principle = at.segmented_control(key=_key(at, "q:principles.outputs_original"))
    kind = at.selectbox(key=_key(at, "q:use_case_type"))
    assert (title.value, principle.value, kind.value) == ("", None, None)
    # Typing afterwards brings none of the old answers back.
    at.text_input(key=_key(at, "f:department")).input("Art")
    at.run()
    assert at.text_input(key=_key(at, "f:title")).value == ""
    assert at.segmented_control(key=_key(at, "q:principles.outputs_original")).value is None
    assert at.selectbox(key=_key(at, "q:use_case_type")).value is None
    # The widgets are new ones (new keys): the browser keeps no old value for them.
    assert _key(at, "f:title") != "f:title"


def test_log_this_use_logs_once_and_then_says_so(assess):
    at, store = assess
    at.text_input(key=_key(at, "f:title")).input("Moodboard")
    at.run()
    token = at.session_state["assess:token"]
    _button(at, "Log this use").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [use] = store.list_uses(UseFilter(productions=("TST",))).rows
    assert [plain(s.value) for s in at.success] == [f"Logged as {use.id} in TST."]
    # A second click finds the button off: the same answers are logged already.
    assert _button(at, "Log this use").disabled
    assert at.session_state["assess:token"] != token  # renewed for the next submission
    at.run()
    assert store.count_uses(UseFilter(productions=("TST",))) == 1
    # A changed answer is a new submission.
    at.text_input(key=_key(at, "f:title")).input("Moodboard, second pass")
    at.run()
    assert not _button(at, "Log this use").disabled
