"""The log table's pages: a page number left over from a wider filter never breaks the page,
and a use selected on one page stays the one shown on another."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from greenlight.policy import load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.ui import PAGES

ROOT = Path(__file__).resolve().parents[2]
GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)


def test_a_narrower_filter_on_a_later_page_shows_its_one_page(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'greenlight.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    store = UseCaseStore(url)
    store.create_production("TST", "Test production", actor="fixture")
    for n in range(101):  # three pages of 50
        answers = parse_answers({"title": f"Use {n:03d}"}, GUIDANCE)
        kept = store.log_use("TST", answers, ENGINE, actor="fixture")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["actor"] = "Avery Tester"
    at.session_state["production"] = "TST"
    at.session_state["log-selected"] = kept.id
    at.run()
    at.switch_page(next(spec.path for spec in PAGES if spec.url_path == "log"))
    at.run()
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
