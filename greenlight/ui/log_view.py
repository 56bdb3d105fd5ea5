"""The use-case log page's parts: the production and its demo notice, the filters, the table
(whose selection is kept by use id), re-assessment under new guidance, CSV out and in."""

from __future__ import annotations

import hashlib

import streamlit as st

from greenlight import workflow
from greenlight.csvio import CsvImportError, import_csv, iter_csv
from greenlight.policy import Engine, Guidance
from greenlight.present import (
    file_slug,
    log_table,
    principle_filter_label,
    principle_options,
    rule_label,
)
from greenlight.store import UseFilter
from greenlight.ui.auth import viewer
from greenlight.ui.data import style_log
from greenlight.ui.links import (
    ARCHIVED_KEY,
    PAGE_KEY,
    TEXT_KEY,
    URL_DATES,
    URL_FILTERS,
    several,
)
from greenlight.ui.shell import guarded, may, no_production_yet, page, require_actor
from greenlight.ui.state import LOG_SELECTED_KEY, PRODUCTION_KEY, keep
from greenlight.ui.text import as_text

PAGE_SIZE = 50
IMPORTS_KEY = "log-imports"  # files this session imported
IMPORTED_KEY = "log-imported"  # what the last import did, said once on the next run
REASSESSED_KEY = "log-reassessed"  # what the last re-assessment did, said once
FILTER_KEYS = (*URL_FILTERS.values(), *URL_DATES.values(), TEXT_KEY)
PICKED_KEY = "log-picked"  # (the table's key, whether a row of it was picked) on the last run


def production(log, code: str | None):
    """The current production under the page's title; stops the page when there is none."""
    st.title("Use-case log")
    if code is None:
        st.info(
            no_production_yet(),
            icon=":material/movie:",
        )
        st.stop()
    found = log.get_production(code, viewer=viewer())
    st.text(f"{found.name} · {found.code}")
    return found


def demo_notice(log, production) -> None:
    """For the demo production: what it is, and the button that removes it."""
    if not production.is_demo:
        return
    if not may("admin", production.code):  # removing the demo is a studio admin's act
        return
    with st.container(border=True):
        st.markdown(
            "This is the **demo production**: sample data to show how Greenlight works. It "
            "takes no logged uses: log real work in a production of your own (**New "
            "production** in the sidebar)."
        )
        with st.popover("Remove the demo data", icon=":material/delete:"):
            st.write(
                "This deletes the demo production and its sample uses. The log keeps a record "
                "of who removed them and when."
            )
            sure = st.checkbox("Yes, remove the demo data", key="demo-remove-sure")
            if st.button("Remove", type="primary", disabled=not sure, key="demo-remove"):
                who = require_actor()
                if who:
                    removed = guarded(
                        lambda: log.remove_demo_productions(actor=who, confirm=True),
                        success="Demo data removed",
                    )
                    if removed is not None:
                        st.session_state.pop(PRODUCTION_KEY, None)
                        st.rerun()


def filters(log, guidance: Guidance, base: UseFilter) -> UseFilter:
    """The filter row over the productions of `base`; returns the uses it selects (kept
    across visits to other pages)."""
    keep(*FILTER_KEYS, ARCHIVED_KEY)
    kinds = guidance.matrix_kind
    in_scope = UseFilter(productions=base.productions, without_demo=base.without_demo)
    options = log.distinct_values("department", in_scope, viewer=viewer())
    # A department kept from another production, or named by a link, that these do not have.
    key = URL_FILTERS["department"]
    chosen = st.session_state.get(key) or []
    if any(d not in options for d in chosen):
        st.session_state[key] = [d for d in chosen if d in options]
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
            options,
            format_func=lambda d: d or "(none)",
            key="log-departments",
        )
        types = top[3].multiselect(
            "Type",
            kinds.values if kinds else [],
            format_func=kinds.label_of if kinds else str,
            key="log-types",
        )
        middle = st.columns([1.8, 1.8, 1.6], vertical_alignment="bottom")
        reasons = middle[0].multiselect(
            "Reason",
            [rule.id for rule in guidance.rules],
            format_func=lambda r: rule_label(guidance, r),
            key=URL_FILTERS["reason"],
            help="Uses whose assessment gave any of these reasons.",
        )
        principles = middle[1].multiselect(
            "Principle not answered clearly",
            principle_options(guidance),
            format_func=lambda p: principle_filter_label(guidance, p),
            key=URL_FILTERS["principle"],
            help="Uses with any of these principles answered no or unsure (an unanswered "
            "principle counts as its default).",
        )
        bottom = st.columns([2.6, 1.7, 1.7])
        text = bottom[0].text_input(
            "Search title, description, tool and vendor", key="log-text", max_chars=200
        )
        # No default day (value=None): the filter is off until a day is chosen or a link
        # from the overview sets one.
        date_from = bottom[1].date_input(
            "Logged from", value=None, key=URL_DATES["from"], format="YYYY-MM-DD"
        )
        date_to = bottom[2].date_input(
            "Logged to", value=None, key=URL_DATES["to"], format="YYYY-MM-DD"
        )
        archived = middle[2].toggle("Show archived uses instead", key=ARCHIVED_KEY)
    return UseFilter(
        productions=base.productions,
        without_demo=base.without_demo,
        levels=levels,
        statuses=statuses,
        departments=departments,
        use_case_types=types,
        reasons=reasons,
        principles=principles,
        date_from=date_from,
        date_to=date_to,
        text=text,
        archived=archived,
    )


