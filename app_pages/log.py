"""Use-case log: the production's uses, one use in detail, status changes, CSV in and out."""

import pandas as pd
import streamlit as st

from greenlight import ui, workflow
from greenlight.csvio import CsvImportError, import_csv, iter_csv
from greenlight.policy import parse_answers
from greenlight.present import (
    answer_rows,
    field_rows,
    file_slug,
    history_table,
    log_table,
    reason_text,
)
from greenlight.store import UseFilter

PAGE_SIZE = 50
IMPORTS_KEY = "log-imports"  # files this session imported
IMPORTED_KEY = "log-imported"  # what the last import did, said once on the next run

guidance, engine = ui.guidance_and_engine()
log = ui.store()
code = ui.current_production()

st.title("Use-case log")
if code is None:
    st.info(
        "No production yet. Create one with **New production** in the sidebar.",
        icon=":material/movie:",
    )
    st.stop()
production = log.get_production(code)
st.text(f"{production.name} · {production.code}")
if production.is_demo:
    with st.container(border=True):
        st.markdown("This is the **demo production**: sample data to show how Greenlight works.")
        if st.button("Remove the demo data", icon=":material/delete:"):
            removed = ui.guarded(log.remove_demo_productions, success="Demo data removed")
            if removed is not None:
                st.session_state.pop(ui.state.PRODUCTION_KEY, None)
                st.rerun()

# --- filters -----------------------------------------------------------------------------------
scope = UseFilter(productions=(code,))
type_question = guidance.matrix_kind
# Kept while the user re-assesses a use on another page and comes back.
ui.keep("log-levels", "log-statuses", "log-departments", "log-types", "log-text", "log-archived")
with st.container(border=True):
    top = st.columns([2, 2, 2, 2])
    levels = top[0].multiselect(
        "Level",
        [lv.id for lv in guidance.levels],
        format_func=lambda i: guidance.level(i).label,
        key="log-levels",
    )
    statuses = top[1].multiselect(
        "Status",
        workflow.status_ids(),
        format_func=lambda s: workflow.status(s).label,
        key="log-statuses",
    )
    departments = top[2].multiselect(
        "Department",
        log.distinct_values("department", scope),
        format_func=lambda d: d or "(none)",
        key="log-departments",
    )
    types = top[3].multiselect(
        "Type", type_question.values, format_func=type_question.label_of, key="log-types"
    )
    bottom = st.columns([4, 2])
    text = bottom[0].text_input(
        "Search title, description, tool and vendor", key="log-text", max_chars=200
    )
    archived = bottom[1].toggle("Show archived uses instead", key="log-archived")
shown = UseFilter(
    productions=(code,),
    levels=levels,
    statuses=statuses,
    departments=departments,
    use_case_types=types,
    text=text,
    archived=archived,
)

