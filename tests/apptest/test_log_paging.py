"""The log table's pages: a page number left over from a wider filter never breaks the page,
and a use selected on one page stays the one shown on another."""

from __future__ import annotations

from greenlight.policy import parse_answers
from tests.apptest.helpers import ENGINE, GUIDANCE, fresh_log, start_app


def test_a_narrower_filter_on_a_later_page_shows_its_one_page(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    for n in range(101):  # three pages of 50
        answers = parse_answers({"title": f"Use {n:03d}"}, GUIDANCE)
        kept = store.log_use("TST", answers, ENGINE, actor="fixture")
    at = start_app("log", selected=kept.id)
    [number] = at.number_input
    number.set_value(3).run()
    assert len(at.dataframe[0].value) == 1
    at.text_input(key="log-text").input("Use 0").run()  # Use 000 to Use 099: two pages
    assert not at.exception, at.exception
    assert at.number_input[0].value == 2 and len(at.dataframe[0].value) == 50
    at.text_input(key="log-text").input("Use 007").run()
    assert not at.exception, at.exception
    assert not at.number_input  # one page: no page number
    assert at.dataframe[0].value["Title"].tolist() == ["Use 007"]
    assert "Use 100" in [t.value for t in at.text]  # the selected use, still shown
    assert not at.warning, [w.value for w in at.warning]
    at.text_input(key="log-text").input("").run()
    assert not at.exception, at.exception
    assert at.number_input[0].value == 1
