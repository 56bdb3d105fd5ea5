"""Plain helpers for showing guidance: search over sections (used by the Guidance page)."""

from __future__ import annotations

from greenlight.policy import Guidance, Section


def section_text(guidance: Guidance, section: Section) -> str:
    """All the words a search should find a section by, lower-cased."""
    parts = [section.title, section.cites, section.summary, *section.points]
    parts += [rule.text for rule in guidance.rules if rule.section == section.id]
    parts += [q.label + " " + q.help for q in guidance.questions if q.section == section.id]
    parts += [r.reading for r in guidance.readings if section.id in r.sections]
    return " ".join(parts).lower()


def matching_sections(guidance: Guidance, query: str | None) -> tuple[Section, ...]:
    """The sections containing every word of the query (all of them for an empty query)."""
    words = (query or "").lower().split()
    if not words:
        return guidance.sections
    return tuple(
        s for s in guidance.sections if all(word in section_text(guidance, s) for word in words)
    )
