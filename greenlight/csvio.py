"""The log as CSV: a spreadsheet-safe, streamed export and an all-or-nothing import.

Format: UTF-8, a header row, RFC 4180 quoting (the csv module). Columns: id, production, the
free-text fields, one column per answer named after its contract id (taken from the guidance's
questions), then level, reasons (rule ids joined with ";"), matrix_row, status, approval_ref,
guidance_id, guidance_version, created_at, updated_at. An answer that was not given is an
empty cell; booleans are ``true``/``false``; times are ISO 8601 in UTC (``...Z``).

Spreadsheet safety: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return could run as a formula, so it is written with a leading apostrophe. A cell that
starts with an apostrophe of its own gets one too, so the rule reverses exactly: on import,
one leading apostrophe is always removed. Round trips are lossless.

Import accepts the full format and any subset of its columns that includes ``title`` (the
minimal form is title plus answers). Levels, reasons and matrix rows in a file are never
trusted: every row is parsed with parse_answers and assessed again. Nothing is written
unless every row is valid; otherwise every problem comes back as ``row N, column C: ...``,
counting rows as a spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

from greenlight import workflow
from greenlight.answers import FIELD_NAMES, FIELDS, AnswersError, parse_answers
from greenlight.guidance_schema import did_you_mean
from greenlight.store_queries import ALL_USES
from greenlight.store_records import NewUse, StoreError, UseFilter
from greenlight.store_rows import USE_ID_PATTERN, now_utc

if TYPE_CHECKING:
    from greenlight.engine import Engine
    from greenlight.guidance import Guidance
    from greenlight.store import UseCaseStore

# Characters that make a spreadsheet read a cell as a formula, plus our own escape character.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
_ESCAPED_STARTS = frozenset((*FORMULA_PREFIXES, ESCAPE))

DERIVED_COLUMNS = ("level", "reasons", "matrix_row", "guidance_id", "guidance_version")
# The longest cell an import accepts (the longest free-text field is far shorter).
MAX_CELL_CHARS = 2 * max(f.max_length for f in FIELDS)
MAX_IMPORT_BYTES = 256 * 1024 * 1024
# Larger than any cell we accept, so an oversized cell is reported with its column rather
# than stopping the csv reader; raising the process-wide limit only ever allows more.
_READER_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), _READER_LIMIT))

Progress = Callable[[int, int], None]


def export_columns(guidance: Guidance) -> list[str]:
    """The header of the full format, answers taken from the guidance's questions."""
    return [
        "id",
        "production",
        *FIELD_NAMES,
        *(q.id for q in guidance.questions),
        "level",
        "reasons",
        "matrix_row",
        "status",
        "approval_ref",
        "guidance_id",
        "guidance_version",
        "created_at",
        "updated_at",
    ]


def neutralise(cell: str) -> str:
    """The cell as written: a leading apostrophe where a spreadsheet could see a formula."""
    if cell and cell[0] in _ESCAPED_STARTS:
        return ESCAPE + cell
    return cell


def restore(cell: str) -> str:
    """The inverse of neutralise: drop one leading apostrophe."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def format_time(value: datetime) -> str:
    """ISO 8601 in UTC with a Z, with microseconds only when there are any."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    spec = "microseconds" if value.microsecond else "seconds"
    return value.isoformat(timespec=spec) + "Z"


def parse_time(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text; a time without an offset is taken as UTC."""
    value = datetime.fromisoformat(text.strip())
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _answer_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rows(store: UseCaseStore, guidance: Guidance, f: UseFilter) -> Iterator[list[str]]:
    paths = [q.path for q in guidance.questions]
    n_fields = len(FIELD_NAMES)
    for row in store.iter_export_rows(f):
        use_id, production, *rest = row
        texts = rest[:n_fields]
        doc = rest[n_fields] or {}
        (level, rules, matrix_row, status, ref, g_id, g_version, created, updated) = rest[
            n_fields + 1 :
        ]
        answers = []
        for path in paths:
            node = doc.get(path[0])
            if len(path) == 2:
                node = node.get(path[1]) if isinstance(node, dict) else None
            answers.append(_answer_cell(node))
        cells = [
            use_id,
            production,
            *texts,
            *answers,
            level,
            rules,
            matrix_row or "",
            status,
            ref,
            g_id,
            g_version,
            format_time(created),
            format_time(updated),
        ]
        yield [neutralise(c) for c in cells]


def iter_csv(
    store: UseCaseStore, guidance: Guidance, f: UseFilter = ALL_USES, *, chunk_rows: int = 1000
) -> Iterator[str]:
    """The CSV text of the uses matching `f`, header first, in chunks of `chunk_rows` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export_columns(guidance))
    pending = 1
    for cells in _rows(store, guidance, f):
        writer.writerow(cells)
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if buffer.tell():
        yield buffer.getvalue()


