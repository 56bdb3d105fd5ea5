"""Command line: python -m greenlight COMMAND ...

Every command returns an exit code: 0 for success, 2 for input a person must fix, with one
clear line per problem on stderr and never a traceback. Commands are registered in COMMANDS;
each is (name, help, add_arguments, run).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from greenlight.policy import (
    AnswersError,
    Assessment,
    Engine,
    Guidance,
    GuidanceError,
    load_answers,
    load_guidance,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class UserError(Exception):
    """An error the user can act on: printed as lines on stderr, exit 2."""

    def __init__(self, lines: list[str] | str):
        self.lines = [lines] if isinstance(lines, str) else lines
        super().__init__("\n".join(self.lines))


def guidance_from(args: argparse.Namespace) -> Guidance:
    """The guidance named by --guidance (or the default set), as a UserError when invalid."""
    try:
        return load_guidance(getattr(args, "guidance", None))
    except GuidanceError as exc:
        raise UserError(exc.problems) from None


def read_input(path: str) -> bytes:
    """The bytes of FILE, or of stdin for '-'."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UserError(f"{path}: cannot read the file: {exc.strerror}") from None


def format_assessment(title: str, result: Assessment, guidance: Guidance) -> str:
    """A readable summary of an assessment for the terminal."""
    level = guidance.level(result.level)
    lines = [title, f"Level: {level.label.upper()} - {level.meaning}"]
    row = guidance.matrix_row(result.matrix_row)
    lines.append(f"Matrix row: {row.label if row else 'none (other use)'}")
    if result.row_contradicted:
        lines.append(f"Kind of use: {_row_contradiction(guidance, result)}")
    lines.append("Reasons:" if result.raising else "Reasons: none")
    for reason in result.raising:
        lines.append(f"  [{reason.level}] {reason.text} ({reason.rule}; section {reason.section})")
    if result.notes:
        lines.append("Notes (these raise nothing):")
        lines.extend(f"  - {note.text} ({note.rule})" for note in result.notes)
    lines.append("Next actions:")
    lines.extend(f"  - {action}" for action in result.actions)
    if result.unanswered:
        lines.append("Unanswered (each counts as its riskiest answer):")
        lines.extend(
            f"  - {qid}: {guidance.question(qid).label} (counts as {guidance.question(qid).riskiest})"
            for qid in result.unanswered
        )
    for reading in guidance.readings:
        if reading.id in result.readings:
            lines.append(f"Reading applied ({reading.id}): {' '.join(reading.reading.split())}")
    lines.append(f"Guidance: {result.guidance_id} {result.guidance_version}")
    return "\n".join(lines)


def _assess_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="an answers document (YAML or JSON), or - for stdin")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--guidance", metavar="DIR", help="a guidance folder (default: guidance/)")


def run_assess(args: argparse.Namespace, out: TextIO) -> int:
    guidance = guidance_from(args)
    try:
        answers = load_answers(read_input(args.file), guidance)
    except AnswersError as exc:
        name = "stdin" if args.file == "-" else args.file
        raise UserError([f"{name}: {problem}" for problem in exc.problems]) from None
    result = Engine(guidance).assess(answers)
    if args.json:
        data = result.to_dict()
        data["answers_notes"] = list(answers.notes)
        out.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        out.write(format_assessment(answers.title, result, guidance) + "\n")
        out.writelines(f"Note on the answers: {note}\n" for note in answers.notes)
    return EXIT_OK


def _row_contradiction(guidance: Guidance, result: Assessment) -> str:
    from greenlight.present import row_contradiction

    return row_contradiction(guidance, result)


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "guidance", nargs="?", metavar="DIR", help="the folder to check (default: guidance/)"
    )


def run_check_guidance(args: argparse.Namespace, out: TextIO) -> int:
    guidance = guidance_from(args)
    out.write(
        f"{guidance.path}: valid - {guidance.id} {guidance.version}: {len(guidance.sections)} sections, "
        f"{len(guidance.questions)} questions, {len(guidance.rules)} rules, "
        f"{len(guidance.matrix)} matrix rows\n"
    )
    return EXIT_OK


# --- the use-case log: export, import, history --------------------------------------------


