"""The Tools page's reading parts: the tool and vendor registry as a table (each tool's tier,
state, data terms, review and whether that review is due), one tool opened with its terms
files, history and the uses that name it, and the vendors' workflows with every step.

Everyone signed in reads the studio's tools and their own productions' (the store scopes
every read); what a person may change is offered by tool_forms and decided by the store.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import streamlit as st

from greenlight import workflow
from greenlight.ledger import TERMS, TOOL_STATES, TOOL_TIERS, workflow_tier
from greenlight.present import level_label
from greenlight.store import ACTOR_KINDS, ToolRecord
from greenlight.ui.auth import person, viewer
from greenlight.ui.shell import guarded, require_actor
from greenlight.ui.text import as_text

# The tiers in a few words, for tables and figures (the ledger's TOOL_TIERS words in full on
# the tool itself and in the columns' help). Keyed by the ledger's tiers: a test pins them.
TIER_WORDS = {
    "enterprise": "enterprise agreement",
    "no_training_terms": "no-training terms",
    "unknown": "unknown terms",
}
TIER_HELP = "; ".join(f"{TIER_WORDS[t]}: {words}" for t, words in TOOL_TIERS.items())
USES_SHOWN = 50  # the uses a tool's panel lists (newest first), with how many there are
TERM_WORDS = {"yes": "yes", "no": "no", "unknown": "not known"}
FIELD_WORDS = {
    **TERMS, "enterprise_secured": "enterprise-secured", "runs_in": "where it runs",
    "state_note": "why (state)", "review_due": "review due", "reviewed_on": "reviewed on",
    "version": "version or plan",
}  # fmt: skip


def today() -> date:
    """Today in UTC, the day the store counts reviews against."""
    return datetime.now(UTC).date()


def review_due_days() -> int:
    """How many days ahead a review counts as due soon (GREENLIGHT_TOOL_REVIEW_DUE_DAYS); a
    setting that is not a number of days stops the page with what to set."""
    from greenlight.store import StoreConfigError, review_due_days

    try:
        return review_due_days()
    except StoreConfigError as exc:
        st.error(as_text(f"{exc}, then restart Greenlight."), icon=":material/error:")
        st.stop()


def may_edit(log, production: str | None) -> bool:
    """Whether this person may add or review a tool of `production` (None: the studio's),
    as the store decides it (store.may_edit_tools): what the page offers."""
    return log.may_edit_tools(viewer=viewer(), production=production)


def heading(log, production: str | None) -> None:
    """Title and what the page is for, for whoever is here."""
    st.title("Tools")
    st.caption(
        "The studio's registry of generative-AI tools and vendors' workflows: each tool's data "
        "terms are reviewed once here, and every use that names it is answered from them "
        "(principles 2 and 3, the tool's terms). A change here re-assesses those uses."
    )
    if person() is None:
        st.caption("Changes are recorded under the name typed in the sidebar, unverified.")
    elif not may_edit(log, None) and (production is None or not may_edit(log, production)):
        st.caption(
            "You may read the registry. Studio admins and reviewers register and review the "
            "studio's tools; a production's lead may add a tool of their own production."
        )


def read_registry(log, production: str | None) -> tuple[list[ToolRecord], list] | None:
    """(tools, workflows) this person may read, the studio's and `production`'s own; None
    (with the error shown) when the store refuses."""
    found = guarded(
        lambda: (
            log.list_tools(viewer=viewer(), production=production),
            log.list_workflows(viewer=viewer(), production=production),
        )
    )
    return found


def due_words(record: ToolRecord, day: date, within: int) -> str:
    """ "overdue", "due soon" or "" for a tool's review on `day` (a tool not allowed: "")."""
    due = record.tool.review_due
    if due is None or record.tool.state == "not_allowed":
        return ""
    if due < day:
        return "⚠ overdue"
    if due <= day + timedelta(days=within):
        return "due soon"
    return ""


def _whose(code: str | None) -> str:
    return "Studio" if code is None else code


def registry_table(records: list[ToolRecord], within: int, version: int) -> ToolRecord | None:
    """Every tool as one row; the tool clicked, or named by ?tool=ID (None: none)."""
    if not records:
        st.info(
            "No tool is registered yet. Uses name tools from here; until a tool is registered "
            "and reviewed, its terms count as unknown.",
            icon=":material/handyman:",
        )
        return None
    day = today()
    rows = []
    for record in records:
        t = record.tool
        rows.append(
            {
                "Tool": t.name,
                "Vendor": t.vendor,
                "Version or plan": t.version,
                "Tier": TIER_WORDS[t.tier],
                "State": TOOL_STATES[t.state],
                "Review status": due_words(record, day, within),
                "Stores inputs": TERM_WORDS[t.stores_inputs],
                "Reuses inputs": TERM_WORDS[t.reuses_inputs],
                "Trains on inputs": TERM_WORDS[t.trains_on_inputs],
                "Enterprise-secured": TERM_WORDS[t.enterprise_secured],
                "Retention": t.retention,
                "Where it runs": t.runs_in,
                "Reviewed by": t.reviewed_by,
                "Reviewed on": t.reviewed_on.isoformat() if t.reviewed_on else "",
                "Review due": t.review_due.isoformat() if t.review_due else "",
                "Whose": _whose(t.production),
                "Id": t.id,
            }
        )
    st.caption(
        f"{len(records):,} tool(s). A review that is overdue makes the tool's terms count as "
        "unknown until it is reviewed again. Click a row to open the tool."
    )
    # Keyed by the log's data version: after any change the old row number selects nothing.
    picked = st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"tools-table-{version}",
        column_config={"Tier": st.column_config.TextColumn(help=TIER_HELP)},
    )
    chosen = picked.selection.rows
    if chosen:
        return records[chosen[0]]
    wanted = st.query_params.get("tool")  # tools?tool=ID opens that tool
    return next((r for r in records if r.id == wanted), None)


