"""Sending the notification e-mails a write left in the outbox, after it committed.

Only when `.streamlit/secrets.toml` has a `[notifications]` table. The sending runs in a
thread of its own, so a slow or absent mail server never holds up the page; what fails is
marked failed in the outbox (shown to studio admins on the review desk) and written to the
server's log, and `python -m greenlight notify send --retry` tries it again.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from greenlight.notify import MailSettings, MailSettingsError, send_pending

log = logging.getLogger("greenlight")
_sending = threading.Lock()  # one sender per process at a time; the store keeps servers apart


def _mail_table() -> dict | None:
    try:
        table = st.secrets.get("notifications")
    except FileNotFoundError:  # no secrets.toml at all
        return None
    return None if table is None else dict(table)


def mail_configured() -> bool:
    """Whether secrets.toml has a `[notifications]` table at all (usable or not)."""
    return _mail_table() is not None


def mail_settings() -> MailSettings | None:
    """The `[notifications]` settings (None: not configured, or not usable, said in the
    server's log and, by mail_problems, to studio admins on the review desk)."""
    table = _mail_table()
    if table is None:
        return None
    try:
        return MailSettings.from_mapping(table)
    except MailSettingsError as exc:
        log.error("Notification e-mails are not sent: %s", exc)
        return None


def mail_problems() -> list[str]:
    """What is wrong with the `[notifications]` settings (empty: not configured, or usable)."""
    table = _mail_table()
    if table is None:
        return []
    try:
        MailSettings.from_mapping(table)
    except MailSettingsError as exc:
        return exc.problems
    return []


def send_after_write(store) -> None:
    """Send what the outbox holds, in the background, when e-mail is configured."""
    settings = mail_settings()
    if settings is None:
        return
    from greenlight.present import base_url, level_label
    from greenlight.ui.shell import guidance_and_engine

    guidance, _ = guidance_and_engine()

    try:
        base = base_url()
    except ValueError as exc:
        log.error("Notification e-mails are not sent: %s", exc)
        return

    def run() -> None:
        with _sending:
            try:
                send_pending(store, settings, base, lambda level: level_label(guidance, level))
            except Exception:  # the database failed: the rows stay for the next sender
                log.exception("Sending the notification e-mails failed; they stay in the outbox.")

    threading.Thread(target=run, name="greenlight-notices", daemon=True).start()
