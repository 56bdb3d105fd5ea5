"""The review desk: what waits for a studio reviewer's decision across their productions
(every production for a studio admin), oldest first, one use opened with a click, and the
decision taken there through the store.

On a local log (no sign-in) the desk shows every production's waiting uses to the one
person at the machine, as the log page's status form lets them record the studio's answer
already; its decisions carry the typed name, marked unverified like every local entry.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pandas as pd
import streamlit as st

from greenlight import workflow
from greenlight.present import level_label, reasons_in_short, waiting_days
from greenlight.ui import log_detail, writes
from greenlight.ui.auth import person, viewer
from greenlight.ui.shell import guarded, page, require_actor
from greenlight.ui.text import as_text

OVERDUE_ENV = "GREENLIGHT_REVIEW_OVERDUE_DAYS"
DEFAULT_OVERDUE_DAYS = 5
MORE_KEY = "desk-shown"  # how many waiting uses the desk lists (a page more per click)
DECISIONS = {"approved": "Approve", "declined": "Decline", "escalated": "Escalate"}


def overdue_days() -> int:
    """Days after which a waiting use is marked overdue ($GREENLIGHT_REVIEW_OVERDUE_DAYS, 5);
    a value that is not a whole number of days stops the page with what to set."""
    raw = os.environ.get(OVERDUE_ENV, "").strip()
    if not raw:
        return DEFAULT_OVERDUE_DAYS
    if raw.isdigit() and 1 <= int(raw) <= 3650:
        return int(raw)
    st.error(
        as_text(
            f"{OVERDUE_ENV} is {raw!r}: set it to a whole number of days from 1 to 3650 "
            f"(or leave it unset for {DEFAULT_OVERDUE_DAYS}), then restart Greenlight."
        ),
        icon=":material/error:",
    )
    st.stop()


def read_desk(log, days: int, now: datetime):
    """The desk for whoever is here, or a page saying whom it is for (stops the run)."""
    from greenlight.store import DESK_PAGE, NotPermitted

    shown = st.session_state.get(MORE_KEY, DESK_PAGE)
    try:
        return log.review_desk(viewer(), limit=shown, overdue_before=now - timedelta(days=days))
    except NotPermitted:
        st.info(
            "The review desk is for studio reviewers and studio admins: it lists the uses "
            "waiting for their decision. Your role does not include deciding; the use-case "
            "log shows your production's uses and where each stands.",
            icon=":material/rate_review:",
        )
        st.stop()


def heading(desk, days: int) -> None:
    """Title, whose desk it is, and the counts."""
    st.title("Review desk")
    if person() is None:
        st.caption(
            "Every production's uses waiting for a decision. A decision here is "
            "recorded under the name typed in the sidebar, unverified."
        )
    elif desk.productions is None:
        st.caption("As a studio admin you see the uses waiting in every production.")
    else:
        st.caption(as_text(f"Waiting in the productions you review: {', '.join(desk.productions)}"))
    left, right = st.columns(2)
    left.metric("Waiting for a decision", f"{desk.total:,}")
    right.metric(f"Waiting more than {days} days", f"{desk.overdue:,}")


def outbox_problems(log) -> None:
    """For a studio admin: mail settings that cannot be used, notification e-mails that
    failed, and those not sent yet."""
    from greenlight.store import NotPermitted
    from greenlight.ui.notices import mail_configured, mail_problems

    try:
        state = log.outbox_state(viewer())
    except NotPermitted:
        return
    problems = mail_problems()
    if problems:
        st.error(
            "Notification e-mails are not sent: the `[notifications]` settings in "
            "`.streamlit/secrets.toml` cannot be used. Fix these, then restart the server "
            "(`python -m greenlight check-deploy` lists them too):",
            icon=":material/mail_off:",
        )
        st.code("\n".join(problems), language=None)
    if state.failed:
        st.warning(
            f"{state.failed:,} notification e-mail(s) could not be sent. The server's log "
            "has each one; `python -m greenlight notify send --retry` sends them again.",
            icon=":material/mail_off:",
        )
        with st.expander("Failed e-mails"):
            st.dataframe(
                pd.DataFrame(
                    [
                        (f"{n.created_at:%Y-%m-%d %H:%M}", n.recipient, n.kind, n.use_id, n.error)
                        for n in state.failures
                    ],
                    columns=["When", "To", "About", "Use", "Why"],
                ),
                hide_index=True,
                width="stretch",
            )
    if state.pending:
        unsent = f"{state.pending:,} notification e-mail(s) not sent yet"
        if not mail_configured():
            # They wait in the log and go out once settings are added.
            unsent += (
                ": no `[notifications]` settings in `.streamlit/secrets.toml`, so none is "
                "sent. Add them (README: Deploying for a studio) and restart, or send them "
                "with `python -m greenlight notify send`"
            )
        st.caption(unsent + ".")


def tools_due(log) -> None:
    """The registry's tools whose review falls due within the configured days, or is past
    due (store.tools_due), soonest first, with the way to the Tools page to review them."""
    from greenlight.ledger import TOOL_STATES
    from greenlight.store import StoreConfigError, review_due_days
    from greenlight.ui.tools_page import TIER_WORDS

    try:
        days = review_due_days()
    except StoreConfigError as exc:
        st.error(as_text(f"{exc}, then restart Greenlight."), icon=":material/error:")
        return
    due = guarded(lambda: log.tools_due(viewer=viewer(), within_days=days))
    if not due:
        return
    today = now_utc().date()
    overdue = sum(1 for r in due if r.tool.review_due < today)
    st.subheader("Tool reviews due")
    st.caption(
        f"{len(due):,} tool(s) whose review falls due within {days} days"
        + (
            f", {overdue:,} past due: their terms count as unknown until reviewed"
            if overdue
            else ""
        )
        + ". Review them on the Tools page."
    )
    st.dataframe(
        pd.DataFrame(
            [
                (
                    r.tool.review_due.isoformat(),
                    "⚠ overdue"
                    if r.tool.review_due < today
                    else f"in {(r.tool.review_due - today).days} day(s)",
                    r.name,
                    r.tool.vendor,
                    TIER_WORDS[r.tool.tier],
                    TOOL_STATES[r.tool.state],
                    r.tool.reviewed_by,
                    r.tool.production or "Studio",
                    r.id,
                )  # fmt: skip
                for r in due
            ],
            columns=[
                "Review due",
                "When",
                "Tool",
                "Vendor",
                "Tier",
                "State",
                "Reviewed by",
                "Whose",
                "Id",
            ],  # fmt: skip
        ),
        hide_index=True,
        width="stretch",
    )
    st.page_link(page("tools"), label="Review them on the Tools page", icon=":material/handyman:")


def sweep(log):
    """What today's sweep of the consents did (app.py runs it before any page, so what waits
    includes the approvals it reopened), for swept_notice to say; None before it ran."""
    from greenlight.ui.sweeps import todays_consent_sweep

    return todays_consent_sweep(log)


def swept_notice(swept) -> None:
    """What the sweep did to approvals, when it reopened any."""
    if swept is not None and swept.reassessed.reopened:
        st.info(
            as_text(
                f"Consent {', '.join(swept.consents)} reached an end or start date: "
                f"{swept.reassessed.reopened:,} approved use(s) relying on it went back to the "
                "studio."
            ),
            icon=":material/event_busy:",
        )


def expiring_consents(log, guidance) -> None:
    """The consents of the desk's productions that expire within the configured number of
    days (GREENLIGHT_CONSENT_EXPIRY_DAYS), soonest first, each with the uses relying on it."""
    from greenlight.store import StoreConfigError

    try:
        found = log.consents_expiring(viewer=viewer())
    except StoreConfigError as exc:
        st.error(as_text(f"{exc}, then restart Greenlight."), icon=":material/error:")
        return
    if not found:
        return
    st.divider()
    st.subheader("Consents about to expire")
    rows = []
    for item in found:
        relying = guarded(lambda i=item: log.consent_uses(i.consent.id, viewer=viewer())) or []
        rows.append(
            {
                "Consent": item.consent.id,
                "Performer": item.performer_name,
                "Productions": ", ".join(item.productions),
                "Expires on": item.consent.expires_on.isoformat(),
                "Days left": item.days_left,
                "Uses relying on it": "; ".join(
                    f"{u.id} {u.title} ({level_label(guidance, u.level)}, "
                    f"{workflow.status(u.status).label})"
                    for u in relying
                    if u.holds  # a use it falls short for does not rely on it
                )
                or "none yet",
            }
        )
    st.caption(
        "When a consent expires, every use relying on it is assessed again, and an approved "
        "one goes back to the studio: renew the consent on the Talent page first."
    )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={"Uses relying on it": st.column_config.TextColumn(width="large")},
    )


def waiting_table(guidance, desk, days: int, now: datetime, version: int):
    """The waiting uses, oldest first; the id of the one clicked (None: none)."""
    from greenlight.store import DESK_PAGE

    if not desk.items:
        st.success("Nothing waits for a decision.", icon=":material/task_alt:")
        return st.query_params.get("use") or None
    rows = []
    for item in desk.items:
        waited = waiting_days(item.awaiting_since, now)
        rows.append(
            {
                "Waiting": f"{waited} day{'s' if waited != 1 else ''}",
                "Overdue": "⚠ overdue" if waited >= days else "",
                "Title": item.title,
                "Level": level_label(guidance, item.level),
                "Production": item.production_code,
                "Why": reasons_in_short(guidance, item.reason_rules),
                "Status": workflow.status(item.status).label,
                "Yours": "you wrote it" if item.yours else "",
            }
        )
    frame = pd.DataFrame(rows)
    if not any(item.yours for item in desk.items):
        frame = frame.drop(columns="Yours")
    st.caption("Oldest first. Click a row to open the use and decide.")
    # Keyed by the log's data version: after any change the old row number selects nothing.
    picked = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"desk-table-{version}",
        # The title at medium width: at 1280 px a large one pushed the production and the
        # reasons behind a sideways scroll.
        column_config={"Title": st.column_config.TextColumn(width="medium")},
    )
    more = len(desk.items) < desk.total
    if more and st.button(f"Show {DESK_PAGE} more", icon=":material/expand_more:"):
        st.session_state[MORE_KEY] = len(desk.items) + DESK_PAGE
        st.rerun()
    chosen = picked.selection.rows
    if chosen:
        return desk.items[chosen[0]].id
    return st.query_params.get("use") or None  # review?use=ID opens that use


def decision_form(log, record, guidance) -> None:
    """Escalate, approve or decline the use as shown (its version): approving takes the
    studio's reference and a note, declining a note."""
    st.markdown("**Decide**")
    choices = [s for s in workflow.TRANSITIONS.get(record.status, ()) if s in DECISIONS]
    if not choices:
        st.info("This use no longer waits for a decision.", icon=":material/info:")
        return
    stamp = f"{record.id}-{record.version}"
    with st.form(f"decide-{stamp}"):
        target = st.radio(
            "Decision", choices, format_func=DECISIONS.__getitem__, horizontal=True,
            key=f"decide-target-{stamp}",
        )  # fmt: skip
        reference = st.text_input(
            "Approval reference",
            value=record.approval_ref,
            max_chars=workflow.MAX_APPROVAL_REF,
            key=f"decide-ref-{stamp}",
            help="The studio's written-approval id. Needed to approve.",
        )
        note = st.text_area(
            "Note", max_chars=workflow.MAX_NOTE, height=80, key=f"decide-note-{stamp}",
            help="Why: recorded in the use's history. Needed to approve or decline.",
        )  # fmt: skip
        if not st.form_submit_button("Record the decision", type="primary"):
            return
    missing = []
    if target == "approved" and not reference.strip():
        missing.append("the studio's approval reference")
    if target in workflow.DECIDED_STATUSES and not note.strip():
        missing.append("a note saying why")
    if missing:
        st.error(f"To {DECISIONS[target].lower()} this use, give {' and '.join(missing)}.")
        return
    who = require_actor()
    if not who:
        return
    done = guarded(
        lambda: writes.set_status(
            log, record, target, actor=who, approval_ref=reference, note=note.strip()
        ),
        success=f"{workflow.status(target).label}: {record.title}",
    )
    if done is not None:
        st.rerun()


def opened_use(log, guidance, engine, use_id: str) -> None:
    """The use clicked: what it is, its answers and history, its escalation request, and
    the decision."""
    record = guarded(lambda: log.get_use(use_id, viewer=viewer()))
    if record is None:
        return
    answers = log_detail.readable_answers(record, guidance)
    log_detail.summary(guidance, record)
    if record.awaiting_since is not None:
        st.caption(f"Waiting since {record.awaiting_since:%Y-%m-%d %H:%M} UTC")
    facts, actions = st.columns([3, 2], gap="large")
    with facts:
        log_detail.facts_and_reasons(guidance, record)
    with actions:
        decision_form(log, record, guidance)
        log_detail.request_downloads(guidance, engine, record)
    log_detail.answers_and_history(log, guidance, engine, record, answers)


def now_utc() -> datetime:
    return datetime.now(UTC)
