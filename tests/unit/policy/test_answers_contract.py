"""The answers contract is extended, not broken: every document valid under 2026.11 is valid
under the current guidance, and reads each answer it gave the same way (or through an alias)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings

from greenlight.policy import load_guidance, parse_answers
from tests.unit.policy.build import GUIDANCE, flat_answers, nested

OLD = load_guidance(Path(__file__).resolve().parents[2] / "fixtures" / "guidance-2026.11")
ALIASED = {alias.old for alias in GUIDANCE.aliases}


def test_the_fixture_is_the_previous_version():
    assert (OLD.id, OLD.version) == (GUIDANCE.id, "2026.11")


@settings(max_examples=300, deadline=None)
@given(flat=flat_answers(OLD))
def test_a_2026_11_document_stays_valid(flat):
    doc = nested(flat, title="old")
    old = parse_answers(doc, OLD)
    new = parse_answers(doc, GUIDANCE)
    for qid in old.provided:
        if qid in ALIASED:
            continue
        assert qid in new.provided and new.values[qid] == old.values[qid], qid
    assert bool(new.notes) == any(qid in ALIASED for qid in old.provided)
