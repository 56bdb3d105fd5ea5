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

from greenlight.csvio.export import iter_csv, write_csv
from greenlight.csvio.format import (
    DERIVED_COLUMNS,
    ESCAPE,
    FORMULA_PREFIXES,
    MAX_CELL_CHARS,
    MAX_IMPORT_BYTES,
    export_columns,
    format_time,
    neutralise,
    parse_time,
    restore,
)
from greenlight.csvio.importer import (
    CsvImportError,
    CsvProblem,
    ImportResult,
    import_csv,
    read_csv,
)

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
