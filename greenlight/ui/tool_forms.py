"""The Tools page's forms: register a tool with its terms file, record a review of one (tier,
state, terms, review due), and register a vendor's workflow. Each is offered only to those
the store would let do it (tools_page.may_edit); the store decides again, and its refusal or
a value it does not accept is shown as text, with nothing saved."""

from __future__ import annotations

import streamlit as st

from greenlight.ledger import TERM_VALUES, TERMS, TOOL_STATES, TOOL_TIERS
from greenlight.store import ToolRecord
from greenlight.ui.shell import guarded, require_actor
from greenlight.ui.state import FLASH_KEY
from greenlight.ui.text import as_text
from greenlight.ui.tools_page import TERM_WORDS, may_edit

REVIEW_DRAWN_KEY = "tools-review-drawn"  # (tool id, version) the review form last showed
SAVED_KEY = "tools-saved"  # writes this session made: fresh form keys, so a form empties
EVIDENCE_TYPES = ["pdf", "png", "jpg", "jpeg", "txt"]  # the store checks the content itself
TERMS_HELP = "What the tool's terms say it does with what we put in."
DUE_HELP = (
    "Leave empty for the studio's default: twelve months after today, unless "
    "GREENLIGHT_TOOL_REVIEW_MONTHS says otherwise."
)


