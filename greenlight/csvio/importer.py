"""CSV import of the log: all or nothing, every problem by row and column.

The format is described in greenlight.csvio, which is the public module (it re-exports
import_csv and its errors from here).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any

from greenlight import workflow
from greenlight.csvio.format import (
    ESCAPE,
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    export_columns,
    parse_time,
    restore,
)
from greenlight.policy import (
    FIELD_NAMES,
    Answers,
    AnswersError,
    did_you_mean,
    plain_text_column,
    stored_answers,
    with_text,
)
from greenlight.store import (
    USE_ID_PATTERN,
    NewUse,
    NewUses,
    Progress,
    StoreError,
    now_utc,
    paused_gc,
)

if TYPE_CHECKING:
    from greenlight.policy import Assessment, Engine, Guidance
    from greenlight.store import UseCaseStore


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
# Joins a row's cells to test them all at once: any text may hold it, which at worst sends a
# row down the slower cell-by-cell path.
_CELL_BREAK = "\x00"


def _encoding_message(cell: str) -> str:
    byte = ord(_NOT_UTF8.search(cell).group()) - 0xDC00
    return f"not UTF-8 text (byte 0x{byte:02x}); save the file as CSV UTF-8"


def _shorten(name: str, limit: int = 60) -> str:
    """A cell as a problem report quotes it: a huge one (a whole file in one cell) cut short."""
    return name if len(name) <= limit else f"{name[: limit - 3]}..."


def _check_header(header: list[str], guidance: Guidance, problems: list[CsvProblem]) -> list[str]:
    known = export_columns(guidance)
    names = [restore(cell.strip()) for cell in header]
    seen: set[str] = set()
    for index, name in enumerate(names):
        if _NOT_UTF8.search(name):
            problems.append(CsvProblem(1, f"{index + 1}", _encoding_message(name)))
            continue
        shown = _shorten(name)
        if name in seen:
            problems.append(CsvProblem(1, shown, "appears twice in the header; keep one"))
        seen.add(name)
        if name not in known:
            hint = did_you_mean(shown, known)
            problems.append(
                CsvProblem(
                    1,
                    shown or "(empty)",
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


class _KnownAnswers:
    """The rows' answers read and assessed once per distinct set of answer cells.

    A log holds many uses with the same answers; each row then only has its free text
    checked (answers.with_text). A row whose text is not plain goes through stored_answers
    whole, so its problems are reported as for any document.
    """

    def __init__(self, engine: Engine, names: list[str]):
        self._engine = engine
        self._guidance = engine.guidance
        self._text = [name for name in FIELD_NAMES if name in names]
        asked = self.asked = [q.id for q in self._guidance.questions if q.id in names]
        self._key = (
            itemgetter(*asked) if len(asked) > 1 else lambda cells: tuple(map(cells.get, asked))
        )
        self._seen: dict[Any, tuple[Answers, Assessment]] = {}

    def assess(self, cells: dict[str, str]) -> tuple[Answers, Assessment]:
        """The row's answers and their assessment; AnswersError if they are not valid."""
        key = self._key(cells)
        seen = self._seen.get(key)
        if seen is not None:
            answers = with_text(seen[0], {name: cells[name] for name in self._text})
            if answers is not None:
                return answers, seen[1]
        # The fast path for a valid document; parse_answers' own problems for any other.
        answers = stored_answers(_document(cells, self._guidance), self._guidance)
        seen = self._seen[key] = (answers, self._engine.assess(answers))
        return seen


def _check_cells(
    row: int,
    names: list[str],
    record: list[str],
    has_bad_bytes: bool,
    cells: dict[str, str],
    problems: list[CsvProblem],
) -> bool:
    """Restore a row's cells into `cells`; report oversized or non-UTF-8 ones (True if any)."""
    bad = False
    for name, raw in zip(names, record, strict=True):
        if len(raw) > MAX_CELL_CHARS:
            problems.append(
                CsvProblem(row, name, f"is {len(raw)} characters; the limit is {MAX_CELL_CHARS}")
            )
            bad = True
            continue
        if has_bad_bytes and _NOT_UTF8.search(raw):
            problems.append(CsvProblem(row, name, _encoding_message(raw)))
            bad = True
            continue
        cells[name] = restore(raw)
    return bad


