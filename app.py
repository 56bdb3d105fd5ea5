"""Greenlight's entry point: page config, the shared sidebar and the navigation; nothing else."""

from pathlib import Path

import streamlit as st

from greenlight import ui

# Our own icon file, sent inline: an emoji page icon makes Streamlit load its emoji catalogue
# on the first page view, and a Material one has browsers fetch it from a font CDN.
st.set_page_config(
    page_title="Greenlight",
    page_icon=Path(__file__).parent / "assets" / "favicon.svg",
    layout="wide",
)
# Studio mode: a visitor who is not signed in gets the sign-in page and the run stops here,
# before any page script (or its ?use= and ?section= links) can run.
ui.require_sign_in()
mode = ui.say_mode()  # the first line of every page, with who is signed in once known
with ui.database_errors():
    # The navigation follows the person's roles, read afresh on every run.
    me = ui.enter(ui.store())
    ui.say_mode(me, mode)
    navigation = ui.navigation(me)
    ui.keep_registries_current(ui.store())  # consents expired, tool reviews fallen due
    ui.sidebar(ui.store())
    navigation.run()
ui.show_flash()
