"""Guidance: every section rendered from guidance/, the matrix, the readings, a search box."""

import pandas as pd
import streamlit as st

from greenlight import ui
from greenlight.present import level_label, matching_sections, query_words

guidance, _ = ui.guidance_and_engine()

st.title(guidance.title)
source = guidance.source
st.caption(
    f"Encoded from {source.publisher}, *{source.title}* ({source.guidance_version}), retrieved "
    f"{source.retrieved}. Greenlight guidance set {guidance.id}, version {guidance.version}. "
    "The wording here is ours; each section names the heading it comes from."
)

query = st.session_state.get("guidance-search", "")
wanted = st.query_params.get("section")
if wanted and not query and wanted in {s.id for s in guidance.sections}:
    # A reason's link: its section first, open, where the page opens, above the search.
    ui.guidance_view.open_at_top()
    st.info(
        f"Showing the section a reason pointed to: {guidance.section(wanted).title}.",
        icon=":material/link:",
    )
    ui.guidance_view.section_card(guidance, guidance.section(wanted), (), expanded=True)
elif wanted and not query:
    st.warning("That link names a section this guidance does not have; showing all sections.")

query = st.text_input(
    "Search the guidance", placeholder="e.g. consent, background, enterprise", key="guidance-search"
)
words = query_words(query)
sections = matching_sections(guidance, query)
if not sections:
    st.info("No section mentions that. Try a shorter word.", icon=":material/search_off:")
elif words:
    ui.guidance_view.match_summary(guidance, sections, words)

for section in sections:
    ui.guidance_view.section_card(guidance, section, words, expanded=bool(words))

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
