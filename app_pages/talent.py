"""Talent: the production's performers and their consents to digital replicas and
alterations, with the signed evidence and the uses relying on each (leads, reviewers and
studio admins)."""

import streamlit as st

from greenlight import ui

talent, consents = ui.talent_page, ui.talent_consents
guidance, engine = ui.guidance_and_engine()
log = ui.store()
code = ui.current_production()
today = consents.today()

found = talent.heading(log, code)
talent.performers_table(found)
with st.expander("Add or link a performer", expanded=not found, icon=":material/person_add:"):
    add, link = st.columns(2, gap="large")
    with add:
        talent.add_form(log, code)
    with link:
        talent.link_form(log, code, found)
performer = talent.chosen_performer(found)
if performer is not None:
    consents.consents_of(log, guidance, engine, performer, code, today)
