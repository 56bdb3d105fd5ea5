"""The escalation request's download buttons, as PDF and as text, on the self-assessment and
on a logged use. The files are made when a button is pressed, not with every run."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from greenlight.present import EscalationRequest, base_url, request_markdown, request_pdf
from greenlight.ui.text import as_text


def download_row(key: str):
    """A row of buttons that wraps to the next line when they do not fit, so a narrow column
    or a phone shows each button whole rather than cut off."""
    return st.container(horizontal=True, gap="small", key=f"downloads-{key}")


def request_buttons(make: Callable[[str], EscalationRequest], slug: str, key: str, row) -> None:
    """Two buttons in `row`, PDF and text, for the request `make(base_url)` builds when one
    is pressed.

    A base URL that is not a web address is said instead of the buttons: a request with a
    broken link must not reach a studio contact."""
    try:
        base = base_url()
    except ValueError as exc:
        st.error(as_text(exc), icon=":material/link_off:")
        return
    row.download_button(
        "Escalation request (PDF)",
        data=lambda: request_pdf(make(base)),
        file_name=f"{slug}-escalation-request.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key=f"request-pdf-{key}",
    )
    row.download_button(
        "Escalation request (text)",
        data=lambda: request_markdown(make(base)),
        file_name=f"{slug}-escalation-request.md",
        mime="text/markdown",
        icon=":material/outgoing_mail:",
        on_click="ignore",
        key=f"request-text-{key}",
    )