def read_csv(
    store: UseCaseStore,
    source: bytes | str | IO,
    production: str,
    engine: Engine,
    *,
    note: str = "",
    progress: Progress | None = None,
) -> tuple[NewUses, int]:
    """Parse and check a whole file without writing: the uses to insert (each with `note` for
    its "created" history row) and how many relevel.

    A file whose every cell passes the checks as it is (an export, a sheet filled in with
    care) is read column by column (_plain_uses); any other goes through the row-by-row
    checks, which find and report every problem. Both give the same uses.
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
    known = _KnownAnswers(engine, names)
    if not has_bad_bytes:
        plain = _plain_uses(records[1:], names, known, production, note)
        if plain is not None and not store.existing_use_ids(filter(None, plain[0].ids)):
            if progress:
                progress(len(plain[0]), 2 * len(plain[0]))
            return plain
    items, relevelled = _checked_uses(
        store, records[1:], names, known, production, note, has_bad_bytes, progress
    )
    return NewUses.of(items), relevelled


def _checked_uses(
    store: UseCaseStore,
    records: list[list[str]],
    names: list[str],
    known: _KnownAnswers,
    production: str,
    note: str,
    has_bad_bytes: bool,
    progress: Progress | None,
) -> tuple[list[NewUse], int]:
    """read_csv's row-by-row checks: every problem of every row, by row and column."""
    problems: list[CsvProblem] = []
    total = len(records)
    items: list[NewUse] = []
    first_row_of: dict[str, int] = {}
    file_productions: set[str] = set()  # the production cell of every row checked
    id_rows: list[tuple[int, str]] = []
    relevelled = 0
    for index, record in enumerate(records):
        row = index + 2
        if progress and index % 1000 == 0:
            progress(index, 2 * total)
        joined = _CELL_BREAK.join(record)
        if not joined.replace(_CELL_BREAK, " ").strip():
            continue  # a blank line or a row of empty cells carries nothing
        if len(record) != len(names):
            problems.append(
                CsvProblem(row, "", f"has {len(record)} cells; the header has {len(names)}")
            )
            continue
        cells: dict[str, str] = {}
        bad = False
        if not has_bad_bytes and max(map(len, record)) <= MAX_CELL_CHARS:
            # Every cell is fine as it is (the usual case): restore them in one pass, and
            # only when a cell may start with the escape.
            if joined[:1] == ESCAPE or _CELL_BREAK + ESCAPE in joined:
                pairs = zip(names, record, strict=True)
                cells = {name: raw[1:] if raw[:1] == ESCAPE else raw for name, raw in pairs}
            else:
                cells = dict(zip(names, record, strict=True))
        else:
            bad = _check_cells(row, names, record, has_bad_bytes, cells, problems)
        if bad:
            continue
        # A repeated id is reported whatever else is wrong with either row.
        use_id = cells.get("id", "").strip()
        first = first_row_of.setdefault(use_id, row) if use_id else row
        if first != row:
            problems.append(
                CsvProblem(row, "id", f"the same id as row {first}; each use appears once")
            )
        file_productions.add(cells.get("production", "").strip())
        found = _check_row(row, cells, known, production, note, problems)
        if found is None or first != row:
            continue
        item, file_level = found
        if item.id:
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
        problems = _one_production_problem(problems, file_productions, production)
        problems.sort(key=lambda p: p.row)
        raise CsvImportError(problems)
    return items, relevelled


def _one_production_problem(
    problems: list[CsvProblem], file_productions: set[str], production: str
) -> list[CsvProblem]:
    """A file whose every row names the same other production (an export of another
    production's log) is one problem, not one per row."""
    wrong = [p for p in problems if p.column == "production"]
    if len(wrong) < 2 or len(file_productions) != 1:
        return problems
    (other,) = file_productions
    message = (
        f"every row belongs to production {_shorten(other)!r}, not {production!r}: import the "
        "file there, or clear the production column"
    )
    return [p for p in problems if p.column != "production"] + [
        CsvProblem(1, "production", message)
    ]


