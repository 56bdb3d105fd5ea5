"""Plain helpers for showing guidance: search over sections, and where a search matched
(used by the Guidance page to highlight and count the matches)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from greenlight.policy import Guidance, Section


@dataclass(frozen=True)
class SectionShown:
    """The words the Guidance page shows for one section, each passage as one string."""

    section: Section
    summary: str
    points: tuple[tuple[str | None, str], ...]  # (its own number, if it has one; text)
    rules: tuple[tuple[str, str], ...]  # (level id, sentence)
    questions: tuple[tuple[str, str], ...]  # (question, help)
    readings: tuple[tuple[str, str], ...]  # (reading, why)

    def passages(self) -> tuple[str, ...]:
        """Every passage shown, the title and source first: what a search looks through."""
        return (
            self.section.title,
            self.section.cites,
            self.summary,
            *(text for _, text in self.points),
            *(text for _, text in self.rules),
            *(part for pair in self.questions for part in pair),
            *(part for pair in self.readings for part in pair),
        )


# A point the guidance numbers itself ("1. Outputs ..."): the page draws the number as that
# item of a numbered list, so it is not part of the text (nor a bullet in front of it).
_NUMBERED = re.compile(r"(\d{1,3})\.\s+(.*)", re.DOTALL)


def _flat(text: str) -> str:
    # YAML's folded text keeps line breaks and runs of spaces; the page shows single spaces.
    return " ".join(text.split())


def _point(point: str) -> tuple[str | None, str]:
    numbered = _NUMBERED.fullmatch(_flat(point))
    return (numbered[1], numbered[2]) if numbered else (None, _flat(point))


def section_shown(guidance: Guidance, section: Section) -> SectionShown:
    """What the Guidance page shows for a section: its own text, its rules, questions and
    the readings of the source it is part of."""
    return SectionShown(
        section=section,
        summary=_flat(section.summary),
        points=tuple(_point(point) for point in section.points),
        rules=tuple((r.level, _flat(r.text)) for r in guidance.rules if r.section == section.id),
        questions=tuple(
            (_flat(q.label), _flat(q.help)) for q in guidance.questions if q.section == section.id
        ),
        readings=tuple(
            (_flat(r.reading), _flat(r.why)) for r in guidance.readings if section.id in r.sections
        ),
    )


def section_text(guidance: Guidance, section: Section) -> str:
    """All the words a search should find a section by, lower-cased."""
    return " ".join(section_shown(guidance, section).passages()).lower()


def query_words(query: str | None) -> tuple[str, ...]:
    """The words of a search, lower-cased, each once, longest first (so that a longer word
    is marked whole where a shorter one is part of it)."""
    words = dict.fromkeys((query or "").lower().split())
    return tuple(sorted(words, key=len, reverse=True))


def matching_sections(guidance: Guidance, query: str | None) -> tuple[Section, ...]:
    """The sections containing every word of the query (all of them for an empty query)."""
    words = query_words(query)
    if not words:
        return guidance.sections
    return tuple(
        s for s in guidance.sections if all(word in section_text(guidance, s) for word in words)
    )


def marked_spans(text: str, words: tuple[str, ...]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, matched) in order, a matched piece being an occurrence of
    any of the words, found case-insensitively; joined, the pieces give `text` back."""
    if not words:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    spans: list[tuple[str, bool]] = []
    end = 0
    for match in pattern.finditer(text):
        if match.start() > end:
            spans.append((text[end : match.start()], False))
        spans.append((match.group(), True))
        end = match.end()
    if end < len(text):
        spans.append((text[end:], False))
    return spans


def count_matches(passages, words: tuple[str, ...]) -> int:
    """How many pieces of these passages a search for `words` marks."""
    return sum(matched for text in passages for _, matched in marked_spans(text, words))
