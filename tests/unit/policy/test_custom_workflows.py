"""Item 8: every step of a custom workflow meets the principles; the questions ask about
every tool in it."""

from __future__ import annotations

from tests.unit.policy.build import DROP, GUIDANCE, assess, outcome

PIPELINE = {"context.vendor_pipeline": True}


def test_every_step_meeting_the_principles_leaves_a_note():
    result = assess(**PIPELINE, **{"context.pipeline_meets_principles": "yes"})
    assert outcome(result) == ("low", ["vendor-pipeline"], [])
    assert [r.rule for r in result.notes] == ["vendor-pipeline"] and not result.raising


def test_unsure_and_no_escalate():
    unsure = assess(**PIPELINE, **{"context.pipeline_meets_principles": "unsure"})
    assert outcome(unsure) == ("escalate", ["pipeline-unsure", "vendor-pipeline"], [])
    no = assess(**PIPELINE, **{"context.pipeline_meets_principles": "no"})
    assert outcome(no) == ("escalate", ["pipeline-no", "vendor-pipeline"], [])
    assert no.reasons[0].text == (
        "You said a step of the workflow does not meet the principles; each step must meet them."
    )


def test_a_skipped_workflow_question_counts_as_a_workflow_not_shown_to_meet_them():
    result = assess(**{"context.vendor_pipeline": DROP})
    assert outcome(result) == (
        "escalate",
        ["pipeline-no", "vendor-pipeline"],
        ["context.vendor_pipeline", "context.pipeline_meets_principles"],
    )
    assert result.reasons[0].text == GUIDANCE.rule("pipeline-no").open_text


def test_the_principle_and_terms_questions_ask_about_every_tool():
    assert (
        "every tool in the workflow" in GUIDANCE.question("principles.no_training_on_inputs").label
    )
    assert (
        "every tool in the workflow" in GUIDANCE.question("principles.enterprise_environment").label
    )
    assert "tools of the workflow" in GUIDANCE.question("context.tool_tier").label
    assert "no tool in the workflow" in GUIDANCE.question("principles.outputs_original").help
