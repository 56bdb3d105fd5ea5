"""Session keys shared across pages, and the one way a widget's value outlives a page switch.

Streamlit drops a widget's value on a run that does not draw it. `keep` copies each value to a
key no widget owns (`<key>:kept`) and puts it back before the widget is drawn again; `remember`
and `recall` do the same for a value a run changes after drawing (the sidebar's production, the
form's answers).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

ACTOR_KEY = "actor"
SIGNED_IN_KEY = "signed-in"  # (issuer, subject) whose sign-in this session recorded
ME_KEY = "me"  # the signed-in person's PersonRecord, read afresh on every run
PRODUCTION_KEY = "production"
# A production to select on the next run, before the sidebar draws its selectbox (a widget's
# value cannot change once it is drawn): one just made, or the one of a use opened to edit.
SELECT_KEY = "production:select"
FLASH_KEY = "flash"  # a message to toast on the next run (a toast before st.rerun is lost)
LOG_SELECTED_KEY = "log-selected"  # the use the log page shows in full
# (use id, status) the log page last drew the status form for: a different status on the next
# draw means the use moved meanwhile, and a change started in the old form was dropped.
LOG_STATUS_DRAWN_KEY = "log-status-drawn"


def kept_key(key: str) -> str:
    """The key no widget owns that holds a copy of widget `key`'s value."""
    return f"{key}:kept"


def keep(*keys: str) -> None:
    """Call before drawing the widgets with these keys: their values outlive a visit to
    another page (the copy is of the value the run starts with)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[kept_key(key)] = st.session_state[key]
        elif kept_key(key) in st.session_state:
            st.session_state[key] = st.session_state[kept_key(key)]


def remember(key: str, value: Any) -> None:
    """Keep `value` as widget `key`'s value from now on, whatever this run does next."""
    st.session_state[kept_key(key)] = value


def recall(key: str, default: Any = None) -> Any:
    """Widget `key`'s value: the widget's own (when set), else the kept copy, else `default`."""
    value = st.session_state.get(key)
    if value is not None:
        return value
    return st.session_state.get(kept_key(key), default)


def forget(*keys: str) -> None:
    """Drop these widgets' values and their kept copies."""
    for key in keys:
        st.session_state.pop(key, None)
        st.session_state.pop(kept_key(key), None)
