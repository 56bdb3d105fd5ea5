"""A use logged under one guidance set, opened under another that cannot read its answers
(tests/fixtures/guidance-alt): the log page and assess?use=ID show the stored assessment and
say why and what to do, and the log can be re-assessed under the current guidance."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.policy import GUIDANCE_ENV, parse_answers
from greenlight.ui.text import plain
from tests.apptest.helpers import ENGINE, GUIDANCE, ROOT, fresh_log, log_replica, start_app

ALT = ROOT / "tests" / "fixtures" / "guidance-alt"


@pytest.fixture
def old_use(tmp_path, monkeypatch):
    """(store, use id): a replica use logged under today's guidance; the app on guidance-alt."""
    store = fresh_log(tmp_path, monkeypatch)
    use = log_replica(store)
    monkeypatch.setenv(GUIDANCE_ENV, str(ALT))
    return store, use.id


def _app(use_id: str, url_path: str) -> AppTest:
    return start_app(url_path, selected=use_id)


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
