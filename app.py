"""Greenlight's entry point: page config, the shared sidebar and the navigation; nothing else."""

import streamlit as st

from greenlight import ui

# A Material icon, not an emoji: an emoji makes Streamlit load its emoji catalogue (0.17 s
# of the first page view).
st.set_page_config(page_title="Greenlight", page_icon=":material/traffic:", layout="wide")
navigation = ui.navigation()
with ui.database_errors():
    ui.sidebar(ui.store())
    navigation.run()
ui.show_flash()
