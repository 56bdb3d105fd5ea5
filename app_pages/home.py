"""Home: what Greenlight is, the three levels, the current production at a glance."""

import streamlit as st

from greenlight import ui, workflow
from greenlight.store import UseFilter

guidance, _ = ui.guidance_and_engine()
log = ui.store()

st.title("Greenlight")
st.markdown(
    "Greenlight checks each intended use of generative AI in your production against "
    f"the studio's guidance (*{guidance.title}*). It tells you at once whether the use is low "
    "risk, needs an escalation, or needs written approval, and why. Every use you log is "
    "tracked through the studio's approval and shows up in the production-wide risk overview."
)

st.subheader("The three levels")
for column, level in zip(st.columns(len(guidance.levels)), guidance.levels, strict=True):
    with column.container(border=True):
        ui.level_badge(guidance, level.id)
        st.write(level.meaning)

code = ui.current_production()
st.subheader("This production")
if code is None:
    st.info(
        ui.no_production_yet(),
        icon=":material/movie:",
    )
else:
    me = ui.viewer()
    production = log.get_production(code, viewer=me)
    st.text(
        production.name + (" - demo data, remove it on the log page" if production.is_demo else "")
    )
    scope = UseFilter(productions=(code,))
    by_level = log.count_by(scope, ("level",), viewer=me)  # dicts: no pandas on the home page
    by_status = log.count_by(scope, ("status",), viewer=me)
    total = sum(by_level.values())
    if total == 0:
        st.info("No uses logged yet. Start with a self-assessment.", icon=":material/fact_check:")
    else:
        columns = st.columns(len(guidance.levels) + 2)
        columns[0].metric("Uses logged", total)
        for column, level in zip(columns[1:], guidance.levels, strict=False):
            column.metric(level.label, by_level.get(level.id, 0))
        waiting = sum(by_status.get(s, 0) for s in workflow.OPEN_STATUSES)
        columns[-1].metric("Waiting for the studio", waiting)

st.subheader("Next step")
left, middle, right = st.columns(3)
left.page_link(ui.page("assess"), label="Assess an intended use", icon=":material/fact_check:")
middle.page_link(ui.page("log"), label="Review the use-case log", icon=":material/table_view:")
right.page_link(ui.page("overview"), label="See the risk overview", icon=":material/monitoring:")
