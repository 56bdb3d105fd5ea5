"""Answers from the studio's records: the `performers:` and `tools:` lists of an answers
document, and resolve(), which folds a registry's facts into a person's answers."""

from __future__ import annotations

import pytest

from greenlight.policy import (
    AnswersError,
    Engine,
    Fact,
    parse_answers,
    resolve,
    stored_answers,
)
from tests.unit.policy.build import GUIDANCE

ENGINE = Engine(GUIDANCE)
TOOL = "tool:T-1"


def answers(**doc):
    return parse_answers({"title": "Storyboard pass", **doc}, GUIDANCE)


def test_links_round_trip_through_the_document_and_the_stored_reader():
    given = answers(performers=["P-1", "P-2"], tools=["T-9", "other"])
    assert given.linked("performers") == ("P-1", "P-2")
    assert given.linked("tools") == ("T-9", "other")
    document = given.to_document(GUIDANCE)
    assert document["performers"] == ["P-1", "P-2"] and document["tools"] == ["T-9", "other"]
    again = stored_answers(document, GUIDANCE)
    assert again == given and again.links == given.links
    assert "performers" not in answers().to_document(GUIDANCE)


def test_links_change_nothing_by_themselves():
    plain = ENGINE.assess(answers(use_case_type="ideation"))
    linked = ENGINE.assess(answers(use_case_type="ideation", performers=["P-1"], tools=["T-1"]))
    assert linked == plain


@pytest.mark.parametrize(
    ("lists", "problem"),
    [
        ({"performers": "P-1"}, "performers: expected a list of ids, not 'P-1'"),
        ({"tools": ["T-1", "T-1"]}, "tools[2]: 'T-1' is named twice"),
        ({"tools": ["../x"]}, "tools[1]: '../x' is not an id"),
        ({"performers": [7]}, "performers[1]: 7 is not an id"),
        ({"tools": [f"T-{n}" for n in range(51)]}, "tools: names 51 ids; the limit is 50"),
    ],
)
def test_bad_lists_are_refused_with_their_path(lists, problem):
    with pytest.raises(AnswersError) as caught:
        answers(**lists)
    assert any(str(p).startswith(problem) for p in caught.value.problems), caught.value.problems


def test_a_fact_answers_a_question_the_person_left_open():
    fact = Fact("context.tool_tier", "enterprise", "Studio Draw: enterprise agreement", TOOL)
    resolved = resolve(answers(), [fact], GUIDANCE)
    assert resolved.answers.values["context.tool_tier"] == "enterprise"
    assert "context.tool_tier" in resolved.answers.provided
    assert resolved.facts_for("context.tool_tier") == (fact,)
    assert resolved.raised == frozenset()
    assert "context.tool_tier" not in ENGINE.assess(resolved.answers).unanswered


def test_a_person_may_answer_more_riskily_than_the_records_never_less():
    safe = Fact("principles.no_training_on_inputs", "yes", "Studio Draw: trains on nothing", TOOL)
    riskier_person = answers(principles={"no_training_on_inputs": "unsure"})
    kept = resolve(riskier_person, [safe], GUIDANCE)
    assert kept.answers.values["principles.no_training_on_inputs"] == "unsure"
    assert kept.raised == frozenset()

    risky = Fact("principles.no_training_on_inputs", "no", "Sketchy: trains on inputs", TOOL)
    safer_person = answers(principles={"no_training_on_inputs": "yes"})
    raised = resolve(safer_person, [risky], GUIDANCE)
    assert raised.answers.values["principles.no_training_on_inputs"] == "no"
    assert raised.raised == {"principles.no_training_on_inputs"}
    assert "principle-2-no" in ENGINE.assess(raised.answers).rule_ids


def test_the_riskiest_fact_wins_and_a_boolean_whose_safe_answer_is_true_reads_the_right_way():
    facts = [
        Fact("context.tool_tier", "enterprise", "A", "tool:A"),
        Fact("context.tool_tier", "unknown", "B", "tool:B"),
        Fact("context.tool_tier", "no_training_terms", "C", "tool:C"),
    ]
    assert resolve(answers(), facts, GUIDANCE).answers.values["context.tool_tier"] == "unknown"
    # Consent: true is the safe answer. The ledger saying no wins over a person's yes.
    consent = Fact("context.talent_consent", False, "Jane Roe: no consent on file", "performer:P")
    said_yes = answers(involves={"digital_replica": True}, context={"talent_consent": True})
    resolved = resolve(said_yes, [consent], GUIDANCE)
    assert resolved.answers.values["context.talent_consent"] is False
    assert "replica-without-consent" in ENGINE.assess(resolved.answers).rule_ids


def test_facts_for_questions_the_guidance_lacks_are_left_out_and_bad_values_refused():
    alien = Fact("context.no_such_question", True, "elsewhere", TOOL)
    assert resolve(answers(), [alien], GUIDANCE).facts == ()
    with pytest.raises(ValueError, match="not one of its answers"):
        resolve(answers(), [Fact("context.tool_tier", "gold", "x", TOOL)], GUIDANCE)


def test_a_tool_the_studio_does_not_allow_needs_written_approval():
    banned = Fact("context.tool_not_allowed", True, "Sketchy: not allowed", TOOL)
    result = ENGINE.assess(resolve(answers(use_case_type="ideation"), [banned], GUIDANCE).answers)
    assert result.level == "approval"
    assert "tool-not-allowed" in result.rule_ids
