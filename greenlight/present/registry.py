"""How the answers a registry gave a use read: beside the question they answer, and under
the reasons they made fire (a reason's rule reads the question), each naming its record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from greenlight.policy import Fact, Guidance, Question, Reason, questions_of

# What a page calls the registry a fact came from, by the kind of record it names.
SOURCES = {
    "tool": "tool registry",
    "workflow": "tool registry",
    "consent": "talent consent ledger",
    "performer": "talent consent ledger",
}


def source_name(fact: Fact) -> str:
    """The registry a fact came from, in words ("tool registry")."""
    return SOURCES.get(fact.subject.partition(":")[0], "studio's records")


def question_name(question: Question) -> str:
    """A question as a fact's line names it: "Principle 2", or its label without the "?"."""
    return f"Principle {question.number}" if question.number else question.label.rstrip("?")


def fact_line(guidance: Guidance, fact: Fact) -> str:
    """One fact as a line of plain text, naming its question: "Principle 2: Yes, from the
    tool registry: Studio Firefly: enterprise agreement, reviewed 2026-11-02 by Ada Admin"."""
    name = question_name(guidance.question(fact.question))
    return f"{name}: {answer_line(guidance, fact)}"


def answer_line(guidance: Guidance, fact: Fact) -> str:
    """One fact as a line under its own question: "Yes, from the tool registry: ..."."""
    answer = guidance.question(fact.question).label_of(fact.value)
    return f"{answer}, from the {source_name(fact)}: {fact.source}"


def facts_by_question(facts: Iterable[Fact]) -> dict[str, tuple[Fact, ...]]:
    """The facts grouped by the question they answer, in the order given."""
    grouped: dict[str, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault(fact.question, []).append(fact)
    return {qid: tuple(found) for qid, found in grouped.items()}


def facts_under_reasons(
    guidance: Guidance, reasons: Sequence[Reason], facts: Sequence[Fact]
) -> dict[str, tuple[Fact, ...]]:
    """For each reason whose rule reads a question the registries answered, the facts on
    those questions: the records behind the reason, by rule id."""
    if not facts:
        return {}
    grouped = facts_by_question(facts)
    rules = guidance.rules_by_id
    found: dict[str, tuple[Fact, ...]] = {}
    for reason in reasons:
        rule = rules.get(reason.rule)
        if rule is None:
            continue
        behind = [f for qid in sorted(questions_of(rule.when)) for f in grouped.get(qid, ())]
        if behind:
            found[reason.rule] = tuple(behind)
    return found
