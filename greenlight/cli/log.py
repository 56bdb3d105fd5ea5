"""The log's life: a use's history, productions, logging a use, moving its status, and
the log's events.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from greenlight.cli.common import (
    EXIT_OK,
    UserError,
    _actor_argument,
    _database_argument,
    _guidance_argument,
    _Parser,
    cli_actor,
    cli_viewer,
    database_errors,
    guidance_from,
    note_lines,
    open_store,
    read_input,
    store_errors,
    terminal_safe,
)
from greenlight.policy import (
    AnswersError,
    Engine,
    load_answers,
)


def _history_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("use_id", metavar="USE_ID", help="the id of a logged use")
    _database_argument(parser)


def run_history(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.csvio import format_time
    from greenlight.store import NotFound

    store = open_store(args)
    try:
        with database_errors():
            use = store.get_use(args.use_id, viewer=cli_viewer())
            entries = store.history(args.use_id, viewer=cli_viewer())
    except NotFound as exc:
        raise UserError(str(exc)) from None
    head = f"{use.id}  {use.title}  ({use.production_code}, {use.level}, {use.status})"
    out.write(terminal_safe(head) + "\n")
    for entry in entries:
        if entry.field == "created":
            change = f"created as {entry.new}"
        else:
            change = f"{entry.field}: {_shown(entry.old)} -> {_shown(entry.new)}"
        when = format_time(entry.at.replace(microsecond=0))
        line = terminal_safe(f"{when}  {entry.actor}  {change}")
        note = f"  ({note_lines(entry.note)})" if entry.note else ""
        out.write(f"{line}{note}\n")
    return EXIT_OK


def _shown(value: str | None) -> str:
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False) if value == "" or value != value.strip() else value


def _productions_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = sub.add_parser("add", help="add a production", description="add a production")
    add.add_argument("code", metavar="CODE", help="letters, digits, - and _ (e.g. LHK-S1)")
    add.add_argument("name", metavar="NAME", help="the production's name")
    _actor_argument(add)
    _database_argument(add)
    listing = sub.add_parser("list", help="list the productions", description="list them")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    _database_argument(listing)


def run_productions(args: argparse.Namespace, out: TextIO) -> int:
    store = open_store(args)
    if args.action == "add":
        with store_errors():
            made = store.create_production(args.code, args.name, actor=cli_actor(args, store))
        out.write(f"added production {made.code}: {terminal_safe(made.name)}\n")
        return EXIT_OK
    with database_errors():
        found = store.list_productions(cli_viewer())
    if args.json:
        rows = [
            {
                "code": p.code,
                "name": p.name,
                "demo": p.is_demo,
                "created_at": p.created_at.isoformat(),
                "created_by": p.created_by,
            }
            for p in found
        ]
        out.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return EXIT_OK
    for p in found:
        out.write(f"{p.code}  {terminal_safe(p.name)}{'  (demo)' if p.is_demo else ''}\n")
    return EXIT_OK


def _log_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="one answers document (YAML or JSON), or - for stdin")
    parser.add_argument("--production", metavar="CODE", required=True, help="the production")
    parser.add_argument(
        "--status", metavar="STATUS", default="draft", help="draft (default) or submitted"
    )
    parser.add_argument(
        "--submission",
        metavar="TOKEN",
        help="a token of your own for this document: logging it again logs nothing",
    )
    parser.add_argument("--json", action="store_true", help="print the new use as JSON")
    _actor_argument(parser)
    _guidance_argument(parser)
    _database_argument(parser)


def run_log(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight import workflow

    if args.status not in workflow.INITIAL_STATUSES:
        raise UserError(
            f"--status {terminal_safe(args.status)!r}: a new use starts as "
            f"{' or '.join(workflow.INITIAL_STATUSES)}"
        )
    guidance = guidance_from(args)
    name = "stdin" if args.file == "-" else args.file
    try:
        answers = load_answers(read_input(args.file), guidance)
    except AnswersError as exc:
        raise UserError([f"{name}: {problem}" for problem in exc.problems]) from None
    store = open_store(args)
    with store_errors():
        use = store.log_use(
            args.production,
            answers,
            Engine(guidance),
            actor=cli_actor(args, store),
            status=args.status,
            note=f"logged from {name} with the command line",
            submission=args.submission,
        )
    if args.json:
        shown = {"id": use.id, "production": use.production_code, "level": use.level}
        shown.update(status=use.status, version=use.version, reasons=list(use.rule_ids))
        out.write(json.dumps(shown, ensure_ascii=False) + "\n")
    else:
        out.write(f"{use.id}\n")
    return EXIT_OK


def _status_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("use_id", metavar="USE_ID", help="the id of a logged use")
    parser.add_argument("status", metavar="STATUS", help="the status to move it to")
    parser.add_argument("--ref", metavar="REF", help="the studio's approval reference")
    parser.add_argument("--note", metavar="NOTE", default="", help="why, for the history")
    parser.add_argument(
        "--version",
        metavar="N",
        help="the version you looked at: refused if the use has changed since",
    )
    _actor_argument(parser)
    _database_argument(parser)


def _version_of(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        version = int(text)
    except ValueError:
        version = 0
    if version < 1:
        raise UserError(
            f"--version {terminal_safe(text[:40])!r}: give the use's version as a whole number "
            "from 1 (history and log --json show it)"
        )
    return version


def run_status(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight import workflow

    expected = _version_of(args.version)
    store = open_store(args)
    with store_errors():
        before = store.get_use(args.use_id, viewer=cli_viewer())
        use = store.set_status(
            args.use_id,
            args.status,
            actor=cli_actor(args, store),
            approval_ref=args.ref,
            note=args.note,
            expected_version=expected,
        )
    old, new = (workflow.status(s).label for s in (before.status, use.status))
    out.write(f"{use.id}: {old} -> {new} (version {use.version})\n")
    return EXIT_OK


def _events_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON array")
    _database_argument(parser)


def run_events(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.csvio import format_time

    store = open_store(args)
    with database_errors():
        found = store.events()
    if args.json:
        rows = [
            {
                "at": format_time(e.at),
                "actor": e.actor,
                "action": e.action,
                "subject": e.subject,
                "uses": e.uses,
                "note": e.note,
            }
            for e in found
        ]
        out.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return EXIT_OK
    for e in found:
        note = f"  ({terminal_safe(e.note)})" if e.note else ""
        out.write(
            f"{format_time(e.at.replace(microsecond=0))}  {terminal_safe(e.actor)}  {e.action}: "
            f"{terminal_safe(e.subject)}, {e.uses} use{'s' if e.uses != 1 else ''}{note}\n"
        )
    return EXIT_OK
