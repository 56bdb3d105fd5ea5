"""A whole log as one file, and back: every row of every table, so a restore is the log as it
was (every production, use, archived or not, answer set, outcome, status, reference, actor,
history row and tally), on SQLite or PostgreSQL, whichever the backup came from.

The file is gzip-compressed JSON lines: a first line naming the format and the schema
version, then for each table (in the order its foreign keys need) a line with its name and
columns followed by one line per row (a JSON array), and a last line with the number of rows,
so a file cut short is refused. It streams both ways, so memory stays flat at any size, and
`zcat` shows it. The tables are read from `tables.metadata`, so a table added later is in
every backup without a change here.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from greenlight.store.database import insert_columns, write_transaction
from greenlight.store.migrations import SCHEMA_VERSION
from greenlight.store.records import StoreError
from greenlight.store.tables import DATA_COUNTER, counters, metadata, schema_migrations

FORMAT = "greenlight-backup"
# What every log holds from its creation, so a log with only these is empty.
_BOOKKEEPING = (schema_migrations.name, counters.name)
_BATCH = 5000


def _encoder(column: sa.Column):
    """How a column's values are written: times and dates as ISO 8601 text, bytes as base64, the rest as JSON
    holds them (text, numbers, booleans, the answers documents)."""
    if isinstance(column.type, sa.DateTime | sa.Date):
        return lambda value: None if value is None else value.isoformat()
    if isinstance(column.type, sa.LargeBinary):  # evidence files' bytes, as base64 text
        return lambda value: None if value is None else base64.b64encode(value).decode("ascii")
    return None


def _decoder(column: sa.Column):
    if isinstance(column.type, sa.DateTime):
        return lambda value: None if value is None else datetime.fromisoformat(value)
    if isinstance(column.type, sa.Date):
        return lambda value: None if value is None else date.fromisoformat(value)
    if isinstance(column.type, sa.LargeBinary):
        return lambda value: None if value is None else base64.b64decode(value, validate=True)
    return None


def _line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _rows(conn: Connection, table: sa.Table) -> Iterator[list]:
    columns = list(table.columns)
    encoders = [_encoder(column) for column in columns]
    key = list(table.primary_key.columns) or columns
    result = conn.execution_options(stream_results=True, yield_per=_BATCH).execute(
        sa.select(*columns).order_by(*key)
    )
    for row in result:
        yield [
            value if code is None else code(value)
            for code, value in zip(encoders, row, strict=True)
        ]


def write_backup(engine: Engine, out: IO[bytes]) -> int:
    """Write the whole log to `out` (a binary file) from one consistent snapshot; return the
    number of rows written."""
    total = 0
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as packed, engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # one snapshot for every table, not one each
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            tables = metadata.sorted_tables
            packed.write(_line({"format": FORMAT, "schema": SCHEMA_VERSION,
                                "tables": [table.name for table in tables]}))  # fmt: skip
            for table in tables:
                packed.write(_line({"table": table.name, "columns": list(table.columns.keys())}))
                for row in _rows(conn, table):
                    packed.write(_line(row))
                    total += 1
            packed.write(_line({"end": True, "rows": total}))
    return total


class _Lines:
    """The JSON values of a backup's lines, one at a time; StoreError for a damaged file."""

    def __init__(self, source: IO[bytes]):
        self._lines = gzip.GzipFile(fileobj=source, mode="rb")
        self.number = 0

    def next(self) -> Any:
        """The next line's value (None at the end of the file)."""
        try:
            line = self._lines.readline()
        except (OSError, EOFError) as exc:  # not gzip, or cut short
            raise StoreError(f"not a Greenlight backup, or a damaged one ({exc})") from None
        if not line:
            return None
        self.number += 1
        try:
            return json.loads(line)
        except ValueError:
            raise StoreError(f"line {self.number} of the backup is damaged") from None


def _header(lines: _Lines) -> list[str]:
    head = lines.next()
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise StoreError("not a Greenlight backup: its first line names no backup format")
    if head.get("schema") != SCHEMA_VERSION:
        raise StoreError(
            f"the backup is of a log at schema {head.get('schema')}, this Greenlight's is "
            f"{SCHEMA_VERSION}: restore it with the Greenlight version that made it"
        )
    return list(head["tables"])


def _check_empty(conn: Connection) -> None:
    for table in metadata.sorted_tables:
        if table.name in _BOOKKEEPING:
            continue
        if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            raise StoreError(
                f"the log is not empty (its {table.name} table holds rows): a backup is "
                "restored into an empty log only; nothing was restored"
            )


def _insert(conn: Connection, table: sa.Table, names: list[str], rows: list[list]) -> None:
    if rows:
        columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
        insert_columns(conn, table, columns)


def _restore_table(conn: Connection, lines: _Lines, head: Any) -> tuple[Any, int]:
    """Insert one table's rows; return the line after them and how many there were."""
    if not isinstance(head, dict) or head.get("table") not in metadata.tables:
        raise StoreError(f"line {lines.number} of the backup names no table of this log")
    table = metadata.tables[head["table"]]
    names = list(head["columns"])
    if sorted(names) != sorted(table.columns.keys()):
        raise StoreError(f"the backup's {table.name} table has other columns than this log's")
    if table.name in _BOOKKEEPING:  # the backup's replace the new log's own
        conn.execute(sa.delete(table))
    decoders = [_decoder(table.c[name]) for name in names]
    rows: list[list] = []
    count = 0
    line = lines.next()
    while isinstance(line, list):
        if len(line) != len(names):
            raise StoreError(f"line {lines.number} of the backup is damaged")
        rows.append([v if d is None else d(v) for d, v in zip(decoders, line, strict=True)])
        count += 1
        if len(rows) == _BATCH:
            _insert(conn, table, names, rows)
            rows.clear()
        line = lines.next()
    _insert(conn, table, names, rows)
    return line, count


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL's id sequences moved past the restored ids, so new rows get new ones."""
    for table in metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, sa.Integer) and key[0].autoincrement:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                f"COALESCE(MAX({key[0].name}), 1), MAX({key[0].name}) IS NOT NULL) "
                f"FROM {table.name}"
            )


def restore_backup(engine: Engine, source: IO[bytes]) -> int:
    """Restore a backup into an empty log, all or nothing; return the rows restored.

    StoreError (nothing written) if the log holds anything, or the file is not a complete
    backup of a log at this schema version.
    """
    lines = _Lines(source)
    _header(lines)
    total = 0
    with write_transaction(engine) as conn:
        _check_empty(conn)
        data_version = conn.execute(
            sa.select(counters.c.value).where(counters.c.name == DATA_COUNTER)
        ).scalar_one()
        line = lines.next()
        while isinstance(line, dict) and "table" in line:
            line, count = _restore_table(conn, lines, line)
            total += count
        if not isinstance(line, dict) or line.get("rows") != total:
            raise StoreError("the backup is incomplete (cut short?): nothing was restored")
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
        # The data version moves on from both logs', so no cache serves what was there.
        conn.execute(
            sa.update(counters)
            .where(counters.c.name == DATA_COUNTER, counters.c.value <= data_version)
            .values(value=data_version + 1)
        )
    return total
