"""The CSV format of the log, declared once: its columns, spreadsheet escaping and times.

See greenlight.csvio for the format as a whole; this module holds the pieces that both the
export and the import use.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from greenlight.policy import FIELD_NAMES, FIELDS

if TYPE_CHECKING:
    from greenlight.policy import Guidance

# Characters that make a spreadsheet read a cell as a formula, plus our own escape character.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# The first characters neutralise() escapes (the export inlines the test for speed).
ESCAPED_STARTS = frozenset((*FORMULA_PREFIXES, ESCAPE))

DERIVED_COLUMNS = ("level", "reasons", "matrix_row", "guidance_id", "guidance_version")
# The longest cell an import accepts (the longest free-text field is far shorter).
MAX_CELL_CHARS = 2 * max(f.max_length for f in FIELDS)
MAX_IMPORT_BYTES = 256 * 1024 * 1024
# Larger than any cell we accept, so an oversized cell is reported with its column rather
# than stopping the csv reader; raising the process-wide limit only ever allows more.
_READER_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), _READER_LIMIT))


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
    if cell and cell[0] in ESCAPED_STARTS:
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
    if value.tzinfo is UTC:  # a Z, as the export writes: nothing to convert
        return value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
