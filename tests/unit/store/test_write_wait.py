"""A writer waiting on another's lock waits GREENLIGHT_WRITE_WAIT_SECONDS, then says the log is
busy (StoreBusy) and writes nothing, on SQLite (another process's write lock, or another
thread's) and on PostgreSQL (a locked row, through lock_timeout)."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from greenlight.store import StoreBusy, UseCaseStore
from greenlight.store.database import write_transaction
from greenlight.store.write_wait import BUSY_MESSAGE


@pytest.fixture
def store(db_url: str, monkeypatch) -> UseCaseStore:
    monkeypatch.setenv("GREENLIGHT_WRITE_WAIT_SECONDS", "0.5")
    store = UseCaseStore(db_url)
    store.create_production("SM", "Saltmarsh", actor="lead")
    return store


def blocked_write(store: UseCaseStore) -> tuple[float, int]:
    """Seconds a write took to be refused as busy, and the data version before it."""
    version = store.data_version()
    started = time.monotonic()
    with pytest.raises(StoreBusy) as caught:
        store.create_production("NEW", "New", actor="ana")
    waited = time.monotonic() - started
    assert str(caught.value) == BUSY_MESSAGE
    return waited, version


def test_a_writer_behind_another_process_or_connection_gives_up_in_time(store, db_url):
    if store.dialect == "sqlite":
        other = sqlite3.connect(sa.make_url(db_url).database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
    else:
        other = sa.create_engine(db_url).connect()
        other.exec_driver_sql("SELECT * FROM counters FOR UPDATE")
    try:
        waited, version = blocked_write(store)
    finally:
        other.rollback()
        other.close()
    assert 0.4 <= waited < 5
    assert store.data_version() == version
    assert store.create_production("NEW", "New", actor="ana").code == "NEW"  # free again


def test_a_writer_behind_another_thread_of_this_process_gives_up_in_time(store):
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with write_transaction(store.engine) as conn:
            conn.exec_driver_sql("UPDATE counters SET value = value")
            holding.set()
            done.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert holding.wait(30)
        waited, version = blocked_write(store)
    finally:
        done.set()
        thread.join(30)
    assert 0.4 <= waited < 5
    assert store.data_version() == version
