"""The self-assessment form: Clear all answers clears every widget for good, Log this use
logs one use per submission, the headline shows the outcome, a loaded file is confirmed."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.policy import load_answers, parse_answers
from greenlight.store import UseFilter
from greenlight.ui.text import plain
from tests.apptest.helpers import ENGINE, GUIDANCE, fresh_log, start_app
from tests.unit.samples import MOODBOARD


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


# A plain use, clear on every principle, as a file a person uploads.
LOW_USE = MOODBOARD.encode()


def _headline(at: AppTest) -> str:
    """The text of the outcome headline (the container keyed outcome-headline)."""
    blocks = at.main.children.values()
    [block] = [b for b in blocks if getattr(b.proto, "id", "").endswith("-outcome-headline")]
    return " ".join(md.value for md in block.children.values())


def _expected(document: bytes):
    return ENGINE.assess(load_answers(document, GUIDANCE))


def test_the_headline_shows_the_level_and_counts_of_the_outcome(assess):
    at, _ = assess
    empty = ENGINE.assess(parse_answers({"title": "Untitled use"}, GUIDANCE))
    assert len(empty.raising) > 1 and len(empty.unanswered) > 1  # plurals, both counts shown
    headline = _headline(at)
    assert GUIDANCE.level(empty.level).label in headline
    assert (
        f"{len(empty.raising)} reasons · {len(empty.unanswered)} questions open · "
        "[see why](#outcome)" in headline
    ), headline
    at.file_uploader[0].set_value(("low.yaml", LOW_USE, "application/x-yaml"))
    at.run()
    low = _expected(LOW_USE)
    assert low.level == "low" and not low.raising and not low.unanswered
    headline = _headline(at)
    assert GUIDANCE.level("low").label in headline
    assert GUIDANCE.level(empty.level).label not in headline
    assert "0 reasons · [see why](#outcome)" in headline, headline


def test_loading_an_answers_file_says_what_was_loaded_and_from_which_file(assess):
    at, _ = assess
    name = "**moodboard** [x](https://evil.example) :red[y].yaml"
    at.file_uploader[0].set_value((name, LOW_USE, "application/x-yaml"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    given = len(load_answers(LOW_USE, GUIDANCE).provided)
    [success] = at.success
    assert plain(success.value) == (
        f"Loaded \u201cSeason 2 look moodboard\u201d from the file {name}: {given} answers. "
        "The questions and the outcome now show them."
    )
    assert "[x](" not in success.value and ":red[" not in success.value  # the name is text
    assert not at.toast  # said beside the uploader; a toast would cover the headline
    assert at.text_input(key=_key(at, "f:title")).value == "Season 2 look moodboard"
    # A file that cannot be read replaces the notice with its problems; the form is kept.
    at.file_uploader[0].set_value(("bad.yaml", b"title: [", "application/x-yaml"))
    at.run()
    assert not at.success and at.error
    assert at.text_input(key=_key(at, "f:title")).value == "Season 2 look moodboard"
    # Clearing the form clears the notice.
    at.file_uploader[0].set_value(("low.yaml", LOW_USE, "application/x-yaml"))
    at.run()
    assert at.success
    _button(at, "Clear all answers").click()
    at.run()
    assert not at.success
