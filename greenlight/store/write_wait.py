"""How long a writer waits for another's lock, and how it says it gave up.

SQLite lets one writer in at a time: threads of this process queue on a lock (and go in the
moment the last writer commits), other processes wait on SQLite's busy timeout. PostgreSQL
locks rows, and a writer waits on its lock_timeout. All three take write_wait_seconds().
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from greenlight.store.records import StoreBusy, StoreConfigError

WRITE_WAIT_ENV = "GREENLIGHT_WRITE_WAIT_SECONDS"
DEFAULT_WRITE_WAIT_SECONDS = 30.0
BUSY_MESSAGE = "the log is busy with another change; try again in a moment (nothing was written)"

_WRITE_LOCKS: dict[int, threading.RLock] = {}


def write_wait_seconds() -> float:
    """How long a writer waits for a lock: $GREENLIGHT_WRITE_WAIT_SECONDS or the default."""
    text = os.environ.get(WRITE_WAIT_ENV, "").strip()
    if not text:
        return DEFAULT_WRITE_WAIT_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise StoreConfigError(f"{WRITE_WAIT_ENV} is {text[:40]!r}: give 0.1 to 3600 seconds")
    return seconds


@contextmanager
def queued(engine: Engine) -> Iterator[None]:
    """This process's turn to write to a SQLite log (StoreBusy after write_wait_seconds());
    nothing to wait for on PostgreSQL, which locks rows."""
    if engine.dialect.name != "sqlite":
        yield
        return
    lock = _WRITE_LOCKS.setdefault(id(engine), threading.RLock())
    if not lock.acquire(timeout=write_wait_seconds()):
        raise StoreBusy(BUSY_MESSAGE)
    try:
        yield
    finally:
        lock.release()


def is_busy(exc: sa.exc.OperationalError) -> bool:
    """Whether a driver's error is a lock waited on too long (SQLite busy, PostgreSQL's
    lock_timeout)."""
    cause = exc.orig
    return "database is locked" in str(cause) or getattr(cause, "sqlstate", None) == "55P03"
