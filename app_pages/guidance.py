"""Guidance: every section rendered from guidance/, the matrix, the readings, a search box."""

import pandas as pd
import streamlit as st

from greenlight import ui
from greenlight.present import level_label, matching_sections

guidance, _ = ui.guidance_and_engine()

st.title(guidance.title)
source = guidance.source
st.caption(
    f"Encoded from {source.publisher}, *{source.title}* ({source.guidance_version}), retrieved "
    f"{source.retrieved}. Greenlight guidance set {guidance.id}, version {guidance.version}. "
    "The wording here is ours; each section names the heading it comes from."
)

wanted = st.query_params.get("section")
query = st.text_input(
    "Search the guidance", placeholder="e.g. consent, background, enterprise", key="guidance-search"
)
sections = matching_sections(guidance, query)
if wanted and not query:
    if wanted in {s.id for s in guidance.sections}:
        st.info(
            f"Showing the section a reason pointed to: {guidance.section(wanted).title}.",
            icon=":material/link:",
        )
    else:
        st.warning("That link names a section this guidance does not have; showing all sections.")
if not sections:
    st.info("No section mentions that. Try a shorter word.", icon=":material/search_off:")

for section in sections:
    depth = 1 if section.parent else 0
    with st.expander(("↳ " * depth) + section.title, expanded=bool(query) or section.id == wanted):
        st.caption(f"Source: {section.cites} · link: ?section={section.id}")
        st.markdown(" ".join(section.summary.split()))
        for point in section.points:
            st.markdown(f"- {' '.join(point.split())}")
        rules = [rule for rule in guidance.rules if rule.section == section.id]
        if rules:
            st.markdown("**What Greenlight checks here**")
            for rule in rules:
                st.markdown(f"{ui.level_icon(guidance, rule.level)} {rule.text}")
        for reading in guidance.readings:
            if section.id in reading.sections:
                st.markdown(f"**Our reading** - {' '.join(reading.reading.split())}")
                st.caption(" ".join(reading.why.split()))

if guidance.matrix:
    st.subheader("Use case matrix")
    st.table(
        pd.DataFrame(
            [
                {
                    "Use case": row.label,
                    "Level": level_label(guidance, row.level),
                    "Source sign": row.sign,
                    "Why": row.rationale,
                }
                for row in guidance.matrix
            ]
        ).set_index("Use case"),
    )

ui.changelog(guidance)

if guidance.readings:
    st.subheader("Where the guidance is ambiguous: the readings we chose")
    for reading in guidance.readings:
        with st.container(border=True):
            st.markdown(f"**{' '.join(reading.question.split())}**")
            st.markdown(" ".join(reading.reading.split()))
            st.caption("Why: " + " ".join(reading.why.split()))
