"""Logging and changing uses: assessment, history, the workflow, archive, concurrency."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from greenlight import workflow
from greenlight.demo import status_path
from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import (
    NotFound,
    StoreError,
    TransitionError,
    UseFilter,
)
from tests.unit.samples import CLEAR
from tests.unit.store.fixture_log import ENGINE, GUIDANCE, KINDS, SAFE_CONTEXT, answers, at, rows


def test_log_use_assesses_and_records_everything(store):
    store.create_production("A", "Alpha", actor="lead")
    given = answers("approval", "Creature", department="Art", tool="Gen", scene="Ep 1")
    record = store.log_use("A", given, ENGINE, actor="ana", note="first pass", at=at(1, 13))
    assert record.level == "approval"
    assert record.rule_ids == ("key-creative-element",)
    assert record.reasons[0].section == "written-approval.creative-output"
    assert (record.matrix_row, record.use_case_type) == ("key_visual", "key_visual")
    assert (record.guidance_id, record.guidance_version) == (GUIDANCE.id, GUIDANCE.version)
    assert (record.previous_level, record.previous_guidance_version) == (None, None)
    assert record.fields == {
        "title": "Creature",
        "description": "",
        "department": "Art",
        "tool": "Gen",
        "vendor": "",
        "requested_by": "",
        "scene": "Ep 1",
    }
    assert record.answers == given.to_document(GUIDANCE)
    assert parse_answers(record.answers, GUIDANCE) == given
    assert (record.status, record.approval_ref, record.archived) == ("draft", "", False)
    assert record.created_at == record.updated_at == at(1, 13)
    assert (record.created_by, record.production_code, record.production_name) == (
        "ana",
        "A",
        "Alpha",
    )
    assert store.get_use(record.id) == record
    [entry] = store.history(record.id)
    assert (entry.field, entry.old, entry.new, entry.note, entry.actor, entry.at) == (
        "created",
        None,
        "draft",
        "first pass",
        "ana",
        at(1, 13),
    )
    with pytest.raises(TransitionError, match="a new use starts as draft or submitted"):
        store.log_use("A", given, ENGINE, actor="ana", status="approved")
    with pytest.raises(NotFound, match="create it first"):
        store.log_use("ZZ", given, ENGINE, actor="ana")
    with pytest.raises(NotFound):
        store.get_use("nope")
    with pytest.raises(NotFound):
        store.history("nope")


def test_update_use_records_each_change_and_reopens_a_raised_approval(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("low", "Moodboard", department="Art"), ENGINE, actor="ana")
    store.set_status(use.id, "submitted", actor="ana")
    store.set_status(use.id, "approved", actor="studio", note="fine by us", approval_ref="WA-1")
    version = store.data_version()
    same = store.update_use(
        use.id, answers("low", "Moodboard", department="Art"), ENGINE, actor="x"
    )
    assert store.data_version() == version  # nothing changed, nothing written
    # created, submitted, approved and its reference
    assert len(store.history(use.id)) == 4 and same.updated_by == "studio"

    changed = store.update_use(
        use.id,
        answers("approval", "Creature", department="VFX"),
        ENGINE,
        actor="bob",
        note="it became the creature",
    )
    assert (changed.level, changed.status, changed.updated_by) == ("approval", "submitted", "bob")
    entries = [(h.field, h.old, h.new, h.note) for h in store.history(use.id)[4:]]
    note = "it became the creature"
    assert entries == [
        ("title", "Moodboard", "Creature", note),
        ("department", "Art", "VFX", note),
        ("use_case_type", "ideation", "key_visual", note),
        ("involves.key_creative_element", None, "true", note),
        ("level", "low", "approval", note),
        (
            "status",
            "approved",
            "submitted",
            "changed since the approval: Title, Department, Which kind of use is this?, It "
            "creates a key creative element; the level rose from Low risk to Written approval: "
            "the approval covered the use as it was, so the studio has to decide again",
        ),
    ]
    assert {h.actor for h in store.history(use.id)[4:]} == {"bob"}
    counts = store.counts_by_reason(UseFilter(productions=("A",)))
    assert rows(counts[["rule", "uses"]]) == [("key-creative-element", 1)]


def test_update_use_records_the_answers_the_assessment_reads_differently(store):
    """The form spells answers its own way: an unticked box as False where the document gave
    no answer, and no answer to a question its conditions hide. Only the answer the user
    changed is recorded, and a hidden answer the rules could read, which the form dropped."""
    store.create_production("A", "Alpha", actor="lead")
    hidden = {"talent_consent": False, "on_screen": "story_relevant"}  # not final, no talent
    logged = parse_answers(
        {"title": "Moodboard", **KINDS["low"], "context": {**SAFE_CONTEXT, **hidden}}, GUIDANCE
    )
    use = store.log_use("A", logged, ENGINE, actor="ana")
    unticked = {q.path[-1]: False for q in GUIDANCE.questions if q.path[0] == "involves"}
    as_the_form_sends = parse_answers(
        {
            "title": "Moodboard",
            "use_case_type": "ideation",
            "principles": CLEAR,
            "involves": unticked,
            "context": {
                "tool_tier": "no_training_terms",
                "final_deliverable": False,
                "vendor_pipeline": False,
            },
        },
        GUIDANCE,
    )
    store.update_use(use.id, as_the_form_sends, ENGINE, actor="bob")
    assert [(h.field, h.old, h.new) for h in store.history(use.id)[1:]] == [
        ("context.on_screen", "story_relevant", None),
        ("context.tool_tier", "enterprise", "no_training_terms"),
    ]
    # Ticking a box brings questions into view (talent consent, alteration kind); left
    # unanswered they count as unanswered now, but the box is the change.
    altered = as_the_form_sends.to_document(GUIDANCE)
    altered["involves"] = {**unticked, "performance_alteration": True}
    store.update_use(use.id, parse_answers(altered, GUIDANCE), ENGINE, actor="bob")
    assert [(h.field, h.old, h.new) for h in store.history(use.id)[3:]][0] == (
        "involves.performance_alteration",
        "false",
        "true",
    )
    assert {h.field for h in store.history(use.id)[3:]} <= {
        "involves.performance_alteration",
        "level",
    }


def test_update_use_under_a_guidance_that_cannot_read_the_old_answers(store):
    """Another guidance set cannot assess the old document: each answer given to one of its
    questions before or after is recorded, as given."""
    other = Engine(load_guidance(Path(__file__).parents[2] / "fixtures" / "guidance-alt"))
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("low", "Moodboard"), ENGINE, actor="ana")
    agreed = parse_answers(
        {"title": "Moodboard", "principles": {"everyone_agreed": "yes"}}, other.guidance
    )
    store.update_use(use.id, agreed, other, actor="bob")
    assert [(h.field, h.old, h.new) for h in store.history(use.id)[1:]] == [
        ("principles.everyone_agreed", None, "yes"),
        ("level", "low", "fine"),
        ("guidance_id", GUIDANCE.id, "acme-pictures-ai"),
        ("guidance_version", GUIDANCE.version, "0.3"),
    ]


def test_every_transition_allowed_and_refused_through_the_store(store):
    """For each pair of statuses, a use at level approval (no reference yet) is moved."""
    store.create_production("A", "Alpha", actor="lead")
    for current in workflow.status_ids():
        for target in workflow.status_ids():
            use = store.log_use("A", answers("approval"), ENGINE, actor="ana")
            for step in status_path(current, "approval"):
                ref, note = ("WA-7", "approved as assessed") if step == "approved" else (None, "")
                store.set_status(use.id, step, actor="ana", approval_ref=ref, note=note)
            before = store.get_use(use.id)
            assert before.status == current
            history = store.history(use.id)
            allowed = target in workflow.TRANSITIONS[current] and not (
                target == "approved" and not before.approval_ref
            )
            if allowed:
                after = store.set_status(use.id, target, actor="bob", note=f"to {target}")
                assert after.status == target
                last = store.history(use.id)[-1]
                assert (last.field, last.old, last.new, last.note, last.actor) == (
                    "status",
                    current,
                    target,
                    f"to {target}",
                    "bob",
                )
            else:
                with pytest.raises(TransitionError):
                    store.set_status(use.id, target, actor="bob")
                assert store.get_use(use.id) == before
                assert store.history(use.id) == history


def test_approval_reference_is_required_and_recorded(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("approval"), ENGINE, actor="ana", status="submitted")
    with pytest.raises(TransitionError, match="enter the studio's approval reference"):
        store.set_status(
            use.id, "approved", actor="bob", approval_ref="   ", note="approved as assessed"
        )
    approved = store.set_status(
        use.id, "approved", actor="bob", approval_ref=" WA-2026-01 ", note="approved as assessed"
    )
    assert (approved.status, approved.approval_ref) == ("approved", "WA-2026-01")
    with pytest.raises(TransitionError, match="needs written approval"):
        store.set_approval_ref(use.id, "", actor="bob")
    fixed = store.set_approval_ref(use.id, "WA-2026-02", actor="bob", note="typo")
    assert fixed.approval_ref == "WA-2026-02"
    changes = [(h.field, h.old, h.new, h.note) for h in store.history(use.id)]
    assert changes == [
        ("created", None, "submitted", ""),
        ("status", "submitted", "approved", "approved as assessed"),
        ("approval_ref", "", "WA-2026-01", "approved as assessed"),
        ("approval_ref", "WA-2026-01", "WA-2026-02", "typo"),
    ]


def test_concurrent_status_changes_of_one_use_apply_once(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("low"), ENGINE, actor="ana")
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def submit(n: int) -> None:
        barrier.wait()
        try:
            store.set_status(use.id, "submitted", actor=f"user {n}")
            outcomes.append("ok")
        except TransitionError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["the use is already Submitted"] * 3
    assert [h.field for h in store.history(use.id)] == ["created", "status"]


def test_concurrent_writers_all_land(store):
    store.create_production("A", "Alpha", actor="lead")
    errors: list[BaseException] = []

    def log_many(n: int) -> None:
        try:
            for i in range(15):
                store.log_use("A", answers("escalate", f"use {n}-{i}"), ENGINE, actor=f"user {n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=log_many, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count_uses() == 60
    assert store.data_version() == 1 + 60  # one bump for the production, one per use


def test_archive_and_restore(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("low", "Old idea"), ENGINE, actor="ana")
    archived = store.archive_use(use.id, actor="bob", note="not needed")
    assert archived.archived and store.count_uses() == 0
    assert [r.id for r in store.list_uses(UseFilter(archived=True)).rows] == [use.id]
    with pytest.raises(StoreError, match="already archived"):
        store.archive_use(use.id, actor="bob")
    restored = store.restore_use(use.id, actor="carl")
    assert not restored.archived and store.count_uses() == 1
    with pytest.raises(StoreError, match="already in the log"):
        store.restore_use(use.id, actor="carl")
    assert [(h.field, h.old, h.new, h.note, h.actor) for h in store.history(use.id)[1:]] == [
        ("archived", "false", "true", "not needed", "bob"),
        ("archived", "true", "false", "", "carl"),
    ]
