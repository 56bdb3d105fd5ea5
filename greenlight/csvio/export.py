"""The streamed, spreadsheet-safe CSV export of the log (the format is in csvio.format)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from greenlight.csvio.format import (
    AFTER_ANSWERS,
    BEFORE_ANSWERS,
    ESCAPE,
    ESCAPED_STARTS,
    export_columns,
    neutralise,
)
from greenlight.store import ALL_USES, UseFilter

if TYPE_CHECKING:
    from greenlight.policy import Guidance
    from greenlight.store import Actor, UseCaseStore

# Rows fetched at a time: few enough that an export's memory stays a few MB at any size.
EXPORT_BATCH = 100
# Answer sets kept rendered during one export, by id: a few MB at most, and room for every
# set a large synthetic log holds (3,000).
MAX_RENDERED = 4096
# What the export asks the store for, by name: every column of the CSV but the answers, then
# the use's answer set (its id, then its JSON text), which the answer columns are made from.
_READ = (*BEFORE_ANSWERS, *AFTER_ANSWERS, "answer_set_id", "answers")
_TEXT = len(BEFORE_ANSWERS) + len(AFTER_ANSWERS)  # where the answer set's id is in a row


def _answer_cell(value: Any) -> str:
    """An answer as its cell: the value, true or false, or empty when it was not given."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rows(store: UseCaseStore, guidance: Guidance, f: UseFilter, viewer) -> Iterator[list[str]]:
    # The hot loop of a large export: answers are rendered once per answer set (the set's id
    # comes with its JSON text), the rest without a call per cell.
    paths = [(q.path[0], q.path[1] if len(q.path) == 2 else None) for q in guidance.questions]
    starts = ESCAPED_STARTS
    at = len(BEFORE_ANSWERS)
    rendered: dict[int, list[str]] = {}
    cell_of: dict[str, str] = {}  # one str object per distinct cell, shared by the entries
    for row in store.iter_export_rows(f, batch=EXPORT_BATCH, names=_READ, viewer=viewer):
        answers = rendered.get(row[_TEXT])
        if answers is None:
            doc = json.loads(row[_TEXT + 1])
            answers = []
            for key, sub in paths:
                node = doc.get(key)
                if sub is not None:
                    node = node.get(sub) if type(node) is dict else None
                cell = neutralise(_answer_cell(node))
                answers.append(cell_of.setdefault(cell, cell))
            if len(rendered) < MAX_RENDERED:
                rendered[row[_TEXT]] = answers
        cells = [ESCAPE + c if c and c[0] in starts else c for c in row[:_TEXT]]
        cells[at:at] = answers
        yield cells


def iter_csv(
    store: UseCaseStore,
    guidance: Guidance,
    f: UseFilter = ALL_USES,
    *,
    chunk_rows: int = 100,
    viewer: Actor | None = None,
) -> Iterator[str]:
    """The CSV text of the uses matching `f` that `viewer` may see (the store scopes it),
    header first, in chunks of `chunk_rows` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export_columns(guidance))
    pending: list[list[str]] = []
    for cells in _rows(store, guidance, f, viewer):
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


def write_csv(
    store: UseCaseStore,
    guidance: Guidance,
    out: IO[str],
    f: UseFilter = ALL_USES,
    *,
    viewer: Actor | None = None,
):
    """Write the CSV of the uses matching `f` (as `viewer` sees them) to a text file (open
    it with newline="")."""
    for chunk in iter_csv(store, guidance, f, viewer=viewer):
        out.write(chunk)
