"""People: who has which role, and giving and taking roles (studio admins and leads)."""

import streamlit as st

from greenlight import ui

log = ui.store()
people = ui.people_admin.listing(log)
ui.people_admin.roles_explained()
give, take = st.columns(2, gap="large")
with give:
    ui.people_admin.grant_form(log, [p.code for p in ui.production_list(log)])
with take:
    ui.people_admin.revoke_form(log, people)
