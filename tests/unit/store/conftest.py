"""Fixtures of the store tests."""

from __future__ import annotations

import pytest

from greenlight.store import UseCaseStore


@pytest.fixture
def sqlite_store(sqlite_url: str) -> UseCaseStore:
    return UseCaseStore(sqlite_url)
