"""Use-case log: the production's uses, one use in detail, status changes, CSV in and out."""

import streamlit as st

from greenlight import ui
from greenlight.policy import AnswersError

detail, view = ui.log_detail, ui.log_view

guidance, engine = ui.guidance_and_engine()
log = ui.store()
code = ui.current_production()

ui.links.from_url(log, guidance)  # a link's filters or use, once
production = view.production(log, code)
view.demo_notice(log, production)
shown = ui.links.scope(code)
view.use_table(log, guidance, view.filters(log, guidance, shown))

record = detail.selected_use(log, shown)
if record is not None:
    answers = detail.readable_answers(record, guidance)
    detail.summary(guidance, record)
    if isinstance(answers, AnswersError):
        ui.unreadable_notice(
            guidance,
            record,
            answers.problems,
            "To bring it up to date, open it with Re-assess this use and answer the "
            "questions again, then save.",
        )
    facts, actions = st.columns([3, 2], gap="large")
    with facts:
        detail.facts_and_reasons(guidance, record)
    with actions:
        detail.status_form(log, record)
        detail.archive_restore(log, record)
        detail.request_downloads(guidance, engine, record)
    detail.answers_and_history(log, guidance, engine, record, answers)

st.divider()
view.reassess_log(log, engine, expanded=record is not None and isinstance(answers, AnswersError))
st.subheader("CSV")
out, into = st.columns(2, gap="large")
with out:
    view.csv_out(log, guidance, code)
with into:
    view.csv_in(log, engine, code)
