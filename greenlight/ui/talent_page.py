"""The Talent page's performers: who may open the production's ledger, its performers in a
table, adding one, linking one of another production's ledger to this production, and the
performer whose consents the page shows (talent_consents draws those).

Consents are personal data: the store lets only the production's lead, its reviewers and the
studio admins read or change the ledger, and this page offers nothing the store would refuse
(a member opening it by its address reads why and sees nothing of the ledger).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from greenlight.ledger import CATEGORIES, Performer
from greenlight.ui.auth import person, viewer
from greenlight.ui.data import production_list
from greenlight.ui.shell import guarded, may, no_production_yet, require_actor
from greenlight.ui.state import keep
from greenlight.ui.text import as_text

PERFORMER_KEY = "talent-performer"  # the performer whose consents are shown
PICK_KEY = "talent-performer:pick"  # one to show from the next run (just added or linked)
ADDED_KEY = "talent-added"  # performers this session added or linked: fresh form keys

CATEGORY_WORDS = {c: c.capitalize() for c in CATEGORIES}


def heading(log, code: str | None) -> list[Performer]:
    """Title and whose ledger this is; the production's performers, or a page saying why
    there are none to show (stops the run)."""
    from greenlight.store import NotPermitted

    st.title("Talent")
    if code is None:
        st.info(no_production_yet(), icon=":material/movie:")
        st.stop()
    st.caption(
        as_text(
            f"The performers of {code} and their consents to digital replicas and "
            "alterations, with the signed evidence. Consents are personal data: only the "
            "production's lead, its reviewers and studio admins see this page."
        )
    )
    if person() is None:
        st.caption("What you record here carries the name typed in the sidebar, unverified.")
    try:
        return log.performers(code, viewer=viewer())
    except NotPermitted:
        st.info(
            as_text(
                f"The talent ledger of {code} is for its lead, its reviewers and studio "
                "admins: your role there does not include it. When a use names performers, "
                "the self-assessment shows whether their consent holds."
            ),
            icon=":material/lock:",
        )
        st.stop()


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def performers_table(found: list[Performer]) -> None:
    """The production's performers, every field recorded, as text."""
    st.subheader("Performers")
    if not found:
        st.caption("No performer recorded yet: add the first one below.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                (
                    p.id,
                    p.name,
                    CATEGORY_WORDS.get(p.category, p.category),
                    p.union or "none",
                    _yes(p.minor),
                    _yes(p.deceased),
                    p.estate,
                    p.representative,
                    ", ".join(p.productions),
                )
                for p in found
            ],
            columns=[
                "Id",
                "Name",
                "Category",
                "Union",
                "Minor",
                "Deceased",
                "Estate or authorised representative",
                "Agent or representative",
                "Productions",
            ],
        ),  # fmt: skip
        hide_index=True,
        width="stretch",
    )


def _added() -> int:
    return st.session_state.get(ADDED_KEY, 0)


def _show_next(performer_id: str) -> None:
    """Show this performer's consents from the next run on, with fresh forms."""
    st.session_state[PICK_KEY] = performer_id
    st.session_state[ADDED_KEY] = _added() + 1
    st.rerun()


def add_form(log, code: str) -> None:
    """Add a performer working on this production."""
    done = _added()
    with st.form(f"talent-add-{done}", border=True):
        st.markdown("**Add a performer**")
        name = st.text_input("Name", max_chars=200, key=f"talent-name-{done}")
        category = st.selectbox(
            "Category", CATEGORIES, format_func=CATEGORY_WORDS.get, key=f"talent-cat-{done}"
        )
        union = st.text_input(
            "Union", max_chars=200, placeholder="e.g. SAG-AFTRA, Equity; empty for none",
            key=f"talent-union-{done}",
        )  # fmt: skip
        representative = st.text_input(
            "Agent or representative (name and contact)", max_chars=2000,
            key=f"talent-rep-{done}",
        )  # fmt: skip
        minor = st.checkbox("A minor", key=f"talent-minor-{done}")
        deceased = st.checkbox("Deceased", key=f"talent-deceased-{done}")
        estate = st.text_area(
            "Estate or authorised representative, and their contact", max_chars=2000,
            height=68, key=f"talent-estate-{done}", help="Needed for a deceased performer.",
        )  # fmt: skip
        if not st.form_submit_button("Add the performer", type="primary", icon=":material/add:"):
            return
    who = require_actor()
    if not who:
        return
    made = guarded(
        lambda: log.add_performer(
            code,
            name,
            actor=who,
            category=category,
            union=union,
            minor=minor,
            deceased=deceased,
            estate=estate,
            representative=representative,
        ),  # fmt: skip
        success="Performer added",
    )
    if made is not None:
        _show_next(made.id)


def _elsewhere(log, code: str, here: list[Performer]) -> list[Performer]:
    """Performers of the other productions whose ledger this person holds, not yet here."""
    ids = {p.id for p in here}
    found: dict[str, Performer] = {}
    for production in production_list(log):
        if production.code == code or not may("talent", production.code):
            continue
        for p in guarded(lambda c=production.code: log.performers(c, viewer=viewer())) or []:
            if p.id not in ids:
                found.setdefault(p.id, p)
    return sorted(found.values(), key=lambda p: (p.name.casefold(), p.id))


def link_form(log, code: str, here: list[Performer]) -> None:
    """Record that a performer of another production (whose ledger this person holds)
    works on this production too; their consents stay as recorded."""
    candidates = _elsewhere(log, code, here)
    done = _added()
    with st.form(f"talent-link-{done}", border=True):
        st.markdown(as_text(f"Link a performer to {code}"))
        if not candidates:
            st.caption("No performer of another production you hold the ledger of is left to link.")
            st.form_submit_button("Link the performer", disabled=True)
            return
        chosen = st.selectbox(
            "Performer",
            candidates,
            format_func=lambda p: f"{p.name} · {p.id} · {', '.join(p.productions)}",
            key=f"talent-link-pick-{done}",
        )
        if not st.form_submit_button("Link the performer", icon=":material/link:"):
            return
    who = require_actor()
    if who and guarded(
        lambda: log.link_performer(chosen.id, code, actor=who),
        success=f"{chosen.name} now works on {code}",
    ):
        _show_next(chosen.id)


def chosen_performer(found: list[Performer]) -> Performer | None:
    """The performer whose consents the page shows, picked from the production's."""
    if not found:
        return None
    ids = [p.id for p in found]
    keep(PERFORMER_KEY)  # the choice outlives a visit to another page
    picked = st.session_state.pop(PICK_KEY, None)
    if picked in ids:
        st.session_state[PERFORMER_KEY] = picked
    elif st.session_state.get(PERFORMER_KEY) not in ids:
        st.session_state[PERFORMER_KEY] = ids[0]
    names = {p.id: f"{p.name} · {p.id}" for p in found}
    chosen = st.selectbox("Performer", ids, format_func=names.__getitem__, key=PERFORMER_KEY)
    return next(p for p in found if p.id == chosen)
