"""Fixtures every test can use: a database of each kind, and the browser's path.

A test that needs something this machine lacks (PostgreSQL, Chromium) is skipped with the
reason on a developer's machine, and fails in CI (CI=true), where everything must run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL_ENV = "GREENLIGHT_TEST_POSTGRES_URL"
CHROMIUM_ENV = "GREENLIGHT_TEST_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

# CI shares two cores with other work: timing-based deadlines would only add flakiness.
settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
_default_profile = "ci" if os.environ.get("CI") == "true" else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default_profile))


def in_ci() -> bool:
    """True when running in CI, where no test may be skipped for want of a tool."""
    return os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    """Skip the test on a developer's machine; fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason} [CI=true: CI must run every test]", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark browser tests `e2e` by folder and database tests `postgres` by fixture; in a
    pytest-xdist worker, put the `heavy` files, then the browser tests, first."""
    e2e_dir = ROOT / "tests" / "e2e"
    for item in items:
        if e2e_dir in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
        if "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Files are handed out in this order, one at a time: the longest first, so that no
        # process is left running one long file after the others have finished. A stable
        # sort keeps each file's tests in their order.
        items.sort(key=_hand_out_order)


def _hand_out_order(item: pytest.Item) -> int:
    """0 for a `heavy` file's tests, 1 for a browser test's, 2 for the rest."""
    if item.get_closest_marker("heavy"):
        return 0
    return 1 if item.get_closest_marker("e2e") else 2


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository's root folder (where app.py is)."""
    return ROOT


# --- databases -----------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLAlchemy URL for a new SQLite file of this test's own."""
    return f"sqlite:///{tmp_path / 'greenlight.db'}"


@dataclass(frozen=True)
class PostgresServer:
    """An administrative connection to the test server, able to create databases."""

    engine: sa.Engine
    version_num: int


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server named by GREENLIGHT_TEST_POSTGRES_URL."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        unavailable(
            "PostgreSQL not available: set GREENLIGHT_TEST_POSTGRES_URL "
            "or install postgresql (see README)"
        )
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    shown = sa.make_url(url).render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            version_num = int(conn.execute(sa.text("SHOW server_version_num")).scalar_one())
            can_create = conn.execute(
                sa.text("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
            ).scalar_one()
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"{POSTGRES_URL_ENV} is set to {shown}, but that server cannot be reached: {exc}",
            pytrace=False,
        )
    if not can_create:
        pytest.fail(
            f"the role in {POSTGRES_URL_ENV} ({shown}) needs CREATEDB: "
            "each test gets a database of its own",
            pytrace=False,
        )
    yield PostgresServer(engine=engine, version_num=version_num)
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A SQLAlchemy URL for a new, empty PostgreSQL database of this test's own."""
    name = f"greenlight_test_{uuid.uuid4().hex[:12]}"
    # FILE_COPY (PostgreSQL 15+) copies a tiny template faster than the default WAL_LOG.
    strategy = " STRATEGY = FILE_COPY" if postgres_server.version_num >= 150000 else ""
    force = " WITH (FORCE)" if postgres_server.version_num >= 130000 else ""
    with postgres_server.engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{strategy}'))
    try:
        yield postgres_server.engine.url.set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE: a store under test may leave pooled connections open.
        with postgres_server.engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"{force}'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once for SQLite and once for PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


# --- browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (or GREENLIGHT_TEST_CHROMIUM), which the browser tests drive."""
    path = os.environ.get(CHROMIUM_ENV, DEFAULT_CHROMIUM)
    if not os.access(path, os.X_OK):
        unavailable(
            f"Chromium not found at {path}: apt-get install chromium, "
            f"or set {CHROMIUM_ENV} to a Chromium or Chrome binary (see README)"
        )
    return path
