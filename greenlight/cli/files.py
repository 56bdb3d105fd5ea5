"""The log's files: CSV export and import, backup and restore, and upgrading the schema."""

from __future__ import annotations

import argparse
from typing import TextIO

from greenlight.cli.common import (
    EXIT_OK,
    MAX_PROBLEMS_SHOWN,
    UserError,
    _database_argument,
    _guidance_argument,
    cli_actor,
    cli_viewer,
    database_errors,
    guidance_from,
    open_store,
    opened,
    read_input,
    terminal_safe,
)
from greenlight.policy import (
    Engine,
)


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
    _guidance_argument(parser)
    _database_argument(parser)


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.csvio import iter_csv
    from greenlight.store import NotFound, UseFilter

    guidance = guidance_from(args)
    store = open_store(args)
    for code in args.production:
        try:
            store.get_production(code, viewer=cli_viewer())
        except NotFound as exc:
            raise UserError(str(exc)) from None
    archived = None if args.archived else False  # None: archived uses and the others
    chosen = UseFilter(productions=tuple(args.production), archived=archived)
    chunks = iter_csv(store, guidance, chosen, viewer=cli_viewer())
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
    _guidance_argument(parser)
    _database_argument(parser)


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
                actor=cli_actor(args, store),
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


def _backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", required=True, help="the backup file")
    _database_argument(parser)


def run_backup(args: argparse.Namespace, out: TextIO) -> int:
    """Write the whole log to FILE (gzip-compressed JSON lines, every table)."""
    store = open_store(args)
    with database_errors(), opened(args.output, "wb") as handle:
        rows = store.backup(handle)
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
        with database_errors(), opened(args.file, "rb") as handle:
            rows = store.restore(handle)
    except StoreError as exc:
        raise UserError(f"{args.file}: {exc}") from None
    out.write(f"restored {rows} rows from {args.file}\n")
    return EXIT_OK
