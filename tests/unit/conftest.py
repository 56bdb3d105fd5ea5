"""Fixtures for the unit tests: a store on each kind of database, engines closed after each."""

from __future__ import annotations

import pytest

from greenlight.store import UseCaseStore
from greenlight.store_db import dispose_engines


@pytest.fixture(autouse=True)
def _close_engines():
    """Every test opens its own databases: close the process-wide engines after it."""
    yield
    dispose_engines()


@pytest.fixture
def store(db_url: str) -> UseCaseStore:
    """An empty store on each database (SQLite, and PostgreSQL when there is one)."""
    return UseCaseStore(db_url)
