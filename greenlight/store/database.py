"""Where the log lives and how we talk to it: URL resolution, one engine per URL, transactions.

SQLite (the default, data/greenlight.db) runs in WAL mode with foreign keys on, and every write
transaction starts with BEGIN IMMEDIATE, so concurrent writers queue on the busy timeout
instead of failing half-way. PostgreSQL (psycopg 3) is used when a URL points at one.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import threading
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine

from greenlight.store.records import StoreBusy, StoreConfigError
from greenlight.store.write_wait import BUSY_MESSAGE, is_busy, queued, write_wait_seconds

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = ROOT / "data" / "greenlight.db"
URL_ENV = "GREENLIGHT_DATABASE_URL"
SECRETS_SECTION = ("connections", "greenlight")
_WRITE_OPTION = "greenlight_write"
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _secrets_paths() -> list[Path]:
    paths = [Path.cwd() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml"]
    unique: list[Path] = []
    for path in paths:
        if path.resolve() not in [p.resolve() for p in unique]:
            unique.append(path)
    return unique


def _url_from_secrets(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreConfigError(f"{path}: not valid TOML ({exc})") from None
    section = data
    for key in SECRETS_SECTION:
        section = section.get(key) if isinstance(section, dict) else None
    if not isinstance(section, dict) or "url" not in section:
        return None
    url = section["url"]
    if not isinstance(url, str) or not url.strip():
        raise StoreConfigError(f"{path}: [connections.greenlight] url must be a non-empty string")
    return url.strip()


def resolve_database_url(
    environ: Mapping[str, str] | None = None, secrets_paths: list[Path] | None = None
) -> str:
    """The database URL: $GREENLIGHT_DATABASE_URL, else secrets.toml, else data/greenlight.db."""
    env = os.environ if environ is None else environ
    url = env.get(URL_ENV, "").strip()
    if url:
        return url
    for path in _secrets_paths() if secrets_paths is None else secrets_paths:
        found = _url_from_secrets(path)
        if found:
            return found
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _prepare_sqlite_file(url: sa.URL) -> None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event, not pysqlite, decide how transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(write_wait_seconds() * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Safe with WAL: a crash of the process loses nothing committed.
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def create_store_engine(url: str) -> Engine:
    """A new engine for `url`, configured for Greenlight (use get_engine to share one)."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreConfigError(
            f"{url!r} is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _prepare_sqlite_file(parsed)
        engine = sa.create_engine(
            parsed,
            connect_args={"timeout": write_wait_seconds(), "check_same_thread": False},
            json_serializer=to_json,
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if backend == "postgresql":
        if parsed.drivername != "postgresql+psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        wait = int(write_wait_seconds() * 1000)
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=10,
            json_serializer=to_json,
            connect_args={"options": f"-c lock_timeout={wait}"},
        )
    raise StoreConfigError(
        f"unsupported database {backend!r} in {parsed.render_as_string(hide_password=True)}: "
        "Greenlight runs on SQLite or PostgreSQL"
    )


# Answers documents as compact JSON (no spaces after separators): how the answers column is
# written. They hold plain data, so the encoder's check for circular references is skipped.
to_json = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def get_engine(url: str) -> Engine:
    """The process-wide engine for `url`, created on first use."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_store_engine(url)
        return engine


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (tests, shutdown)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a write transaction, committed on success, rolled back on error;
    StoreBusy when another writer holds the log longer than write_wait_seconds()."""
    try:
        with queued(engine), engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn
    except sa.exc.OperationalError as exc:
        if is_busy(exc):
            raise StoreBusy(BUSY_MESSAGE) from None
        raise


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a read transaction: one consistent snapshot, never committed."""
    with engine.connect() as conn, conn.begin():
        yield conn


class _GcPause:
    """The state behind paused_gc: how many bulk jobs run, and whether the collector was on."""

    lock = threading.Lock()
    jobs = 0
    was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk job (an import): it allocates
    millions of rows, dicts and tuples that form no cycles, and the collector would scan
    them again and again as they pile up (a third of a 100,000-row import's time).
    Reference counting still frees everything; the collector resumes, if it was on, when
    the last job running ends.
    """
    with _GcPause.lock:
        if _GcPause.jobs == 0:
            _GcPause.was_enabled = gc.isenabled()
            gc.disable()
        _GcPause.jobs += 1
    try:
        yield
    finally:
        with _GcPause.lock:
            _GcPause.jobs -= 1
            if _GcPause.jobs == 0 and _GcPause.was_enabled:
                gc.enable()


def bulk_insert(
    conn: Connection, table: sa.Table, rows: list[dict], *, add_to: str | None = None
) -> None:
    """Insert many rows (dicts with the same keys) through the driver's fastest bulk path.

    SQLAlchemy compiles the statement (once per table and set of columns) and each column's
    bind processor prepares its values, a column at a time, but the rows skip
    Connection.execute's per-row parameter machinery (most of an import's time at 100,000
    uses): SQLite gets one executemany of tuples, PostgreSQL one COPY.

    With `add_to`, a row whose primary key is taken adds its `add_to` value to the stored
    row's instead of failing (the upsert that keeps a count; an executemany on PostgreSQL).
    """
    if rows:
        insert_columns(conn, table, columns_of(rows), add_to=add_to)


def columns_of(rows: list[dict]) -> dict[str, list]:
    """Rows (dicts with the same keys) column by column: each column's values in row order."""
    if not rows:
        return {}
    names = tuple(rows[0])
    if len(names) == 1:
        return {names[0]: [row[names[0]] for row in rows]}
    return dict(
        zip(names, map(list, zip(*map(itemgetter(*names), rows), strict=True)), strict=True)
    )


