"""The Talent page's consents of one performer: each with every field recorded and its
state on today's date (expired derived from its end date), its evidence files (every
download read through the store, which records who viewed it) and the uses whose last
assessment rested on it; recording a consent with its signed rider, and suspending,
reactivating or revoking one. Everything people typed is shown as text; the store's
refusals are shown as they are, and change nothing."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import streamlit as st

from greenlight import workflow
from greenlight.ledger import (
    ACTIVE,
    COVERS,
    KINDS,
    MEDIA,
    REVOKED,
    SIGNERS,
    SUSPENDED,
    Consent,
    Performer,
)  # fmt: skip
from greenlight.present import level_label
from greenlight.ui.auth import viewer
from greenlight.ui.shell import guarded, require_actor, who
from greenlight.ui.text import as_text

RECORDED_KEY = "talent-recorded"  # consents and state changes this session made: fresh forms
SHOWN_VIEWS = 10  # the latest reads of a file listed under it
EVIDENCE_TYPES = ["pdf", "png", "jpg", "jpeg", "txt"]
EARLIEST, LATEST = date(1950, 1, 1), date(2125, 12, 31)

COVER_WORDS = {
    "likeness": "Likeness", "voice": "Voice", "body": "Body",
    "alteration": "Performance alteration",
}  # fmt: skip
KIND_WORDS = {
    "employment_based": "Employment-based replica",
    "independently_created": "Independently created replica",
    "alteration": "Digital alteration",
}
MEDIA_WORDS = {"temporary": "Temporary only", "final": "Final deliverables", "promotion": "Promotion"}  # fmt: skip
SIGNER_WORDS = {
    "performer": "The performer", "representative": "An authorised representative",
    "estate": "The estate", "union": "The union",
}  # fmt: skip
STATE_WORDS = {ACTIVE: "Active", SUSPENDED: "Suspended", REVOKED: "Revoked", "expired": "Expired"}
# What a consent in each stored state may become, in the words of the form.
CHANGES = {
    ACTIVE: ("suspend", "revoke"),
    SUSPENDED: ("reactivate", "revoke"),
    REVOKED: (),
}
CHANGE_WORDS = {"suspend": "Suspend", "reactivate": "Reactivate", "revoke": "Revoke for good"}
CHANGE_DONE = {"suspend": "suspended", "reactivate": "active again", "revoke": "revoked"}


def _words(table: dict[str, str], items) -> str:
    return ", ".join(table.get(item, item) for item in items)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def state_of(consent: Consent, today: date) -> str:
    """The consent's state on `today`, in words, with when and why for a revocation."""
    state = consent.state_on_day(today)
    words = STATE_WORDS.get(state, state)
    if state == "expired":
        return f"{words} on {_day(consent.expires_on)}"
    if state in (SUSPENDED, REVOKED) and consent.state_on:
        return f"{words} on {_day(consent.state_on)}"
    return words


def consents_of(log, guidance, engine, performer: Performer, code: str, today: date) -> None:
    """The performer's consents (a table, then each in full) and the form to record one."""
    st.subheader(as_text(f"Consents of {performer.name}"))
    if performer.deceased:
        st.caption(as_text(f"Deceased. Estate or authorised representative: {performer.estate}"))
    found = guarded(lambda: log.consents(viewer=viewer(), performer_id=performer.id))
    if found:
        summary_table(found, today)
        for consent in reversed(found):  # the newest first
            consent_details(log, guidance, engine, consent, today)
    elif found is not None:
        st.caption("No consent recorded yet.")
    record_form(log, performer, code)


def summary_table(found: list[Consent], today: date) -> None:
    """The performer's consents, one row each."""
    st.dataframe(
        pd.DataFrame(
            [
                (
                    c.id,
                    state_of(c, today),
                    _words(COVER_WORDS, c.covers),
                    KIND_WORDS.get(c.kind, c.kind),
                    ", ".join(c.productions),
                    _words(MEDIA_WORDS, c.media),
                    _day(c.valid_from),
                    _day(c.expires_on),
                )
                for c in found
            ],
            columns=[
                "Consent",
                "State",
                "Covers",
                "Kind",
                "Productions",
                "Media",
                "Valid from",
                "Expires on",
            ],
        ),  # fmt: skip
        hide_index=True,
        width="stretch",
    )