def upload_limit_mb() -> int:
    """The largest terms file the uploader takes, in whole megabytes: the evidence store's
    limit (GREENLIGHT_EVIDENCE_MAX_MB), which checks again while it reads the file."""
    from greenlight.store import StoreConfigError, evidence_max_bytes

    try:
        return max(1, -(-evidence_max_bytes() // (1024 * 1024)))
    except StoreConfigError as exc:
        st.error(as_text(f"{exc}, then restart Greenlight."), icon=":material/error:")
        st.stop()


def _stamp() -> int:
    return st.session_state.get(SAVED_KEY, 0)


def _saved() -> None:
    st.session_state[SAVED_KEY] = _stamp() + 1


def owners(log, production: str | None) -> list[str | None]:
    """Whose tools this person may add: None for the studio's, and the current production."""
    found: list[str | None] = [None] if may_edit(log, None) else []
    if production is not None and may_edit(log, production):
        found.append(production)
    return found


def _whose_choice(choices: list[str | None], key: str) -> str | None:
    if len(choices) == 1:
        st.caption("For the studio" if choices[0] is None else f"For {choices[0]} only")
        return choices[0]
    return st.radio(
        "For",
        choices,
        format_func=lambda c: "the whole studio" if c is None else f"{c} only",
        horizontal=True,
        key=key,
        help="A production's own tool is seen only in that production.",
    )


def _terms_inputs(key: str, tool=None) -> dict[str, str]:
    """The recorded data terms (stores, reuses, trains on inputs; enterprise-secured)."""
    named = {**TERMS, "enterprise_secured": "runs enterprise-secured"}
    found = {}
    for column, (name, words) in zip(st.columns(len(named)), named.items(), strict=True):
        current = getattr(tool, name) if tool is not None else "unknown"
        found[name] = column.selectbox(
            words.capitalize(),
            TERM_VALUES,
            index=TERM_VALUES.index(current),
            format_func=TERM_WORDS.__getitem__,
            key=f"{key}-{name}",
            help=TERMS_HELP,
        )
    return found


def _tier_and_state(key: str, tool=None) -> tuple[str, str]:
    left, right = st.columns(2)
    tiers, states = list(TOOL_TIERS), list(TOOL_STATES)
    tier = left.selectbox(
        "Tier", tiers, index=tiers.index(tool.tier) if tool else len(tiers) - 1,
        format_func=TOOL_TIERS.__getitem__, key=f"{key}-tier",
        help="Enterprise agreement; reviewed terms that forbid storing, reuse and training; "
        "or unknown terms.",
    )  # fmt: skip
    state = right.selectbox(
        "State", states, index=states.index(tool.state) if tool else 0,
        format_func=TOOL_STATES.__getitem__, key=f"{key}-state",
        help="A tool not allowed raises the level of every use that names it.",
    )  # fmt: skip
    return tier, state


def register_form(log, production: str | None) -> None:
    """Register a tool with its terms (for those who may add one here)."""
    choices = owners(log, production)
    if not choices:
        return
    key = f"tool-add-{_stamp()}"
    with st.expander("Register a tool", icon=":material/add:"):
        with st.form(key, border=False):
            whose = _whose_choice(choices, f"{key}-whose")
            name = st.text_input("Name", max_chars=200, key=f"{key}-name",
                                 placeholder="e.g. Studio Firefly")  # fmt: skip
            left, right = st.columns(2)
            vendor = left.text_input("Vendor", max_chars=200, key=f"{key}-vendor")
            version = right.text_input("Version or plan", max_chars=200, key=f"{key}-version")
            tier, state = _tier_and_state(key)
            terms = _terms_inputs(key)
            left, right = st.columns(2)
            retention = left.text_input("Retention", max_chars=500, key=f"{key}-retention",
                                        placeholder="e.g. deleted after 30 days")  # fmt: skip
            runs_in = right.text_input("Where it runs", max_chars=500, key=f"{key}-runs",
                                       placeholder="e.g. the vendor's EU cloud")  # fmt: skip
            state_note = st.text_input("Why (for a tool under review or not allowed)",
                                       max_chars=500, key=f"{key}-note")  # fmt: skip
            due = st.date_input("Review due", value=None, key=f"{key}-due", help=DUE_HELP,
                                format="YYYY-MM-DD")  # fmt: skip
            upload = st.file_uploader(
                "Terms or agreement (PDF, PNG, JPEG or plain text)", type=EVIDENCE_TYPES,
                key=f"{key}-file", help="Kept in the log with the tool, never replaced.",
                max_upload_size=upload_limit_mb(),
            )  # fmt: skip
            if not st.form_submit_button("Register the tool", type="primary"):
                return
        who = require_actor()
        if not who:
            return
        made = guarded(
            lambda: log.add_tool(
                name,
                tier,
                actor=who,
                production=whose,
                review_due=due,
                evidence=(upload.name, upload) if upload is not None else None,
                vendor=vendor,
                version=version,
                state=state,
                retention=retention,
                runs_in=runs_in,
                state_note=state_note,
                **terms,
            ),  # fmt: skip
        )
        if made is not None:
            _saved()
            st.session_state[FLASH_KEY] = f"Registered {made.name} as {made.id}"
            st.rerun()


def review_form(log, engine, record: ToolRecord) -> None:
    """Record a review of the tool as shown (its version), for those who may."""
    t = record.tool
    if not may_edit(log, t.production):
        return
    drawn = st.session_state.get(REVIEW_DRAWN_KEY)
    if drawn and drawn[0] == record.id and drawn[1] != record.version:
        st.warning(
            as_text(
                f"{t.name} was changed by {record.updated_by} since the page last showed it: "
                "a review you had started was not recorded. Check its terms and history, "
                "then review again."
            ),
            icon=":material/sync_problem:",
        )
    st.session_state[REVIEW_DRAWN_KEY] = (record.id, record.version)
    # Keyed by the version shown: a form drawn before someone else changed the tool is
    # never applied to what is shown now (the store checks the version again).
    key = f"tool-review-{record.id}-{record.version}-{_stamp()}"
    st.markdown("**Review**")
    with st.form(key):
        tier, state = _tier_and_state(key, t)
        terms = _terms_inputs(key, t)
        left, right = st.columns(2)
        retention = left.text_input("Retention", value=t.retention, max_chars=500,
                                    key=f"{key}-retention")  # fmt: skip
        runs_in = right.text_input("Where it runs", value=t.runs_in, max_chars=500,
                                   key=f"{key}-runs")  # fmt: skip
        state_note = st.text_input("Why (for a tool under review or not allowed)",
                                   value=t.state_note, max_chars=500, key=f"{key}-why")  # fmt: skip
        due = st.date_input("Next review due", value=None, key=f"{key}-due", help=DUE_HELP,
                            format="YYYY-MM-DD")  # fmt: skip
        note = st.text_area("Note", max_chars=1000, height=80, key=f"{key}-note",
                            help="What you checked: recorded in the tool's history.")  # fmt: skip
        upload = st.file_uploader(
            "New terms or agreement (optional)",
            type=EVIDENCE_TYPES,
            key=f"{key}-file",
            max_upload_size=upload_limit_mb(),
        )
        if not st.form_submit_button("Record the review", type="primary"):
            return
    who = require_actor()
    if not who:
        return
    # The file first: one the store refuses leaves the review unrecorded too.
    if upload is not None and guarded(
        lambda: log.add_evidence("tool", record.id, upload.name, upload, actor=who)
    ) is None:  # fmt: skip
        return
    done = guarded(
        lambda: log.review_tool(
            record.id,
            engine,
            actor=who,
            note=note,
            expected_version=record.version,
            review_due=due,
            tier=tier,
            state=state,
            retention=retention,
            runs_in=runs_in,
            state_note=state_note,
            **terms,
        )  # fmt: skip
    )
    if done is None:
        return
    _saved()
    st.session_state[REVIEW_DRAWN_KEY] = (record.id, done.tool.version)  # no warning: ours
    st.session_state[FLASH_KEY] = review_words(done)
    st.rerun()


def review_words(done) -> str:
    """What a review did, in a sentence: the uses re-assessed, their levels, the reopened."""
    r = done.result
    said = f"Review of {done.tool.name} recorded"
    if r.checked:
        said += f": {r.checked:,} use(s) re-assessed, {r.level_changed:,} changed level"
        if r.reopened:
            said += f", {r.reopened:,} approved use(s) reopened"
    return said


def workflow_form(log, production: str | None, records: list[ToolRecord]) -> None:
    """Register a vendor's workflow of registered tools, in order."""
    choices = owners(log, production)
    if not choices or not records:
        return
    key = f"workflow-add-{_stamp()}"
    names = {r.id: f"{r.name} · {r.id}" for r in records}
    with st.expander("Add a workflow", icon=":material/add:"):
        with st.form(key, border=False):
            whose = _whose_choice(choices, f"{key}-whose")
            left, right = st.columns(2)
            name = left.text_input("Name", max_chars=200, key=f"{key}-name")
            vendor = right.text_input("Vendor", max_chars=200, key=f"{key}-vendor")
            steps = st.multiselect(
                "Steps, in the order chosen", list(names), format_func=names.__getitem__,
                key=f"{key}-steps", max_selections=20,
                help="A studio workflow's steps are studio tools; a production's may be its own.",
            )  # fmt: skip
            if not st.form_submit_button("Add the workflow", type="primary"):
                return
        who = require_actor()
        if not who:
            return
        made = guarded(lambda: log.add_workflow(name, vendor, steps, actor=who, production=whose))
        if made is not None:
            _saved()
            st.session_state[FLASH_KEY] = f"Added the workflow {made.name} as {made.id}"
            st.rerun()
