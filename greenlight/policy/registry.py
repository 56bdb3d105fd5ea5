"""Answers that come from a studio's records rather than from memory: the facts a registry
(the talent consent ledger, the tool registry) gives about the performers and tools a use
names, folded into the person's own answers before the engine reads them.

A fact answers one question of the guidance and says where it came from. A question the
registries answer takes the riskiest of their facts, and then the riskier of that and the
person's own answer when they gave one: a person may answer more riskily than the records,
never less. A fact for a question the guidance does not ask (another studio's guidance) is
left out. The engine stays a function of the answers: the same facts give the same outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from greenlight.policy.answers import Answers
from greenlight.policy.model import Guidance


@dataclass(frozen=True)
class Fact:
    """One answer a registry gives for a use, and where it came from."""

    question: str  # the id of the guidance question it answers
    value: str | bool  # the answer
    source: str  # plain text naming the record: "Studio Firefly: enterprise agreement, ..."
    subject: str  # the record: "tool:ID", "workflow:ID", "consent:ID" or "performer:ID"

    def to_dict(self) -> dict[str, str | bool]:
        return {
            "question": self.question,
            "answer": self.value,
            "source": self.source,
            "subject": self.subject,
        }


@dataclass(frozen=True)
class Resolution:
    """A use's answers with the registries' facts folded in."""

    answers: Answers  # what the engine assesses
    facts: tuple[Fact, ...]  # the facts that apply, in the order given
    raised: frozenset[str]  # questions the facts made riskier than the person said

    def facts_for(self, question_id: str) -> tuple[Fact, ...]:
        """The facts that answer one question, in the order given."""
        return tuple(fact for fact in self.facts if fact.question == question_id)

    @property
    def questions(self) -> frozenset[str]:
        """The questions some registry answered."""
        return frozenset(fact.question for fact in self.facts)


def resolve(answers: Answers, facts: Sequence[Fact], guidance: Guidance) -> Resolution:
    """Fold `facts` into `answers`: each question they answer takes the riskiest of them and
    of the person's own answer (see the module's docstring). No facts: `answers` unchanged."""
    if not facts:
        return Resolution(answers, (), frozenset())
    by_id = guidance.questions_by_id
    kept = tuple(fact for fact in facts if fact.question in by_id)
    riskiest: dict[str, str | bool] = {}
    for fact in kept:
        question = by_id[fact.question]
        if fact.value not in question.values:
            raise ValueError(
                f"{fact.subject} answers {fact.question} with {fact.value!r}, "
                f"which is not one of its answers"
            )
        held = riskiest.get(fact.question)
        if held is None or question.rank(fact.value) > question.rank(held):
            riskiest[fact.question] = fact.value
    values = dict(answers.values)
    raised = set()
    for qid, value in riskiest.items():
        question = by_id[qid]
        own = values[qid] if qid in answers.provided else None
        if own is not None and question.rank(own) >= question.rank(value):
            continue
        values[qid] = value
        if own is not None:
            raised.add(qid)
    folded = replace(
        answers,
        values=MappingProxyType(values),
        provided=answers.provided | frozenset(riskiest),
    )
    return Resolution(folded, kept, frozenset(raised))
