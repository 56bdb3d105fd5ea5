"""Notification e-mails from the shell: python -m greenlight notify send.

Sends what the outbox holds (the app sends it after each write; this is for retries, a
cron job, or a server that was down), with the mail settings of the `[notifications]`
table in `.streamlit/secrets.toml` (or the file given with --secrets).
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import TextIO

from greenlight.cli.common import (
    EXIT_OK,
    UserError,
    _database_argument,
    _Parser,
    open_store,
    store_errors,
    terminal_safe,
)

EXIT_FAILED = 1
DEFAULT_SECRETS = Path(".streamlit") / "secrets.toml"


def _notify_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
    send = sub.add_parser(
        "send", help="send the e-mails waiting in the outbox", description="send them"
    )
    send.add_argument("--retry", action="store_true", help="send the failed ones again too")
    send.add_argument(
        "--secrets", metavar="FILE", default=str(DEFAULT_SECRETS),
        help="the secrets.toml whose [notifications] table names the mail server",
    )  # fmt: skip
    _database_argument(send)


def _settings(path: str):
    from greenlight.notify import MailSettings, MailSettingsError

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file; give the secrets.toml with --secrets") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{path}: cannot be read as TOML ({exc})") from None
    table = data.get("notifications")
    if not isinstance(table, dict):
        raise UserError(f"{path} has no [notifications] table: e-mail is not configured")
    try:
        return MailSettings.from_mapping(table)
    except MailSettingsError as exc:
        raise UserError(f"{path}: {exc}") from None


def run_notify(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.notify import send_pending
    from greenlight.policy import GuidanceError, load_guidance
    from greenlight.present import base_url, level_label

    settings = _settings(args.secrets)
    try:
        base = base_url()
    except ValueError as exc:
        raise UserError(str(exc)) from None
    try:
        guidance = load_guidance()
        label = lambda level: level_label(guidance, level)  # noqa: E731
    except GuidanceError:
        label = str  # the level's id: the e-mail still goes
    store = open_store(args)
    with store_errors():
        done = send_pending(store, settings, base, label, retry_failed=args.retry)
    sent = sum(d.sent for d in done)
    print(f"{sent} sent, {len(done) - sent} failed", file=out)
    for d in done:
        if not d.sent:
            print(
                terminal_safe(f"failed: use {d.notice.use_id} to {d.notice.recipient}: {d.error}"),
                file=out,
            )
    return EXIT_OK if sent == len(done) else EXIT_FAILED
