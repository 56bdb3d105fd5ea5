"""The assessment engine: rules compiled once, `assess(answers) -> Assessment`.

The level is the most serious level among the reasons that fired (the lowest level when none
did). Rules are checked at load time to be monotonic, so a riskier answer never lowers it.
Assessments depend only on the answers, so they are memoised: re-assessing a large log with
many alike uses costs one dictionary look-up per repeat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from greenlight.policy.answers import (
    Answers,
    answers_key,
    parse_answers,
    stored_answers,
    without_text,
)
from greenlight.policy.bounded import BoundedMemo
from greenlight.policy.conditions import Predicate, compile_condition
from greenlight.policy.model import Guidance

MEMO_LIMIT = 65_536


@dataclass(frozen=True)
class Reason:
    rule: str
    level: str
    section: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "level": self.level, "section": self.section, "text": self.text}


@dataclass(frozen=True)
class Assessment:
    level: str
    reasons: tuple[Reason, ...]
    actions: tuple[str, ...]
    unanswered: tuple[str, ...]
    matrix_row: str | None
    guidance_id: str
    guidance_version: str
    readings: tuple[str, ...] = ()
    # The guiding principles not answered clearly: (question id, answer), in guidance order.
    concerns: tuple[tuple[str, str], ...] = ()

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(reason.rule for reason in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (the `assess --json` output)."""
        return {
            "level": self.level,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "actions": list(self.actions),
            "unanswered": list(self.unanswered),
            "matrix_row": self.matrix_row,
            "guidance": {"id": self.guidance_id, "version": self.guidance_version},
            "readings": list(self.readings),
        }


class Engine:
    """A guidance set compiled for fast, repeated assessment."""

    def __init__(self, guidance: Guidance):
        self.guidance = guidance
        questions = guidance.questions_by_id
        self._rank = {level.id: level.rank for level in guidance.levels}
        self._rules: tuple[tuple[Predicate, Reason, tuple[str, ...]], ...] = tuple(
            (
                compile_condition(rule.when, lambda qid, v: questions[qid].rank(v)),
                Reason(rule.id, rule.level, rule.section, rule.text),
                rule.actions,
            )
            for rule in guidance.rules
        )
        self._shown = {
            q.id: compile_condition(q.shown_when, lambda qid, v: questions[qid].rank(v))
            for q in guidance.questions
            if q.shown_when is not None
        }
        self._asked = tuple(q.id for q in guidance.questions if q.report_missing)
        self._order = tuple(q.id for q in guidance.questions)
        self._rows = {row.id for row in guidance.matrix}
        self._principles = tuple((q.id, q.rank) for q in guidance.principle_questions)
        self._memo: BoundedMemo[tuple, Assessment] = BoundedMemo(MEMO_LIMIT)
        self._documents: BoundedMemo[tuple, tuple[Answers, Assessment]] = BoundedMemo(MEMO_LIMIT)

    def is_shown(self, question_id: str, values: Mapping[str, Any]) -> bool:
        """Whether a question matters for these answers (its shown_when holds, or it has none)."""
        shown = self._shown.get(question_id)
        return shown is None or shown(values)

    def assess(self, answers: Answers) -> Assessment:
        """Assess one use."""
        return self.assess_values(answers.values, answers.provided)

    def assess_values(self, values: Mapping[str, Any], provided: frozenset[str]) -> Assessment:
        """Assess from the answers mapping (every question id present) and the ids given."""
        key = (tuple(values[q] for q in self._order), provided)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        return self._memo.put(key, self._assess(values, provided))

    def assess_document(self, document: Mapping[str, Any]) -> tuple[Answers, Assessment]:
        """Read and assess an answers document as the log stores it; AnswersError if invalid.

        Memoised on the answers alone (answers.answers_key), so re-assessing a log costs a
        dictionary look-up per use with answers seen before. The free text is not read: the
        Answers returned carry the answers only (title "-"), which is all an assessment uses.
        """
        if type(document) is not dict and not isinstance(document, Mapping):
            parse_answers(document, self.guidance)  # raises, saying what is wrong
        try:
            key: tuple | None = answers_key(document)
            hit = self._documents.get(key)
        except TypeError:  # an unhashable value: let the parser say what is wrong with it
            key, hit = None, None
        if hit is not None:
            return hit
        answers = stored_answers({**without_text(document), "title": "-"}, self.guidance)
        hit = (answers, self.assess(answers))
        if key is not None:
            self._documents.put(key, hit)
        return hit

    def _assess(self, values: Mapping[str, Any], provided: frozenset[str]) -> Assessment:
        g = self.guidance
        fired = [(reason, actions) for test, reason, actions in self._rules if test(values)]
        fired.sort(key=lambda item: -self._rank[item[0].level])  # stable: keeps file order
        level = fired[0][0].level if fired else g.levels[0].id
        actions: dict[str, None] = dict.fromkeys(g.level(level).actions)
        for _, rule_actions in fired:
            actions.update(dict.fromkeys(rule_actions))
        unanswered = tuple(
            qid for qid in self._asked if qid not in provided and self.is_shown(qid, values)
        )
        row = values.get(g.matrix_question) if g.matrix_question else None
        reasons = tuple(reason for reason, _ in fired)
        return Assessment(
            level=level,
            reasons=reasons,
            actions=tuple(actions),
            unanswered=unanswered,
            matrix_row=row if row in self._rows else None,
            guidance_id=g.id,
            guidance_version=g.version,
            readings=tuple(r.id for r in g.readings_for_rules(reason.rule for reason in reasons)),
            concerns=tuple(
                (qid, str(values[qid])) for qid, rank in self._principles if rank(values[qid]) > 0
            ),
        )