def tool_summary(record: ToolRecord, within: int) -> None:
    """One tool: its tier and state, the terms as recorded, and its review."""
    t = record.tool
    st.subheader(as_text(f"{t.name} · {t.id}"))
    due = due_words(record, today(), within)
    said = [
        f"Tier: {TOOL_TIERS[t.tier]}",
        f"State: {TOOL_STATES[t.state]}" + (f" ({t.state_note})" if t.state_note else ""),
        f"Whose: {'the studio' if t.production is None else t.production}",
    ]
    st.markdown(as_text(" · ".join(said)))
    terms = "; ".join(f"{words}: {TERM_WORDS[getattr(t, name)]}" for name, words in TERMS.items())
    st.text(
        f"Terms: {terms}; enterprise-secured: {TERM_WORDS[t.enterprise_secured]}\n"
        f"Retention: {t.retention or 'not recorded'} · Where it runs: "
        f"{t.runs_in or 'not recorded'}\n"
        f"Reviewed by {t.reviewed_by or 'no one'}"
        + (f" on {t.reviewed_on.isoformat()}" if t.reviewed_on else "")
        + (f" · review due {t.review_due.isoformat()}" if t.review_due else "")
    )
    if due == "⚠ overdue":
        st.warning(
            as_text(
                f"The review of {t.name} was due on {t.review_due.isoformat()}: until it is "
                "reviewed again, its terms count as unknown for every use that names it."
            ),
            icon=":material/event_busy:",
        )
    elif due:
        st.info(
            as_text(f"The review of {t.name} falls due on {t.review_due.isoformat()}."),
            icon=":material/event:",
        )


