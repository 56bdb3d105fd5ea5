"""A use logged under one guidance set, opened under another that cannot read its answers
(tests/fixtures/guidance-alt): the log page and assess?use=ID show the stored assessment and
say why and what to do, and the log can be re-assessed under the current guidance."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.policy import GUIDANCE_ENV, load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.ui import PAGES
from greenlight.ui.text import plain

ROOT = Path(__file__).resolve().parents[2]
ALT = ROOT / "tests" / "fixtures" / "guidance-alt"
GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)


@pytest.fixture
def old_use(tmp_path, monkeypatch):
    """(store, use id): a replica use logged under today's guidance; the app on guidance-alt."""
    url = f"sqlite:///{tmp_path / 'greenlight.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    store = UseCaseStore(url)
    store.create_production("TST", "Test production", actor="fixture")
    answers = parse_answers({"title": "Replica", "involves": {"digital_replica": True}}, GUIDANCE)
    use = store.log_use("TST", answers, ENGINE, actor="fixture", status="submitted")
    monkeypatch.setenv(GUIDANCE_ENV, str(ALT))
    return store, use.id


def _app(use_id: str, url_path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["actor"] = "Avery Tester"
    at.session_state["production"] = "TST"
    at.session_state["log-selected"] = use_id
    at.run()
    at.switch_page(next(spec.path for spec in PAGES if spec.url_path == url_path))
    at.run()
    return at


def _notice(at: AppTest) -> str:
    [notice] = [plain(w.value) for w in at.warning if "cannot read its answers" in w.value]
    return notice


def test_the_log_page_shows_the_stored_assessment_and_what_to_do(old_use):
    _, use_id = old_use
    at = _app(use_id, "log")
    assert not at.exception, at.exception
    assert "Replica" in [t.value for t in at.text]
    notice = _notice(at)
    assert f"assessed under guidance {GUIDANCE.id} {GUIDANCE.version}" in notice
    assert "the guidance in use now (acme-pictures-ai 0.3) cannot read its answers" in notice
    assert "Re-assess this use" in notice
    # The stored level, named by its id with where it comes from, in the table and badges.
    assert at.dataframe[0].value["Level"].tolist() == ["approval (from another guidance version)"]
    # Every stored answer, as stored.
    stored = at.dataframe[2].value
    assert list(stored.columns) == ["Answer", "As stored"]
    assert ("involves.digital_replica", "True") in set(stored.itertuples(index=False))


def test_assess_opens_the_use_with_its_free_text_and_a_notice(old_use):
    store, use_id = old_use
    at = _app(use_id, "assess")
    at.query_params["use"] = use_id
    at.run()
    assert not at.exception, at.exception
    assert "Answer the questions below again" in _notice(at)
    title = at.session_state["assess:form"]["generation"]
    assert at.text_input(key=f"f:title@{title}").value == "Replica"
    # Answered again under this guidance and saved: the use is assessed under it now.
    [save] = [b for b in at.button if b.label == "Save changes to this use"]
    save.click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert store.get_use(use_id).guidance_id == "acme-pictures-ai"


def test_the_log_can_be_re_assessed_from_the_log_page(old_use):
    store, use_id = old_use
    readable = store.log_use(
        "TST", parse_answers({"title": "Plain"}, GUIDANCE), ENGINE, actor="fixture"
    )
    at = _app(use_id, "log")
    [button] = [b for b in at.button if b.label == "Re-assess the log"]
    button.click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [said] = [plain(s.value) for s in at.success]
    assert said.startswith("Re-assessed 1 use(s): ")
    assert "1 could not be read by this guidance and were left as they are" in said
    assert store.get_use(readable.id).guidance_id == "acme-pictures-ai"
    assert store.get_use(use_id).guidance_id == GUIDANCE.id
