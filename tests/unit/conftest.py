"""Fixtures for the unit tests: a store on each kind of database, engines closed after each,
and a newer guidance version."""

from __future__ import annotations

import pytest

from greenlight.policy import DEFAULT_DIR, load_guidance
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.store.database import dispose_engines


@pytest.fixture(autouse=True)
def _close_engines():
    """Every test opens its own databases: close the process-wide engines after it."""
    yield
    dispose_engines()


@pytest.fixture
def store(db_url: str) -> UseCaseStore:
    """An empty store on each database (SQLite, and PostgreSQL when there is one)."""
    return UseCaseStore(db_url)


@pytest.fixture
def saltmarsh(sqlite_url: str) -> UseCaseStore:
    """A store on a SQLite file holding one production, SM (Saltmarsh)."""
    store = UseCaseStore(sqlite_url)
    store.create_production("SM", "Saltmarsh", actor="lead")
    return store


@pytest.fixture
def newer_engine(tmp_path) -> Engine:
    """The guidance, one version on, where an unknown tool tier needs written approval."""
    current = load_guidance()
    folder = tmp_path / "guidance"
    folder.mkdir()
    for source in DEFAULT_DIR.iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name == "guidance.yaml":
            text = text.replace(f'version: "{current.version}"', 'version: "2099.1"', 1)
        if source.name == "rules.yaml":
            marker = "  - id: tool-terms-unknown\n    level: escalate"
            assert marker in text
            text = text.replace(marker, "  - id: tool-terms-unknown\n    level: approval")
        (folder / source.name).write_text(text, encoding="utf-8")
    return Engine(load_guidance(folder))