def fields(consent: Consent, today: date) -> list[tuple[str, str]]:
    """Every field of the consent as (field, value) in words."""
    compensation = "yes" if consent.compensation else "no"
    if consent.compensation_note:
        compensation += f": {consent.compensation_note}"
    rows = [
        ("State", state_of(consent, today)),
        ("Covers", _words(COVER_WORDS, consent.covers)),
        ("Kind", KIND_WORDS.get(consent.kind, consent.kind)),
        ("Intended use", consent.description or "(none: the consent is not valid)"),
        ("Productions", ", ".join(consent.productions)),
        ("Media", _words(MEDIA_WORDS, consent.media)),
        ("Signed on", _day(consent.signed_on)),
        ("Valid from", _day(consent.valid_from)),
        ("Expires on", _day(consent.expires_on) or "no end date"),
        ("Signed by", SIGNER_WORDS.get(consent.signed_by, consent.signed_by)),
        ("Represented by counsel or a union", "yes" if consent.counsel else "no"),
        ("Notice before a scan", _day(consent.scan_notice_on) or "not recorded"),
        ("Compensation", compensation),
    ]
    if consent.state != ACTIVE or consent.state_note:
        rows.append(("Last change of state", consent.state_note or "(no note)"))
    return rows


def consent_details(log, guidance, engine, consent: Consent, today: date) -> None:
    """One consent in full: its fields, evidence, the uses relying on it, and its changes."""
    label = f"{consent.id} · {state_of(consent, today)} · {_words(COVER_WORDS, consent.covers)}"
    with st.expander(as_text(label)):
        # Field names are ours; every value is escaped, and wraps whole at any width.
        st.markdown(
            "  \n".join(f"**{name}:** {as_text(value)}" for name, value in fields(consent, today))
        )
        evidence(log, consent)
        relying_uses(log, guidance, consent)
        state_form(log, engine, consent, today)


def evidence(log, consent: Consent) -> None:
    """The consent's files, each with its download (the store records every read) and who
    read it; and attaching a file (a new version is a new file, none is replaced)."""
    st.markdown("**Evidence**")
    files = guarded(lambda: log.evidence_of("consent", consent.id, viewer=viewer())) or []
    if not files:
        st.caption("No file attached: attach the signed rider below.")
    for item in files:
        st.text(
            f"{item.name} · {item.media_type} · {item.size:,} bytes · added "
            f"{item.added_at:%Y-%m-%d %H:%M} UTC by {item.added_by} · SHA-256 {item.sha256[:16]}…"
        )
        _download(log, item)
        views = guarded(lambda i=item: log.evidence_views(i.id, viewer=viewer())) or []
        if views:
            # The latest reads; the store keeps every one.
            latest = "; ".join(
                f"{v.viewer} at {v.at:%Y-%m-%d %H:%M} UTC" for v in views[-SHOWN_VIEWS:][::-1]
            )
            earlier = len(views) - SHOWN_VIEWS
            st.text(
                f"Viewed by {latest}" + (f"; and {earlier:,} times before" if earlier > 0 else "")
            )
        else:
            st.caption("Not viewed yet.")
    _attach_form(log, consent)


def _download(log, item) -> None:
    """A file's download: its bytes are read through the store (which records the view)
    only when the button is pressed, in Streamlit's download request."""
    # Taken now: the request that reads the bytes has no session. In local mode the typed
    # name, so the view is recorded with a name.
    reader = who()

    def read() -> bytes:
        return log.read_evidence(item.id, viewer=reader)[1]

    st.download_button(
        as_text(f"Download {item.name}"),
        read,
        file_name=item.name,
        mime=item.media_type,
        key=f"talent-download-{item.id}",
        icon=":material/download:",
    )


