"""The changelog: what changed in 2026.12, each with the source sentence it follows."""

from __future__ import annotations

from greenlight.policy import load_guidance
from tests.unit.policy.build import GUIDANCE, broken_guidance, guidance_problems


def test_the_guidance_is_2026_12_with_its_changes():
    assert GUIDANCE.version == "2026.12"
    current = [c for c in GUIDANCE.changes if c.version == GUIDANCE.version]
    assert len(current) == 13
    for change in current:
        assert change.change and change.follows and change.sections, change.id


def test_the_second_guidance_set_still_loads_without_a_changelog():
    alt = load_guidance("tests/fixtures/guidance-alt")
    assert alt.changes == () and alt.aliases == ()


def test_a_change_naming_an_unknown_section_is_refused(tmp_path):
    problems = guidance_problems(
        broken_guidance(
            tmp_path,
            "changelog.yaml",
            "sections: [talent-enhancement.model-usage]",
            "sections: [model-usage]",
        )
    )
    assert any("change model-usage: section 'model-usage' is not defined" in p for p in problems)


def test_a_question_may_only_depend_on_questions_above_it(tmp_path):
    problems = guidance_problems(
        broken_guidance(
            tmp_path,
            "questions.yaml",
            "    shown_when: {question: context.vendor_pipeline, op: eq, value: true}",
            "    shown_when: {question: context.pipeline_meets_principles, op: eq, value: 'no'}",
        )
    )
    assert any(
        "context.pipeline_meets_principles.shown_when: reads context.pipeline_meets_principles, "
        "declared after it (or itself)" in p
        for p in problems
    )
