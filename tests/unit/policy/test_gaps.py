"""Item 1: a question left open never lowers the level; one that does not apply stays out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from greenlight.policy import parse_answers
from greenlight.present import answer_rows, build_request, request_markdown
from tests.unit.policy.build import (
    DROP,
    ENGINE,
    GUIDANCE,
    assess,
    background,
    document,
    flat_answers,
    nested,
    outcome,
)

RANK = {level.id: level.rank for level in GUIDANCE.levels}


def test_story_relevant_background_with_the_final_cut_skipped_needs_approval():
    result = background("story_relevant", final_deliverable=DROP, human_input=True)
    assert outcome(result) == (
        "approval",
        ["final-deliverable", "matrix-background-story-relevant"],
        ["context.final_deliverable"],
    )
    assert result.reasons[0].text == (
        "Whether generated material reaches a final deliverable is not answered yet, so it "
        "counts as yes: a final deliverable needs written approval."
    )


def test_incidental_background_with_the_final_cut_skipped_is_escalated():
    result = background("incidental", final_deliverable=DROP)
    assert outcome(result) == (
        "escalate",
        ["final-background-element", "matrix-background-incidental"],
        ["context.final_deliverable"],
    )
    assert result.reasons[0].text == GUIDANCE.rule("final-background-element").open_text


def test_a_bare_title_counts_every_asked_question_as_its_riskiest_answer():
    result = ENGINE.assess(parse_answers({"title": "only a title"}, GUIDANCE))
    assert result.level == "approval"
    assert list(result.unanswered) == [
        "use_case_type",
        "principles.outputs_original",
        "principles.no_training_on_inputs",
        "principles.enterprise_environment",
        "principles.temporary_only",
        "principles.no_performance_replacement",
        "context.final_deliverable",
        "context.on_screen",
        "context.human_input",
        "context.tool_tier",
        "context.vendor_pipeline",
        "context.pipeline_meets_principles",
    ]


def test_the_involves_checklist_keeps_not_ticked_as_not_involved():
    assert outcome(assess()) == ("low", [], [])
    assert not any(qid.startswith("involves.") for qid in assess(involves={}).unanswered)


def test_a_question_that_does_not_apply_stays_out_of_the_outcome_and_the_request():
    answers = parse_answers(
        document(
            **{
                "context.talent_consent": False,
                "context.replica_exception": "none",
                "context.pipeline_meets_principles": "unsure",
            }
        ),
        GUIDANCE,
    )
    result = ENGINE.assess(answers)
    assert outcome(result) == ("low", [], [])
    assert {"context.talent_consent", "context.replica_exception"} <= set(result.not_applicable)
    rows = {row.question_id for row in answer_rows(answers, GUIDANCE, result)}
    assert "context.talent_consent" not in rows and "context.on_screen" not in rows
    request = request_markdown(
        build_request(answers, result, GUIDANCE, production=None, prepared_by="", requested_by="")
    )
    assert GUIDANCE.question("context.talent_consent").label not in request
    assert GUIDANCE.question("context.final_deliverable").label in request


def test_a_gap_shows_the_answer_it_counts_as_in_the_request():
    answers = parse_answers(document(**{"context.tool_tier": DROP}), GUIDANCE)
    result = ENGINE.assess(answers)
    (row,) = [r for r in answer_rows(answers, GUIDANCE, result) if r.question_id.endswith("tier")]
    assert row.answer == "not answered (counted as unknown or consumer terms)"


# --- properties ------------------------------------------------------------------------------

ASKED = [
    q
    for q in GUIDANCE.questions
    if q.group in ("principles", "context") and q.report_missing and q.ordered
]


def _assess(flat):
    return ENGINE.assess(parse_answers(nested(flat), GUIDANCE))


# Answered from the studio's tool registry for a registered tool; a person may say yes, and
# leaving it open must not count as a tool the studio forbids for every use ever logged.
REGISTRY_ANSWERED = {"context.tool_not_allowed"}


def test_every_principle_and_context_question_is_asked():
    assert {q.id for q in ASKED} == {
        q.id for q in GUIDANCE.questions if q.group in ("principles", "context")
    } - REGISTRY_ANSWERED
    assert all(GUIDANCE.question(qid).default is False for qid in REGISTRY_ANSWERED)


@settings(max_examples=300, deadline=None)
@given(flat=flat_answers(), data=st.data())
def test_removing_an_answer_never_gives_a_lower_level_than_any_answer_would(flat, data):
    q = data.draw(st.sampled_from(ASKED))
    flat[q.id] = None
    skipped = RANK[_assess(flat).level]
    for value in q.values:
        flat[q.id] = value
        answered = _assess(flat)
        assert skipped >= RANK[answered.level], (q.id, value, answered.rule_ids)
