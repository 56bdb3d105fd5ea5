"""Bad storage: the app says what happened and what to do, never a traceback, and writes nothing.

The app (AppTest of app.py) is pointed at a damaged database file, an unreadable one, a data
folder it may not write, a database file it may only read, and a PostgreSQL server that is
not there or goes away while the app runs. Each time the page must say that the log cannot
be used and that the server's log says why, without a path, host or driver error; the server's
log (the "greenlight" logger) must explain the failure in words (ui.database_error_page,
store.db_errors); and the storage must be left exactly as it was.

File permissions do not stop root, and CI runs as root: there the app runs in a child process
that keeps root's user id but drops the two capabilities that override file permissions
(`setpriv --bounding-set=-dac_override,-dac_read_search`), and the files it must not touch
belong to another user.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.store.database import dispose_engines
from greenlight.store.tables import metadata
from greenlight.ui.shell import SERVER_LOG_SAYS_WHY
from tests.apptest.helpers import shown

ROOT = Path(__file__).resolve().parents[2]
GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
APP = str(ROOT / "app.py")
TIMEOUT = 60
NOBODY = 65534
OPEN_FAILED = "The use-case log could not be opened."
NOT_SAVED = "Nothing was saved: the database refused the change."

# Runs in the child: the app once (and with "log", logs a use), then prints what it showed.
PROBE = r"""
import json, logging, sys
from streamlit.testing.v1 import AppTest
from tests.apptest.helpers import shown

class Collect(logging.Handler):
    def emit(self, record):
        logged.append(record.getMessage())

logged = []
logging.getLogger("greenlight").addHandler(Collect())

at = AppTest.from_file(sys.argv[1], default_timeout=60)
at.session_state["actor"] = "Tester"
at.session_state["production"] = "TST"
at.run()
result = {"open": shown(at, logged)}
if sys.argv[2] == "log" and not at.error:
    at.switch_page("app_pages/assess.py")
    at.run()
    at.text_input(key="f:title").input("A use the database must refuse")
    [button] = [b for b in at.button if b.label == "Log this use"]
    button.click()
    at.run()
    result["log"] = shown(at, logged)
print("PROBE " + json.dumps(result))
"""


@pytest.fixture(autouse=True)
def _close_engines():
    yield
    dispose_engines()


class ServerLog(logging.Handler):
    """What the app writes to the server's log (the "greenlight" logger) while it is added."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def server_log():
    handler = ServerLog()
    logging.getLogger("greenlight").addHandler(handler)
    yield handler
    logging.getLogger("greenlight").removeHandler(handler)


def run_app(url: str, monkeypatch, server_log: ServerLog) -> dict[str, list[str]]:
    """The app's first page, in this process, on the database at `url`."""
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = "Tester"
    at.run()
    return shown(at, server_log.lines)


def run_app_unprivileged(url: str, then: str = "") -> dict[str, dict[str, list[str]]]:
    """The app in a child process that file permissions apply to (see the module's doc)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            # util-linux has it on every Debian; without it the test cannot be run as root.
            pytest.fail("setpriv (util-linux) is needed to drop root's file capabilities")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    done = subprocess.run(
        [*prefix, sys.executable, "-c", PROBE, APP, then],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "GREENLIGHT_DATABASE_URL": url},
        timeout=120,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    return json.loads(lines[-1].removeprefix("PROBE "))


def give_away(*paths: Path) -> None:
    """Make the paths another user's, so that permission bits bind a capability-less root."""
    if os.geteuid() == 0:
        for path in paths:
            os.chown(path, NOBODY, NOBODY)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes (empty -wal/-shm files left out)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.stat().st_size or not p.name.endswith(("-wal", "-shm"))
    }


def make_database(path: Path) -> str:
    """A database with one production (TST) and one logged use, checkpointed into one file."""
    url = f"sqlite:///{path}"
    store = UseCaseStore(url)
    store.create_production("TST", "Test production", actor="fixture")
    store.log_use("TST", parse_answers({"title": "Logged"}, GUIDANCE), ENGINE, actor="fixture")
    dispose_engines()  # the last connection to close moves the write-ahead log into the file
    return url


def dump(url: str) -> dict[str, list[str]]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as conn:
            return {
                table.name: sorted(repr(tuple(row)) for row in conn.execute(sa.select(table)))
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()


def assert_explained(
    page: dict[str, list[str]], what: str, *to_do: str, hidden: tuple[str, ...]
) -> None:
    """The open-failed page: the heading and where the reason is, no traceback, none of
    `hidden` (paths, hosts); the server's log: what happened, what to do, the driver's words."""
    assert page["exception"] == [], page["exception"]
    assert page["error"] == [OPEN_FAILED], page
    assert page["text"] == [SERVER_LOG_SAYS_WHY] and page["code"] == [], page
    for secret in hidden:
        assert not [e for e in page["everything"] if secret in e], (secret, page["everything"])
    [logged] = page["logged"]
    assert logged.startswith(OPEN_FAILED + " " + what), logged
    for words in to_do:
        assert words in logged.split("What to do:")[1], logged
    assert logged.endswith(")") and ": " in logged.rsplit("(", 1)[1]  # the driver's own words


# --- a damaged file -------------------------------------------------------------------------------


def _garbage(data: bytes) -> bytes:
    return random.Random(1).randbytes(len(data))


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 3]


def _pages_overwritten(data: bytes) -> bytes:
    damaged = bytearray(data)
    noise = random.Random(2)
    for start in range(2 * 4096, len(damaged), 4096):
        damaged[start + 100 : start + 400] = noise.randbytes(300)
        # SQLite fills a page's rows from its end: damage them too, wherever the schema's
        # layout puts the pages that hold them.
        damaged[start + 3000 : start + 3300] = noise.randbytes(300)
    return bytes(damaged)