def _plain_uses(
    records: list[list[str]], names: list[str], known: _KnownAnswers, production: str, note: str
) -> tuple[NewUses, int] | None:
    """The uses of a file checked and read column by column, if every cell passes as it is,
    and how many relevel; None if any row could fail a check (its problems are then the row
    checks' to find). What the row-by-row path gives for the same file, with the tests done
    a column at a time in C rather than a function call per row, and the answer cells read
    once per distinct set: most of a 100,000-row import's reading.
    """
    width = len(names)
    if not records or set(map(len, records)) != {width}:
        return None
    n = len(records)
    position = {name: i for i, name in enumerate(names)}
    asked = known.asked
    columns = {
        name: list(map(itemgetter(position[name]), records)) for name in names if name not in asked
    }
    for name, cells in columns.items():
        # (Free text is held to its field's far shorter limit below, after restoring.)
        if name not in FIELD_NAMES and max(map(len, cells)) > MAX_CELL_CHARS:
            return None
        joined = _CELL_BREAK.join(cells)  # a cell may start with the escape: restore them all
        if joined[:1] == ESCAPE or _CELL_BREAK + ESCAPE in joined:
            columns[name] = list(map(restore, cells))

    def stripped(name: str) -> list[str]:
        return list(map(str.strip, columns[name])) if name in columns else [""] * n

    ids = stripped("id")
    given = [use_id for use_id in ids if use_id]
    if not all(map(USE_ID_PATTERN.fullmatch, given)) or len(set(given)) != len(given):
        return None
    if not set(stripped("production")) <= {"", production}:
        return None
    times = {}
    for name in ("created_at", "updated_at"):
        try:
            times[name] = [parse_time(value) if value else None for value in stripped(name)]
        except ValueError:
            return None
    status = [value or workflow.DEFAULT_STATUS for value in stripped("status")]
    if not set(status) <= set(workflow.status_ids()):
        return None
    text = {name: columns.get(name, [""] * n) for name in FIELD_NAMES}
    if not all(plain_text_column(name, text[name]) for name in FIELD_NAMES):
        return None
    if not all(map(str.strip, text["title"])):
        return None
    # The answer cells: grouped as they are, then checked, restored and regrouped (two sets
    # of cells may restore to the same answers) and assessed once per set, from its first
    # row, as the row checks' _KnownAnswers would.
    raw_of: dict[tuple, int] = {}
    cells_of = itemgetter(*(position[qid] for qid in asked)) if asked else lambda _: ()
    raw = [raw_of.setdefault(key, len(raw_of)) for key in map(cells_of, records)]
    if len(asked) == 1:  # itemgetter of one position gives the cell, not a tuple
        raw_of = {(key,): index for key, index in raw_of.items()}
    first_row = dict(zip(reversed(raw), range(n - 1, -1, -1), strict=True))
    found: dict[tuple, int] = {}
    assessed: list[tuple[Answers, Assessment]] = []
    regrouped = []
    for key, index in raw_of.items():
        if max(map(len, key), default=0) > MAX_CELL_CHARS:
            return None
        key = tuple(map(restore, key))
        if key not in found:
            row = first_row[index]
            cells = {name: cells[row] for name, cells in columns.items()}
            cells.update(zip(asked, key, strict=True))
            try:
                assessed.append(known.assess(cells))
            except AnswersError:
                return None
            found[key] = len(found)
        regrouped.append(found[key])
    assessed_of = list(map(regrouped.__getitem__, raw))
    level = list(map([a.level for _, a in assessed].__getitem__, assessed_of))
    approval_ref = stripped("approval_ref")
    try:
        for combination in set(zip(status, level, approval_ref, strict=True)):
            workflow.check_state(*combination)
    except workflow.TransitionError:
        return None
    in_file = stripped("level")
    relevelled = sum(1 for was, now in zip(in_file, level, strict=True) if was and was != now)
    batch = NewUses(
        assessed=assessed,
        assessed_of=assessed_of,
        text=text,
        ids=[use_id or None for use_id in ids],
        status=status,
        approval_ref=approval_ref,
        created_at=times["created_at"],
        updated_at=times["updated_at"],
        note=[note] * n,
        steps=[()] * n,
    )
    return batch, relevelled


def _check_row(
    row: int,
    cells: dict[str, str],
    known: _KnownAnswers,
    production: str,
    note: str,
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
                f"this row belongs to production {_shorten(file_production)!r}, not {production!r}; "
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
                row,
                "status",
                f"{_shorten(status)!r} is not one of {', '.join(workflow.status_ids())}",
            )
        )
    try:
        answers, assessment = known.assess(cells)
    except AnswersError as exc:
        for problem in exc.problems:
            problems.append(CsvProblem(row, problem.path, problem.message))
        return None
    if len(problems) > before:
        return None
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
        note=note,
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
    with paused_gc():  # the rows of a large file make no cycles for it to find
        stamp = now_utc().strftime("%Y-%m-%d %H:%M UTC")
        note = f"imported from {source_name} on {stamp}"
        items, relevelled = read_csv(
            store, source, production, engine, note=note, progress=progress
        )
        total = len(items)

        def inserted(done: int, _: int) -> None:
            if progress:
                progress(total + done, 2 * total)

        try:
            ids = store.insert_uses(
                production, items, engine.guidance, actor=actor, progress=inserted
            )
        except StoreError as exc:
            raise CsvImportError([CsvProblem(1, "", str(exc))]) from None
        if progress:
            progress(2 * total, 2 * total)
        return ImportResult(production, len(ids), tuple(ids), relevelled)
