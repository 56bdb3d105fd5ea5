"""The use the log page shows in full: its facts and reasons, the status form, archive and
restore, every answer and its history. Each part draws the use named by the selected id."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from greenlight import workflow
from greenlight.policy import AnswersError, Guidance, parse_answers
from greenlight.present import (
    answer_rows,
    facts_under_reasons,
    field_rows,
    file_slug,
    history_table,
    level_label,
    reason_text,
    record_assessment,
    request_for_use,
)
from greenlight.ui import writes
from greenlight.ui.auth import viewer
from greenlight.ui.downloads import download_row, request_buttons
from greenlight.ui.shell import actor, guarded, may, page, require_actor
from greenlight.ui.state import LOG_SELECTED_KEY, LOG_STATUS_DRAWN_KEY
from greenlight.ui.text import as_text
from greenlight.ui.widgets import (
    level_badge,
    level_icon,
    records_behind,
    section_link,
    status_badge,
)


def selected_use(log, shown):
    """The use selected by id, if it is one of the productions the log lists (a UseFilter:
    none named, every production); else None."""
    use_id = st.session_state.get(LOG_SELECTED_KEY)
    if not use_id:
        return None
    from greenlight.store import NotPermitted

    try:
        record = log.get_use(use_id, viewer=viewer())
    except (LookupError, NotPermitted):  # removed meanwhile (the demo data), or a role revoked
        st.session_state.pop(LOG_SELECTED_KEY, None)
        return None
    listed = not shown.productions or record.production_code in shown.productions
    return record if listed else None


def request_downloads(guidance: Guidance, engine, record) -> None:
    """The use's escalation request, for its stored assessment, as PDF and as text."""
    st.markdown("**Escalation request for the studio contact**")
    me = actor()  # read now: the file is made on a click, outside this run
    request_buttons(
        lambda base: request_for_use(record, guidance, engine, requested_by=me, base=base),
        file_slug(record.title),
        f"use-{record.id}",
        download_row(f"use-{record.id}"),
    )


def readable_answers(record, guidance: Guidance):
    """The use's answers as this guidance reads them, or the AnswersError saying why not."""
    try:
        return parse_answers(record.answers, guidance)
    except AnswersError as exc:
        return exc


def summary(guidance: Guidance, record) -> None:
    """The title, ids, badges and, when the guidance moved on, the level it had before."""
    st.divider()
    st.subheader("Selected use")
    st.text(record.title)
    st.caption(as_text(f"Use {record.id} in {record.production_code}"))
    badges = st.container(horizontal=True)
    if record.level in {level.id for level in guidance.levels}:
        level_badge(guidance, record.level, badges)
    else:
        badges.badge(level_label(guidance, record.level), color="gray")
    status_badge(record.status, badges)
    if record.archived:
        badges.badge("Archived", icon=":material/inventory_2:", color="gray")
    if record.previous_level and record.previous_level != record.level:
        st.caption(
            as_text(
                f"Level was {level_label(guidance, record.previous_level)} under guidance "
                f"{record.previous_guidance_version}; now {level_label(guidance, record.level)} "
                f"under {record.guidance_version}."
            )
        )


def facts_and_reasons(guidance: Guidance, record) -> None:
    """The free text and workflow facts, and every stored reason with its guidance section."""
    shown = dict(row for row in field_rows(record) if row[1])
    st.dataframe(
        pd.DataFrame({"Field": list(shown), "Value": list(shown.values())}), hide_index=True
    )
    st.markdown("**Why**")
    known = {level.id for level in guidance.levels}
    asked_now = guidance.questions_by_id
    facts = [f for f in record.facts if f.question in asked_now]
    behind = facts_under_reasons(guidance, record.reasons, facts)
    for reason in record.reasons:
        icon = level_icon(guidance, reason.level) if reason.level in known else ""
        st.markdown(f"{icon} {as_text(reason_text(guidance, reason.rule))}")
        records_behind(guidance, behind.get(reason.rule, ()))
        section_link(guidance, reason.section)
    if not record.reasons:
        st.markdown("No rule raised this use above the lowest level.")
    if facts:
        with st.container(key="use-records"):
            st.markdown("**From the studio's records** (when the use was last assessed)")
            records_behind(guidance, facts)


def offered(record) -> list[str]:
    """The statuses this person may move the use to: its workflow's next steps, less the
    decisions (escalate, approve, decline, reopen) they may not take and the production's
    work they may not do. The store decides again, and says why, at the write."""
    from greenlight.store import is_decision

    return [
        target
        for target in workflow.TRANSITIONS.get(record.status, ())
        if may("decide" if is_decision(record.status, target) else "work", record.production_code)
    ]


