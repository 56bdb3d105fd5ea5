"""Answers documents for the per-item tests: a clear baseline changed by dotted paths."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from hypothesis import strategies as st

from greenlight.policy import Engine, GuidanceError, load_guidance, parse_answers
from tests.unit.samples import CLEAR as CLEAR_PRINCIPLES

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)

# Every question that applies to a plain use, answered the clear way.
CLEAR = {
    "title": "Clear use",
    "use_case_type": "other",
    "principles": CLEAR_PRINCIPLES,
    "involves": {},
    "context": {"final_deliverable": False, "tool_tier": "enterprise", "vendor_pipeline": False},
}
# The talent questions answered the safest way, for cases that change one of them.
TALENT = {
    "context.talent_consent": True,
    "context.replica_exception": "as_scripted",
    "context.harm_to_talent": "no",
}
DROP = object()  # a change that removes the answer


def document(**changes) -> dict:
    """CLEAR with dotted-path changes; a value of DROP removes that answer."""
    doc = copy.deepcopy(CLEAR)
    for path, value in changes.items():
        target = doc
        *parents, last = path.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        if value is DROP:
            target.pop(last, None)
        else:
            target[last] = value
    return doc


def assess(**changes):
    """The assessment of CLEAR with these changes."""
    return ENGINE.assess(parse_answers(document(**changes), GUIDANCE))


def background(on_screen: str, **context):
    """The assessment of CLEAR as a background element shown `on_screen`, with other context
    answers by name (a value of DROP removes one), e.g. background("none", human_input=True)."""
    changes = {f"context.{name}": value for name, value in context.items()}
    return assess(use_case_type="background_element", **{"context.on_screen": on_screen}, **changes)


def outcome(result) -> tuple:
    """(level, rule ids, unanswered) of an assessment, to compare in one assert."""
    return result.level, list(result.rule_ids), list(result.unanswered)


def flat_answers(guidance=GUIDANCE):
    """Random flat answers: any subset of the questions (None: left out), any of their values."""
    answers = {
        q.id: st.one_of(st.just(None), st.sampled_from(q.values)) for q in guidance.questions
    }
    return st.fixed_dictionaries(answers)


def nested(flat: dict, title: str = "random") -> dict:
    """An answers document from flat answers by question id, leaving out those that are None."""
    doc: dict = {"title": title}
    for qid, value in flat.items():
        if value is None:
            continue
        *parents, last = qid.split(".")
        target = doc
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return doc


def broken_guidance(tmp_path: Path, filename: str, old: str, new: str) -> Path:
    """A copy of the shipped guidance folder with the first `old` in `filename` made `new`."""
    folder = tmp_path / "guidance"
    shutil.copytree(GUIDANCE.path, folder)
    path = folder / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def guidance_problems(folder: Path) -> list[str]:
    """The problems GuidanceError lists for the guidance in `folder` (which must not load)."""
    with pytest.raises(GuidanceError) as caught:
        load_guidance(folder)
    return list(caught.value.problems)
