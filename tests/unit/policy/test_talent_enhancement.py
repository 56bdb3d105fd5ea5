"""Items 4 to 7: replica consent, the kinds of alteration (and the 2026.11 alias), model
usage and quality assurance."""

from __future__ import annotations

import pytest

from greenlight.policy import load_answers, parse_answers
from tests.unit.policy.build import DROP, ENGINE, GUIDANCE, TALENT, assess, document, outcome

REPLICA = {**TALENT, "involves.digital_replica": True}
ALTERATION = {**TALENT, "involves.performance_alteration": True}

# --- item 4: consent to create a replica is always required ---------------------------------


@pytest.mark.parametrize("exception", ["as_scripted", "unsafe_for_human", "unrecognizable", "none"])
def test_an_exception_never_silences_the_missing_consent(exception):
    result = assess(
        **{**REPLICA, "context.talent_consent": False, "context.replica_exception": exception}
    )
    assert outcome(result) == ("approval", ["digital-replica", "replica-without-consent"], [])
    assert result.reasons[1].text == (
        "You said the performer's documented consent is missing: creating a digital replica "
        "always needs it (the exceptions only spare further consent to use a replica made with "
        "consent), and the use needs written approval."
    )


def test_with_consent_an_exception_spares_further_consent_to_use_the_replica():
    assert outcome(assess(**REPLICA)) == ("approval", ["digital-replica"], [])
    outside = assess(**{**REPLICA, "context.replica_exception": "none"})
    assert outcome(outside) == ("approval", ["digital-replica", "replica-further-use"], [])


# --- item 5: the kinds of alteration -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["as_performed", "post_production", "dubbing_or_double"])
def test_a_customary_alteration_is_escalated_without_consent(kind):
    result = assess(
        **{**ALTERATION, "context.alteration_kind": kind, "context.talent_consent": False}
    )
    assert outcome(result) == ("escalate", ["performance-alteration"], [])


@pytest.mark.parametrize("kind", ["tone_delivery_intent", "visual_adr"])
def test_visual_adr_and_changes_of_tone_need_approval_even_with_consent(kind):
    result = assess(**{**ALTERATION, "context.alteration_kind": kind})
    assert outcome(result) == ("approval", ["alteration-significant"], [])
    assert "written approval even where such changes are common practice" in (
        result.reasons[0].text
    )


def test_another_alteration_needs_consent_and_approval():
    assert outcome(assess(**{**ALTERATION, "context.alteration_kind": "other"})) == (
        "approval",
        ["alteration-not-customary"],
        [],
    )
    without = assess(
        **{**ALTERATION, "context.alteration_kind": "other", "context.talent_consent": False}
    )
    assert outcome(without) == ("approval", ["alteration-without-consent"], [])


def test_the_kind_is_a_pick_list_of_what_the_guidance_names():
    q = GUIDANCE.question("context.alteration_kind")
    assert q.kind == "choice"
    assert q.values == (
        "as_performed",
        "post_production",
        "dubbing_or_double",
        "other",
        "tone_delivery_intent",
        "visual_adr",
    )
    assert q.riskiest == "visual_adr"


def test_a_2026_11_document_saying_not_customary_reads_as_another_kind():
    text = (
        "title: Lip-sync fix\nuse_case_type: other\nprinciples: {outputs_original: yes, no_training_on_inputs: yes,"
        " enterprise_environment: yes, temporary_only: yes, no_performance_replacement: yes}\n"
        "involves: {performance_alteration: true}\n"
        "context: {final_deliverable: false, tool_tier: enterprise, vendor_pipeline: false,"
        " customary_alteration: false, talent_consent: true, harm_to_talent: 'no'}\n"
    )
    answers = load_answers(text, GUIDANCE)
    assert answers.values["context.alteration_kind"] == "other"
    assert answers.notes == ("context.customary_alteration: " + GUIDANCE.aliases[0].note,)
    assert outcome(ENGINE.assess(answers)) == ("approval", ["alteration-not-customary"], [])


def test_a_2026_11_document_saying_customary_leaves_the_kind_open():
    doc = document(**{**ALTERATION, "context.customary_alteration": True})
    answers = parse_answers(doc, GUIDANCE)
    assert "context.alteration_kind" not in answers.provided
    result = ENGINE.assess(answers)
    assert outcome(result) == ("approval", ["alteration-significant"], ["context.alteration_kind"])
    assert result.reasons[0].text == GUIDANCE.rule("alteration-significant").open_text


def test_the_new_key_wins_over_the_old_one():
    doc = document(
        **{
            **ALTERATION,
            "context.alteration_kind": "post_production",
            "context.customary_alteration": False,
        }
    )
    assert parse_answers(doc, GUIDANCE).values["context.alteration_kind"] == "post_production"


def test_an_old_key_with_a_value_it_never_had_is_refused():
    from greenlight.policy import AnswersError

    with pytest.raises(AnswersError) as caught:
        parse_answers(document(**{"context.customary_alteration": "maybe"}), GUIDANCE)
    assert [str(p) for p in caught.value.problems] == [
        "context.customary_alteration: 'maybe' is not one of false, true"
    ]


# --- item 6: model usage ---------------------------------------------------------------------


def test_a_talent_model_used_beyond_this_production_needs_approval():
    result = assess(**{"involves.talent_model_reuse": True})
    assert outcome(result) == ("approval", ["talent-model-reuse"], [])
    assert result.reasons[0].section == "talent-enhancement.model-usage"
    assert "express consent of everyone involved and written approval" in result.reasons[0].text


# --- item 7: quality assurance ----------------------------------------------------------------


def test_harm_to_the_performer_needs_approval_and_unsure_escalates():
    alteration = {**ALTERATION, "context.alteration_kind": "post_production"}
    assert outcome(assess(**{**alteration, "context.harm_to_talent": "yes"})) == (
        "approval",
        ["harm-to-talent", "performance-alteration"],
        [],
    )
    assert outcome(assess(**{**alteration, "context.harm_to_talent": "unsure"})) == (
        "escalate",
        ["performance-alteration", "harm-to-talent-unsure"],
        [],
    )
    skipped = assess(**{**alteration, "context.harm_to_talent": DROP})
    assert outcome(skipped) == (
        "approval",
        ["harm-to-talent", "performance-alteration"],
        ["context.harm_to_talent"],
    )


def test_the_actions_include_early_tests_and_capture_sessions():
    result = assess(**{**REPLICA, "context.harm_to_talent": "unsure"})
    assert "Run early tests of the output with the creative team before any final use." in (
        result.actions
    )
    assert (
        "Where useful and practical, plan a dedicated data-capture session with the talent."
        in result.actions
    )