def status_form(log, record) -> None:
    """Change the status. A refused change keeps what was chosen and typed, and says why."""
    st.markdown("**Change the status**")
    targets = offered(record)
    if not targets:
        st.caption("Your roles in this production allow no change of this use's status.")
        return
    drawn = st.session_state.get(LOG_STATUS_DRAWN_KEY)
    shown = (record.id, record.status, record.version)
    if drawn and drawn[0] == record.id and drawn[1:] != shown[1:]:
        st.warning(
            "This use changed since the page last showed it: a status change you had "
            "started was not applied. Check its status and history, then choose again.",
            icon=":material/sync_problem:",
        )
    st.session_state[LOG_STATUS_DRAWN_KEY] = shown
    # Keyed by the use and the state it was shown in: another use's form, or this one's
    # drawn before someone else moved it, is never applied to what is shown now. Not
    # cleared on submit, so a refused change keeps its choice, reference and note.
    stamp = "-".join(map(str, shown))
    with st.form(f"status-{stamp}"):
        target = st.selectbox(
            "New status",
            targets,
            format_func=lambda s: workflow.status(s).label,
            key=f"status-target-{stamp}",
        )
        reference = st.text_input(
            "Approval reference",
            value=record.approval_ref,
            max_chars=workflow.MAX_APPROVAL_REF,
            key=f"status-ref-{stamp}",
            help="The studio's reference (the number or name of its answer). Needed to "
            "approve a use, at every level.",
        )
        note = st.text_area(
            "Note",
            max_chars=workflow.MAX_NOTE,
            height=80,
            key=f"status-note-{stamp}",
            help="Why, for the use's history. Needed to approve: say what was approved.",
        )
        if workflow.APPROVED_STATUS in targets:
            st.caption(
                "To approve, give the studio's reference and a note saying what was approved."
            )
        if st.form_submit_button("Apply", type="primary") and target:
            who = require_actor()
            done = who and guarded(
                lambda: writes.set_status(
                    log, record, target, actor=who, approval_ref=reference, note=note
                ),
                success=f"Status changed to {workflow.status(target).label}",
            )
            if done:
                _changed_here(done)


def _changed_here(done) -> None:
    """This session's own change: the next draw shows it with no warning of a stale form."""
    st.session_state[LOG_STATUS_DRAWN_KEY] = (done.id, done.status, done.version)
    st.rerun()


def archive_restore(log, record) -> None:
    """Re-assess (on the Self-assessment page), and archive or restore the use."""
    if not may("work", record.production_code):
        return
    st.page_link(
        page("assess"),
        label="Re-assess this use",
        icon=":material/edit:",
        query_params={"use": record.id},
    )
    label = "Restore" if record.archived else "Archive"
    if st.button(label, icon=":material/inventory_2:", key=f"archive-{record.id}"):
        who = require_actor()
        done = who and guarded(
            lambda: writes.archive_or_restore(log, record, actor=who), success=f"{label}d"
        )
        if done:
            _changed_here(done)  # the selection stays on this use, archived or restored


def answers_and_history(log, guidance: Guidance, engine, record, answers) -> None:
    """Every answer as it counted, with what the registries answered (as stored, when this
    guidance cannot read them), and the history."""
    # At full width: in the details column the answers' and the history's last columns
    # were out of sight behind a sideways scroll.
    with st.expander("Every answer"):
        if isinstance(answers, AnswersError):
            st.dataframe(_stored_answers(record.answers), hide_index=True, width="stretch")
        else:
            st.dataframe(
                pd.DataFrame(
                    [
                        (r.group, r.question, r.answer)
                        for r in _answer_rows(guidance, engine, record)
                    ],
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
    entries = log.history(record.id, viewer=viewer())
    st.dataframe(history_table(entries, guidance), hide_index=True, width="stretch")


def _answer_rows(guidance: Guidance, engine, record):
    """The questions that apply, each with its answer as it counted; the open ones with what
    they count as."""
    counted, result = record_assessment(record, guidance, engine)
    return answer_rows(counted, guidance, result)


def _stored_answers(document, prefix: str = "") -> pd.DataFrame:
    rows: list[tuple[str, str]] = []

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        else:
            rows.append((path, str(value)))

    walk(document, prefix)
    return pd.DataFrame(rows, columns=["Answer", "As stored"])