def terms_files(log, record: ToolRecord) -> None:
    """The tool's terms or agreement files, for those who review it; each read recorded."""
    from greenlight.store import NotPermitted

    st.markdown("**Terms and agreements**")
    try:
        files = log.evidence_of("tool", record.id, viewer=viewer())
    except NotPermitted:
        st.caption("The terms files are for the tool's reviewers.")
        return
    if not files:
        st.caption("No terms file attached yet.")
        return
    for ev in files:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.text(
            f"{ev.name} · {ev.media_type} · {ev.size:,} bytes · added {ev.added_at:%Y-%m-%d} "
            f"by {ev.added_by}"
        )
        key = f"tool-evidence-{ev.id}"
        if st.session_state.get(key):
            # Every read is recorded under who reads: the typed name in local mode.
            reader = require_actor()
            found = reader and guarded(
                lambda ev=ev, reader=reader: log.read_evidence(ev.id, viewer=reader)
            )
            if found:
                row.download_button(
                    "Download", found[1], file_name=_download_name(ev), mime=ev.media_type,
                    key=f"{key}-download", icon=":material/download:",
                )  # fmt: skip
        elif row.button("Open", key=f"{key}-open", help="Every read of the file is recorded."):
            st.session_state[key] = True
            st.rerun()


def _download_name(ev) -> str:
    """A file name for the download: the stored name's safe characters, never a path."""
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in ev.name).strip("._")
    return name or f"terms-{ev.id}"


def tool_history(log, record: ToolRecord) -> None:
    """Every recorded change of the tool, oldest first."""
    changes = guarded(lambda: log.tool_history(record.id, viewer=viewer()))
    if not changes:
        return
    with st.expander(f"History ({len(changes)} change(s))"):
        st.dataframe(
            pd.DataFrame(
                [
                    (
                        f"{c.at:%Y-%m-%d %H:%M}",
                        c.actor,
                        ACTOR_KINDS.get(c.actor_kind, c.actor_kind),
                        FIELD_WORDS.get(c.field, c.field.replace("_", " ")),
                        c.old or "",
                        c.new or "",
                        c.note,
                    )
                    for c in changes
                ],
                columns=["When (UTC)", "Who", "As", "What", "Was", "Now", "Note"],
            ),
            hide_index=True,
            width="stretch",
        )


def tool_uses(log, guidance, link_id: str) -> None:
    """The uses that name a tool (directly or through a workflow) or a workflow, newest
    first: those this person may see."""
    found = guarded(lambda: log.uses_naming_tool(link_id, viewer=viewer(), limit=USES_SHOWN))
    if found is None:
        return
    st.markdown(f"**Uses that name it** ({found.total:,})")
    if not found.rows:
        st.caption("No use you may see names it yet.")
        return
    if found.total > len(found.rows):
        st.caption(f"The {len(found.rows)} newest of {found.total:,}.")
    st.dataframe(
        pd.DataFrame(
            [
                (
                    u.id,
                    u.title,
                    u.production_code,
                    level_label(guidance, u.level),
                    workflow.status(u.status).label + (" (archived)" if u.archived else ""),
                    f"{u.updated_at:%Y-%m-%d}",
                )
                for u in found.rows
            ],
            columns=["Use", "Title", "Production", "Level", "Status", "Changed"],
        ),
        hide_index=True,
        width="stretch",
    )


def workflows_table(records: list[ToolRecord], flows: list) -> None:
    """Every workflow: its steps in order with each step's tier, and its tier (the weakest
    step's)."""
    st.subheader("Vendors' workflows")
    if not flows:
        st.caption("No workflow registered yet.")
        return
    st.caption("A workflow counts as its weakest step: every step must meet the same standard.")
    day = today()
    tools = {r.id: r.tool for r in records}

    def step(n: int, tool_id: str) -> str:
        t = tools.get(tool_id)
        if t is None:
            return f"{n}. {tool_id} (not one you may read: unknown terms)"
        return f"{n}. {t.name} ({TIER_WORDS[t.tier_on(day)]}, {TOOL_STATES[t.state]})"

    st.dataframe(
        pd.DataFrame(
            [
                (
                    w.name,
                    w.vendor,
                    TIER_WORDS[workflow_tier(w, tools, day)],
                    " → ".join(step(n, s) for n, s in enumerate(w.steps, 1)),
                    _whose(w.production),
                    w.id,
                )
                for w in flows
            ],
            columns=["Workflow", "Vendor", "Tier (weakest step)", "Steps", "Whose", "Id"],
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Steps": st.column_config.TextColumn(width="large"),
            "Tier (weakest step)": st.column_config.TextColumn(help=TIER_HELP),
        },
    )
