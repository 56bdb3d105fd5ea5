"""Item 12: no two reasons say the same thing, low reasons are notes, and every reason that
needs written approval says so."""

from __future__ import annotations

from greenlight.policy import parse_answers
from greenlight.present import build_request, request_markdown
from tests.unit.policy.build import (
    GUIDANCE,
    assess,
    broken_guidance,
    document,
    guidance_problems,
    outcome,
)

WRITERS_ROOM = {
    "use_case_type": "proprietary_material",
    "involves.proprietary_material_input": True,
    "involves.personal_data_input": True,
    "context.tool_tier": "no_training_terms",
    "principles.enterprise_environment": "no",
}


def test_a_writers_room_case_lists_each_thing_once():
    result = assess(**WRITERS_ROOM)
    assert outcome(result) == (
        "approval",
        [
            "proprietary-material-outside-enterprise",
            "personal-data-input",
            "principle-3-no",
            "tool-terms-own-review",
        ],
        [],
    )
    assert [r.rule for r in result.raising] == list(result.rule_ids[:3])
    assert [r.rule for r in result.notes] == ["tool-terms-own-review"]


def test_a_matrix_row_and_its_situation_are_one_reason():
    for row, tick in [
        ("proprietary_material", "involves.proprietary_material_input"),
        ("key_visual", "involves.key_creative_element"),
        ("unowned_training_data", "involves.unowned_training_data"),
    ]:
        both = assess(**{"use_case_type": row, tick: True})
        assert len(both.reasons) == 1, (row, both.rule_ids)
        assert (
            both.rule_ids == assess(use_case_type=row).rule_ids == assess(**{tick: True}).rule_ids
        )


def test_low_reasons_are_notes_in_the_request_apart_from_the_reasons():
    answers = parse_answers(document(**WRITERS_ROOM), GUIDANCE)
    request = build_request(
        answers, assess(**WRITERS_ROOM), GUIDANCE, production=None, prepared_by="", requested_by=""
    )
    text = request_markdown(request)
    why, notes = text.split("\nWhy\n---\n", 1)[1].split("\nNotes (these raise nothing)\n", 1)
    own_review = GUIDANCE.rule("tool-terms-own-review").text
    assert own_review not in why and own_review in notes.split("\n-----")[0]
    assert GUIDANCE.rule("personal-data-input").text in why


def test_every_reason_that_needs_written_approval_says_so():
    for rule in GUIDANCE.rules:
        if rule.level == "approval":
            assert "written approval" in rule.text, rule.id
            assert not rule.open_text or "written approval" in rule.open_text, rule.id


def test_a_rule_may_not_stand_in_for_a_more_serious_one(tmp_path):
    problems = guidance_problems(
        broken_guidance(
            tmp_path,
            "rules.yaml",
            "    when: {question: context.tool_tier, op: eq, value: no_training_terms}\n",
            "    when: {question: context.tool_tier, op: eq, value: no_training_terms}\n"
            "    supersedes: [personal-data-input]\n",
        )
    )
    assert any(
        "rule tool-terms-own-review supersedes personal-data-input, whose level is higher" in p
        for p in problems
    )
