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
from typing import Any

import streamlit as st

log = logging.getLogger("greenlight")

# The [auth] settings Streamlit's st.login needs for one provider, and what each is for.
AUTH_SETTINGS: dict[str, str] = {
    "redirect_uri": "this app's address followed by /oauth2callback",
    "cookie_secret": "a long random string that signs the sign-in cookie",
    "client_id": "the client id the provider gave Greenlight",
    "client_secret": "the client secret the provider gave Greenlight",
    "server_metadata_url": "the provider's /.well-known/openid-configuration address",
}


@dataclass(frozen=True)
class Identity:
    """A signed-in person as the provider names them."""

    issuer: str
    subject: str
    email: str
    name: str


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


def auth_problems(table: Mapping[str, Any]) -> list[str]:
    """What is missing from `[auth]` for sign-in to work (empty when it is complete)."""
    problems = []
    for key, meaning in AUTH_SETTINGS.items():
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"auth.{key} is missing: {meaning}")
    secret = table.get("cookie_secret")
    if isinstance(secret, str) and 0 < len(secret.strip()) < 32:
        problems.append("auth.cookie_secret is too short: use at least 32 random characters")
    return problems


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
    )


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
    st.title("Greenlight")
    st.write(
        "Sign in with your studio account to assess, log and review uses of generative AI. "
        "What you see depends on the productions you work on."
    )
    st.button("Sign in", icon=":material/login:", type="primary", on_click=st.login)


def sign_out_button() -> None:
    """The sign-out button, for the sidebar of every page in studio mode."""
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, width="stretch")
