"""Widgets shared by the pages: level and status badges, guidance section links and the
outcome card. User text is shown through st.text or widget values, never as Markdown."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from greenlight import workflow
from greenlight.policy import Assessment, Fact, Guidance
from greenlight.present import fact_line, facts_under_reasons, row_contradiction
from greenlight.ui.shell import page
from greenlight.ui.text import as_text

# Streamlit's named colours and their hues, for the nearest match to a declared hex colour.
_HUES = {"red": 0, "orange": 30, "yellow": 50, "green": 140, "blue": 210, "violet": 270}


def named_colour(hex_colour: str) -> str:
    """The Streamlit colour name closest in hue to a hex colour (badges take only names)."""
    import colorsys

    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.25:
        return "gray"
    degrees = hue * 360
    return min(
        _HUES, key=lambda name: min(abs(_HUES[name] - degrees), 360 - abs(_HUES[name] - degrees))
    )


def level_icon(guidance: Guidance, level_id: str) -> str:
    """A coloured Material icon for a level, as Markdown (renders without emoji fonts)."""
    level = guidance.level(level_id)
    return f":{named_colour(level.colour)}[:material/{level.icon}:]"


def level_badge(guidance: Guidance, level_id: str, container=st) -> None:
    level = guidance.level(level_id)
    container.badge(level.label, icon=f":material/{level.icon}:", color=named_colour(level.colour))


def status_badge(status_id: str, container=st) -> None:
    status = workflow.status(status_id)
    container.badge(
        status.label, icon=f":material/{status.icon}:", color=named_colour(status.colour)
    )


def section_link(guidance: Guidance, section_id: str, container=st) -> None:
    """A link to a guidance section (?section=ID); a note if this guidance has no such section."""
    if section_id not in {s.id for s in guidance.sections}:
        container.caption(as_text(f"Guidance section {section_id} (not in the current guidance)"))
        return
    section = guidance.section(section_id)
    container.page_link(
        page("guidance"),
        label=f"Guidance: {section.title}",
        icon=":material/menu_book:",
        query_params={"section": section_id},
    )


def outcome_card(guidance: Guidance, result: Assessment, facts: Sequence[Fact] = ()) -> None:
    """The level, every reason with its guidance section and the registry records behind
    it, next actions, matrix row, gaps."""
    level = guidance.level(result.level)
    behind = facts_under_reasons(guidance, result.reasons, facts)
    with st.container(border=True, key="outcome-card"):
        level_badge(guidance, result.level)
        st.markdown(f"**{level.meaning}**")
        row = guidance.matrix_row(result.matrix_row)
        st.caption(f"Use case matrix: {row.label if row else 'no matching row (other use)'}")
        if result.row_contradicted:
            st.warning(
                "Check the kind of use: " + row_contradiction(guidance, result),
                icon=":material/rule:",
            )
        if result.raising:
            st.markdown(f"**Why** ({len(result.raising)})")
            for reason in result.raising:
                with st.container(border=False, key=f"reason-{reason.rule}"):
                    st.markdown(f"{level_icon(guidance, reason.level)} {reason.text}")
                    records_behind(guidance, behind.get(reason.rule, ()))
                    section_link(guidance, reason.section)
        else:
            st.markdown("**Why**: no rule raised this use above the lowest level.")
        if result.notes:
            st.markdown("**Notes** (these raise nothing)")
            for reason in result.notes:
                with st.container(border=False, key=f"note-{reason.rule}"):
                    st.caption(reason.text)
                    records_behind(guidance, behind.get(reason.rule, ()))
                    section_link(guidance, reason.section)
        st.markdown("**Next actions**")
        st.markdown("\n".join(f"{n}. {action}" for n, action in enumerate(result.actions, start=1)))
        if result.unanswered:
            st.warning(
                f"{len(result.unanswered)} question(s) not answered yet; each counts as its "
                "riskiest answer until you answer it:\n\n"
                + "\n".join(
                    f"- {guidance.question(qid).label} (counts as "
                    f"{guidance.question(qid).label_of(guidance.question(qid).riskiest).lower()})"
                    for qid in result.unanswered
                ),
                icon=":material/help:",
            )
        readings = [r for r in guidance.readings if r.id in result.readings]
        if readings:
            with st.expander("How the guidance was read for this outcome"):
                for reading in readings:
                    st.markdown(f"**{' '.join(reading.question.split())}**")
                    st.markdown(
                        f"{' '.join(reading.reading.split())} *{' '.join(reading.why.split())}*"
                    )
        st.caption(f"Guidance {result.guidance_id} {result.guidance_version}")


def changelog(guidance: Guidance) -> None:
    """What changed in each version of the guidance, newest first, with the source it follows."""
    if not guidance.changes:
        return
    st.subheader("What changed")
    versions = list(dict.fromkeys(change.version for change in guidance.changes))
    for version in sorted(versions, reverse=True):
        current = " (this version)" if version == guidance.version else ""
        with st.expander(f"Version {version}{current}", expanded=version == guidance.version):
            for change in guidance.changes:
                if change.version == version:
                    st.markdown(f"- {change.change}")
                    st.caption(f"Follows the source: {change.follows}")


def unreadable_notice(guidance: Guidance, record, problems, to_do: str) -> None:
    """Why this guidance cannot read a logged use's answers, and what to do about it."""
    st.warning(
        as_text(
            f"This use was assessed under guidance {record.guidance_id} "
            f"{record.guidance_version}; the guidance in use now ({guidance.id} "
            f"{guidance.version}) cannot read its answers, so the level and reasons shown are "
            f"the ones stored then. {to_do}"
        ),
        icon=":material/sync_problem:",
    )
    st.text("What this guidance cannot read:\n" + "\n".join(map(str, problems)))


def stored_assessment(guidance: Guidance, record) -> None:
    """A logged use's level and reasons as stored, whatever guidance is in use now."""
    from greenlight.present import level_label, reason_text

    known = {level.id for level in guidance.levels}
    with st.container(border=True, key="stored-assessment"):
        st.markdown("**Stored assessment**")
        if record.level in known:
            level_badge(guidance, record.level)
        else:
            st.badge(level_label(guidance, record.level), color="gray")
        for reason in record.reasons:
            icon = level_icon(guidance, reason.level) if reason.level in known else ""
            st.markdown(f"{icon} {as_text(reason_text(guidance, reason.rule))}")
            section_link(guidance, reason.section)


def records_behind(guidance: Guidance, facts: Sequence[Fact]) -> None:
    """The registry records behind a reason, each a line of plain text naming its record."""
    for fact in facts:
        st.caption(as_text(fact_line(guidance, fact)))
