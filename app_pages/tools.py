"""Tools: the studio's registry of generative-AI tools and vendors' workflows, each tool's
reviewed data terms, its history and the uses that name it; registering and reviewing them."""

import streamlit as st

from greenlight import ui

page, forms = ui.tools_page, ui.tool_forms
guidance, engine = ui.guidance_and_engine()
log = ui.store()
production = ui.current_production()
within = page.review_due_days()
page.heading(log, production)
found = page.read_registry(log, production)
if found is None:
    st.stop()
tools, flows = found
forms.register_form(log, production)
chosen = page.registry_table(tools, within, log.data_version())
if chosen is not None:
    with st.container(border=True):
        page.tool_summary(chosen, within)
        page.terms_files(log, chosen)
        page.tool_uses(log, guidance, chosen.id)
        page.tool_history(log, chosen)
        forms.review_form(log, engine, chosen)
page.workflows_table(tools, flows)
forms.workflow_form(log, production, tools)
