"""The streamed, spreadsheet-safe CSV export of the log (the format is in csvio.format)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any

from greenlight.csvio.format import (
    AFTER_ANSWERS,
    BEFORE_ANSWERS,
    ESCAPE,
    ESCAPED_STARTS,
    LINK_COLUMNS,
    READER_COLUMNS,
    SENTENCE_BREAK,
    answer_cells,
    export_columns,
    link_cell,
    neutralise,
)
from greenlight.policy import AnswersError, Engine
from greenlight.store import ALL_USES, UseFilter
from greenlight.workflow import STATUSES

if TYPE_CHECKING:
    from greenlight.policy import Guidance
    from greenlight.store import Actor, UseCaseStore

# Rows fetched at a time: few enough that an export's memory stays a few MB at any size.
EXPORT_BATCH = 100
# Answer sets assessed by one engine before the export takes a new one (0.4 ms to make): an
# engine keeps every assessment it made (up to 65,536), which for the 3,000 sets of a large
# log was 26 MB; the export needs each only once, and keeps its sentences itself.
SETS_PER_ENGINE = 32
# Answer sets (and sets of reasons) kept rendered during one export, by id: a few MB at most,
# and room for every set a large synthetic log holds (3,000).
MAX_RENDERED = 4096
# What the export asks the store for, by name: the text columns of the CSV (every column but
# the answers, the reader columns and archived), then archived, then the use's answer set
# (its id, then its JSON text), which the answer columns are made from.
_TEXT_COLUMNS = tuple(
    name for name in (*BEFORE_ANSWERS, *AFTER_ANSWERS) if name not in (*READER_COLUMNS, "archived")
)
_READ = (*_TEXT_COLUMNS, "archived", "answer_set_id", "answers")
_TEXT = len(_TEXT_COLUMNS)  # where the answer set's id is in a row
_LEVEL, _STATUS, _REASONS = (_TEXT_COLUMNS.index(name) for name in ("level", "status", "reasons"))
# A row is put together as the text cells, these, then the answers; then put in header order.
_MADE = (*READER_COLUMNS, "archived")
_ARCHIVED = {True: "Yes", False: "No"}


def _answer_cell(value: Any) -> str:
    """An answer the guidance does not list (from another version) as its cell: the value,
    true or false, or empty when it was not given."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sentences(guidance: Guidance, reasons: str) -> tuple[str, ...]:
    """The sentences of a use's reasons (rule ids joined by ";") as the guidance words each
    rule, the first one neutralised: joined, the cell."""
    rules = guidance.rules_by_id
    return _first_neutralised(
        rules[rule].text
        if rule in rules
        else f"{rule}: a rule of another guidance version; re-assess the use to update it."
        for rule in reasons.split(";")
        if rule
    )


def _reasons_of(engine: Engine, doc: dict) -> tuple[str | None, tuple[str, ...]]:
    """The rule ids (joined by ";") and sentences (as _sentences) of an answer set's outcome
    under `engine`, which say "left open" of a question left open where a rule's own sentence
    says "you said"; (None, ()) for a set this guidance cannot read."""
    try:
        _, assessment = engine.assess_document(doc)
    except AnswersError:
        return None, ()
    return ";".join(assessment.rule_ids), _first_neutralised(r.text for r in assessment.reasons)


def _first_neutralised(sentences) -> tuple[str, ...]:
    # Only the first sentence starts the cell. The sentences are the guidance's own strings,
    # shared by every answer set that holds them: the cell is joined for each row.
    parts = list(sentences)
    if parts:
        parts[0] = neutralise(parts[0])
    return tuple(parts)


def _rows(
    store: UseCaseStore, guidance: Guidance, f: UseFilter, viewer
) -> Iterator[tuple[str, ...]]:
    # The hot loop of a large export: answers and the sentences of their outcome are made
    # once per answer set (the set's id comes with its JSON text), the rest without a call
    # per cell.
    questions = guidance.questions
    paths = [(q.path[0], q.path[1] if len(q.path) == 2 else None) for q in questions]
    cells_of = [answer_cells(q) for q in questions]
    header = export_columns(guidance)
    made = [*_TEXT_COLUMNS, *_MADE, *(q.id for q in questions), *LINK_COLUMNS]
    in_order = itemgetter(*(made.index(name) for name in header))
    level_label = {level.id: neutralise(level.label) for level in guidance.levels}
    status_label = {status.id: neutralise(status.label) for status in STATUSES}
    engine = Engine(guidance)
    assessed = 0  # answer sets the export has assessed: a new engine every SETS_PER_ENGINE
    starts = ESCAPED_STARTS
    join = SENTENCE_BREAK.join
    rendered: dict[int, tuple[tuple[str, ...], str | None, tuple[str, ...]]] = {}
    sentences_of: dict[str, tuple[str, ...]] = {}  # for uses whose reasons differ from now
    cell_of: dict[str, str] = {}  # one str object per distinct cell, shared by the entries
    for row in store.iter_export_rows(f, batch=EXPORT_BATCH, names=_READ, viewer=viewer):
        entry = rendered.get(row[_TEXT + 1])
        if entry is None:
            doc = json.loads(row[_TEXT + 2])
            answers = []
            for (key, sub), cells in zip(paths, cells_of, strict=True):
                node = doc.get(key)
                if sub is not None:
                    node = node.get(sub) if type(node) is dict else None
                cell = cells.get(node) if node is not None else ""
                if cell is None:
                    cell = neutralise(_answer_cell(node))
                answers.append(cell_of.setdefault(cell, cell))
            answers.extend(neutralise(link_cell(doc.get(name))) for name in LINK_COLUMNS)
            assessed += 1
            if assessed % SETS_PER_ENGINE == 0:
                engine = Engine(guidance)
            entry = (tuple(answers), *_reasons_of(engine, doc))
            if len(rendered) < MAX_RENDERED:
                rendered[row[_TEXT + 1]] = entry
        answers, rules, sentences = entry
        reasons = row[_REASONS]
        if reasons != rules:  # assessed under another guidance version
            sentences = sentences_of.get(reasons)
            if sentences is None:
                sentences = _sentences(guidance, reasons)
                if len(sentences_of) < MAX_RENDERED:
                    sentences_of[reasons] = sentences
        level, status = row[_LEVEL], row[_STATUS]
        cells = [ESCAPE + c if c and c[0] in starts else c for c in row[:_TEXT]]
        cells += (
            level_label.get(level) or neutralise(level),
            status_label.get(status) or neutralise(status),
            join(sentences),
            _ARCHIVED[row[_TEXT]],
        )
        cells += answers
        yield in_order(cells)


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
    pending: list[tuple[str, ...]] = []
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
