"""The assessment engine: rules compiled once, `assess(answers) -> Assessment`.

The level is the most serious level among the reasons that fired (the lowest level when none
did). Rules are checked at load time to be monotonic, so a riskier answer never lowers it.
A question left open counts as its riskiest answer wherever it applies (its shown_when holds,
and report_missing marks it as one the assessment asks), and is listed as unanswered; a
question that does not apply counts as its default, whatever was answered, so it never shapes
the outcome. Together these make a skipped answer never lower the level.
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
from greenlight.policy.conditions import Predicate, compile_condition, questions_of
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
    lowest: str = "low"  # the guidance's lowest level: reasons at it are notes
    # The rows of the matrix the answers fit, when they contradict the chosen row (else ()).
    fitting_rows: tuple[str, ...] = ()
    row_contradicted: bool = False
    # Questions that do not apply to these answers (their shown_when fails): left out of
    # what is shown about the use, as they are out of the outcome.
    not_applicable: tuple[str, ...] = ()

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(reason.rule for reason in self.reasons)

    @property
    def raising(self) -> tuple[Reason, ...]:
        """The reasons that raised the level above the lowest one."""
        return tuple(r for r in self.reasons if r.level != self.lowest)

    @property
    def notes(self) -> tuple[Reason, ...]:
        """Reasons at the lowest level: worth knowing, but they raise nothing."""
        return tuple(r for r in self.reasons if r.level == self.lowest)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (the `assess --json` output)."""
        return {
            "level": self.level,
            "reasons": [reason.to_dict() for reason in self.raising],
            "notes": [reason.to_dict() for reason in self.notes],
            "actions": list(self.actions),
            "unanswered": list(self.unanswered),
            "matrix_row": self.matrix_row,
            "matrix_row_contradicted": self.row_contradicted,
            "rows_the_answers_fit": list(self.fitting_rows),
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
        # Per rule with an open_text: its reason when a gap made it fire, and what it reads.
        self._open = {
            rule.id: (
                Reason(rule.id, rule.level, rule.section, rule.open_text),
                questions_of(rule.when),
            )
            for rule in guidance.rules
            if rule.open_text
        }
        self._supersedes = {rule.id: frozenset(rule.supersedes) for rule in guidance.rules}
        self._fits = {
            row.id: compile_condition(row.fits, lambda qid, v: questions[qid].rank(v))
            for row in guidance.matrix
            if row.fits is not None
        }
        self._questions = guidance.questions
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

    def counted_values(
        self, values: Mapping[str, Any], provided: frozenset[str]
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The answers as the rules read them, and the gaps (questions that apply, are asked
        and were left open), in guidance order.

        A gap counts as the question's riskiest answer; a question that does not apply counts
        as its default whatever was answered. Questions are taken in order, so a question's
        shown_when sees the counted answers of the questions above it."""
        counted = dict(values)
        gaps = []
        for q in self._questions:
            shown = self._shown.get(q.id)
            if shown is not None and not shown(counted):
                counted[q.id] = q.default
            elif q.id not in provided and q.report_missing:
                counted[q.id] = q.riskiest
                gaps.append(q.id)
        return counted, tuple(gaps)

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
        counted, gaps = self.counted_values(values, provided)
        # The answers as given, gaps at their safest: what the user actually said.
        said = dict(counted)
        said.update((qid, g.question(qid).safest) for qid in gaps)
        fired = [(test, reason, acts) for test, reason, acts in self._rules if test(counted)]
        dropped = set().union(*(self._supersedes[reason.rule] for _, reason, _ in fired))
        shown: list[tuple[Reason, tuple[str, ...]]] = []
        for test, reason, rule_actions in fired:
            if reason.rule in dropped:
                continue
            open_reason = self._open.get(reason.rule)
            if open_reason and set(gaps) & open_reason[1] and not test(said):
                reason = open_reason[0]
            shown.append((reason, rule_actions))
        shown.sort(key=lambda item: -self._rank[item[0].level])  # stable: keeps file order
        level = shown[0][0].level if shown else g.levels[0].id
        actions: dict[str, None] = dict.fromkeys(g.level(level).actions)
        for _, _, rule_actions in fired:
            actions.update(dict.fromkeys(rule_actions))
        row = values.get(g.matrix_question) if g.matrix_question else None
        row = row if row in self._rows else None
        fits = self._fits.get(row) if row else None
        # Contradicted only by what was said: not when filling the gaps either way would fit.
        contradicted = fits is not None and not fits(said) and not fits(counted)
        reasons = tuple(reason for reason, _ in shown)
        return Assessment(
            level=level,
            reasons=reasons,
            actions=tuple(actions),
            unanswered=tuple(qid for qid in gaps if qid in self._asked),
            matrix_row=row,
            guidance_id=g.id,
            guidance_version=g.version,
            readings=tuple(r.id for r in g.readings_for_rules(reason.rule for reason in reasons)),
            concerns=tuple(
                (qid, str(counted[qid])) for qid, rank in self._principles if rank(counted[qid]) > 0
            ),
            lowest=g.levels[0].id,
            fitting_rows=tuple(
                other
                for other, test in self._fits.items()
                if other != row and (test(said) or test(counted))
            )
            if contradicted
            else (),
            row_contradicted=contradicted,
            not_applicable=tuple(qid for qid, test in self._shown.items() if not test(counted)),
        )
