"""Where the log is: database URLs, the SQLite file, the schema version."""

from __future__ import annotations

import gc
from datetime import datetime

import pytest
import sqlalchemy as sa

from greenlight.store import (
    StoreError,
    UseCaseStore,
)
from greenlight.store.database import (
    DEFAULT_SQLITE_PATH,
    StoreConfigError,
    dispose_engines,
    get_engine,
    paused_gc,
    resolve_database_url,
)
from greenlight.store.migrations import SCHEMA_VERSION, SchemaError, schema_version
from greenlight.store.tables import schema_migrations


def test_url_from_environment_then_secrets_then_default(tmp_path):
    secrets = tmp_path / "secrets.toml"
    env = {"GREENLIGHT_DATABASE_URL": "postgresql+psycopg://u@h/db"}
    assert resolve_database_url(env, [secrets]) == "postgresql+psycopg://u@h/db"
    assert resolve_database_url({}, [secrets]) == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    secrets.write_text('[connections.greenlight]\nurl = "sqlite:////tmp/x.db"\n')
    assert resolve_database_url({}, [secrets]) == "sqlite:////tmp/x.db"
    assert resolve_database_url(env, [secrets]) == "postgresql+psycopg://u@h/db"
    secrets.write_text("[other]\nurl = 'x'\n")
    assert resolve_database_url({}, [secrets]) == f"sqlite:///{DEFAULT_SQLITE_PATH}"


def test_bad_secrets_and_urls_say_what_to_fix(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[connections.greenlight\n")
    with pytest.raises(StoreConfigError, match=r"secrets.toml: not valid TOML"):
        resolve_database_url({}, [secrets])
    secrets.write_text("[connections.greenlight]\nurl = 3\n")
    with pytest.raises(StoreConfigError, match="url must be a non-empty string"):
        resolve_database_url({}, [secrets])
    with pytest.raises(StoreConfigError, match="Greenlight runs on SQLite or PostgreSQL"):
        UseCaseStore("mysql://u@h/db")
    with pytest.raises(StoreConfigError, match="is not a database URL"):
        UseCaseStore("not a url")


def test_sqlite_folder_is_created_with_wal_and_foreign_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'greenlight.db'}"
    store = UseCaseStore(url)
    assert (tmp_path / "new" / "folder" / "greenlight.db").exists()
    assert get_engine(url) is store.engine  # one engine per URL
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_paused_gc_resumes_the_collector_when_the_last_job_ends():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # a second import at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first is still running
    assert gc.isenabled()
    with pytest.raises(StoreError), paused_gc():
        raise StoreError("an import that fails half-way")
    assert gc.isenabled()
    gc.disable()  # a process that runs with the collector off keeps it off
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_schema_version_is_recorded_and_opening_again_changes_nothing(db_url):
    store = UseCaseStore(db_url)
    assert schema_version(store.engine) == SCHEMA_VERSION
    store.create_production("A", "Alpha", actor="lead")
    dispose_engines()
    again = UseCaseStore(db_url)
    assert [p.code for p in again.list_productions()] == ["A"]
    with again.engine.connect() as conn:
        versions = conn.execute(sa.select(schema_migrations.c.version)).scalars().all()
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_a_newer_schema_is_refused(sqlite_store):
    with sqlite_store.engine.begin() as conn:
        conn.execute(
            sa.insert(schema_migrations).values(
                version=SCHEMA_VERSION + 1, name="future", applied_at=datetime(2030, 1, 1)
            )
        )
    dispose_engines()
    with pytest.raises(SchemaError, match="newer than this Greenlight understands"):
        UseCaseStore(sqlite_store.url)
