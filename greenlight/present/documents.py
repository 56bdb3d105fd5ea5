"""Documents made from an assessment: the answer table and the escalation request.

The escalation request is a Markdown file the user can send to the studio contact as it is:
the use, every answer, the reasons with their guidance sections, what is still unsure, and the
guidance version. User text is escaped so it reads as written and cannot become links,
headings or markup in whatever renders the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from greenlight.policy import FIELDS, Answers, Assessment, Guidance, Reason

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
    rows = []
    for q in guidance.questions:
        if q.id in skipped:
            continue
        given = q.id in answers.provided
        answer = q.label_of(q.riskiest if q.id in gaps else answers.values[q.id])
        rows.append(
            AnswerRow(
                group=titles.get(q.group, q.group),
                question_id=q.id,
                question=q.label,
                answer=answer if given else f"not answered (counted as {answer.lower()})",
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


def _reason_line(guidance: Guidance, reason: Reason) -> str:
    section = guidance.section(reason.section)
    return (
        f"- **{guidance.level(reason.level).label}** - {reason.text} "
        f"(guidance: {section.title}; rule `{reason.rule}`)"
    )


def escalation_request(
    answers: Answers,
    result: Assessment,
    guidance: Guidance,
    *,
    production: str = "",
    requested_by: str = "",
    now: datetime | None = None,
) -> str:
    """A ready-to-send Markdown request for the studio contact."""
    level = guidance.level(result.level)
    when = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"# GenAI use: request for review - {escape_markdown(answers.title)}",
        "",
        f"**Outcome:** {level.emoji} {level.label} - {level.meaning}",
        "",
    ]
    facts = [("Production", production)] + [
        (spec.label, answers.fields.get(spec.name, "")) for spec in FIELDS[1:]
    ]
    facts.append(("Requested by", requested_by or answers.fields.get("requested_by", "")))
    seen = set()
    for label, value in facts:
        if value and label not in seen:
            seen.add(label)
            lines.append(f"- **{label}:** {escape_markdown(value)}")
    row = guidance.matrix_row(result.matrix_row)
    lines.append(f"- **Use case matrix row:** {row.label if row else 'none (other use)'}")
    lines.append(f"- **Prepared:** {when}")
    if result.row_contradicted:
        lines.append(f"- **Kind of use:** {row_contradiction(guidance, result)}")
    lines += ["", "## Why", ""]
    if not result.raising:
        lines.append("No rule of the guidance raised this use above low risk.")
    for reason in result.raising:
        lines.append(_reason_line(guidance, reason))
    if result.notes:
        lines += ["", "## Notes (these raise nothing)", ""]
        lines += [_reason_line(guidance, reason) for reason in result.notes]
    if result.unanswered:
        lines += ["", "## Still open", ""]
        lines += [f"- {guidance.question(qid).label}" for qid in result.unanswered]
    unsure = [
        q.label
        for q in guidance.questions
        if answers.values[q.id] == "unsure"
        and q.id in answers.provided
        and q.id not in result.not_applicable
    ]
    if unsure:
        lines += ["", "## Answered unsure", ""]
        lines += [f"- {label}" for label in unsure]
    lines += ["", "## Next actions", ""]
    lines += [f"{number}. {action}" for number, action in enumerate(result.actions, start=1)]
    lines += ["", "## Every answer", "", "| Question | Answer |", "| --- | --- |"]
    lines += [f"| {r.question} | {r.answer} |" for r in answer_rows(answers, guidance, result)]
    readings = [r for r in guidance.readings if r.id in result.readings]
    if readings:
        lines += ["", "## How the guidance was read", ""]
        lines += [f"- {' '.join(r.reading.split())}" for r in readings]
    source = guidance.source
    lines += [
        "",
        "---",
        f"Assessed with Greenlight against {guidance.title} ({guidance.id} {guidance.version}), "
        f"encoded from {source.publisher}, *{source.title}*, {source.guidance_version}, "
        f"retrieved {source.retrieved}.",
        "",
    ]
    return "\n".join(lines)
