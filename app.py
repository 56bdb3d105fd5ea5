"""Greenlight's entry point: page config, the shared sidebar and the navigation; nothing else."""

import streamlit as st

from greenlight import ui

st.set_page_config(page_title="Greenlight", page_icon="🚦", layout="wide")
navigation = ui.navigation()
with ui.database_errors():
    ui.sidebar(ui.store())
    navigation.run()
ui.show_flash()
