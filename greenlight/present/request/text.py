"""The escalation request as text that reads the same pasted into an e-mail and rendered as
Markdown.

Headings are underlined (setext), lists start with "- ", and nothing is escaped. Text a person
typed (the title and the use's free text, names, the production) is only ever written in an
indented block of label and value lines: plain text reads it as an aligned list, and
Markdown shows an indented block literally (a code block), so no link, image, heading,
emphasis or HTML can come from it. Every one of its lines, continuation lines included, is
indented, so nothing typed can end the block early. The rest is the guidance's own wording.
"""

from __future__ import annotations

from greenlight.present.request.model import EscalationRequest, Fact

INDENT = " " * 4


def request_markdown(request: EscalationRequest) -> str:
    """The request as plain text that is also safe, unescaped Markdown."""
    lines: list[str] = []
    _heading(lines, "Escalation request", "=")
    lines += [
        "The production asks the studio to decide on an intended use of generative AI.",
        "",
    ]
    _block(lines, request.header)
    if request.link:
        lines += [f"Open the use in Greenlight: {request.link}", ""]
    _heading(lines, "Outcome")
    lines += [f"{request.level}. {request.meaning}".strip(), ""]
    if request.stored_note:
        lines += [request.stored_note, ""]
    _heading(lines, "What the studio is asked to decide")
    lines += [request.asks, ""]
    if request.open_note:
        lines += [request.open_note, ""]
    _heading(lines, "Why")
    if not request.reasons:
        lines += ["No rule of the guidance raised this use above the lowest level.", ""]
    lines += _reasons(request.reasons)
    if request.notes:
        _heading(lines, "Notes (these raise nothing)")
        lines += _reasons(request.notes)
    if request.use or request.kind_warning:
        _heading(lines, "The use")
        _block(lines, request.use)
        if request.kind_warning:
            lines += [request.kind_warning, ""]
    if request.records:
        _heading(lines, "What the studio's records answered")
        for record in request.records:
            _block(lines, (record,))
    if request.steps:
        _heading(lines, "What the guidance asks of the production")
        lines += [f"- {step}" for step in request.steps] + [""]
    _heading(lines, "Questions that apply to this use")
    if request.groups is None:
        lines += ["The guidance in use now cannot read this use's answers.", ""]
    for group in request.groups or ():
        lines += [f"{group.title}:", ""]
        lines += [f"- {item.line}" for item in group.answers]
        lines.append("")
    if request.readings:
        _heading(lines, "Where the guidance is unclear, and how it was read")
        for reading in request.readings:
            lines += [f"- {reading.question}", f"  Read as: {reading.reading}"]
        lines.append("")
    # A blank line before the rule, or Markdown would make the line above it a heading.
    lines += ["---", "", request.source, ""]
    return "\n".join(lines)


def _heading(lines: list[str], text: str, underline: str = "-") -> None:
    lines += [text, underline * len(text), ""]


def _reasons(reasons) -> list[str]:
    return [
        f"- {reason.level}: {reason.text} (guidance section: {reason.section})"
        for reason in reasons
    ] + [""]


def _block(lines: list[str], facts: tuple[Fact, ...]) -> None:
    """Label and value lines in an indented block: every line indented, values aligned."""
    if not facts:
        return
    width = max(len(fact.label) for fact in facts) + 2
    for fact in facts:
        first, *more = fact.value.split("\n") or [""]
        lines.append(f"{INDENT}{fact.label + ':':<{width}}{first}".rstrip())
        lines += [f"{INDENT}{'':<{width}}{line}".rstrip() or INDENT for line in more]
    lines.append("")