def _attach_form(log, consent: Consent) -> None:
    done = st.session_state.get(RECORDED_KEY, 0)
    with st.form(f"talent-attach-{consent.id}-{done}", border=False):
        upload = st.file_uploader(
            "Attach a file (PDF, PNG, JPEG or plain text)", type=EVIDENCE_TYPES,
            max_upload_size=upload_mb(), key=f"talent-attach-file-{consent.id}-{done}",
        )  # fmt: skip
        if not st.form_submit_button("Attach", icon=":material/attach_file:"):
            return
    if upload is None:
        st.error("Choose a file to attach first.")
        return
    actor = require_actor()
    if actor and guarded(
        lambda: log.add_evidence("consent", consent.id, upload.name, upload, actor=actor),
        success="File attached",
    ):
        _fresh()


def relying_uses(log, guidance, consent: Consent) -> None:
    """The uses whose last assessment read this consent, and whether it held for each."""
    st.markdown("**Uses that rely on it**")
    found = guarded(lambda: log.consent_uses(consent.id, viewer=viewer())) or []
    if not found:
        st.caption("No logged use relies on it yet.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                (
                    u.id,
                    u.title,
                    u.production_code,
                    "yes" if u.holds else "no: it falls short for this use",
                    level_label(guidance, u.level),
                    workflow.status(u.status).label,
                )
                for u in found
            ],
            columns=["Use", "Title", "Production", "Consent holds", "Level", "Status"],
        ),
        hide_index=True,
        width="stretch",
    )


def state_form(log, engine, consent: Consent, today: date) -> None:
    """Suspend, reactivate or revoke the consent (a revocation needs its date and a note);
    the store re-assesses every use relying on it."""
    allowed = CHANGES.get(consent.state, ())
    if not allowed:
        st.caption("Revoked for good: record a new consent if the performer agrees again.")
        return
    done = st.session_state.get(RECORDED_KEY, 0)
    stamp = f"{consent.id}-{done}"
    with st.form(f"talent-state-{stamp}", border=True):
        st.markdown("**Change its state**")
        change = st.radio(
            "Change", allowed, format_func=CHANGE_WORDS.__getitem__, horizontal=True,
            key=f"talent-change-{stamp}",
        )  # fmt: skip
        on = st.date_input(
            "Revoked on (for a revocation)", value=today, min_value=EARLIEST, max_value=today,
            key=f"talent-change-on-{stamp}",
        )  # fmt: skip
        note = st.text_area(
            "Note", max_chars=2000, height=68, key=f"talent-change-note-{stamp}",
            help="Why: kept with the consent and named in the history of every use it moves. "
            "Needed to suspend or revoke.",
        )  # fmt: skip
        if not st.form_submit_button("Apply the change", icon=":material/gavel:"):
            return
    if change == "revoke" and on is None:
        st.error("Give the date the consent was revoked.")
        return
    actor = require_actor()
    if not actor:
        return
    act = {
        "suspend": lambda: log.suspend_consent(consent.id, note=note, actor=actor, engine=engine),
        "reactivate": lambda: log.reactivate_consent(
            consent.id, note=note, actor=actor, engine=engine
        ),
        "revoke": lambda: log.revoke_consent(
            consent.id, note=note, actor=actor, engine=engine, on=on
        ),
    }[change]
    if guarded(act, success=f"{consent.id} is {CHANGE_DONE[change]}"):
        _fresh()


def upload_mb() -> int:
    """The largest evidence file the uploaders take, in whole megabytes: what the evidence
    store keeps (GREENLIGHT_EVIDENCE_MAX_MB, which it checks to the byte); a setting that is
    not a size stops the page with what to set."""
    from greenlight.store import StoreConfigError, evidence_max_bytes

    try:
        return max(1, math.ceil(evidence_max_bytes() / 2**20))
    except StoreConfigError as exc:
        st.error(as_text(f"{exc}, then restart Greenlight."), icon=":material/error:")
        st.stop()