# --- the table -----------------------------------------------------------------------------------
total = log.count_uses(shown)
pages = max(1, -(-total // PAGE_SIZE))
if total == 0:
    if log.count_uses(scope) == 0 and not archived:
        st.info(
            "No uses logged yet. Assess one on the Self-assessment page.",
            icon=":material/fact_check:",
        )
        st.page_link(
            ui.page("assess"), label="Assess an intended use", icon=":material/fact_check:"
        )
    else:
        st.info("No use matches these filters.", icon=":material/filter_alt_off:")
else:
    number = st.number_input(f"Page (of {pages})", 1, pages, 1, key="log-page") if pages > 1 else 1
    listing = log.list_uses(shown, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    frame = log_table(guidance, listing.to_frame())
    st.caption(f"{total} use(s). Select a row to see it in full.")
    picked = st.dataframe(
        ui.style_log(guidance, frame),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="log-table",
        column_config={"id": st.column_config.TextColumn("Id", width="small")},
    )
    rows = picked.selection.rows if picked is not None else []
    if rows:
        st.session_state[ui.state.LOG_SELECTED_KEY] = frame.iloc[rows[0]]["id"]

# --- one use in detail ----------------------------------------------------------------------------
selected = st.session_state.get(ui.state.LOG_SELECTED_KEY)
record = None
if selected:
    try:
        record = log.get_use(selected)
    except LookupError:
        st.session_state.pop(ui.state.LOG_SELECTED_KEY, None)
if record is not None and record.production_code == code:
    st.divider()
    st.subheader("Selected use")
    st.text(record.title)
    st.caption(f"Use {record.id} in {record.production_code}")
    badges = st.container(horizontal=True)
    ui.level_badge(guidance, record.level, badges)
    ui.status_badge(record.status, badges)
    if record.archived:
        badges.badge("Archived", icon=":material/inventory_2:", color="gray")
    if record.previous_level and record.previous_level != record.level:
        st.caption(
            f"Level was {guidance.level(record.previous_level).label} under guidance "
            f"{record.previous_guidance_version}; now {guidance.level(record.level).label} under "
            f"{record.guidance_version}."
        )
    details, workflow_column = st.columns([3, 2], gap="large")
    with details:
        facts = dict(row for row in field_rows(record) if row[1])
        st.dataframe(
            pd.DataFrame({"Field": list(facts), "Value": list(facts.values())}), hide_index=True
        )
        st.markdown("**Why**")
        for reason in record.reasons:
            st.markdown(
                f"{ui.level_icon(guidance, reason.level)} {reason_text(guidance, reason.rule)}"
            )
            ui.section_link(guidance, reason.section)
        if not record.reasons:
            st.markdown("No rule raised this use above the lowest level.")
    with workflow_column:
        st.markdown("**Change the status**")
        drawn = st.session_state.get(ui.state.LOG_STATUS_DRAWN_KEY)
        if drawn and drawn[0] == record.id and drawn[1] != record.status:
            st.warning(
                "This use changed since the page last showed it: a status change you had "
                "started was not applied. Check its status and history, then choose again.",
                icon=":material/sync_problem:",
            )
        st.session_state[ui.state.LOG_STATUS_DRAWN_KEY] = (record.id, record.status)
        targets = workflow.TRANSITIONS.get(record.status, ())
        # Keyed by the status shown: if another session moves the use before Apply is pressed,
        # the stale form is dropped rather than applying whatever the new form defaults to.
        with st.form(f"status-{record.id}-{record.status}", clear_on_submit=True):
            target = st.selectbox(
                "New status", targets, format_func=lambda s: workflow.status(s).label
            )
            reference = st.text_input(
                "Approval reference",
                value=record.approval_ref,
                max_chars=workflow.MAX_APPROVAL_REF,
                help="The studio's written-approval id or note. Needed to approve a use at the written-approval level.",
            )
            note = st.text_area("Note", max_chars=workflow.MAX_NOTE, height=80)
            if st.form_submit_button("Apply", type="primary") and target:
                who = ui.require_actor()
                if who:
                    done = ui.guarded(
                        lambda: log.set_status(
                            record.id, target, actor=who, approval_ref=reference, note=note
                        ),
                        success=f"Status changed to {workflow.status(target).label}",
                    )
                    if done is not None:
                        st.session_state[ui.state.LOG_STATUS_DRAWN_KEY] = (record.id, done.status)
                        st.rerun()
        st.page_link(
            ui.page("assess"),
            label="Re-assess this use",
            icon=":material/edit:",
            query_params={"use": record.id},
        )
        label, action = (
            ("Restore", log.restore_use) if record.archived else ("Archive", log.archive_use)
        )
        if st.button(label, icon=":material/inventory_2:", key=f"archive-{record.id}"):
            who = ui.require_actor()
            if (
                who
                and ui.guarded(lambda: action(record.id, actor=who), success=f"{label}d")
                is not None
            ):
                st.rerun()

    # Below both columns, at full width: in the details column the answers' and the history's
    # last columns were out of sight behind a sideways scroll.
    with st.expander("Every answer"):
        answers = parse_answers(record.answers, guidance)
        st.dataframe(
            pd.DataFrame(
                [(r.group, r.question, r.answer) for r in answer_rows(answers, guidance)],
                columns=["Group", "Question", "Answer"],
            ),
            hide_index=True,
            width="stretch",
            # Sized so the answer stays in view at 1280 px; a long question is cut instead.
            column_config={
                "Group": st.column_config.TextColumn(width=140),
                "Question": st.column_config.TextColumn(width=380),
                "Answer": st.column_config.TextColumn(width=250),
            },
        )
    st.markdown("**History**")
    st.dataframe(history_table(log.history(record.id), guidance), hide_index=True, width="stretch")

# --- CSV out and in --------------------------------------------------------------------------------
st.divider()
st.subheader("CSV")
out, into = st.columns(2, gap="large")
with out:
    st.markdown("Export this production's log, one row per use, safe to open in a spreadsheet.")
    st.download_button(
        "Export CSV",
        data=lambda: "".join(iter_csv(log, guidance, scope)).encode("utf-8"),
        file_name=f"{file_slug(code, 'production')}-genai-log.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
with into:
    # After an import the page runs again with a new, empty uploader (its key counts the
    # imports), so the table shows the new uses and the file cannot be imported twice by a
    # second click; what was imported is said once, above it.
    if imported := st.session_state.pop(IMPORTED_KEY, None):
        st.success(imported, icon=":material/check_circle:")
    upload = st.file_uploader(
        "Import CSV (the export format, or title plus answer columns)",
        type=["csv"],
        key=f"log-import-{st.session_state.get(IMPORTS_KEY, 0)}",
    )
    if upload is not None and st.button("Import into this production", icon=":material/upload:"):
        who = ui.require_actor()
        if who:
            bar = st.progress(0.0, text="Checking rows...")
            try:
                result = import_csv(
                    log,
                    upload.getvalue(),
                    code,
                    engine,
                    actor=who,
                    source_name=upload.name,
                    progress=lambda done, total: bar.progress(
                        done / max(total, 1), text=f"{done} of {total} rows"
                    ),
                )
            except CsvImportError as exc:
                bar.empty()
                st.error(
                    f"Nothing was imported: {len(exc.problems)} problem(s) to fix first.",
                    icon=":material/error:",
                )
                st.dataframe(
                    pd.DataFrame(
                        [(p.row, p.column, p.message) for p in exc.problems],
                        columns=["Row", "Column", "Problem"],
                    ),
                    hide_index=True,
                    width="stretch",
                )
            else:
                st.session_state[IMPORTS_KEY] = st.session_state.get(IMPORTS_KEY, 0) + 1
                st.session_state[IMPORTED_KEY] = (
                    f"Imported {result.imported} use(s) from {upload.name}; each was re-assessed."
                )
                st.rerun()
