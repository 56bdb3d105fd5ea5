"""Risk overview: headline figures and charts across one, several or all productions."""

import datetime as dt

import streamlit as st

from greenlight import ui, workflow
from greenlight.store import UseFilter

guidance, _ = ui.guidance_and_engine()
log = ui.store()

st.title("Risk overview")
productions = ui.production_list(log)
if not productions:
    st.info(
        ui.no_production_yet(),
        icon=":material/movie:",
    )
    st.stop()
names = {p.code: p.name for p in productions}
current = ui.current_production()

# Kept across visits to other pages. The productions follow the sidebar's choice instead,
# and the dates are not kept: a date range's empty default, (), counts as a default value,
# and Streamlit warns in the server log about a widget whose value came from both.
ui.keep("overview-departments")
with st.container(border=True):
    left, middle, right = st.columns([3, 2, 2])
    chosen = left.multiselect(
        "Productions (none chosen: all)",
        list(names),
        default=[current] if current in names else [],
        format_func=lambda code: f"{names[code]} · {code}",
        key=f"overview-productions-{current}",  # follows the sidebar's production
    )
    period = middle.date_input(
        "Logged between", value=(), key="overview-dates", format="YYYY-MM-DD"
    )
    departments = right.multiselect(
        "Departments",
        ui.departments(log, tuple(chosen)),
        format_func=lambda d: d or "(none)",
        key="overview-departments",
    )
start = period[0] if len(period) >= 1 else None
end = period[1] if len(period) == 2 else (start if isinstance(start, dt.date) else None)
# "All productions" is every production but the demo: its sample uses are no studio's work.
scope = UseFilter(
    productions=tuple(chosen),
    date_from=start,
    date_to=end,
    departments=tuple(departments),
    without_demo=not chosen,
)
ui.overview.demo_note(productions, chosen)
data = ui.overview_data(log, scope)

by_level = dict(data["level"][["level", "uses"]].itertuples(index=False))
by_status = data["status"].groupby("status")["uses"].sum().to_dict() if len(data["status"]) else {}
total = sum(by_level.values())
if total == 0:
    st.info(
        "No logged use matches these filters. Widen the dates or productions, or log a use "
        "on the Self-assessment page.",
        icon=":material/query_stats:",
    )
    st.stop()

# Where to look first: what waits for the studio's decision, then which production needs
# attention; the figures after.
awaiting = sum(by_status.get(s, 0) for s in workflow.OPEN_STATUSES)
ui.overview.awaiting(log, guidance, scope, awaiting)
ui.overview.by_production(log, scope)

st.subheader("The log in figures")
metrics = st.columns(len(guidance.levels) + 3)
metrics[0].metric("Uses", total)
for column, level in zip(metrics[1:], guidance.levels, strict=False):
    column.metric(level.label, by_level.get(level.id, 0))
metrics[-2].metric("Awaiting a decision", awaiting)
metrics[-1].metric("Approved", by_status.get("approved", 0))
panels = ui.overview_charts(log, scope, guidance)
for row_start in range(0, len(panels), 2):
    for offset, (column, (title, spec)) in enumerate(
        zip(st.columns(2, gap="large"), panels[row_start : row_start + 2], strict=False)
    ):
        with column.container(border=True):
            ui.overview.chart(title, spec, row_start + offset, scope)

ui.overview.tools(log, guidance, scope)