def insert_columns(
    conn: Connection,
    table: sa.Table,
    columns: Mapping[str, list],
    *,
    add_to: str | None = None,
) -> None:
    """bulk_insert of rows given column by column: each column's values in row order."""
    dialect = conn.dialect
    sql, names, named = _insert_sql(dialect, table, tuple(columns), add_to)
    prepared = [_bound(table.c[name], columns[name], dialect) for name in names]
    if sql is None and add_to is not None and len(prepared[0]) > _STAGED_UPSERT_ROWS:
        _copy_and_add(conn, table, names, zip(*prepared, strict=True), add_to)
    elif sql is None and add_to is not None:
        upsert, names, _ = _insert_sql(dialect, table, names, add_to, staged=False)
        rows = [dict(zip(names, v, strict=True)) for v in zip(*prepared, strict=True)]
        conn.exec_driver_sql(upsert, rows)
    elif sql is None:
        _copy(conn, table.name, names, zip(*prepared, strict=True))
    elif named:
        conn.exec_driver_sql(
            sql, [dict(zip(names, v, strict=True)) for v in zip(*prepared, strict=True)]
        )
    else:
        conn.exec_driver_sql(sql, list(zip(*prepared, strict=True)))


_SAMPLE_TIME = datetime(1999, 12, 31, 23, 59, 58, 7)


def _sqlite_datetime(value: Any, process: Callable[[Any], Any]) -> Any:
    """What SQLite's DATETIME bind processor makes of a value, by datetime.isoformat (in C)
    for a naive datetime: 3.4 us a value less, over 190,000 values in a 97,000-row import."""
    if type(value) is datetime and value.tzinfo is None:
        return value.isoformat(" ", "microseconds")
    return process(value)


def _bound(column: sa.Column, values: list, dialect: Dialect) -> list:
    """A column's values as the driver takes them (its type's bind processor applied)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return values
    if (
        dialect.name == "sqlite"
        and isinstance(column.type, sa.DateTime)
        # The shortcut writes the type's default storage format: checked, not assumed.
        and process(_SAMPLE_TIME) == _SAMPLE_TIME.isoformat(" ", "microseconds")
    ):
        return [_sqlite_datetime(value, process) for value in values]
    try:
        distinct = set(values)
    except TypeError:  # unhashable values (JSON documents): one call each
        return list(map(process, values))
    if len(distinct) > len(values) // 2:
        return list(map(process, values))
    # Dates, flags, levels: few distinct values, each processed once.
    done = {value: process(value) for value in distinct}
    return list(map(done.__getitem__, values))


# PostgreSQL upserts of more rows than this go through a temporary table (_copy_and_add);
# fewer are one executemany of INSERT ... ON CONFLICT, which psycopg sends in one pipeline:
# one statement a tally where staging took four (a single use's write made twenty).
_STAGED_UPSERT_ROWS = 1000


def conflict_insert(dialect: Dialect) -> Callable[[sa.Table], Any]:
    """The dialect's own insert(), the one with ON CONFLICT, for SQLite or PostgreSQL. Each is
    imported only when used, so a SQLite app never loads SQLAlchemy's PostgreSQL dialect."""
    if dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


@functools.lru_cache(maxsize=256)
def _insert_sql(
    dialect: Dialect,
    table: sa.Table,
    names: tuple[str, ...],
    add_to: str | None,
    staged: bool = True,
):
    """The statement for bulk_insert (None: COPY on PostgreSQL, staged through a temporary
    table for an upsert), the order of its parameters, and whether they are passed by name
    rather than by position."""
    if dialect.name == "postgresql" and (staged or add_to is None):
        return None, names, False
    statement = conflict_insert(dialect)(table).values({name: sa.bindparam(name) for name in names})
    if add_to is not None:
        statement = statement.on_conflict_do_update(
            index_elements=[column.name for column in table.primary_key.columns],
            set_={add_to: table.c[add_to] + statement.excluded[add_to]},
        )
    compiled = statement.compile(dialect=dialect)
    if compiled.positiontup is None:
        return str(compiled), names, True
    return str(compiled), tuple(compiled.positiontup), False


@functools.lru_cache(maxsize=64)
def _staging(table: sa.Table) -> sa.Table:
    """A temporary table shaped like `table`, emptied at every commit (PostgreSQL)."""
    return sa.Table(
        f"greenlight_add_{table.name}",
        sa.MetaData(),
        *(sa.Column(column.name, column.type) for column in table.columns),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DELETE ROWS",
    )


def _copy_and_add(
    conn: Connection, table: sa.Table, names: tuple[str, ...], rows, add_to: str
) -> None:
    """bulk_insert's upsert on PostgreSQL: COPY into a temporary table, then one INSERT ...
    SELECT ... ON CONFLICT, in key order so concurrent writers lock rows in the same order;
    one statement instead of an executemany of an upsert per row."""
    from sqlalchemy.dialects.postgresql import insert

    staging = _staging(table)
    staging.create(conn, checkfirst=True)
    conn.execute(sa.delete(staging))
    _copy(conn, staging.name, names, rows)
    key = [column.name for column in table.primary_key.columns]
    statement = insert(table).from_select(
        list(names), sa.select(*(staging.c[name] for name in names)).order_by(*key)
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=key, set_={add_to: table.c[add_to] + statement.excluded[add_to]}
        )
    )


def _copy(conn: Connection, table: str, names: tuple[str, ...], rows) -> None:
    import psycopg
    from psycopg import sql

    command = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(command) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.errors.IntegrityError as exc:  # as Connection.execute would raise it
        raise sa.exc.IntegrityError(command.as_string(cursor), None, exc) from exc
