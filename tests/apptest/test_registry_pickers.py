"""The self-assessment reads the studio's records: a performer picked from the production's
talent ledger answers the consent question from the consents on file, beside the question
and under the reasons it makes fire; the use logged keeps the performer and the records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.store import UseFilter
from greenlight.ui.text import plain
from tests.apptest.helpers import fresh_log, start_app

CONSENT = "q:context.talent_consent"


@pytest.fixture
def ledger(tmp_path, monkeypatch):
    """A fresh log whose production TST has two performers, one with a consent for final
    replicas in TST and one whose consent covers temporary use only."""
    store = fresh_log(tmp_path, monkeypatch)
    covered = store.add_performer("TST", "Jane Roe", actor="fixture")
    temporary = store.add_performer("TST", "Sam Poe", actor="fixture")
    for performer, media in ((covered, "final"), (temporary, "temporary")):
        store.add_consent(
            performer.id,
            actor="fixture",
            covers="likeness",
            kind="employment_based",
            description="A digital double for the harbour fight, season 1",
            productions="TST",
            media=media,
            signed_on="2026-01-05",
        )
    return store, covered, temporary


def _key(at: AppTest, name: str) -> str:
    generation = at.session_state["assess:form"]["generation"]
    return name if generation == 0 else f"{name}@{generation}"


def _replica_use(at: AppTest) -> None:
    at.text_input(key=_key(at, "f:title")).input("Harbour fight double")
    at.checkbox(key=_key(at, "q:involves.digital_replica")).check()
    at.segmented_control(key=_key(at, "q:principles.temporary_only")).set_value("no")
    at.run()


def _missing_consent_said(at: AppTest) -> bool:
    """Whether the outcome gives the reason of a replica without consent."""
    return any("documented consent is missing" in m.value for m in at.markdown)


def _captions(at: AppTest) -> list[str]:
    return [plain(c.value) for c in at.caption]


def test_a_performer_with_a_covering_consent_answers_the_consent_question(ledger):
    store, covered, _ = ledger
    at = start_app("assess")
    _replica_use(at)
    picker = at.multiselect(key=_key(at, "l:performers"))
    assert picker.options == [f"Jane Roe ({covered.id})", f"Sam Poe ({ledger[2].id})"]
    picker.set_value([covered.id])
    at.run()
    assert not at.exception
    lines = [c for c in _captions(at) if "from the talent consent ledger" in c]
    assert lines and all("Jane Roe" in line for line in lines), _captions(at)
    assert not _missing_consent_said(at)


def test_a_consent_for_temporary_use_only_does_not_hold_for_a_final_replica(ledger):
    store, _, temporary = ledger
    at = start_app("assess")
    _replica_use(at)
    at.multiselect(key=_key(at, "l:performers")).set_value([temporary.id])
    at.run()
    assert not at.exception
    lines = [c for c in _captions(at) if "talent consent ledger" in c]
    assert any("Sam Poe" in line and "temporary" in line for line in lines), lines
    assert _missing_consent_said(at)
    # The person's own "yes" cannot make the ledger's "no" safer.
    at.segmented_control(key=_key(at, CONSENT)).set_value(True)
    at.run()
    assert any("riskier than the one given here" in c for c in _captions(at)), _captions(at)
    (log_button,) = [b for b in at.button if b.label == "Log this use"]
    log_button.click()
    at.run()
    assert not at.exception
    (summary,) = store.list_uses(UseFilter(productions=("TST",))).rows
    use = store.get_use(summary.id)
    assert use.answers["performers"] == [temporary.id]
    assert use.level == "approval"
    assert [(f.question, f.value) for f in use.facts] == [("context.talent_consent", False)]
    assert "Sam Poe" in use.facts[0].source


def test_a_registered_tool_answers_principles_2_and_3_with_its_source(tmp_path, monkeypatch):
    store = fresh_log(tmp_path, monkeypatch)
    firefly = store.add_tool(
        "Studio Firefly",
        "enterprise",
        actor="fixture",
        vendor="Adobe",
        stores_inputs="no",
        reuses_inputs="no",
        trains_on_inputs="no",
        enterprise_secured="yes",
    )
    banned = store.add_tool("Sketchpad Free", "unknown", actor="fixture", state="not_allowed")
    at = start_app("assess")
    at.text_input(key=_key(at, "f:title")).input("Storyboard frames")
    at.multiselect(key=_key(at, "l:tools")).set_value([firefly.id])
    at.run()
    assert not at.exception
    lines = [c for c in _captions(at) if "from the tool registry" in c]
    # Under principles 2 and 3, and under the tools' terms, each naming the tool.
    assert [line.partition(",")[0] for line in lines] == [
        "Yes",
        "Yes",
        "Studio enterprise agreement",
    ]
    assert all("Studio Firefly: enterprise agreement, reviewed" in line for line in lines), lines
    # The person's riskier answer stands against the registry's safer one.
    at.segmented_control(key=_key(at, "q:principles.no_training_on_inputs")).set_value("no")
    at.run()
    assert any("keeps, reuses or trains" in m.value for m in at.markdown)
    # A tool the studio does not allow needs written approval, naming the tool.
    at.multiselect(key=_key(at, "l:tools")).set_value([firefly.id, banned.id])
    at.run()
    assert not at.exception
    assert any("does not allow" in m.value for m in at.markdown)
    assert any("Sketchpad Free" in c and "not allowed" in c for c in _captions(at)), _captions(at)


def test_the_escalation_request_of_a_logged_use_carries_what_the_ledger_answered(ledger):
    from greenlight.policy import Engine, load_guidance, parse_answers
    from greenlight.present import request_for_use, request_markdown

    store, _, temporary = ledger
    guidance = load_guidance()
    engine = Engine(guidance)
    answers = parse_answers(
        {
            "title": "Harbour fight double",
            "involves": {"digital_replica": True},
            "principles": {"temporary_only": "no"},
            "context": {"talent_consent": True},
            "performers": [temporary.id],
        },
        guidance,
    )
    use = store.log_use("TST", answers, engine, actor="fixture", status="submitted")
    request = request_for_use(use, guidance, engine, requested_by="Avery", base="http://x")
    text = request_markdown(request)
    assert "What the studio's records answered" in text
    assert "Sam Poe" in text and "temporary" in text
    # The request reports the stored outcome as current: the ledger's answer is folded in.
    assert not request.stored_note
    assert request.level == "Written approval"
    consent = [a for g in request.groups for a in g.answers if "documented consent" in a.question]
    assert [a.answer for a in consent] == ["No"]


def test_the_first_page_run_of_the_day_sweeps_consents_and_tool_reviews(tmp_path, monkeypatch):
    import sqlalchemy as sa

    from greenlight.store.studio_tables import log_settings

    store = fresh_log(tmp_path, monkeypatch)
    at = start_app("assess")
    assert not at.exception
    with store.engine.connect() as conn:
        swept = dict(conn.execute(sa.select(log_settings.c.name, log_settings.c.value)).all())
    today = datetime.now(UTC).date().isoformat()
    assert swept.get("consents_swept_on") == today, swept
    assert swept.get("tools_swept_on") == today, swept