def write_csv(store: UseCaseStore, guidance: Guidance, out: IO[str], f: UseFilter = ALL_USES):
    """Write the CSV of the uses matching `f` to a text file (open it with newline="")."""
    for chunk in iter_csv(store, guidance, f):
        out.write(chunk)


# --- import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvProblem:
    """One thing wrong with an imported file, where a person can find it."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # "" when the problem is not in one column
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


class CsvImportError(ValueError):
    """A file that was not imported; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[CsvProblem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    production: str
    imported: int
    ids: tuple[str, ...]
    relevelled: int  # rows whose level in the file differed from the level assessed now


def _text_of(source: bytes | str | IO) -> tuple[str, bool]:
    """The file's text, and whether it held bytes that are not UTF-8 (kept as surrogates)."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, str):
        return source.removeprefix("\ufeff"), False
    if len(source) > MAX_IMPORT_BYTES:
        raise CsvImportError(
            [CsvProblem(1, "", f"the file is over {MAX_IMPORT_BYTES // 2**20} MiB; split it")]
        )
    try:
        return source.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        # Decode what we can so each bad cell is reported by row and column.
        return source.decode("utf-8-sig", errors="surrogateescape"), True


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def _encoding_message(cell: str) -> str:
    byte = ord(_NOT_UTF8.search(cell).group()) - 0xDC00
    return f"not UTF-8 text (byte 0x{byte:02x}); save the file as CSV UTF-8"


def _check_header(header: list[str], guidance: Guidance, problems: list[CsvProblem]) -> list[str]:
    known = export_columns(guidance)
    names = [restore(cell.strip()) for cell in header]
    seen: set[str] = set()
    for index, name in enumerate(names):
        if _NOT_UTF8.search(name):
            problems.append(CsvProblem(1, f"{index + 1}", _encoding_message(name)))
            continue
        if name in seen:
            problems.append(CsvProblem(1, name, "appears twice in the header; keep one"))
        seen.add(name)
        if name not in known:
            hint = did_you_mean(name, known)
            problems.append(
                CsvProblem(
                    1,
                    name or "(empty)",
                    f"unknown column{hint}; the columns are {', '.join(known)}",
                )
            )
    if "title" not in names:
        problems.append(CsvProblem(1, "title", "missing: every file needs a title column"))
    return names


def _document(cells: dict[str, str], guidance: Guidance) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for name in FIELD_NAMES:
        if name in cells:
            doc[name] = cells[name]
    for q in guidance.questions:
        raw = cells.get(q.id, "")
        if raw == "":
            continue
        value: Any = raw
        if q.kind == "boolean" and raw.strip().lower() in ("true", "false"):
            value = raw.strip().lower() == "true"
        target = doc
        for part in q.path[:-1]:
            target = target.setdefault(part, {})
        target[q.path[-1]] = value
    return doc


def read_csv(
    store: UseCaseStore,
    source: bytes | str | IO,
    production: str,
    engine: Engine,
    *,
    progress: Progress | None = None,
) -> tuple[list[NewUse], int]:
    """Parse and check a whole file without writing: the uses to insert and how many relevel.

    Raises CsvImportError listing every problem.
    """
    guidance = engine.guidance
    text, has_bad_bytes = _text_of(source)
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records.extend(reader)
    except csv.Error as exc:
        raise CsvImportError(
            [
                CsvProblem(
                    len(records) + 1,
                    "",
                    f"not valid CSV ({exc}); check for a quote that is never closed",
                )
            ]
        ) from None
    problems: list[CsvProblem] = []
    if not records or not any(cell.strip() for cell in records[0]):
        raise CsvImportError(
            [CsvProblem(1, "", "the file is empty: expected a header row with at least title")]
        )
    names = _check_header(records[0], guidance, problems)
    if problems:
        raise CsvImportError(problems)
    total = len(records) - 1
    items: list[NewUse] = []
    first_row_of: dict[str, int] = {}
    id_rows: list[tuple[int, str]] = []
    relevelled = 0
    for index, record in enumerate(records[1:]):
        row = index + 2
        if progress and index % 1000 == 0:
            progress(index, 2 * total)
        if not any(cell.strip() for cell in record):
            continue  # a blank line or a row of empty cells carries nothing
        if len(record) != len(names):
            problems.append(
                CsvProblem(row, "", f"has {len(record)} cells; the header has {len(names)}")
            )
            continue
        cells: dict[str, str] = {}
        bad = False
        for name, raw in zip(names, record, strict=True):
            if len(raw) > MAX_CELL_CHARS:
                problems.append(
                    CsvProblem(
                        row, name, f"is {len(raw)} characters; the limit is {MAX_CELL_CHARS}"
                    )
                )
                bad = True
                continue
            if has_bad_bytes and _NOT_UTF8.search(raw):
                problems.append(CsvProblem(row, name, _encoding_message(raw)))
                bad = True
                continue
            cells[name] = restore(raw)
        if bad:
            continue
        found = _check_row(row, cells, guidance, engine, production, problems)
        if found is None:
            continue
        item, file_level = found
        if item.id:
            if item.id in first_row_of:
                problems.append(
                    CsvProblem(
                        row,
                        "id",
                        f"the same id as row {first_row_of[item.id]}; each use appears once",
                    )
                )
                continue
            first_row_of[item.id] = row
            id_rows.append((row, item.id))
        relevelled += bool(file_level) and file_level != item.assessment.level
        items.append(item)
    existing = store.existing_use_ids(use_id for _, use_id in id_rows)
    for row, use_id in id_rows:
        if use_id in existing:
            problems.append(
                CsvProblem(row, "id", f"use {use_id} is already logged; remove the row or its id")
            )
    if problems:
        problems.sort(key=lambda p: p.row)
        raise CsvImportError(problems)
    return items, relevelled


def _check_row(
    row: int,
    cells: dict[str, str],
    guidance: Guidance,
    engine: Engine,
    production: str,
    problems: list[CsvProblem],
) -> tuple[NewUse, str] | None:
    before = len(problems)
    use_id = cells.get("id", "").strip()
    if use_id and not USE_ID_PATTERN.fullmatch(use_id):
        problems.append(CsvProblem(row, "id", "use 1 to 40 letters, digits, - or _"))
    file_production = cells.get("production", "").strip()
    if file_production and file_production != production:
        problems.append(
            CsvProblem(
                row,
                "production",
                f"this row belongs to production {file_production!r}, not {production!r}; "
                "import it there or clear the cell",
            )
        )
    times = {}
    for name in ("created_at", "updated_at"):
        value = cells.get(name, "").strip()
        if value:
            try:
                times[name] = parse_time(value)
            except ValueError:
                problems.append(
                    CsvProblem(row, name, f"{value[:40]!r} is not a time like 2026-01-31T09:30:00Z")
                )
    status = cells.get("status", "").strip() or workflow.DEFAULT_STATUS
    if status not in workflow.status_ids():
        problems.append(
            CsvProblem(
                row, "status", f"{status!r} is not one of {', '.join(workflow.status_ids())}"
            )
        )
    try:
        answers = parse_answers(_document(cells, guidance), guidance)
    except AnswersError as exc:
        for problem in exc.problems:
            problems.append(CsvProblem(row, problem.path, problem.message))
        return None
    if len(problems) > before:
        return None
    assessment = engine.assess(answers)
    approval_ref = cells.get("approval_ref", "").strip()
    try:
        workflow.check_state(status, assessment.level, approval_ref)
    except workflow.TransitionError as exc:
        column = "approval_ref" if len(approval_ref) > workflow.MAX_APPROVAL_REF else "status"
        problems.append(CsvProblem(row, column, exc.message))
        return None
    item = NewUse(
        answers=answers,
        assessment=assessment,
        id=use_id or None,
        status=status,
        approval_ref=approval_ref,
        created_at=times.get("created_at"),
        updated_at=times.get("updated_at"),
    )
    return item, cells.get("level", "").strip()


def import_csv(
    store: UseCaseStore,
    source: bytes | str | IO,
    production: str,
    engine: Engine,
    *,
    actor: str,
    source_name: str = "a CSV file",
    progress: Progress | None = None,
) -> ImportResult:
    """Import a whole file into `production` in one transaction, or nothing at all.

    Raises CsvImportError (every problem, by row and column) and writes nothing if any row
    is wrong, a row's id is already logged, or the production does not exist.
    """
    try:
        store.get_production(production)
    except StoreError as exc:
        raise CsvImportError([CsvProblem(1, "", str(exc))]) from None
    items, relevelled = read_csv(store, source, production, engine, progress=progress)
    stamp = now_utc().strftime("%Y-%m-%d %H:%M UTC")
    items = [
        NewUse(**{**item.__dict__, "note": f"imported from {source_name} on {stamp}"})
        for item in items
    ]
    total = len(items)

    def inserted(done: int, _: int) -> None:
        if progress:
            progress(total + done, 2 * total)

    try:
        ids = store.insert_uses(production, items, engine.guidance, actor=actor, progress=inserted)
    except StoreError as exc:
        raise CsvImportError([CsvProblem(1, "", str(exc))]) from None
    if progress:
        progress(2 * total, 2 * total)
    return ImportResult(production, len(ids), tuple(ids), relevelled)
