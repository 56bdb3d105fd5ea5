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

# The columns of the CSV around the answers (one column per question, named after its id),
# declared once: the header, the import's known columns, and the export's rows, which the
# store gives under these names (UseCaseStore.iter_export_rows).
BEFORE_ANSWERS = ("id", "production", "production_name", *FIELD_NAMES)
AFTER_ANSWERS = (
    "level",
    "reasons",
    "matrix_row",
    "status",
    "approval_ref",
    "archived",
    "guidance_id",
    "guidance_version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)
# Never trusted from a file: the import assesses every row again.
DERIVED_COLUMNS = ("level", "reasons", "matrix_row", "guidance_id", "guidance_version")
# Read from a file but not stored: an imported use starts the workflow afresh (draft or
# submitted, no approval), made by whoever imports it, now. The import reports which of these
# a file filled in. (A backup, not a CSV, carries a log's whole state: greenlight.store.backup.)
IGNORED_COLUMNS = (
    "production_name",
    "status",
    "approval_ref",
    "archived",
    "created_by",
    "updated_at",
    "updated_by",
)
# The longest cell an import accepts (the longest free-text field is far shorter).
MAX_CELL_CHARS = 2 * max(f.max_length for f in FIELDS)
MAX_IMPORT_BYTES = 256 * 1024 * 1024
# Larger than any cell we accept, so an oversized cell is reported with its column rather
# than stopping the csv reader; raising the process-wide limit only ever allows more.
_READER_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), _READER_LIMIT))


def export_columns(guidance: Guidance) -> list[str]:
    """The header of the full format, answers taken from the guidance's questions."""
    return [*BEFORE_ANSWERS, *(q.id for q in guidance.questions), *AFTER_ANSWERS]


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
    """An aware UTC datetime from ISO 8601 text; a time without an offset is taken as UTC.

    ValueError for text that is not such a time, or one that is out of range in UTC
    (0001-01-01T00:30:00+01:00 is in year 0).
    """
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is UTC:  # a Z, as the export writes: nothing to convert
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range in UTC") from None
