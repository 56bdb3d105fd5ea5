"""The words of the log's reason and principle filters, read from the guidance."""

from __future__ import annotations

from greenlight.policy import load_guidance
from greenlight.present import principle_filter_label, principle_options, rule_label

GUIDANCE = load_guidance()


def test_every_principle_is_offered_answered_no_then_unsure():
    ids = [q.id for q in GUIDANCE.principle_questions]
    assert principle_options(GUIDANCE) == [f"{q}:{a}" for q in ids for a in ("no", "unsure")]


def test_a_principle_filter_says_its_number_and_answer_first():
    first = GUIDANCE.principle_questions[0]
    assert principle_filter_label(GUIDANCE, f"{first.id}:unsure") == (
        f"P{first.number} Unsure: {first.label}"
    )
    assert principle_filter_label(GUIDANCE, "principles.retired:no") == "principles.retired:no"


def test_a_reason_filter_shows_the_rule_s_short_label():
    assert rule_label(GUIDANCE, "key-creative-element") == "Key creative element"
    assert rule_label(GUIDANCE, "principle-9-retired") == "Principle 9 retired"
