"""The People page's parts: who is known to the log with their roles, what each role means,
and granting and revoking roles. A studio admin manages every role of everyone; a production
lead, the members of the productions they lead. The page offers only what the person's roles
allow, and the store decides again at every change (its refusal is shown as text)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from greenlight.store import ROLES, PersonRecord
from greenlight.ui.shell import guarded, me, require_actor

GRANTS_KEY = "people-grants"  # grants and revocations this session made: fresh form keys


def _words(role: str, production: str | None) -> str:
    label = next((r.label for r in ROLES if r.id == role), role)
    return label if production is None else f"{label} of {production}"


def roles_explained() -> None:
    """What each role allows, from the store's declaration of roles."""
    with st.expander("What each role allows"):
        st.dataframe(
            pd.DataFrame(
                [
                    (r.label, "Studio-wide" if r.studio_wide else "One production", r.meaning)
                    for r in ROLES
                ],
                columns=["Role", "Where", "Allows"],
            ),  # fmt: skip
            hide_index=True,
            width="stretch",
        )


def listing(log) -> list[PersonRecord]:
    """Everyone this person may manage (store.list_people), as a table; the list."""
    st.title("People")
    person = me()
    if person is not None and person.is_admin:
        st.caption("As a studio admin you see everyone known to the log and manage every role.")
    else:
        st.caption("As a production lead you see and manage the members of your productions.")
    found = guarded(lambda: log.list_people(require_actor()))
    if found is None:
        st.stop()
    st.dataframe(
        pd.DataFrame(
            [
                (
                    p.email,
                    p.name,
                    "; ".join(_words(g.role, g.production) for g in p.grants) or "(no role)",
                    f"{p.signed_in_at:%Y-%m-%d %H:%M} UTC" if p.signed_in_at else "not yet",
                )
                for p in found
            ],
            columns=["E-mail", "Name", "Roles", "Last signed in"],
        ),
        hide_index=True,
        width="stretch",
    )
    return found


def _grantable(codes: list[str]) -> list[tuple[str, str | None]]:
    """The (role, production) pairs this person may grant, studio-wide roles first."""
    person = me()
    pairs: list[tuple[str, str | None]] = []
    for role in ROLES:
        for code in [None] if role.studio_wide else codes:
            if person is not None and person.may_manage(role.id, code):
                pairs.append((role.id, code))
    return pairs


def grant_form(log, codes: list[str]) -> None:
    """Give a role to someone by their e-mail (they are added if the log does not know
    them; their first sign-in with that e-mail binds them)."""
    st.subheader("Give a role")
    pairs = _grantable(codes)
    if not pairs:
        st.caption("Your roles allow you to give no role here.")
        return
    done = st.session_state.get(GRANTS_KEY, 0)
    with st.form(f"grant-{done}", border=True):
        email = st.text_input("E-mail", max_chars=254, placeholder="name@studio.example")
        name = st.text_input("Name (optional, until they sign in)", max_chars=120)
        choice = st.selectbox(
            "Role", pairs, format_func=lambda pair: _words(*pair), key=f"grant-role-{done}"
        )
        if st.form_submit_button("Give the role", type="primary", icon=":material/person_add:"):
            role, production = choice
            made = guarded(
                lambda: log.grant(email, role, production, actor=require_actor(), name=name),
                success=f"{email.strip()} is now {_words(role, production)}",
            )
            if made is not None:
                st.session_state[GRANTS_KEY] = done + 1
                st.rerun()


def revoke_form(log, people: list[PersonRecord]) -> None:
    """Take a role from someone: every role this person may revoke, one to pick."""
    st.subheader("Take a role away")
    person = me()
    held = [
        (p.email, g.role, g.production)
        for p in people
        for g in p.grants
        if person is not None and person.may_manage(g.role, g.production)
    ]
    if not held:
        st.caption("There is no role here that you may take away.")
        return
    done = st.session_state.get(GRANTS_KEY, 0)
    with st.form(f"revoke-{done}", border=True):
        choice = st.selectbox(
            "Role",
            held,
            format_func=lambda h: f"{h[0]}: {_words(h[1], h[2])}",
            key=f"revoke-role-{done}",
        )
        if st.form_submit_button("Take the role away", icon=":material/person_remove:"):
            email, role, production = choice
            made = guarded(
                lambda: log.revoke(email, role, production, actor=require_actor()),
                success=f"{email} is no longer {_words(role, production)}",
            )
            if made is not None:
                st.session_state[GRANTS_KEY] = done + 1
                st.rerun()
