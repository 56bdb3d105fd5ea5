"""The assessment engine on the shipped guidance: exact levels and reasons, monotonicity."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from tests.unit.samples import CLEAR as CLEAR_PRINCIPLES

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)

# A use that is a clear yes everywhere: the baseline every case below changes.
CLEAR = {
    "title": "Clear use",
    "use_case_type": "other",
    "principles": CLEAR_PRINCIPLES,
    "involves": {},
    "context": {"final_deliverable": False, "tool_tier": "enterprise"},
}


def assess(**changes):
    """Assess CLEAR with dotted-path changes, e.g. assess(**{"context.tool_tier": "unknown"})."""
    doc = copy.deepcopy(CLEAR)
    for path, value in changes.items():
        target = doc
        *parents, last = path.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return ENGINE.assess(parse_answers(doc, GUIDANCE))


def test_clear_use_is_low_with_no_reasons():
    result = assess()
    assert (result.level, result.rule_ids, result.unanswered, result.matrix_row) == (
        "low",
        (),
        (),
        None,
    )
    assert result.actions == GUIDANCE.level("low").actions


PRINCIPLES = [
    ("outputs_original", "principle-1-original-output"),
    ("no_training_on_inputs", "principle-2-no-training"),
    ("enterprise_environment", "principle-3-enterprise"),
    ("temporary_only", "principle-4-temporary"),
    ("no_performance_replacement", "principle-5-performance"),
]


@pytest.mark.parametrize("answer", ["no", "unsure"])
@pytest.mark.parametrize(("key", "rule"), PRINCIPLES)
def test_each_principle_not_a_clear_yes_escalates(key, rule, answer):
    result = assess(**{f"principles.{key}": answer})
    assert (result.level, result.rule_ids) == ("escalate", (rule,))
    assert result.reasons[0].section == "guiding-principles"


@pytest.mark.parametrize(("key", "rule"), PRINCIPLES)
def test_a_missing_principle_counts_as_unsure_and_is_listed(key, rule):
    doc = copy.deepcopy(CLEAR)
    del doc["principles"][key]
    result = ENGINE.assess(parse_answers(doc, GUIDANCE))
    assert (result.level, result.rule_ids, result.unanswered) == (
        "escalate",
        (rule,),
        (f"principles.{key}",),
    )


CASES = {
    # --- written approval: data use (and the enterprise-tool exception, both ways)
    "proprietary in enterprise tool": (
        {"involves.proprietary_material_input": True},
        "escalate",
        ["proprietary-material-input"],
    ),
    "proprietary outside enterprise": (
        {"involves.proprietary_material_input": True, "context.tool_tier": "no_training_terms"},
        "approval",
        [
            "proprietary-material-outside-enterprise",
            "proprietary-material-input",
            "tool-terms-own-review",
        ],
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
        {"involves.digital_replica": True},
        "approval",
        ["digital-replica", "replica-without-consent"],
    ),
    "replica with consent": (
        {"involves.digital_replica": True, "context.talent_consent": True},
        "approval",
        ["digital-replica"],
    ),
    "replica as scripted": (
        {"involves.digital_replica": True, "context.replica_exception": "as_scripted"},
        "approval",
        ["digital-replica"],
    ),
    "replica unsafe for a person": (
        {"involves.digital_replica": True, "context.replica_exception": "unsafe_for_human"},
        "approval",
        ["digital-replica"],
    ),
    "replica unrecognisable": (
        {"involves.digital_replica": True, "context.replica_exception": "unrecognizable"},
        "approval",
        ["digital-replica"],
    ),
    "customary alteration": (
        {"involves.performance_alteration": True, "context.customary_alteration": True},
        "escalate",
        ["performance-alteration"],
    ),
    "significant alteration with consent": (
        {"involves.performance_alteration": True, "context.talent_consent": True},
        "approval",
        ["performance-alteration-significant", "performance-alteration"],
    ),
    "significant alteration without consent": (
        {"involves.performance_alteration": True},
        "approval",
        [
            "performance-alteration-significant",
            "alteration-without-consent",
            "performance-alteration",
        ],
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
        {"context.final_deliverable": True},
        "escalate",
        ["final-deliverable"],
    ),
    "final, incidental": (
        {"context.final_deliverable": True, "context.on_screen": "incidental"},
        "escalate",
        ["final-deliverable"],
    ),
    "final, story-relevant": (
        {"context.final_deliverable": True, "context.on_screen": "story_relevant"},
        "approval",
        ["final-story-relevant", "final-deliverable"],
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
    "vendor pipeline": ({"context.vendor_pipeline": True}, "low", ["vendor-pipeline"]),
    # --- the six matrix rows
    "matrix: ideation": ({"use_case_type": "ideation"}, "low", []),
    "matrix: background, incidental": (
        {"use_case_type": "background_element", "context.on_screen": "incidental"},
        "low",
        ["matrix-background-incidental"],
    ),
    "matrix: background, story-relevant": (
        {"use_case_type": "background_element", "context.on_screen": "story_relevant"},
        "escalate",
        ["matrix-background-story-relevant"],
    ),
    "matrix: background in the final cut": (
        {
            "use_case_type": "background_element",
            "context.final_deliverable": True,
            "context.on_screen": "story_relevant",
        },
        "approval",
        ["final-story-relevant", "final-deliverable", "matrix-background-story-relevant"],
    ),
    "matrix: key visual": ({"use_case_type": "key_visual"}, "approval", ["matrix-key-visual"]),
    "matrix: talent replication": (
        {"use_case_type": "talent_replication"},
        "approval",
        ["replica-without-consent", "matrix-talent-replication"],
    ),
    "matrix: talent replication with consent": (
        {"use_case_type": "talent_replication", "context.talent_consent": True},
        "approval",
        ["matrix-talent-replication"],
    ),
    "matrix: unowned training data": (
        {"use_case_type": "unowned_training_data"},
        "approval",
        ["matrix-unowned-training-data"],
    ),
    "matrix: proprietary in enterprise": (
        {"use_case_type": "proprietary_material"},
        "escalate",
        ["matrix-proprietary-material"],
    ),
    "matrix: proprietary outside enterprise": (
        {"use_case_type": "proprietary_material", "context.tool_tier": "no_training_terms"},
        "approval",
        [
            "matrix-proprietary-outside-enterprise",
            "matrix-proprietary-material",
            "tool-terms-own-review",
        ],
    ),
}


@pytest.mark.parametrize(("changes", "level", "rules"), CASES.values(), ids=CASES.keys())
def test_exact_level_and_reasons(changes, level, rules):
    result = assess(**changes)
    assert result.level == level
    assert list(result.rule_ids) == rules


def test_every_rule_is_exercised_by_a_case():
    fired = {rule for _, _, rules in CASES.values() for rule in rules} | {
        rule for _, rule in PRINCIPLES
    }
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
    doc = {"title": "t", "involves": {"digital_replica": True}}
    result = ENGINE.assess(parse_answers(doc, GUIDANCE))
    assert "context.replica_exception" in result.unanswered
    assert "context.customary_alteration" not in result.unanswered
    assert "context.on_screen" not in result.unanswered


def test_readings_are_attached_to_the_outcomes_they_shape():
    result = assess(**{"context.final_deliverable": True})
    assert result.readings == ("final-deliverables",)


def test_to_dict_has_the_contract_keys():
    data = assess(**{"involves.misleading_content": True}).to_dict()
    assert data["level"] == "approval"
    assert data["reasons"] == [
        {
            "rule": "misleading-content",
            "level": "approval",
            "section": "written-approval.ethics-representation",
            "text": GUIDANCE.rule("misleading-content").text,
        }
    ]
    assert data["guidance"] == {"id": GUIDANCE.id, "version": GUIDANCE.version}
    assert set(data) >= {"level", "reasons", "actions", "unanswered", "matrix_row", "guidance"}


def _answer_documents():
    """Random answers documents: any subset of questions, any of their values."""
    answers = {
        q.id: st.one_of(st.just(None), st.sampled_from(q.values)) for q in GUIDANCE.questions
    }
    return st.fixed_dictionaries(answers)


def _document(flat):
    doc = {"title": "random"}
    for qid, value in flat.items():
        if value is None:
            continue
        *parents, last = qid.split(".")
        target = doc
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return doc


ORDERED = [q for q in GUIDANCE.questions if q.ordered]


@settings(max_examples=400, deadline=None)
@given(flat=_answer_documents(), data=st.data())
def test_a_riskier_answer_never_lowers_the_level(flat, data):
    rank = {level.id: level.rank for level in GUIDANCE.levels}
    q = data.draw(st.sampled_from(ORDERED))
    current = flat[q.id] if flat[q.id] is not None else q.default
    riskier = [o.value for o in q.options if o.rank > q.rank(current)]
    if not riskier:
        return
    before = ENGINE.assess(parse_answers(_document(flat), GUIDANCE))
    flat[q.id] = data.draw(st.sampled_from(riskier))
    after = ENGINE.assess(parse_answers(_document(flat), GUIDANCE))
    assert rank[after.level] >= rank[before.level], (q.id, before.rule_ids, after.rule_ids)


@settings(max_examples=200, deadline=None)
@given(flat=_answer_documents())
def test_level_is_the_highest_reason_and_memo_gives_the_same_result(flat):
    answers = parse_answers(_document(flat), GUIDANCE)
    fresh = Engine(GUIDANCE).assess(answers)
    assert ENGINE.assess(answers) == fresh
    rank = {level.id: level.rank for level in GUIDANCE.levels}
    expected = max((rank[r.level] for r in fresh.reasons), default=0)
    assert rank[fresh.level] == expected
