"""Ten browser sessions at once: AppTest runs of app.py in threads, on one SQLite file.

Each session has its own session state (its user's name, the production) and shares the one
store the app caches per database URL, as the sessions of one `streamlit run` server do. The
sessions log uses on the Self-assessment page and walk them through the approval workflow on
the Use-case log page, all at the same time; then all ten try to change one shared use at
the same moment. Every change must land exactly once, in the order its session made it, with
its history row, and the sessions that lose the race see an error they can act on.

AppTest was written for one run at a time: each run installs a mock Streamlit Runtime as the
process-wide singleton and clears it when it ends, so a run ending in one thread pulls the
Runtime out from under a run still going in another ("Runtime hasn't been created!"). The
`parallel_apptest` fixture gives all runs one shared Runtime for the test's duration instead
and keeps the harness's "this is a test" setting on throughout (both are Streamlit's test
harness only; our code runs as it is).
"""

from __future__ import annotations

import re
import threading
import traceback
from pathlib import Path
from unittest.mock import MagicMock

import pytest
import sqlalchemy as sa
import streamlit.testing.v1.app_test as app_test_module
from streamlit import config
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.store.database import dispose_engines
from greenlight.store.tables import use_history
from greenlight.ui import PAGES
from greenlight.ui.text import plain

# Tens of seconds: run first when the suite runs in several processes.
pytestmark = pytest.mark.heavy

ROOT = Path(__file__).resolve().parents[2]
GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
SESSIONS = 10
USES_PER_SESSION = 2
# Every use is logged as a draft and walked to approved; its level (title only, so every
# question counts as its riskier answer) needs a written-approval reference on the last step.
PATH = ("submitted", "escalated", "approved")
TIMEOUT = 120
STALE = (
    "This use changed since the page last showed it: a status change you had started was not "
    "applied. Check its status and history, then choose again."
)


@pytest.fixture
def parallel_apptest(monkeypatch):
    """One mock Runtime for every AppTest run of the test, so runs can overlap in threads."""
    shared = MagicMock(spec=Runtime)
    shared.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    shared.cache_storage_manager = MemoryCacheStorageManager()
    shared.dataframe_source_mgr = DataframeSourceManager()
    monkeypatch.setattr(Runtime, "_instance", shared)
    # AppTest sets and clears `Runtime._instance` through the name Runtime in its module:
    # a subclass there takes those writes, and Runtime.instance() keeps answering `shared`.
    monkeypatch.setattr(app_test_module, "Runtime", type("SharedRuntime", (Runtime,), {}))
    # Each run patches config.get_option to say "global.appTest" is on (so widgets keep what
    # AppTest reads back) and, when it ends, puts back what it found, which with runs
    # overlapping can be the real one while another run is still going. Underneath every run's
    # patch, keep one that says the same; the real one is back when the test ends.
    real_get_option = config.get_option
    monkeypatch.setattr(
        config,
        "get_option",
        lambda name: True if name == "global.appTest" else real_get_option(name),
    )


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'greenlight.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    yield url
    dispose_engines()


def page_path(url_path: str) -> str:
    return next(spec.path for spec in PAGES if spec.url_path == url_path)


def labelled(elements, label: str):
    (element,) = [e for e in elements if e.label == label]
    return element


class Session:
    """One simulated browser session: its own AppTest, user and session state."""

    def __init__(self, number: int):
        self.number = number
        self.actor = f"User {number:02d}"
        self.at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
        self.at.session_state["actor"] = self.actor
        self.at.session_state["production"] = "TST"

    def run(self) -> AppTest:
        self.at.run()
        assert not self.at.exception, [e.value for e in self.at.exception]
        return self.at

    def open(self, url_path: str) -> AppTest:
        self.at.switch_page(page_path(url_path))
        return self.run()

    def log_use(self, title: str) -> str:
        """Fill the title on the Self-assessment page and press Log this use; the new id."""
        at = self.at
        at.text_input(key="f:title").input(title)
        self.run()  # as the browser does on leaving the field: the new title enables the button
        labelled(at.button, "Log this use").click()
        self.run()
        assert not at.error, [e.value for e in at.error]
        found = re.search(r"Logged as (\S+) in TST", " ".join(s.value for s in at.success))
        assert found, [s.value for s in at.success]
        return found[1]

    def select(self, use_id: str) -> AppTest:
        """Open the Use-case log page with this use selected."""
        self.at.session_state["log-selected"] = use_id
        return self.open("log")

    def apply(self, status: str, reference: str | None = None, note: str = "") -> list[str]:
        """Fill the status form of the selected use and press Apply; the errors and warnings."""
        at = self.at
        labelled(at.selectbox, "New status").set_value(status)
        if reference is not None:
            labelled(at.text_input, "Approval reference").input(reference)
        if note:
            labelled(at.text_area, "Note").input(note)
        labelled(at.get("form_submit_button"), "Apply").click()
        self.run()
        return [e.value for e in at.error] + [w.value for w in at.warning]


