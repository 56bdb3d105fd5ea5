"""The command table and the entry point: python -m greenlight COMMAND ...

Every command returns an exit code: 0 for success, 2 for input a person must fix, with one
clear line per problem on stderr and never a traceback. Commands are registered in COMMANDS;
each is (name, help, add_arguments, run).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from greenlight.cli.assess import (
    _assess_arguments,
    _check_arguments,
    _reassess_arguments,
    run_assess,
    run_check_guidance,
    run_reassess,
)
from greenlight.cli.common import EXIT_BAD_INPUT, UserError, _Parser
from greenlight.cli.deploy import _check_deploy_arguments, run_check_deploy
from greenlight.cli.files import (
    _backup_arguments,
    _export_arguments,
    _import_arguments,
    _restore_arguments,
    _upgrade_arguments,
    run_backup,
    run_export,
    run_import,
    run_restore,
    run_upgrade,
)
from greenlight.cli.log import (
    _events_arguments,
    _history_arguments,
    _log_arguments,
    _productions_arguments,
    _status_arguments,
    run_events,
    run_history,
    run_log,
    run_productions,
    run_status,
)
from greenlight.cli.notify import _notify_arguments, run_notify
from greenlight.cli.people import _people_arguments, run_people
from greenlight.cli.request import _request_arguments, run_request
from greenlight.cli.talent import (
    _consents_arguments,
    _performers_arguments,
    run_consents,
    run_performers,
)
from greenlight.cli.tools import _tools_arguments, _workflows_arguments, run_tools, run_workflows

Command = tuple[
    str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace, TextIO], int]
]


COMMANDS: list[Command] = [
    ("assess", "assess one intended use from an answers document", _assess_arguments, run_assess),
    ("check-guidance", "validate a guidance folder", _check_arguments, run_check_guidance),
    (
        "check-deploy",
        "check the sign-in and e-mail settings before the server starts",
        _check_deploy_arguments,
        run_check_deploy,
    ),
    ("export", "write logged uses as CSV", _export_arguments, run_export),
    ("import", "log the uses in a CSV file (all or nothing)", _import_arguments, run_import),
    ("history", "list every recorded change of a logged use", _history_arguments, run_history),
    ("upgrade", "upgrade a log's schema to this version", _upgrade_arguments, run_upgrade),
    (
        "reassess",
        "re-assess every use logged under another guidance version",
        _reassess_arguments,
        run_reassess,
    ),
    ("productions", "add or list productions", _productions_arguments, run_productions),
    ("log", "assess one answers document and log it as a new use", _log_arguments, run_log),
    ("status", "move a logged use to another status", _status_arguments, run_status),
    ("events", "list what happened to the log as a whole", _events_arguments, run_events),
    (
        "request",
        "write a logged use's escalation request (text or PDF)",
        _request_arguments,
        run_request,
    ),
    ("people", "list people, grant and revoke roles", _people_arguments, run_people),
    ("notify", "send the notification e-mails in the outbox", _notify_arguments, run_notify),
    ("tools", "add, list and review tools in the registry", _tools_arguments, run_tools),
    (
        "workflows",
        "add a vendor's workflow of registered tools",
        _workflows_arguments,
        run_workflows,
    ),
    (
        "performers",
        "add, link or list a production's performers",
        _performers_arguments,
        run_performers,
    ),
    (
        "consents",
        "record, list, revoke or sweep performers' consents",
        _consents_arguments,
        run_consents,
    ),
    ("backup", "write the whole log to a file", _backup_arguments, run_backup),
    ("restore", "restore a backup into an empty log", _restore_arguments, run_restore),
]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m greenlight", description="Greenlight: GenAI use assessment and log"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, help_text, add_arguments, run in COMMANDS:
        command = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(command)
        command.set_defaults(run=run)
    return parser


def main(
    argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run one command; return its exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        return args.run(args, out)
    except UserError as exc:
        for line in exc.lines:
            err.write(f"error: {line}\n")
        return EXIT_BAD_INPUT
