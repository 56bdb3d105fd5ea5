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
import json
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from greenlight.answers import FIELD_NAMES
from greenlight.csvio_format import (
    DERIVED_COLUMNS,
    ESCAPE,
    ESCAPED_STARTS,
    FORMULA_PREFIXES,
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    export_columns,
    format_time,
    neutralise,
    parse_time,
    restore,
)
from greenlight.csvio_import import (
    CsvImportError,
    CsvProblem,
    ImportResult,
    import_csv,
    read_csv,
)
from greenlight.store_queries import ALL_USES
from greenlight.store_records import UseFilter

__all__ = [
    "DERIVED_COLUMNS",
    "ESCAPE",
    "FORMULA_PREFIXES",
    "MAX_CELL_CHARS",
    "MAX_IMPORT_BYTES",
    "CsvImportError",
    "CsvProblem",
    "ImportResult",
    "export_columns",
    "format_time",
    "import_csv",
    "iter_csv",
    "neutralise",
    "parse_time",
    "read_csv",
    "restore",
    "write_csv",
]

if TYPE_CHECKING:
    from greenlight.guidance import Guidance
    from greenlight.store import UseCaseStore

Progress = Callable[[int, int], None]
# Rows fetched at a time: few enough that an export's memory stays a few MB at any size.
EXPORT_BATCH = 100
# Answer sets kept rendered during one export, by id: a few MB at most, and room for every
# set a large synthetic log holds (3,000).
MAX_RENDERED = 4096


def _answer_cell(value: Any) -> str:
    """An answer as its cell: the value, true or false, or empty when it was not given."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rows(store: UseCaseStore, guidance: Guidance, f: UseFilter) -> Iterator[list[str]]:
    # The hot loop of a large export: answers are rendered once per answer set (the set's id
    # comes with its JSON text), the rest without a call per cell.
    paths = [(q.path[0], q.path[1] if len(q.path) == 2 else None) for q in guidance.questions]
    n_text = 2 + len(FIELD_NAMES)  # id, production and the free text
    starts = ESCAPED_STARTS
    rendered: dict[int, tuple[str, ...]] = {}
    cell_of: dict[str, str] = {}  # one str object per distinct cell, shared by the entries
    for row in store.iter_export_rows(f, batch=EXPORT_BATCH):
        answers = rendered.get(row[n_text])
        if answers is None:
            doc = json.loads(row[n_text + 1])
            cells = []
            for key, sub in paths:
                node = doc.get(key)
                if sub is not None:
                    node = node.get(sub) if type(node) is dict else None
                cell = neutralise(_answer_cell(node))
                cells.append(cell_of.setdefault(cell, cell))
            answers = tuple(cells)
            if len(rendered) < MAX_RENDERED:
                rendered[row[n_text]] = answers
        level, rules, matrix_row, status, ref, g_id, g_version, created, updated = row[n_text + 2 :]
        cells = [*row[:n_text], level, rules, matrix_row or "", status, ref, g_id, g_version]
        cells = [ESCAPE + c if c and c[0] in starts else c for c in cells]
        cells[n_text:n_text] = answers
        cells += (created, updated)  # ISO text from the database, digits first: never escaped
        yield cells


def iter_csv(
    store: UseCaseStore, guidance: Guidance, f: UseFilter = ALL_USES, *, chunk_rows: int = 100
) -> Iterator[str]:
    """The CSV text of the uses matching `f`, header first, in chunks of `chunk_rows` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export_columns(guidance))
    pending: list[list[str]] = []
    for cells in _rows(store, guidance, f):
        pending.append(cells)
        if len(pending) >= chunk_rows:
            writer.writerows(pending)
            pending.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(pending)
    if buffer.tell():
        yield buffer.getvalue()


def write_csv(store: UseCaseStore, guidance: Guidance, out: IO[str], f: UseFilter = ALL_USES):
    """Write the CSV of the uses matching `f` to a text file (open it with newline="")."""
    for chunk in iter_csv(store, guidance, f):
        out.write(chunk)