def select(use_id: str | None) -> None:
    """Show this use in full (None: no use)."""
    if use_id is None:
        st.session_state.pop(LOG_SELECTED_KEY, None)
    else:
        st.session_state[LOG_SELECTED_KEY] = use_id


def use_table(log, guidance: Guidance, shown: UseFilter) -> None:
    """The uses the filter selects, a page at a time; a row picked selects that use by id."""
    total = log.count_uses(shown, viewer=viewer())
    if total == 0:
        _no_uses(log, shown)
        return
    pages = max(1, -(-total // PAGE_SIZE))
    if st.session_state.get(PAGE_KEY, 1) > pages:  # fewer pages under a narrower filter
        st.session_state[PAGE_KEY] = pages
    number = st.number_input(f"Page (of {pages})", 1, pages, key=PAGE_KEY) if pages > 1 else 1
    listing = log.list_uses(
        shown, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE, viewer=viewer()
    )
    frame = log_table(guidance, listing.to_frame(), with_production=several(shown))
    ids = tuple(frame["id"])
    st.caption(f"{total} use(s). Select a row to see it in full.")
    # Keyed by the uses it lists: a picked row means that row of these very uses. Under the
    # same key a new filter, page or archive would leave the pick on a row number that now
    # holds another use (or none: the last row archived).
    digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]
    key = f"log-table-{digest}"
    drawn_before = key in st.session_state  # on the last run, not just now after a visit away
    picked = st.dataframe(
        style_log(guidance, frame),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        column_config={"id": st.column_config.TextColumn("Id", width="small")},
    )
    rows = picked.selection.rows if picked is not None else []
    if rows and 0 <= rows[0] < len(ids):
        select(ids[rows[0]])
    elif drawn_before and st.session_state.get(PICKED_KEY) == (key, True):
        select(None)  # the row picked in this very table was unpicked
    st.session_state[PICKED_KEY] = (key, bool(rows))


def _no_uses(log, shown: UseFilter) -> None:
    everything = UseFilter(productions=shown.productions, without_demo=shown.without_demo)
    if not shown.archived and log.count_uses(everything, viewer=viewer()) == 0:
        st.info(
            "No uses logged yet. Assess one on the Self-assessment page.",
            icon=":material/fact_check:",
        )
        st.page_link(page("assess"), label="Assess an intended use", icon=":material/fact_check:")
    else:
        st.info("No use matches these filters.", icon=":material/filter_alt_off:")


def reassess_log(log, engine: Engine, *, expanded: bool = False) -> None:
    """Re-assess every use of the log that an older guidance version assessed, with a
    progress bar (UseCaseStore.reassess, as `python -m greenlight reassess` does)."""
    if not may("admin", None):  # moving the log to new guidance is a studio admin's act
        return
    guidance = engine.guidance
    label = f"Re-assess the log under guidance {guidance.id} {guidance.version}"
    with st.expander(label, icon=":material/published_with_changes:", expanded=expanded):
        if said := st.session_state.pop(REASSESSED_KEY, None):
            st.success(as_text(said[0]), icon=":material/check_circle:")
            if said[1]:
                st.text("\n".join(said[1]))
        st.text(
            "Uses logged under another guidance version keep the level that version gave "
            "them until they are re-assessed. This re-assesses every such use of every "
            "production: the old level stays in each use's history, and an approved use "
            "whose level rises goes back to Submitted. Uses whose answers this guidance "
            "cannot read are left as they are and listed."
        )
        if st.button("Re-assess the log", icon=":material/published_with_changes:"):
            who = require_actor()
            if who:
                bar = st.progress(0.0, text="Finding the uses to re-assess...")
                done = guarded(
                    lambda: log.reassess(
                        engine,
                        actor=who,
                        progress=lambda n, total: bar.progress(
                            n / max(total, 1), text=f"{n} of {total} uses"
                        ),
                    )
                )
                if done is not None:
                    st.session_state[REASSESSED_KEY] = (_reassessed(done), list(done.problems))
                    st.rerun()


def _reassessed(result) -> str:
    said = (
        f"Re-assessed {result.checked} use(s): {result.level_changed} changed level, "
        f"{result.reopened} went back to Submitted."
    )
    if result.problems:
        said += (
            f" {len(result.problems)} could not be read by this guidance and were left as "
            "they are; open each on the Self-assessment page and answer its questions again:"
        )
    return said


def csv_out(log, guidance: Guidance, code: str) -> None:
    """The export button: this production's log as CSV, made when pressed."""
    st.markdown("Export this production's log, one row per use, safe to open in a spreadsheet.")
    me = viewer()  # read now: the file is made on a click, outside this run
    st.download_button(
        "Export CSV",
        data=lambda: "".join(
            iter_csv(log, guidance, UseFilter(productions=(code,)), viewer=me)
        ).encode(),
        file_name=f"{file_slug(code, 'production')}-genai-log.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


def csv_in(log, engine: Engine, code: str) -> None:
    """The import: a CSV file into this production, all or nothing, each problem listed."""
    # After an import the page runs again with a new, empty uploader (its key counts the
    # imports), so the table shows the new uses and the file cannot be imported twice by a
    # second click; what was imported is said once, above it.
    if imported := st.session_state.pop(IMPORTED_KEY, None):
        st.success(imported, icon=":material/check_circle:")
    if not may("work", code):
        st.caption("Importing uses is for the production's members and lead.")
        return
    upload = st.file_uploader(
        "Import CSV (the export format, or title plus answer columns)",
        type=["csv"],
        key=f"log-import-{st.session_state.get(IMPORTS_KEY, 0)}",
    )
    if upload is None:
        return
    imports = st.session_state.get(IMPORTS_KEY, 0)
    start = st.segmented_control(
        "Start the imported uses as",
        workflow.INITIAL_STATUSES,
        default=workflow.DEFAULT_STATUS,
        format_func=lambda s: workflow.status(s).label,
        key=f"log-import-status-{imports}",
        help="An import starts every use afresh: the file's statuses and references are not kept.",
    )
    again = st.checkbox(
        "Log its uses again if this very file was imported here before",
        key=f"log-import-again-{imports}",
        help="The same file twice is refused unless you mean it: each import logs new uses.",
    )
    if not st.button("Import into this production", icon=":material/upload:"):
        return
    who = require_actor()
    if not who:
        return
    bar = st.progress(0.0, text="Checking rows...")
    try:
        result = import_csv(
            log,
            upload.getvalue(),
            code,
            engine,
            actor=who,
            source_name=upload.name,
            status=start or workflow.DEFAULT_STATUS,
            allow_repeat=again,
            progress=lambda done, total: bar.progress(
                done / max(total, 1), text=f"{done} of {total} rows"
            ),
        )
    except CsvImportError as exc:
        bar.empty()
        import_problems(exc, upload.name)
        return
    st.session_state[IMPORTS_KEY] = st.session_state.get(IMPORTS_KEY, 0) + 1
    st.session_state[IMPORTED_KEY] = (  # Markdown, with the file's name as text
        f"Imported {result.imported} use(s) from {as_text(upload.name)}; each was re-assessed."
    )
    st.rerun()


SHOWN_PROBLEMS = 100  # listed on the page; the download has every one


def import_problems(exc: CsvImportError, file_name: str) -> None:
    """Why a file was not imported: every problem as a line of its own, wrapped, with its row
    and column first (the file's text shown as text), and all of them as a text file."""
    problems = exc.problems
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    st.error(
        f"Nothing was imported: {count} to fix in the file first, then import it again. "
        "Rows are numbered as a spreadsheet shows them (the header is row 1).",
        icon=":material/error:",
    )
    lines = []
    for problem in problems[:SHOWN_PROBLEMS]:
        where = f"Row {problem.row}" + (f", column {problem.column}" if problem.column else "")
        lines.append(f"- **{as_text(where)}:** {as_text(problem.message)}")
    box = st.container(height=420) if len(problems) > 8 else st.container()
    box.markdown("\n".join(lines))
    if len(problems) > SHOWN_PROBLEMS:
        st.caption(f"The first {SHOWN_PROBLEMS} of {len(problems)} are listed here.")
    st.download_button(
        "Download the list of problems",
        data="\n".join(map(str, problems)) + "\n",
        file_name=f"{file_slug(file_name.rsplit('.', 1)[0], 'import')}-problems.txt",
        mime="text/plain",
        icon=":material/download:",
        on_click="ignore",
    )
