"""Who is using the app: local mode (one person, a typed name) or studio mode (sign-in).

Studio mode is on when secrets.toml has an `[auth]` table; every page then needs sign-in, and
a visitor who is not signed in sees the sign-in page and nothing of the log: app.py stops
before the navigation runs, so no page, `?use=` or `?section=` link reaches its script.
The identity (issuer, subject, e-mail, name) comes from the provider through `st.user`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from greenlight.deploy import auth_problems
from greenlight.ui.state import ME_KEY, SIGNED_IN_KEY
from greenlight.ui.text import as_text

if TYPE_CHECKING:
    from greenlight.store import PersonRecord

log = logging.getLogger("greenlight")


@dataclass(frozen=True)
class Identity:
    """A signed-in person as the provider names them."""

    issuer: str
    subject: str
    email: str
    name: str
    # Whether the provider vouches that the e-mail is this person's: only then may the e-mail
    # bind the sign-in to the roles an admin gave that address, or to the first admin's seat.
    email_verified: bool = False


class UnreadableSecrets(Exception):
    """secrets.toml exists but cannot be read: whether sign-in is wanted is unknown."""


def _auth_table() -> Mapping[str, Any] | None:
    try:
        table = st.secrets.get("auth")
    except FileNotFoundError as exc:
        # No secrets file at all is local mode. One that exists but cannot be parsed might
        # hold an [auth] table: serving the log without sign-in could expose it, so it stops.
        if any(Path(place).exists() for place in st.get_option("secrets.files")):
            raise UnreadableSecrets(str(exc)) from exc
        return None
    return table if isinstance(table, Mapping) else None


def studio_mode() -> bool:
    """True when secrets.toml configures sign-in (`[auth]`)."""
    return _auth_table() is not None


def identity() -> Identity | None:
    """The signed-in person, or None (always None in local mode)."""
    # .get: a runtime with no sign-in behind it (AppTest) has no is_logged_in at all.
    if not studio_mode() or not st.user.get("is_logged_in", False):
        return None
    claims = st.user.to_dict()
    return Identity(
        issuer=str(claims.get("iss") or ""),
        subject=str(claims.get("sub") or ""),
        email=str(claims.get("email") or ""),
        name=str(claims.get("name") or claims.get("email") or claims.get("sub") or ""),
        email_verified=_says_yes(claims.get("email_verified")),
    )


def _says_yes(claim: Any) -> bool:
    """An `email_verified` claim that says yes: true, or the text "true" some providers send.
    A missing claim says nothing, and counts as no."""
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def person():
    """The signed-in person as the store knows people (store.Person), or None in local mode."""
    found = identity()
    if found is None:
        return None
    from greenlight.store import Person

    return Person(found.issuer, found.subject, found.email, found.name)


def viewer():
    """Whom the store scopes reads to: the signed-in person, or None (local mode sees all)."""
    return person()


def require_sign_in() -> Identity | None:
    """In studio mode, the signed-in person, or the sign-in page and a stopped run.

    A configuration that cannot work stops every page with what to fix: serving the log
    without sign-in would expose it, and st.login would fail later with less to go on."""
    try:
        table = _auth_table()
    except UnreadableSecrets as exc:
        log.error("secrets.toml cannot be read, so no page is shown: %s", exc)
        st.error(
            "Greenlight's settings file (.streamlit/secrets.toml) cannot be read, so no page "
            "is shown. The server's log says why: ask whoever runs Greenlight to fix it.",
            icon=":material/lock:",
        )
        st.stop()
    if table is None:
        return None
    problems = auth_problems(table)
    if problems:
        log.error("Sign-in is configured but incomplete: %s", "; ".join(problems))
        st.error(
            "Greenlight is set up for sign-in, but the settings are incomplete, so no page "
            "is shown.",
            icon=":material/lock:",
        )
        st.write("Whoever runs Greenlight should fix `[auth]` in `.streamlit/secrets.toml`:")
        st.code("\n".join(problems), language=None)
        st.stop()
    person = identity()
    if person is None or not (person.issuer and person.subject):
        _sign_in_page()
        st.stop()
    return person


def _sign_in_page() -> None:
    st.caption("Studio mode · sign-in required")
    st.title("Greenlight")
    st.write(
        "Sign in with your studio account to assess, log and review uses of generative AI. "
        "What you see depends on the productions you work on."
    )
    st.button("Sign in", icon=":material/login:", type="primary", on_click=st.login)


def sign_out_button() -> None:
    """The sign-out button, for the sidebar of every page in studio mode."""
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, width="stretch")


def sign_out_here() -> None:
    """On a page stopped before its sidebar (a refused sign-in, say), the way to sign out and
    in as someone else; nothing in local mode or before sign-in."""
    if identity() is not None:
        st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="sign-out-here")


def enter(use_log) -> PersonRecord | None:
    """Before any page: in studio mode, record the sign-in once per session (binding the
    identity to the person an admin named, or naming the first admin), and read the person's
    roles afresh on every run, so a change of role counts from their next page; a log in
    studio mode served without sign-in shows nothing. Stops the run with a page saying why."""
    from greenlight.store import StoreError

    st.session_state.pop(ME_KEY, None)
    found = person()
    if found is None:
        if use_log.studio_mode():
            st.error(
                "This log belongs to a studio that uses sign-in, and this server is not set up "
                "for it, so nothing is shown. Whoever runs Greenlight should add the `[auth]` "
                "settings to `.streamlit/secrets.toml` (see the README).",
                icon=":material/lock:",
            )
            log.error("The log is in studio mode, but this server has no [auth] settings.")
            st.stop()
        return None
    key = (found.issuer, found.subject)
    try:
        if st.session_state.get(SIGNED_IN_KEY) == key:
            record = use_log.whoami(found)
        elif not identity().email_verified:  # found is not None, so neither is identity()
            # Only an identity bound before, by its issuer and subject, gets in: an e-mail the
            # provider does not vouch for binds no one's roles, nor the first admin's seat.
            record = use_log.whoami(found)
            if record is None:
                _unverified_page(found.email)
        else:
            record = use_log.sign_in(found)
            st.session_state[SIGNED_IN_KEY] = key
    except StoreError as exc:
        st.error(as_text(exc), icon=":material/no_accounts:")
        st.write(
            "Sign out, then sign in with the account this e-mail address belongs to, or ask a "
            "studio admin to sort out which sign-in is yours."
        )
        sign_out_here()
        st.stop()
    st.session_state[ME_KEY] = record
    return record


def _unverified_page(email: str) -> None:
    """The page for a first sign-in whose provider does not vouch for the e-mail; stops."""
    log.warning("A sign-in for %r was refused: the provider did not verify the e-mail.", email)
    st.error(
        as_text(
            f"Your sign-in provider has not confirmed that {email or 'the e-mail address'} "
            "is yours, so Greenlight cannot tell which person you are: nothing was recorded "
            "and you have no roles here."
        ),
        icon=":material/no_accounts:",
    )
    st.write(
        "Confirm your e-mail address with your sign-in provider (or ask whoever runs it for "
        "your studio), then sign out and sign in again."
    )
    sign_out_here()
    st.stop()


def say_mode(me: PersonRecord | None = None, line=None):
    """The first line of every page, where a phone shows it too (its sidebar is folded away):
    the mode, and who is signed in with their roles (`me`, once read). Draws into `line`, the
    placeholder an earlier call returned, and returns it."""
    line = line if line is not None else st.empty()
    found = identity()
    if found is None:
        line.caption("Local mode: for one person on this machine; names are not verified")
        return line
    roles = f" ({role_summary(me)})" if me is not None else ""
    line.caption(as_text(f"Studio mode · signed in as {found.name}{roles}"))
    return line


def role_summary(me: PersonRecord) -> str:
    """A person's roles in a few words: "studio admin", "reviewer of HBL", "no role yet"."""
    if me.is_admin:
        return "studio admin"
    words = [f"{g.role} of {g.production}" for g in me.grants]
    if not words:
        return "no role yet"
    more = len(words) - 2
    return ", ".join(words[:2]) + (f" and {more} more" if more > 0 else "")
