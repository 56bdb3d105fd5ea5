"""The import's fast path: a file whose every cell passes the checks as it is (an export, a
sheet filled in with care) is checked and read column by column, with the tests done a column
at a time in C rather than a function call per row, and the answer cells read once per
distinct set: most of a 100,000-row import's reading. Any other file goes through the row
checks (csvio.row_checks), which find and report every problem; both give the same uses.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING

from greenlight.csvio.cells import NUL
from greenlight.csvio.format import ESCAPE, MAX_CELL_CHARS, parse_time, restore
from greenlight.csvio.row_checks import CELL_BREAK, KnownAnswers, Start
from greenlight.policy import FIELD_NAMES, Answers, AnswersError, plain_text_column
from greenlight.store import USE_ID_PATTERN, NewUses

if TYPE_CHECKING:
    from greenlight.policy import Assessment


def plain_uses(
    rows: list[list[str]], names: list[str], known: KnownAnswers, start: Start
) -> tuple[NewUses, int] | None:
    """The uses of a file's rows checked and read column by column, if every cell passes as
    it is, and how many relevel; None if any row could fail a check (its problems are then
    the row checks' to find)."""
    width = len(names)
    if not rows or set(map(len, rows)) != {width}:
        return None
    n = len(rows)
    position = {name: i for i, name in enumerate(names)}
    asked = known.asked
    columns = {
        name: list(map(itemgetter(position[name]), rows)) for name in names if name not in asked
    }
    for name, cells in columns.items():
        # (Free text is held to its field's far shorter limit below, after restoring.)
        if name not in FIELD_NAMES and max(map(len, cells)) > MAX_CELL_CHARS:
            return None
        joined = CELL_BREAK.join(cells)
        if NUL in joined:
            return None
        if joined[:1] == ESCAPE or CELL_BREAK + ESCAPE in joined:
            columns[name] = list(map(restore, cells))  # a cell may start with the escape

    def stripped(name: str) -> list[str]:
        return list(map(str.strip, columns[name])) if name in columns else [""] * n

    ids = stripped("id")
    given = [use_id for use_id in ids if use_id]
    if not all(map(USE_ID_PATTERN.fullmatch, given)) or len(set(given)) != len(given):
        return None
    if not set(stripped("production")) <= {"", start.production}:
        return None
    try:
        created_at = [parse_time(value) if value else None for value in stripped("created_at")]
    except ValueError:
        return None
    text = {name: columns.get(name, [""] * n) for name in FIELD_NAMES}
    if not all(plain_text_column(name, text[name]) for name in FIELD_NAMES):
        return None
    if not all(map(str.strip, text["title"])):
        return None
    found = _assessed(rows, position, known, columns)
    if found is None:
        return None
    assessed, assessed_of = found
    level = list(map([a.level for _, a in assessed].__getitem__, assessed_of))
    in_file = stripped("level")
    relevelled = sum(1 for was, now in zip(in_file, level, strict=True) if was and was != now)
    batch = NewUses(
        assessed=assessed,
        assessed_of=assessed_of,
        text=text,
        ids=[use_id or None for use_id in ids],
        status=[start.status] * n,
        approval_ref=[""] * n,
        created_at=created_at,
        updated_at=[None] * n,
        note=[start.note] * n,
        steps=[()] * n,
    )
    return batch, relevelled


def _assessed(
    rows: list[list[str]], position: dict[str, int], known: KnownAnswers, columns: dict
) -> tuple[list[tuple[Answers, Assessment]], list[int]] | None:
    """Each distinct set of answers assessed once, and which one each row has; None if a
    set is not valid. The answer cells are grouped as they are, then checked, restored and
    regrouped (two sets of cells may restore to the same answers) and assessed from their
    first row, as the row checks' KnownAnswers would."""
    asked = known.asked
    n = len(rows)
    raw_of: dict[tuple, int] = {}
    cells_of = itemgetter(*(position[qid] for qid in asked)) if asked else lambda _: ()
    raw = [raw_of.setdefault(key, len(raw_of)) for key in map(cells_of, rows)]
    if len(asked) == 1:  # itemgetter of one position gives the cell, not a tuple
        raw_of = {(key,): index for key, index in raw_of.items()}
    first_row = dict(zip(reversed(raw), range(n - 1, -1, -1), strict=True))
    found: dict[tuple, int] = {}
    assessed: list[tuple[Answers, Assessment]] = []
    regrouped = []
    for key, index in raw_of.items():
        if max(map(len, key), default=0) > MAX_CELL_CHARS or NUL in CELL_BREAK.join(key):
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
    return assessed, list(map(regrouped.__getitem__, raw))
