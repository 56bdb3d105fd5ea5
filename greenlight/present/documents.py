"""Pieces of what people read about an assessment: the answer table, file names, and the
sentence on a contradicted kind of use. The escalation request is in present.request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from greenlight.policy import Answers, Assessment, Guidance

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def file_slug(title: str, fallback: str = "genai-use") -> str:
    """A safe file-name stem from a title: lower-case letters, digits and dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def escape_markdown(text: str) -> str:
    """Text that any Markdown renderer shows literally (no links, HTML, emphasis or headings)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class AnswerRow:
    group: str
    question_id: str
    question: str
    answer: str
    given: bool


def answer_rows(
    answers: Answers, guidance: Guidance, result: Assessment | None = None
) -> list[AnswerRow]:
    """Every question with the answer in words; missing answers show what they count as.

    With the assessment, a question that does not apply is left out, and one left open shows
    the riskiest answer it counts as; without it, a missing answer shows its default."""
    titles = {group.id: group.title for group in guidance.groups}
    skipped = set(result.not_applicable) if result else set()
    gaps = set(result.unanswered) if result else set()
    # A reason resting on the kind of use reads its answer from that kind (a key visual is a
    # key creative element, ticked or not): never a bare "No" beside that reason.
    read = read_from_kind(guidance, answers, result) if result else {}
    rows = []
    for q in guidance.questions:
        if q.id in skipped:
            continue
        given = q.id in answers.provided
        answer = q.label_of(q.riskiest if q.id in gaps else answers.values[q.id])
        if q.id in read:
            answer = read[q.id]
        elif not given:
            answer = f"not answered (counted as {answer.lower()})"
        rows.append(
            AnswerRow(
                group=titles.get(q.group, q.group),
                question_id=q.id,
                question=q.label,
                answer=answer,
                given=given,
            )
        )
    return rows


def row_contradiction(guidance: Guidance, result: Assessment) -> str:
    """One sentence on a chosen matrix row that the answers contradict, naming the rows
    they fit (or saying none does)."""
    chosen = guidance.matrix_row(result.matrix_row)
    fitting = [guidance.matrix_row(row_id) for row_id in result.fitting_rows]
    fit = " or ".join(f'"{row.label}"' for row in fitting if row) or "no row of the matrix"
    return (
        f'the answers do not fit the kind of use chosen, "{chosen.label if chosen else "-"}"; '
        f"they fit {fit}."
    )


def read_from_kind(guidance: Guidance, answers: Answers, result: Assessment) -> dict[str, str]:
    """The answers shown as the kind of use reads them, where a reason rests on that kind:
    a key visual fires the key-creative-element reason unticked, so its answer is not a
    bare "No" beside that reason ({question id: the answer shown})."""
    row = guidance.matrix_row(result.matrix_row) if result.matrix_row else None
    if row is None or not set(row.rules) & set(result.rule_ids):
        return {}
    shown = {}
    for question_id, value in row.implied_answers.items():
        q = guidance.questions_by_id.get(question_id)
        if q is None or answers.values.get(question_id) == value:
            continue
        implied = q.label_of(value)
        if question_id in answers.provided:
            shown[question_id] = (
                f"{q.label_of(answers.values[question_id])}, as answered; the kind of use "
                f"chosen ({row.label}) counts it as {implied.lower()}"
            )
        else:
            shown[question_id] = f"{implied} (read from the kind of use: {row.label})"
    return shown
