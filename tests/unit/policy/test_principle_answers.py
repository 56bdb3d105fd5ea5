"""Item 3: a principle answered no that states a fact of the written-approval list needs
written approval; unsure still escalates."""

from __future__ import annotations

import pytest

from tests.unit.policy.build import DROP, GUIDANCE, assess, outcome


def test_principle_1_no_is_third_party_ip():
    result = assess(**{"principles.outputs_original": "no"})
    assert outcome(result) == ("approval", ["principle-1-no"], [])
    assert result.reasons[0].text == (
        "You said the output will recreate identifiable parts of material the production does "
        "not own or of copyrighted work (principle 1); that is third-party IP, which needs "
        "written approval."
    )


def test_principle_4_no_is_a_final_deliverable():
    result = assess(**{"principles.temporary_only": "no", "context.on_screen": "incidental"})
    assert outcome(result) == ("approval", ["final-deliverable"], [])


def test_principle_4_no_asks_how_prominent_the_element_is():
    result = assess(**{"principles.temporary_only": "no"})
    assert outcome(result) == (
        "approval",
        ["final-deliverable", "prominent-without-human-input"],
        ["context.on_screen", "context.human_input"],
    )


def test_principle_5_no_needs_written_approval():
    result = assess(**{"principles.no_performance_replacement": "no"})
    assert outcome(result) == ("approval", ["principle-5-no"], [])
    assert result.reasons[0].text == (
        "You said the use replaces or creates a performance or union-covered work without "
        "consent (principle 5), which needs written approval."
    )


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("outputs_original", "principle-1-unsure"),
        ("no_training_on_inputs", "principle-2-unsure"),
        ("enterprise_environment", "principle-3-unsure"),
        ("temporary_only", "principle-4-unsure"),
        ("no_performance_replacement", "principle-5-unsure"),
    ],
)
def test_unsure_stays_escalate(key, rule):
    assert outcome(assess(**{f"principles.{key}": "unsure"})) == ("escalate", [rule], [])


def test_a_skipped_principle_says_it_is_open_not_that_you_said_no():
    result = assess(**{"principles.outputs_original": DROP})
    assert outcome(result) == ("approval", ["principle-1-no"], ["principles.outputs_original"])
    assert result.reasons[0].text == GUIDANCE.rule("principle-1-no").open_text
    assert "You said" not in result.reasons[0].text