@pytest.mark.parametrize("damage", [_garbage, _truncated, _pages_overwritten])
def test_a_damaged_database_file_is_explained_and_left_alone(
    tmp_path, monkeypatch, server_log, damage
):
    path = tmp_path / "greenlight.db"
    make_database(path)
    path.write_bytes(damage(path.read_bytes()))
    before = fingerprint(tmp_path)
    page = run_app(f"sqlite:///{path}", monkeypatch, server_log)
    assert_explained(
        page,
        f"The database file {path} is damaged, or is not a Greenlight database.",
        "move the file aside",
        "backup copy",
        "import your last CSV export",
        hidden=(str(tmp_path),),
    )
    assert fingerprint(tmp_path) == before  # nothing "repaired", nothing written


# --- files and folders the app may not use -----------------------------------------------------


def test_an_unreadable_database_file_is_explained(tmp_path):
    path = tmp_path / "data" / "greenlight.db"
    path.parent.mkdir()
    url = make_database(path)
    path.chmod(0o000)
    give_away(path)
    before = fingerprint(path.parent)
    page = run_app_unprivileged(url)["open"]
    assert_explained(
        page,
        f"The database file {path} cannot be opened: the app may not read it (Permission denied).",
        f"Check that the folder {path.parent} exists",
        "may read and write both the folder and the database file",
        hidden=(str(tmp_path),),
    )
    assert fingerprint(path.parent) == before


def test_a_read_only_data_folder_without_a_database_is_explained(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o555)
    give_away(folder)
    path = folder / "greenlight.db"
    page = run_app_unprivileged(f"sqlite:///{path}")["open"]
    assert_explained(
        page,
        f"The database file {path} cannot be opened: it does not exist, and the app may not "
        "create it in its folder.",
        f"Check that the folder {folder} exists",
        hidden=(str(tmp_path),),
    )
    assert list(folder.iterdir()) == []


def test_a_read_only_data_folder_with_a_database_is_explained_and_left_alone(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    url = make_database(folder / "greenlight.db")
    give_away(folder / "greenlight.db")
    folder.chmod(0o555)
    give_away(folder)
    before = fingerprint(folder)
    page = run_app_unprivileged(url)["open"]
    assert_explained(
        page,
        f"The database file {folder / 'greenlight.db'} is read-only for this app, so nothing "
        "can be saved (and nothing was).",
        f"write to the file and to its folder {folder}",
        hidden=(str(tmp_path),),
    )
    assert fingerprint(folder) == before


def test_a_write_refused_by_a_read_only_database_is_explained_and_changes_nothing(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "greenlight.db"
    url = make_database(path)
    before = dump(url)
    path.chmod(0o444)
    give_away(path)
    before_bytes = path.read_bytes()
    pages = run_app_unprivileged(url, then="log")
    # The log can still be read...
    assert pages["open"]["exception"] == [] and pages["open"]["error"] == []
    # ...and the write is refused with the reason and what to do, not a traceback.
    refused = pages["log"]
    assert refused["exception"] == [], refused["exception"]
    assert refused["error"] == [NOT_SAVED] and refused["success"] == []
    assert refused["text"][-1] == SERVER_LOG_SAYS_WHY
    assert not [e for e in refused["everything"] if str(tmp_path) in e]
    [logged] = refused["logged"]
    assert f"The database file {path} is read-only for this app, so nothing can be saved" in logged
    assert path.read_bytes() == before_bytes
    path.chmod(0o644)
    assert dump(url) == before


# --- PostgreSQL -------------------------------------------------------------------------------------


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_postgresql_server_is_explained(monkeypatch, server_log):
    port = closed_port()
    url = f"postgresql+psycopg://greenlight@127.0.0.1:{port}/greenlight"
    page = run_app(url, monkeypatch, server_log)
    assert_explained(
        page,
        f"The PostgreSQL server at 127.0.0.1:{port} cannot be reached.",
        "Check that the server is running",
        "GREENLIGHT_DATABASE_URL names the right host, port and database",
        hidden=("127.0.0.1", str(port), "Connection refused"),
    )
    assert "Connection refused" in page["logged"][0]


def test_a_postgresql_database_that_goes_away_while_the_app_runs(
    postgres_url, postgres_server, monkeypatch, server_log
):
    if postgres_server.version_num < 130000:
        pytest.skip("dropping a database that has connections needs PostgreSQL 13 or newer")
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", postgres_url)
    UseCaseStore(postgres_url).create_production("TST", "Test production", actor="fixture")
    first = AppTest.from_file(APP, default_timeout=TIMEOUT)
    first.session_state["actor"] = "Tester"
    first.run()
    assert not first.exception and not first.error  # the store is open and cached now
    name = sa.make_url(postgres_url).database
    with postgres_server.engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    # The next page load in the same server process gets the cached store, whose database is
    # gone. (A new AppTest: AppTest runs a switched-to page file without app.py around it.)
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.session_state["actor"] = "Tester"
    again.run()
    page = shown(again, server_log.lines)
    assert page["exception"] == [], page["exception"]
    assert page["error"] == ["The use-case log could not be used."], page
    assert page["text"] == [SERVER_LOG_SAYS_WHY], page["text"]
    assert not [e for e in page["everything"] if "127.0.0.1" in e or name in e]
    [logged] = page["logged"]
    assert logged.startswith("The use-case log could not be used. The PostgreSQL server at ")
    assert "has no such database. What to do: Create the database" in logged, logged
