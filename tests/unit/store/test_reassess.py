"""Re-assessing the log under another guidance version."""

from __future__ import annotations

from greenlight.policy.answers import parse_answers
from tests.unit.store.fixture_log import ENGINE, GUIDANCE, KINDS, SAFE_CONTEXT, StartsWith, answers


def test_reassess_under_newer_guidance_keeps_the_old_level(store, newer_engine):
    store.create_production("A", "Alpha", actor="lead")
    unknown_tool = {**KINDS["low"], "context": {**SAFE_CONTEXT, "tool_tier": "unknown"}}
    doc = {"title": "Chat summaries", **unknown_tool}
    risky = store.log_use("A", parse_answers(doc, GUIDANCE), ENGINE, actor="ana")
    assert risky.level == "escalate"
    store.set_status(risky.id, "submitted", actor="ana")
    store.set_status(
        risky.id, "approved", actor="studio", approval_ref="WA-1", note="approved as assessed"
    )
    calm = store.log_use("A", answers("low", "Moodboard"), ENGINE, actor="ana")
    progress: list[tuple[int, int]] = []
    result = store.reassess(
        newer_engine, actor="admin", progress=lambda d, t: progress.append((d, t))
    )
    assert (result.checked, result.level_changed, result.reopened, result.problems) == (2, 1, 1, ())
    assert (result.raised, result.unreadable) == (1, ())
    assert progress[-1] == (2, 2)
    after = store.get_use(risky.id)
    assert (after.level, after.previous_level) == ("approval", "escalate")
    assert (after.guidance_version, after.previous_guidance_version) == ("2099.1", "2026.12.1")
    assert after.status == "submitted"
    note = "re-assessed under guidance netflix-genai-production 2099.1"
    # created, submitted, approved and its reference: then the re-assessment.
    assert [(h.field, h.old, h.new, h.note) for h in store.history(risky.id)[4:]] == [
        ("level", "escalate", "approval", note),
        ("guidance_version", "2026.12.1", "2099.1", note),
        (
            "status",
            "approved",
            "submitted",
            StartsWith("the level rose from Escalate to Written approval"),
        ),
    ]
    same = store.get_use(calm.id)
    assert (same.level, same.previous_level, same.previous_guidance_version) == (
        "low",
        "low",
        "2026.12.1",
    )
    assert store.reassess(newer_engine, actor="admin").checked == 0