def today() -> date:
    """Today's date (UTC), the day a consent's state is read on."""
    from greenlight.store import now_utc

    return now_utc().date()


def _fresh() -> None:
    st.session_state[RECORDED_KEY] = st.session_state.get(RECORDED_KEY, 0) + 1
    st.rerun()


def record_form(log, performer: Performer, code: str) -> None:
    """Record a consent of the performer with its evidence files, all or nothing; the
    store names every problem (a consent without a description is not valid)."""
    from greenlight.store import NewEvidence

    done = st.session_state.get(RECORDED_KEY, 0)
    stamp = f"{performer.id}-{done}"
    with st.form(f"talent-consent-{stamp}", border=True):
        st.markdown(as_text(f"Record a consent of {performer.name}"))
        left, right = st.columns(2)
        covers = left.multiselect(
            "It covers", COVERS, format_func=COVER_WORDS.__getitem__, key=f"tc-covers-{stamp}"
        )
        kind = right.selectbox(
            "Kind", KINDS, index=None, format_func=KIND_WORDS.__getitem__,
            key=f"tc-kind-{stamp}", placeholder="Choose the kind",
        )  # fmt: skip
        description = st.text_area(
            "Intended use, reasonably specifically described", max_chars=2000, height=90,
            key=f"tc-use-{stamp}",
            help="Required: a consent without a description of the intended use is not valid.",
        )  # fmt: skip
        left, right = st.columns(2)
        productions = left.text_input(
            "Productions it covers (codes, separated by commas)", value=code, max_chars=2000,
            key=f"tc-productions-{stamp}",
            help="Another production, season, pitch or concept needs a consent of its own.",
        )  # fmt: skip
        media = right.multiselect(
            "Media", MEDIA, format_func=MEDIA_WORDS.__getitem__, key=f"tc-media-{stamp}"
        )
        first, second, third = st.columns(3)
        signed_on = _date(first, "Signed on", f"tc-signed-{stamp}")
        valid_from = _date(second, "Valid from (empty: the day it was signed)", f"tc-from-{stamp}")
        expires_on = _date(third, "Expires on (optional)", f"tc-expires-{stamp}")
        left, right = st.columns(2)
        signed_by = left.selectbox(
            "Signed by", SIGNERS, format_func=SIGNER_WORDS.__getitem__, key=f"tc-by-{stamp}"
        )
        scan_notice_on = _date(right, "Notice given before a scan (date)", f"tc-scan-{stamp}")
        counsel = st.checkbox(
            "The performer was represented by counsel or a union when signing",
            key=f"tc-counsel-{stamp}",
        )
        compensation = st.checkbox("Compensation recorded", key=f"tc-paid-{stamp}")
        compensation_note = st.text_input(
            "Compensation note", max_chars=2000, key=f"tc-paid-note-{stamp}"
        )
        uploads = st.file_uploader(
            "Evidence: the signed rider, a licence (PDF, PNG, JPEG or plain text)",
            type=EVIDENCE_TYPES, accept_multiple_files=True, max_upload_size=upload_mb(),
            key=f"tc-files-{stamp}",
        )  # fmt: skip
        if not st.form_submit_button("Record the consent", type="primary", icon=":material/add:"):
            return
    actor = require_actor()
    if not actor:
        return
    made = guarded(
        lambda: log.add_consent(
            performer.id,
            actor=actor,
            covers=covers,
            kind=kind or "",
            description=description,
            productions=productions,
            media=media,
            signed_on=signed_on,
            valid_from=valid_from,
            expires_on=expires_on,
            signed_by=signed_by,
            counsel=counsel,
            scan_notice_on=scan_notice_on,
            compensation=compensation,
            compensation_note=compensation_note,
            evidence=[NewEvidence(f.name, f) for f in uploads or []],
        ),  # fmt: skip
        success="Consent recorded",
    )
    if made is not None:
        _fresh()


def _date(container, label: str, key: str) -> date | None:
    return container.date_input(
        label, value=None, min_value=EARLIEST, max_value=LATEST, key=key, format="YYYY-MM-DD"
    )
