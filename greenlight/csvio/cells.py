"""A file's text and its cells, as the import reads them: decoding, the rows of the file (blank
ones dropped, at most the row limit), and the problems a cell can have on its own.

Also the import's errors, which every other part of it raises.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import IO

from greenlight.csvio.format import MAX_CELL_CHARS, MAX_IMPORT_BYTES, restore


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
        # The earlier import (a store ImportedFile) when the file was imported before: the
        # importer may confirm and import it again (allow_repeat).
        self.repeat = None


def refused(message: str, row: int = 1, column: str = "") -> CsvImportError:
    """The error of a file refused for one reason."""
    return CsvImportError([CsvProblem(row, column, message)])


def decode(source: bytes | str | IO) -> tuple[str, bool]:
    """The file's text, and whether it held bytes that are not UTF-8 (kept as surrogates)."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, str):
        return source.removeprefix("\ufeff"), False
    if len(source) > MAX_IMPORT_BYTES:
        raise refused(f"the file is over {MAX_IMPORT_BYTES // 2**20} MiB; split it")
    try:
        return source.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        # Decode what we can so each bad cell is reported by row and column.
        return source.decode("utf-8-sig", errors="surrogateescape"), True


@dataclass(frozen=True)
class Records:
    """The rows of a file that hold anything, and each one's row number (the header is 1)."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]


def read_records(text: str, max_rows: int) -> Records:
    """The header and the rows that are not blank; CsvImportError for text that is not CSV, a
    file without a header or without rows, or one of more than `max_rows` rows (found before
    the rest is read, so no file holds more than that many rows in memory)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    numbers: list[int] = []
    number = 0  # the last row read
    try:
        header = next(reader, [])
        if not any(cell.strip() for cell in header):
            raise refused("the file is empty: expected a header row with at least title")
        number = 1
        for number, record in enumerate(reader, 2):
            # A blank line ([]) or a row of blank cells carries nothing.
            if record and "".join(record).strip():
                if len(rows) == max_rows:
                    raise refused(
                        f"the file has more than {max_rows:,} rows: the limit is {max_rows:,} "
                        "(GREENLIGHT_IMPORT_MAX_ROWS); split it"
                    )
                rows.append(record)
                numbers.append(number)
    except csv.Error as exc:
        raise refused(
            f"not valid CSV ({exc}); check for a quote that is never closed", number + 1
        ) from None
    if not rows:
        raise refused("the file has a header but no rows: there is nothing to import")
    return Records(header, rows, numbers)


NOT_UTF8 = re.compile("[\udc80-\udcff]")
# Text may hold no NUL (PostgreSQL refuses it, and no spreadsheet makes one): a cell with one is
# a damaged file.
NUL = "\x00"


def encoding_message(cell: str) -> str:
    """What is wrong with a cell holding bytes that are not UTF-8."""
    byte = ord(NOT_UTF8.search(cell).group()) - 0xDC00
    return f"not UTF-8 text (byte 0x{byte:02x}); save the file as CSV UTF-8"


NUL_MESSAGE = "holds a NUL character (0x00), which text may not; remove it"


def shorten(name: str, limit: int = 60) -> str:
    """A cell as a problem report quotes it: a huge one (a whole file in one cell) cut short."""
    return name if len(name) <= limit else f"{name[: limit - 3]}..."


def check_cells(
    row: int,
    names: list[str],
    record: list[str],
    has_bad_bytes: bool,
    cells: dict[str, str],
    problems: list[CsvProblem],
) -> bool:
    """Restore a row's cells into `cells`; report oversized, NUL or non-UTF-8 ones (True if
    any)."""
    bad = False
    for name, raw in zip(names, record, strict=True):
        if len(raw) > MAX_CELL_CHARS:
            message = f"is {len(raw)} characters; the limit is {MAX_CELL_CHARS}"
        elif NUL in raw:
            message = NUL_MESSAGE
        elif has_bad_bytes and NOT_UTF8.search(raw):
            message = encoding_message(raw)
        else:
            cells[name] = restore(raw)
            continue
        problems.append(CsvProblem(row, name, message))
        bad = True
    return bad
