"""The assessment engine on the shipped guidance: exact levels and reasons, monotonicity."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from tests.unit.policy.build import (
    CLEAR_PRINCIPLES,
    DROP,
    ENGINE,
    GUIDANCE,
    TALENT,
    assess,
    flat_answers,
    nested,
)


def test_clear_use_is_low_with_no_reasons():
    result = assess()
    assert (result.level, result.rule_ids, result.unanswered, result.matrix_row) == (
        "low",
        (),
        (),
        None,
    )
    assert result.actions == GUIDANCE.level("low").actions


# (answer key, rule for unsure, rule and level for no)
PRINCIPLES = [
    ("outputs_original", "principle-1-unsure", "principle-1-no", "approval"),
    ("no_training_on_inputs", "principle-2-unsure", "principle-2-no", "escalate"),
    ("enterprise_environment", "principle-3-unsure", "principle-3-no", "escalate"),
    ("no_performance_replacement", "principle-5-unsure", "principle-5-no", "approval"),
]


@pytest.mark.parametrize(("key", "unsure_rule", "no_rule", "no_level"), PRINCIPLES)
def test_each_principle_unsure_escalates_and_no_says_what_was_said(
    key, unsure_rule, no_rule, no_level
):
    unsure = assess(**{f"principles.{key}": "unsure"})
    assert (unsure.level, unsure.rule_ids) == ("escalate", (unsure_rule,))
    assert unsure.reasons[0].section == "guiding-principles"
    no = assess(**{f"principles.{key}": "no"})
    assert (no.level, no.rule_ids) == (no_level, (no_rule,))
    assert no.reasons[0].text.startswith("You said ")


def test_principle_4_unsure_escalates_and_no_is_a_final_deliverable():
    unsure = assess(**{"principles.temporary_only": "unsure"})
    assert (unsure.level, unsure.rule_ids) == ("escalate", ("principle-4-unsure",))
    no = assess(**{"principles.temporary_only": "no", "context.on_screen": "incidental"})
    assert (no.level, no.rule_ids, no.unanswered) == ("approval", ("final-deliverable",), ())


@pytest.mark.parametrize(("key", "unsure_rule", "no_rule", "no_level"), PRINCIPLES)
def test_a_missing_principle_counts_as_no_and_is_listed(key, unsure_rule, no_rule, no_level):
    result = assess(**{f"principles.{key}": DROP})
    assert (result.level, result.rule_ids, result.unanswered) == (
        no_level,
        (no_rule,),
        (f"principles.{key}",),
    )
    assert result.reasons[0].text == GUIDANCE.rule(no_rule).open_text


CASES = {
    # --- written approval: data use (and the enterprise-tool exception, both ways)
    "proprietary in enterprise tool": (
        {"involves.proprietary_material_input": True},
        "escalate",
        ["proprietary-material"],
    ),
    "proprietary outside enterprise": (
        {"involves.proprietary_material_input": True, "context.tool_tier": "no_training_terms"},
        "approval",
        ["proprietary-material-outside-enterprise", "tool-terms-own-review"],
    ),
    "personal data even in enterprise tool": (
        {"involves.personal_data_input": True},
        "approval",
        ["personal-data-input"],
    ),
    "unowned training data": (
        {"involves.unowned_training_data": True},
        "approval",
        ["unowned-training-data"],
    ),
    # --- creative output
    "key creative element": (
        {"involves.key_creative_element": True},
        "approval",
        ["key-creative-element"],
    ),
    "copyrighted reference": (
        {"involves.copyrighted_reference": True},
        "approval",
        ["copyrighted-reference"],
    ),
    "public figure": (
        {"involves.public_figure_likeness": True},
        "approval",
        ["public-figure-likeness"],
    ),
    # --- talent and performance, with the consent and customary exceptions both ways
    "replica without consent": (
        {**TALENT, "involves.digital_replica": True, "context.talent_consent": False},
        "approval",
        ["digital-replica", "replica-without-consent"],
    ),
    "replica with consent, no exception": (
        {**TALENT, "involves.digital_replica": True, "context.replica_exception": "none"},
        "approval",
        ["digital-replica", "replica-further-use"],
    ),
    "replica as scripted": (
        {**TALENT, "involves.digital_replica": True},
        "approval",
        ["digital-replica"],
    ),
    "replica unsafe for a person": (
        {
            **TALENT,
            "involves.digital_replica": True,
            "context.replica_exception": "unsafe_for_human",
        },
        "approval",
        ["digital-replica"],
    ),
    "replica unrecognisable": (
        {**TALENT, "involves.digital_replica": True, "context.replica_exception": "unrecognizable"},
        "approval",
        ["digital-replica"],
    ),
    "customary alteration": (
        {
            **TALENT,
            "involves.performance_alteration": True,
            "context.alteration_kind": "post_production",
        },
        "escalate",
        ["performance-alteration"],
    ),
    "alteration of another kind with consent": (
        {**TALENT, "involves.performance_alteration": True, "context.alteration_kind": "other"},
        "approval",
        ["alteration-not-customary"],
    ),
    "alteration of another kind without consent": (
        {
            **TALENT,
            "involves.performance_alteration": True,
            "context.alteration_kind": "other",
            "context.talent_consent": False,
        },
        "approval",
        ["alteration-without-consent"],
    ),
    "significant alteration without consent": (
        {
            **TALENT,
            "involves.performance_alteration": True,
            "context.alteration_kind": "tone_delivery_intent",
            "context.talent_consent": False,
        },
        "approval",
        ["alteration-significant", "alteration-without-consent"],
    ),
    "talent model reuse": (
        {"involves.talent_model_reuse": True},
        "approval",
        ["talent-model-reuse"],
    ),
    "harm to talent, unsure": (
        {**TALENT, "involves.digital_replica": True, "context.harm_to_talent": "unsure"},
        "approval",
        ["digital-replica", "harm-to-talent-unsure"],
    ),
    "harm to talent": (
        {**TALENT, "involves.digital_replica": True, "context.harm_to_talent": "yes"},
        "approval",
        ["digital-replica", "harm-to-talent"],
    ),
    # --- ethics and representation
    "misleading content": (
        {"involves.misleading_content": True},
        "approval",
        ["misleading-content"],
    ),
    "union work": ({"involves.union_work_impact": True}, "approval", ["union-work-impact"]),
    # --- final versus temporary
    "final, not on screen": (
        {"context.final_deliverable": True, "context.on_screen": "none"},
        "approval",
        ["final-deliverable"],
    ),
    "final, incidental, not a background element": (
        {"context.final_deliverable": True, "context.on_screen": "incidental"},
        "approval",
        ["final-deliverable"],
    ),
    "final, story-relevant, with human input": (
        {
            "context.final_deliverable": True,
            "context.on_screen": "story_relevant",
            "context.human_input": True,
        },
        "approval",
        ["final-deliverable"],
    ),
    "final, story-relevant, no human input": (
        {
            "context.final_deliverable": True,
            "context.on_screen": "story_relevant",
            "context.human_input": False,
        },
        "approval",
        ["final-deliverable", "prominent-without-human-input"],
    ),
    "temporary, story-relevant": ({"context.on_screen": "story_relevant"}, "low", []),
    # --- confidentiality and vendors
    "unknown tool terms": (
        {"context.tool_tier": "unknown"},
        "escalate",
        ["tool-terms-unknown"],
    ),
    "no-training terms": (
        {"context.tool_tier": "no_training_terms"},
        "low",
        ["tool-terms-own-review"],
    ),
    "vendor pipeline, every step meets the principles": (
        {"context.vendor_pipeline": True, "context.pipeline_meets_principles": "yes"},
        "low",
        ["vendor-pipeline"],
    ),
    "vendor pipeline, unsure": (
        {"context.vendor_pipeline": True, "context.pipeline_meets_principles": "unsure"},
        "escalate",
        ["pipeline-unsure", "vendor-pipeline"],
    ),
    "vendor pipeline, no": (
        {"context.vendor_pipeline": True, "context.pipeline_meets_principles": "no"},
        "escalate",
        ["pipeline-no", "vendor-pipeline"],
    ),
    # --- the six matrix rows
    "matrix: ideation": ({"use_case_type": "ideation"}, "low", []),
    "matrix: background, incidental": (
        {"use_case_type": "background_element", "context.on_screen": "incidental"},
        "low",
        ["matrix-background-incidental"],
    ),
    "matrix: background, story-relevant": (
        {
            "use_case_type": "background_element",
            "context.on_screen": "story_relevant",
            "context.human_input": True,
        },
        "escalate",
        ["matrix-background-story-relevant"],
    ),
    "matrix: incidental background in the final cut": (
        {
            "use_case_type": "background_element",
            "context.final_deliverable": True,
            "context.on_screen": "incidental",
        },
        "escalate",
        ["final-background-element", "matrix-background-incidental"],
    ),
    "matrix: story-relevant background in the final cut": (
        {
            "use_case_type": "background_element",
            "context.final_deliverable": True,
            "context.on_screen": "story_relevant",
            "context.human_input": True,
        },
        "approval",
        ["final-deliverable", "matrix-background-story-relevant"],
    ),
    "matrix: key visual": ({"use_case_type": "key_visual"}, "approval", ["key-creative-element"]),
    "matrix: talent replication": (
        {**TALENT, "use_case_type": "talent_replication", "context.talent_consent": False},
        "approval",
        ["digital-replica", "replica-without-consent"],
    ),
    "matrix: talent replication with consent": (
        {**TALENT, "use_case_type": "talent_replication"},
        "approval",
        ["digital-replica"],
    ),
    "matrix: unowned training data": (
        {"use_case_type": "unowned_training_data"},
        "approval",
        ["unowned-training-data"],
    ),
    "matrix: proprietary in enterprise": (
        {"use_case_type": "proprietary_material"},
        "escalate",
        ["proprietary-material"],
    ),
    "a tool the studio does not allow": (
        {"context.tool_not_allowed": True},
        "approval",
        ["tool-not-allowed"],
    ),
    "matrix: proprietary outside enterprise": (
        {"use_case_type": "proprietary_material", "context.tool_tier": "no_training_terms"},
        "approval",
        ["proprietary-material-outside-enterprise", "tool-terms-own-review"],
    ),
}


@pytest.mark.parametrize(("changes", "level", "rules"), CASES.values(), ids=CASES.keys())
def test_exact_level_and_reasons(changes, level, rules):
    result = assess(**changes)
    assert result.level == level
    assert list(result.rule_ids) == rules


def test_every_rule_is_exercised_by_a_case():
    fired = (
        {rule for _, _, rules in CASES.values() for rule in rules}
        | {rule for _, unsure, no, _ in PRINCIPLES for rule in (unsure, no)}
        | {"principle-4-unsure"}
    )
    assert fired == {rule.id for rule in GUIDANCE.rules}


@pytest.mark.parametrize("row", [row.id for row in GUIDANCE.matrix])
def test_matrix_row_is_reported(row):
    assert assess(use_case_type=row).matrix_row == row


def test_reasons_cite_real_sections_and_carry_plain_text():
    sections = {section.id for section in GUIDANCE.sections}
    result = assess(**{"involves.digital_replica": True, "principles.outputs_original": "no"})
    for reason in result.reasons:
        assert reason.section in sections
        assert reason.text.endswith(".") and "\n" not in reason.text


def test_actions_start_with_the_level_and_are_not_repeated():
    result = assess(**{"involves.digital_replica": True, "involves.performance_alteration": True})
    assert result.actions[:3] == GUIDANCE.level("approval").actions
    assert len(result.actions) == len(set(result.actions))


def test_context_questions_are_unanswered_only_where_they_matter():
    doc = {
        "title": "t",
        "principles": CLEAR_PRINCIPLES,
        "involves": {"digital_replica": True},
        "context": {"final_deliverable": False},
    }
    result = ENGINE.assess(parse_answers(doc, GUIDANCE))
    assert "context.replica_exception" in result.unanswered
    assert "context.alteration_kind" not in result.unanswered
    assert "context.on_screen" not in result.unanswered


def test_readings_are_attached_to_the_outcomes_they_shape():
    result = assess(**{"context.final_deliverable": True})
    assert result.readings == ("final-deliverables",)


def test_to_dict_has_the_contract_keys():
    data = assess(
        **{"involves.misleading_content": True, "context.tool_tier": "no_training_terms"}
    ).to_dict()
    assert data["level"] == "approval"
    assert data["reasons"] == [
        {
            "rule": "misleading-content",
            "level": "approval",
            "section": "written-approval.ethics-representation",
            "text": GUIDANCE.rule("misleading-content").text,
        }
    ]
    assert [note["rule"] for note in data["notes"]] == ["tool-terms-own-review"]
    assert data["guidance"] == {"id": GUIDANCE.id, "version": GUIDANCE.version}
    assert set(data) >= {"level", "reasons", "actions", "unanswered", "matrix_row", "guidance"}


ORDERED = [q for q in GUIDANCE.questions if q.ordered]


@settings(max_examples=400, deadline=None)
@given(flat=flat_answers(), data=st.data())
def test_a_riskier_answer_never_lowers_the_level(flat, data):
    rank = {level.id: level.rank for level in GUIDANCE.levels}
    q = data.draw(st.sampled_from(ORDERED))
    current = flat[q.id] if flat[q.id] is not None else q.default
    riskier = [o.value for o in q.options if o.rank > q.rank(current)]
    if not riskier:
        return
    before = ENGINE.assess(parse_answers(nested(flat), GUIDANCE))
    flat[q.id] = data.draw(st.sampled_from(riskier))
    after = ENGINE.assess(parse_answers(nested(flat), GUIDANCE))
    assert rank[after.level] >= rank[before.level], (q.id, before.rule_ids, after.rule_ids)


@settings(max_examples=200, deadline=None)
@given(flat=flat_answers())
def test_level_is_the_highest_reason_and_memo_gives_the_same_result(flat):
    answers = parse_answers(nested(flat), GUIDANCE)
    fresh = Engine(GUIDANCE).assess(answers)
    assert ENGINE.assess(answers) == fresh
    rank = {level.id: level.rank for level in GUIDANCE.levels}
    expected = max((rank[r.level] for r in fresh.reasons), default=0)
    assert rank[fresh.level] == expected
