"""greenlight.db_errors: real database failures, explained (the app's pages are in
tests/apptest/test_storage_errors.py; these are the cases a page test cannot easily reach)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from greenlight.store import UseCaseStore
from greenlight.store.db_errors import explain


def failure(action):
    with pytest.raises(Exception) as caught:
        action()
    return caught.value


def test_a_misconfigured_url_says_what_to_correct():
    url = "mysql://u@h/db"
    trouble = explain(failure(lambda: UseCaseStore(url)), url)
    assert trouble.what.startswith("unsupported database 'mysql'")
    assert "Correct GREENLIGHT_DATABASE_URL" in trouble.to_do


def test_a_data_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    url = f"sqlite:///{tmp_path / 'file' / 'data' / 'greenlight.db'}"
    trouble = explain(failure(lambda: UseCaseStore(url)), url)
    assert trouble.what.startswith(
        f"The folder for the database file {tmp_path / 'file' / 'data' / 'greenlight.db'} "
        "cannot be created: "
    )
    assert "Create the folder" in trouble.to_do


def test_a_database_locked_by_another_program(tmp_path):
    path = tmp_path / "greenlight.db"
    url = f"sqlite:///{path}"
    UseCaseStore(url).create_production("A", "Alpha", actor="x")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        engine = sa.create_engine(url, connect_args={"timeout": 0}, poolclass=sa.NullPool)
        with engine.connect() as conn:
            exc = failure(lambda: conn.exec_driver_sql("INSERT INTO counters VALUES ('x', 1)"))
    finally:
        holder.rollback()
        holder.close()
    trouble = explain(exc, url)
    assert trouble.what == (
        f"The database file {path} stayed locked by another program for too long. "
        "Nothing was written."
    )
    assert "Try again" in trouble.to_do


def test_a_postgresql_login_refused(postgres_url):
    url = sa.make_url(postgres_url).set(username="no_such_role").render_as_string(False)
    exc = failure(lambda: UseCaseStore(url))
    trouble = explain(exc, url)
    where = sa.make_url(url)
    assert trouble.what == f"The PostgreSQL server at {where.host}:{where.port} refused the login."
    assert "user name and password" in trouble.to_do
    assert "no_such_role" in trouble.detail
