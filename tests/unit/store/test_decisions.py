"""Approvals and declines pinned to the version decided on: any later change of the use's
answers or free text reopens the decision, whatever the level, saying what changed."""

from __future__ import annotations

import pytest

from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import StaleUse, UseCaseStore
from tests.unit.samples import CLEAR

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
SAFE = {"tool_tier": "enterprise", "final_deliverable": False, "vendor_pipeline": False}
LOW = {"use_case_type": "ideation", "principles": CLEAR, "context": SAFE}
REOPENED = "covered the use as it was, so the studio has to decide again"


def answers(title: str = "Moodboard", answers_doc: dict | None = None, **fields):
    return parse_answers({"title": title, **fields, **(answers_doc or LOW)}, GUIDANCE)


def decided(store: UseCaseStore, status: str, **fields):
    """A low-risk use, submitted, then approved or declined; the record."""
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers(**fields), ENGINE, actor="sam")
    store.set_status(use.id, "submitted", actor="sam")
    # An approval carries the studio's reference and a note (its reference: a history row).
    needs = {"approval_ref": "WA-1", "note": "approved as assessed"} if status == "approved" else {}
    return store.set_status(use.id, status, actor="studio", expected_version=2, **needs)


@pytest.mark.parametrize("status", ["approved", "declined"])
def test_a_decision_records_the_version_it_was_taken_on(store, status):
    use = decided(store, status)
    assert (use.status, use.version, use.decided_version) == (status, 3, 2)
    last = [h for h in store.history(use.id) if h.field == "status"][-1]
    assert (last.field, last.new, last.version) == ("status", status, 2)


@pytest.mark.parametrize("status", ["approved", "declined"])
def test_a_change_of_free_text_alone_reopens_a_decision_at_the_same_level(store, status):
    use = decided(store, status, description="Mood images for the art department")
    changed = store.update_use(
        use.id,
        answers(description="A public figure's face on the poster"),
        ENGINE,
        actor="producer",
        expected_version=use.version,
    )
    assert changed.level == use.level == "low"
    assert (changed.status, changed.decided_version, changed.version) == ("submitted", None, 4)
    decision = "approval" if status == "approved" else "decline"
    assert [(h.field, h.old, h.new, h.note, h.actor) for h in store.history(use.id)[-2:]] == [
        (
            "description",
            "Mood images for the art department",
            "A public figure's face on the poster",
            "",
            "producer",
        ),
        (
            "status",
            status,
            "submitted",
            f"changed since the {decision}: Description: the {decision} {REOPENED}",
            "producer",
        ),
    ]


def test_a_change_of_an_answer_reopens_a_decline_naming_the_question(store):
    use = decided(store, "declined")
    doc = {**LOW, "context": {**SAFE, "tool_tier": "no_training_terms"}}
    changed = store.update_use(use.id, answers(answers_doc=doc), ENGINE, actor="producer")
    assert changed.status == "submitted"
    label = GUIDANCE.question("context.tool_tier").label
    assert store.history(use.id)[-1].note.startswith(f"changed since the decline: {label}")


def test_the_same_answers_again_leave_a_decision_standing(store):
    use = decided(store, "approved", department="Art")
    same = store.update_use(use.id, answers(department="Art"), ENGINE, actor="producer")
    assert (same.status, same.decided_version, same.version) == ("approved", 2, 3)


def test_a_reviewer_cannot_approve_what_a_producer_changed_after_the_form_was_drawn(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers(), ENGINE, actor="sam", status="submitted")
    shown = store.get_use(use.id)  # the reviewer's form
    store.update_use(use.id, answers("Something else entirely"), ENGINE, actor="sam")
    with pytest.raises(StaleUse, match="changed by sam"):
        store.set_status(
            use.id,
            "approved",
            actor="studio",
            expected_version=shown.version,
            approval_ref="WA-1",
            note="approved as assessed",
        )
    assert store.get_use(use.id).status == "submitted"


def test_leaving_a_decision_clears_its_pinned_version(store):
    use = decided(store, "approved")
    back = store.set_status(use.id, "submitted", actor="studio", note="reopened on request")
    assert (back.status, back.decided_version) == ("submitted", None)
    again = store.set_status(
        use.id,
        "approved",
        actor="studio",
        expected_version=back.version,
        approval_ref="WA-1",
        note="approved as assessed",
    )
    assert again.decided_version == back.version
