"""The words of the log's filters that the overview's bars open: reasons by their short
labels, principles by their number and the answer counted."""

from __future__ import annotations

from greenlight.policy import Guidance

# The answers to a principle that count as not clear, most serious first: the values the
# store's outcome_principles rows hold (UseFilter.principles, "question_id:answer").
UNCLEAR_ANSWERS = ("no", "unsure")
PRINCIPLE_SEP = ":"


def rule_name(rule_id: str) -> str:
    """A rule id as a short axis label: 'principle-4-temporary' -> 'Principle 4 temporary'
    (for a rule the guidance no longer has; a declared rule shows its `short` label)."""
    words = rule_id.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def rule_label(guidance: Guidance, rule_id: str) -> str:
    """A rule's short label as the guidance declares it, else its id in words."""
    short = {rule.id: rule.short for rule in guidance.rules}.get(rule_id)
    return short or rule_name(rule_id)


def principle_value(question_id: str, answer: str) -> str:
    """A principle filter's value: this principle counted as this answer."""
    return f"{question_id}{PRINCIPLE_SEP}{answer}"


def principle_options(guidance: Guidance) -> list[str]:
    """Every principle filter the log offers: each guiding principle answered no, then unsure."""
    return [
        principle_value(question.id, answer)
        for question in guidance.principle_questions
        for answer in UNCLEAR_ANSWERS
    ]


def principle_filter_label(guidance: Guidance, value: str) -> str:
    """'P1 No: Will the output …?' for a principle filter's value (the id if undeclared):
    the answer first, so a chip cut short on a phone still says it."""
    question_id, _, answer = value.rpartition(PRINCIPLE_SEP)
    question = guidance.questions_by_id.get(question_id)
    if question is None:
        return value
    label = next((o.label for o in question.options if str(o.value) == answer), answer)
    number = f"P{question.number} " if question.number else ""
    return f"{number}{label}: {question.label}"
