"""CSV import of the log: all or nothing, every problem by row and column, and each use
starting the workflow afresh.

The format is described in greenlight.csvio, which is the public module (it re-exports
import_csv and its errors from here).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from greenlight import workflow
from greenlight.csvio.cells import CsvImportError, CsvProblem, decode, read_records, refused
from greenlight.csvio.columns import plain_uses
from greenlight.csvio.format import IGNORED_COLUMNS
from greenlight.csvio.row_checks import (
    KnownAnswers,
    Start,
    blank_reader_columns,
    check_header,
    checked_uses,
)
from greenlight.store import (
    FileImport,
    NewUses,
    Progress,
    RepeatedImport,
    StoreError,
    now_utc,
    paused_gc,
)

if TYPE_CHECKING:
    from greenlight.policy import Engine
    from greenlight.store import Actor, UseCaseStore

MAX_ROWS_ENV = "GREENLIGHT_IMPORT_MAX_ROWS"
DEFAULT_MAX_ROWS = 100_000


def max_rows() -> int:
    """The most rows one import takes: $GREENLIGHT_IMPORT_MAX_ROWS, else DEFAULT_MAX_ROWS."""
    text = os.environ.get(MAX_ROWS_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_ROWS
    if not text.isdigit() or int(text) < 1:
        raise refused(f"{MAX_ROWS_ENV} is {text[:40]!r}: set it to a whole number of rows")
    return int(text)


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    production: str
    imported: int
    ids: tuple[str, ...]
    relevelled: int  # rows whose level in the file differed from the level assessed now
    status: str = workflow.DEFAULT_STATUS  # the status every imported use starts in
    ignored: tuple[str, ...] = ()  # columns the file filled in that an import does not keep


def _ignored(names: list[str], rows: list[list[str]]) -> tuple[str, ...]:
    """The columns of IGNORED_COLUMNS that some row of the file fills in."""
    found = []
    for name in IGNORED_COLUMNS:
        if name in names:
            at = names.index(name)
            if any(len(row) > at and row[at].strip() for row in rows):
                found.append(name)
    return tuple(found)


def read_csv(
    store: UseCaseStore,
    source: bytes | str | IO,
    production: str,
    engine: Engine,
    *,
    note: str = "",
    progress: Progress | None = None,
    status: str = workflow.DEFAULT_STATUS,
) -> tuple[NewUses, int]:
    """Parse and check a whole file without writing: the uses to insert (each starting in
    `status`, with `note` for its "created" history row) and how many relevel.

    Raises CsvImportError listing every problem.
    """
    batch, relevelled, _ = _read(store, decode(source), production, engine, note, progress, status)
    return batch, relevelled


def _read(
    store: UseCaseStore,
    decoded: tuple[str, bool],
    production: str,
    engine: Engine,
    note: str,
    progress: Progress | None,
    status: str,
) -> tuple[NewUses, int, tuple[str, ...]]:
    """read_csv's work, with the columns the file filled in that are ignored."""
    if status not in workflow.INITIAL_STATUSES:
        raise refused(
            f"an import starts its uses as {' or '.join(workflow.INITIAL_STATUSES)}, not {status!r}"
        )
    text, has_bad_bytes = decoded
    records = read_records(text, max_rows())
    problems: list[CsvProblem] = []
    names = check_header(records.header, engine.guidance, problems)
    if problems:
        raise CsvImportError(problems)
    blank_reader_columns(names, records.rows)
    known = KnownAnswers(engine, names)
    start = Start(production, status, note)
    plain = None if has_bad_bytes else plain_uses(records.rows, names, known, start)
    if plain is not None:
        batch, relevelled = plain
        id_rows = [(row, i) for row, i in zip(records.numbers, batch.ids, strict=True) if i]
    else:
        found = checked_uses(
            records.rows, records.numbers, names, known, start, has_bad_bytes, progress
        )
        batch, relevelled, id_rows = NewUses.of(found.items), found.relevelled, found.id_rows
        problems = found.problems
    # The store is asked about the file's ids once, after every row is read.
    existing = store.existing_use_ids(use_id for _, use_id in id_rows)
    problems += [
        CsvProblem(row, "id", f"use {use_id} is already logged; remove the row or its id")
        for row, use_id in id_rows
        if use_id in existing
    ]
    if problems:
        raise CsvImportError(sorted(problems, key=lambda p: p.row))
    if progress:
        progress(len(batch), 2 * len(batch))
    return batch, relevelled, _ignored(names, records.rows)


def import_csv(
    store: UseCaseStore,
    source: bytes | str | IO,
    production: str,
    engine: Engine,
    *,
    actor: Actor,
    source_name: str = "a CSV file",
    progress: Progress | None = None,
    status: str = workflow.DEFAULT_STATUS,
    allow_repeat: bool = False,
) -> ImportResult:
    """Import a whole file into `production` in one transaction, or nothing at all.

    Every use starts the workflow as `status` (draft or submitted), made by `actor` now: the
    file's status, approval reference and authors are read but not kept (ImportResult.ignored
    says which the file filled in). Raises CsvImportError (every problem, by row and column)
    and writes nothing if any row is wrong, a row's id is already logged, the production
    does not exist, the file has no rows or more than max_rows(), or the same file was
    imported into the production before (unless `allow_repeat`).
    """
    if hasattr(source, "read"):
        source = source.read()
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    digest = hashlib.sha256(data).hexdigest()
    try:
        store.get_production(production, viewer=actor)
        previous = store.imported_file(production, digest)
    except StoreError as exc:
        raise refused(str(exc)) from None
    if previous is not None and not allow_repeat:
        raise repeated(RepeatedImport(previous))
    with paused_gc():  # the rows of a large file make no cycles for it to find
        stamp = now_utc().strftime("%Y-%m-%d %H:%M UTC")
        note = f"imported from {source_name} on {stamp}"
        items, relevelled, ignored = _read(
            store, decode(source), production, engine, note, progress, status
        )
        total = len(items)

        def inserted(done: int, _: int) -> None:
            if progress:
                progress(total + done, 2 * total)

        file = FileImport(digest, source_name, allow_repeat)
        try:
            ids = store.insert_uses(
                production, items, engine.guidance, actor=actor, progress=inserted, file=file
            )
        except RepeatedImport as exc:
            raise repeated(exc) from None
        except StoreError as exc:
            raise refused(str(exc)) from None
        if progress:
            progress(2 * total, 2 * total)
        return ImportResult(production, len(ids), tuple(ids), relevelled, status, ignored)


def repeated(exc: RepeatedImport) -> CsvImportError:
    """The error of a file imported before: its one problem, and `repeat` set."""
    error = refused(str(exc))
    error.repeat = exc.previous
    return error