def test_ten_sessions_log_and_change_statuses_at_once(parallel_apptest, db_url):
    store = UseCaseStore(db_url)
    store.create_production("TST", "Test production", actor="fixture")
    shared = store.log_use(
        "TST", parse_answers({"title": "Shared use"}, GUIDANCE), ENGINE, actor="fixture"
    )
    sessions = [Session(n) for n in range(SESSIONS)]
    everyone = threading.Barrier(SESSIONS, timeout=TIMEOUT)
    failures: list[str] = []
    logged: dict[int, list[str]] = {}
    race: dict[int, list[str]] = {}

    def work(session: Session) -> None:
        try:
            session.run()
            session.open("assess")
            ids = [
                session.log_use(f"Session {session.number:02d} use {k}")
                for k in range(USES_PER_SESSION)
            ]
            logged[session.number] = ids

            # All ten open the shared use while it is a draft, then submit it at once.
            session.select(shared.id)
            everyone.wait()
            race[session.number] = session.apply("submitted", note=session.actor)

            for k, use_id in enumerate(ids):
                session.select(use_id)
                for status in PATH:
                    reference = f"WA-{session.number:02d}-{k}" if status == "approved" else None
                    # An approval carries the studio's reference and a note.
                    note = "approved as assessed" if status == "approved" else ""
                    errors = session.apply(status, reference, note)
                    assert errors == [], (use_id, status, errors)
        except Exception:  # noqa: BLE001 - reported with its session below
            failures.append(f"session {session.number}:\n{traceback.format_exc()}")
            everyone.abort()

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [], "\n".join(failures[:2])

    # The shared use changed exactly once; the nine others were told that it had not. A session
    # whose click reached the store after the winner's is refused for the version it was shown
    # (or, in the same moment, by the workflow); one whose rerun found the use changed already
    # drops its stale form and says so.
    winners = [n for n, errors in race.items() if not errors]
    assert len(winners) == 1, race
    refused = re.compile(
        rf"this use was changed by User {winners[0]:02d} at \d{{4}}-\d\d-\d\d \d\d:\d\d UTC "
        "since you opened it: nothing was saved; look at it again"
    )
    for n, errors in race.items():
        if n not in winners:
            said = [plain(error) for error in errors]
            assert said in (["the use is already Submitted"], [STALE]) or (
                len(said) == 1 and refused.fullmatch(said[0])
            ), errors
    [created, submitted] = store.history(shared.id)
    assert (created.field, created.new) == ("created", "draft")
    winner = f"User {winners[0]:02d}"
    assert (submitted.field, submitted.old, submitted.new) == ("status", "draft", "submitted")
    assert (submitted.actor, submitted.note) == (winner, winner)
    assert store.get_use(shared.id).status == "submitted"

    # Every session's uses: logged once, walked to approved, every step in order with history.
    assert sorted(logged) == list(range(SESSIONS))
    assert store.count_uses() == 1 + SESSIONS * USES_PER_SESSION
    for n, ids in logged.items():
        actor = f"User {n:02d}"
        for k, use_id in enumerate(ids):
            record = store.get_use(use_id)
            reference = f"WA-{n:02d}-{k}"
            assert (record.title, record.status, record.approval_ref, record.created_by) == (
                f"Session {n:02d} use {k}",
                "approved",
                reference,
                actor,
            )
            history = store.history(use_id)
            assert [(h.field, h.old, h.new, h.actor) for h in history] == [
                ("created", None, "draft", actor),
                ("status", "draft", "submitted", actor),
                ("status", "submitted", "escalated", actor),
                ("status", "escalated", "approved", actor),
                ("approval_ref", "", reference, actor),
            ]
            times = [h.at for h in history]
            assert times == sorted(times)

    # Nothing else was written: one history row per change above, one version bump per write.
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(use_history)).scalar_one()
    changes_per_use = 1 + len(PATH)  # created + each status (approval_ref shares a write)
    assert rows == 2 + SESSIONS * USES_PER_SESSION * (changes_per_use + 1)
    writes = 1 + 1 + 1 + SESSIONS * USES_PER_SESSION * changes_per_use
    assert store.data_version() == writes


def test_a_status_form_drawn_before_another_session_moved_the_use_applies_nothing(
    parallel_apptest, db_url
):
    """The race above, made deterministic: A draws the form, B moves the use, A presses Apply.

    A's choice must not be swapped for whatever the new form offers first (here Escalated)."""
    store = UseCaseStore(db_url)
    store.create_production("TST", "Test production", actor="fixture")
    use = store.log_use("TST", parse_answers({"title": "Contested"}, GUIDANCE), ENGINE, actor="f")
    first, second = Session(1), Session(2)
    first.select(use.id)  # A sees a draft: Submitted or Withdrawn
    second.select(use.id)
    assert second.apply("submitted") == []
    shown = first.apply("withdrawn")
    assert store.get_use(use.id).status == "submitted"
    assert shown == [STALE]
    assert [(h.field, h.new, h.actor) for h in store.history(use.id)] == [
        ("created", "draft", "f"),
        ("status", "submitted", "User 02"),
    ]
    # Drawn afresh, the form offers the moves from Submitted, and A's next choice lands.
    assert first.apply("withdrawn") == []
    assert store.get_use(use.id).status == "withdrawn"
