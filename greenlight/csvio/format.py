"""The CSV format of the log, declared once: its columns, spreadsheet escaping and times.

See greenlight.csvio for the format as a whole; this module holds the pieces that both the
export and the import use.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from greenlight.policy import FIELD_NAMES, FIELDS, LINK_NAMES

if TYPE_CHECKING:
    from greenlight.policy import Guidance, Question

# Characters that make a spreadsheet read a cell as a formula, plus our own escape character.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
# The first characters neutralise() escapes (the export inlines the test for speed).
ESCAPED_STARTS = frozenset((*FORMULA_PREFIXES, ESCAPE))

# The columns of the CSV around the answers (one column per question, named after its id),
# declared once: the header, the import's known columns, and the export's rows. The columns a
# reader looks at first come first; the store gives every column but the READER_COLUMNS under
# these names (UseCaseStore.iter_export_rows).
BEFORE_ANSWERS = (
    "title",
    "level",
    "level_label",
    "status",
    "status_label",
    "department",
    "production",
    "production_name",
    "id",
    *(name for name in FIELD_NAMES if name not in ("title", "department")),
    "reasons",
    "reason_sentences",
    "matrix_row",
)
AFTER_ANSWERS = (
    "approval_ref",
    "archived",
    "guidance_id",
    "guidance_version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)
# Written for a person beside the ids they explain (the level's and status's labels, each
# reason's sentence) and made by the export from the guidance and the workflow; an import
# ignores them whatever they hold (a reader may edit or delete them).
READER_COLUMNS = ("level_label", "status_label", "reason_sentences")
# Never trusted from a file: the import assesses every row again.
DERIVED_COLUMNS = (
    "level",
    "reasons",
    "matrix_row",
    "guidance_id",
    "guidance_version",
    *READER_COLUMNS,
)
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
# How reason_sentences joins the sentences of a use's reasons (rule ids are joined by ";"):
# a spreadsheet shows each on a line of its own.
SENTENCE_BREAK = "\n"
# The longest cell an import accepts (the longest free-text field is far shorter).
MAX_CELL_CHARS = 2 * max(f.max_length for f in FIELDS)
MAX_IMPORT_BYTES = 256 * 1024 * 1024
# Larger than any cell we accept, so an oversized cell is reported with its column rather
# than stopping the csv reader; raising the process-wide limit only ever allows more.
_READER_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), _READER_LIMIT))


# After the answers, the registry ids a use names (performers, tools): ids only, never a
# performer's personal data, joined by LINK_SEPARATOR.
LINK_COLUMNS = LINK_NAMES
LINK_SEPARATOR = ";"


def export_columns(guidance: Guidance) -> list[str]:
    """The header of the full format, answers taken from the guidance's questions."""
    return [*BEFORE_ANSWERS, *(q.id for q in guidance.questions), *LINK_COLUMNS, *AFTER_ANSWERS]


def link_cell(ids: object) -> str:
    """A list of registry ids as its cell ("" for none or a value that is not a list)."""
    return LINK_SEPARATOR.join(ids) if type(ids) is list else ""


def link_ids(cell: str) -> list[str]:
    """The ids of a link cell, blanks aside ("P-1; P-2" is two ids)."""
    return [part.strip() for part in cell.split(LINK_SEPARATOR) if part.strip()]


def header_key(name: str) -> str:
    """A header cell as the import matches it to a column: case, spaces and hyphens aside
    ("Requested by" is requested_by)."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def answer_words(question: Question) -> dict[str, str | bool]:
    """The words an import reads as each answer to `question`, lower-cased: every value's id
    (true and false for a yes/no question) and every label no other value shares ("yes",
    "unsure", "studio enterprise agreement"). An id wins over another value's label."""
    words: dict[str, str | bool] = {}
    shared: set[str] = set()
    for option in question.options:
        label = option.label.strip().lower()
        if label in words:
            shared.add(label)
        words[label] = option.value
    for label in shared:
        del words[label]
    for option in question.options:
        words[_id_text(option.value).lower()] = option.value
    return words


def answer_cells(question: Question) -> dict[str | bool, str]:
    """Each answer to `question` as the export writes it: its label where the import reads
    that label back as the same answer (answer_words), else its id."""
    words = answer_words(question)
    cells: dict[str | bool, str] = {}
    for option in question.options:
        label = option.label.strip()
        read_back = words.get(label.lower())
        same = read_back == option.value and type(read_back) is type(option.value)
        cells[option.value] = label if same else _id_text(option.value)
    return cells


def answer_list(question: Question) -> str:
    """The answers to `question` as an import error lists them: "Yes", "Unsure" or "No"."""
    shown = [f'"{answer_cells(question)[option.value]}"' for option in question.options]
    return ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else "".join(shown)


def _id_text(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def neutralise(cell: str) -> str:
    """The cell as written: a leading apostrophe where a spreadsheet could see a formula."""
    if cell and cell[0] in ESCAPED_STARTS:
        return ESCAPE + cell
    return cell


def restore(cell: str) -> str:
    """The inverse of neutralise: drop one leading apostrophe."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def format_time(value: datetime) -> str:
    """ISO 8601 in UTC to the second, with a Z: 2026-12-04T20:19:17Z (a naive time is UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


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
