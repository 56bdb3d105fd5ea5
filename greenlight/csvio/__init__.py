"""The log as CSV: a spreadsheet-safe, streamed export a person reads, and an all-or-nothing
import that reads it back, or a sheet a person filled in.

Format: UTF-8, a header row, RFC 4180 quoting (the csv module). Columns (csvio.format declares
them): first what a reader looks at (title, level and its label, status and its label,
department), the production's code and name, the use's id and other free text, its reasons (rule
ids joined with ";") and their sentences (one to a line), matrix_row, then one column per answer
named after its contract id, then approval_ref, archived, guidance_id, guidance_version,
created_at, created_by, updated_at, updated_by. An answer is written as its label (Yes, No,
Unsure, "Studio enterprise agreement"), one that was not given as an empty cell; times are ISO
8601 in UTC to the second (``...Z``).

Spreadsheet safety: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return could run as a formula, so it is written with a leading apostrophe. A cell that
starts with an apostrophe of its own gets one too, so the rule reverses exactly: on import,
one leading apostrophe is always removed. Round trips are lossless.

Import accepts the full format and any subset of its columns that includes ``title`` (the
minimal form is title plus answers), in any order, the names in any case. It reads an answer
by its label or id in any case (answer_words; the export writes answer_cells, so what it
writes reads back as the same answer). The columns written for readers (READER_COLUMNS) are
ignored whatever they hold. Levels, reasons and matrix rows in a file are never trusted: every
row is parsed with parse_answers and assessed again. Nor are its workflow columns: every use
starts as draft (or submitted), by the importer, now (IGNORED_COLUMNS). Nothing is written
unless every row is valid; otherwise every problem comes back as ``row N, column C: ...``,
counting rows as a spreadsheet shows them (the header is row 1).
Modules: format (the columns, answers as words, escaping, times), export, cells (a file's text
and rows), row_checks, columns (the fast path for a clean file), importer.
"""

from greenlight.csvio.cells import CsvImportError, CsvProblem
from greenlight.csvio.export import iter_csv, write_csv
from greenlight.csvio.format import (
    AFTER_ANSWERS,
    BEFORE_ANSWERS,
    DERIVED_COLUMNS,
    ESCAPE,
    FORMULA_PREFIXES,
    IGNORED_COLUMNS,
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    READER_COLUMNS,
    SENTENCE_BREAK,
    answer_cells,
    answer_words,
    export_columns,
    format_time,
    header_key,
    neutralise,
    parse_time,
    restore,
)
from greenlight.csvio.importer import (
    DEFAULT_MAX_ROWS,
    MAX_ROWS_ENV,
    ImportResult,
    import_csv,
    max_rows,
    read_csv,
)

__all__ = [
    "AFTER_ANSWERS",
    "BEFORE_ANSWERS",
    "DEFAULT_MAX_ROWS",
    "DERIVED_COLUMNS",
    "ESCAPE",
    "FORMULA_PREFIXES",
    "IGNORED_COLUMNS",
    "MAX_CELL_CHARS",
    "MAX_IMPORT_BYTES",
    "MAX_ROWS_ENV",
    "READER_COLUMNS",
    "SENTENCE_BREAK",
    "CsvImportError",
    "CsvProblem",
    "ImportResult",
    "answer_cells",
    "answer_words",
    "export_columns",
    "format_time",
    "header_key",
    "import_csv",
    "iter_csv",
    "max_rows",
    "neutralise",
    "parse_time",
    "read_csv",
    "restore",
    "write_csv",
]
