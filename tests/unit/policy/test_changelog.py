"""The changelog: what changed in each version, each with the source sentence it follows."""

from __future__ import annotations

from greenlight.policy import load_guidance
from tests.unit.policy.build import GUIDANCE, broken_guidance, guidance_problems


def test_the_guidance_is_2026_12_1_with_its_changes():
    assert GUIDANCE.version == "2026.12.1"
    by_version = {}
    for change in GUIDANCE.changes:
        by_version.setdefault(change.version, []).append(change.id)
    assert {version: len(ids) for version, ids in by_version.items()} == {
        "2026.12": 13,
        "2026.12.1": 1,
    }
    assert by_version["2026.12.1"] == ["registries-answer"]
    for change in GUIDANCE.changes:
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