def _database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="a database URL (default: $GREENLIGHT_DATABASE_URL, secrets.toml or data/greenlight.db)",
    )


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn a database that cannot be used into one line for the user, not a traceback."""
    import sqlalchemy as sa

    from greenlight.store import SchemaError, StoreConfigError

    try:
        yield
    except (StoreConfigError, SchemaError) as exc:
        raise UserError(str(exc)) from None
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UserError(f"the database cannot be used: {reason}") from None


def open_store(args: argparse.Namespace):
    """The store named by --database (or the configured one), as a UserError when unusable."""
    from greenlight.store import UseCaseStore

    with database_errors():
        return UseCaseStore(getattr(args, "database", None))


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--production",
        metavar="CODE",
        action="append",
        default=[],
        help="a production to export (repeat for several; default: all)",
    )
    parser.add_argument(
        "--archived", action="store_true", help="include archived uses (archived: true)"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--guidance", metavar="DIR", help="a guidance folder (default: guidance/)")
    _database_argument(parser)


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.csvio import iter_csv
    from greenlight.store import NotFound, UseFilter

    guidance = guidance_from(args)
    store = open_store(args)
    for code in args.production:
        try:
            store.get_production(code)
        except NotFound as exc:
            raise UserError(str(exc)) from None
    archived = None if args.archived else False  # None: archived uses and the others
    chunks = iter_csv(
        store, guidance, UseFilter(productions=tuple(args.production), archived=archived)
    )
    with database_errors():
        if not args.output:
            for chunk in chunks:
                out.write(chunk)
            return EXIT_OK
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except OSError as exc:
            raise UserError(f"{args.output}: cannot write the file: {exc.strerror}") from None
    return EXIT_OK


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a CSV file in Greenlight's export format, or - for stdin")
    parser.add_argument("--production", metavar="CODE", required=True, help="the production")
    parser.add_argument("--actor", metavar="NAME", help="who is importing (default: your login)")
    parser.add_argument(
        "--status",
        choices=("draft", "submitted"),
        default="draft",
        help="the status every imported use starts in (default: draft)",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="import a file that was imported into this production before, once more",
    )
    parser.add_argument("--guidance", metavar="DIR", help="a guidance folder (default: guidance/)")
    _database_argument(parser)


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "command line"


MAX_PROBLEMS_SHOWN = 50


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.csvio import CsvImportError, import_csv

    guidance = guidance_from(args)
    data = read_input(args.file)
    store = open_store(args)
    name = "stdin" if args.file == "-" else args.file
    try:
        with database_errors():
            result = import_csv(
                store,
                data,
                args.production,
                Engine(guidance),
                actor=args.actor or _login(),
                source_name=name,
                status=args.status,
                allow_repeat=args.again,
            )
    except CsvImportError as exc:
        shown = [terminal_safe(str(problem)) for problem in exc.problems[:MAX_PROBLEMS_SHOWN]]
        lines = [f"{terminal_safe(name)}: {line}" for line in shown]
        if len(exc.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"{name}: ... and {len(exc.problems) - MAX_PROBLEMS_SHOWN} more problems")
        if exc.repeat is not None:
            lines.append(f"{name}: to log its uses once more, run the import again with --again")
        raise UserError([*lines, f"{name}: nothing was imported"]) from None
    note = f"; {result.relevelled} had a different level in the file" if result.relevelled else ""
    out.write(
        f"imported {result.imported} uses into {result.production} as {result.status}, each "
        f"assessed under guidance {guidance.id} {guidance.version}{note}\n"
    )
    if result.ignored:
        out.write(
            f"ignored the file's {', '.join(result.ignored)}: an import starts every use as "
            f"{result.status}, by you, now (a backup restores a log as it was)\n"
        )
    return EXIT_OK


def _history_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("use_id", metavar="USE_ID", help="the id of a logged use")
    _database_argument(parser)


def run_history(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.csvio import format_time
    from greenlight.store import NotFound

    store = open_store(args)
    try:
        with database_errors():
            use = store.get_use(args.use_id)
            entries = store.history(args.use_id)
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


# Characters a terminal acts on rather than shows: C0 and C1 controls (ESC starts the
# sequences that hide, erase or move text; CR returns to the line's start), line and paragraph
# separators, and the bidirectional overrides that reorder what follows them.
_UNSHOWN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)
NOTE_INDENT = " " * 6


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """Text as a terminal can only show it: each control character as its escape (\\x1b)."""
    return _UNSHOWN.sub(_escaped, text)


def note_lines(note: str) -> str:
    """A note made terminal-safe, each line after its first indented under the entry, so no
    line of a note can pass for an entry of its own."""
    lines = re.split("\r\n|\n", note)
    return f"\n{NOTE_INDENT}".join(terminal_safe(line) for line in lines)


def _shown(value: str | None) -> str:
    if value is None:
        return "(none)"
    return json.dumps(value, ensure_ascii=False) if value == "" or value != value.strip() else value


def _upgrade_arguments(parser: argparse.ArgumentParser) -> None:
    _database_argument(parser)


def run_upgrade(args: argparse.Namespace, out: TextIO) -> int:
    """Upgrade the log's schema, one line a migration: the app does it silently on first open,
    which takes minutes for a log of a million uses (run this before deploying instead)."""
    import time

    from greenlight.store import (
        SCHEMA_VERSION,
        ensure_schema,
        get_engine,
        resolve_database_url,
        schema_version,
    )

    started = time.perf_counter()

    def step(migration) -> None:
        elapsed = time.perf_counter() - started
        out.write(f"  [{elapsed:6.1f} s] {migration.version}: {migration.name}\n")
        out.flush()

    with database_errors():
        engine = get_engine(getattr(args, "database", None) or resolve_database_url())
        found = schema_version(engine)
        if found == SCHEMA_VERSION:
            out.write(f"The log is at schema {found}, this version's: nothing to do.\n")
            return EXIT_OK
        if found is not None and found < SCHEMA_VERSION:
            out.write(
                f"Upgrading the log from schema {found} to {SCHEMA_VERSION}, all or nothing:\n"
            )
        before = ensure_schema(engine, step)
    if before == 0:
        out.write(f"Created a new, empty log at schema {SCHEMA_VERSION}.\n")
    else:
        out.write(f"Done in {time.perf_counter() - started:.1f} s.\n")
    return EXIT_OK


def _reassess_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--production",
        metavar="CODE",
        action="append",
        default=[],
        help="a production to re-assess (repeat for several; default: all)",
    )
    parser.add_argument("--guidance", metavar="DIR", help="a guidance folder (default: guidance/)")
    parser.add_argument("--actor", metavar="NAME", help="who re-assesses (default: your login)")
    _database_argument(parser)


def run_reassess(args: argparse.Namespace, out: TextIO) -> int:
    """Move every use logged under another guidance version to this one, in batches."""
    from greenlight.store import NotFound

    guidance = guidance_from(args)
    store = open_store(args)
    with database_errors():
        for code in args.production:
            try:
                store.get_production(code)
            except NotFound as exc:
                raise UserError(str(exc)) from None

        def progress(done: int, total: int) -> None:
            out.write(f"  re-assessed {done:,} of {total:,} uses\n")
            out.flush()

        out.write(f"Re-assessing the log under guidance {guidance.id} {guidance.version}:\n")
        result = store.reassess(
            Engine(guidance),
            actor=args.actor or _login(),
            codes=tuple(args.production),
            progress=progress,
        )
    out.write(
        f"uses moved: {result.checked}; levels raised: {result.raised}; "
        f"approvals reopened: {result.reopened}; "
        f"uses the new guidance cannot read: {len(result.unreadable)}\n"
    )
    if result.unreadable:
        out.write(f"cannot read (left as they were): {', '.join(result.unreadable)}\n")
        out.writelines(f"  {problem}\n" for problem in result.problems[:MAX_PROBLEMS_SHOWN])
    return EXIT_OK


# --- the log's life: productions, logging a use, moving its status, the log's events ------


def _actor_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--actor", metavar="NAME", help="who is acting (default: your login)")


@contextmanager
def store_errors() -> Iterator[None]:
    """A write the store or the workflow refuses, or a database that cannot be used, as one
    line for the user."""
    from greenlight.store import StoreError, TransitionError

    try:
        with database_errors():
            yield
    except (StoreError, TransitionError) as exc:
        raise UserError(str(exc)) from None


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
            made = store.create_production(args.code, args.name, actor=args.actor or _login())
        out.write(f"added production {made.code}: {terminal_safe(made.name)}\n")
        return EXIT_OK
    with database_errors():
        found = store.list_productions()
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
    parser.add_argument("--guidance", metavar="DIR", help="a guidance folder (default: guidance/)")
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
            actor=args.actor or _login(),
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
        before = store.get_use(args.use_id)
        use = store.set_status(
            args.use_id,
            args.status,
            actor=args.actor or _login(),
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


def _backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="the backup file")
    _database_argument(parser)


def run_backup(args: argparse.Namespace, out: TextIO) -> int:
    """Write the whole log to FILE (gzip-compressed JSON lines, every table)."""
    store = open_store(args)
    try:
        with database_errors(), open(args.output, "wb") as handle:
            rows = store.backup(handle)
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write the file: {exc.strerror}") from None
    out.write(f"backed up the log to {args.output}: {rows} rows\n")
    return EXIT_OK


def _restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a backup made by python -m greenlight backup")
    _database_argument(parser)


def run_restore(args: argparse.Namespace, out: TextIO) -> int:
    """Restore a backup into an empty log."""
    from greenlight.store import StoreError

    store = open_store(args)
    try:
        with database_errors(), open(args.file, "rb") as handle:
            rows = store.restore(handle)
    except OSError as exc:
        raise UserError(f"{args.file}: cannot read the file: {exc.strerror}") from None
    except StoreError as exc:
        raise UserError(f"{args.file}: {exc}") from None
    out.write(f"restored {rows} rows from {args.file}\n")
    return EXIT_OK


Command = tuple[
    str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace, TextIO], int]
]

COMMANDS: list[Command] = [
    ("assess", "assess one intended use from an answers document", _assess_arguments, run_assess),
    ("check-guidance", "validate a guidance folder", _check_arguments, run_check_guidance),
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
    ("backup", "write the whole log to a file", _backup_arguments, run_backup),
    ("restore", "restore a backup into an empty log", _restore_arguments, run_restore),
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 too; keep its one-line form
        self.exit(EXIT_BAD_INPUT, f"error: {self.prog}: {message}\n")


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
