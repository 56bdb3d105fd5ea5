"""What the AppTest tests share: a fresh log with one production, a use logged in it, and the
app started in it as a person opens it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from greenlight.policy import load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore, UseRecord
from greenlight.ui import PAGES

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)


def fresh_log(tmp_path: Path, monkeypatch) -> UseCaseStore:
    """A new SQLite log in tmp_path with the production TST; the app is pointed at it."""
    url = f"sqlite:///{tmp_path / 'greenlight.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    store = UseCaseStore(url)
    store.create_production("TST", "Test production", actor="fixture")
    return store


def log_replica(store: UseCaseStore) -> UseRecord:
    """A submitted digital-replica use (written approval) logged in TST."""
    answers = parse_answers({"title": "Replica", "involves": {"digital_replica": True}}, GUIDANCE)
    return store.log_use("TST", answers, ENGINE, actor="fixture", status="submitted")


def start_app(url_path: str | None = None, selected: str | None = None) -> AppTest:
    """The app run once as Avery Tester in TST (`selected`: the use chosen in the log), then
    switched to the page at `url_path` and run again."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["actor"] = "Avery Tester"
    at.session_state["production"] = "TST"
    if selected is not None:
        at.session_state["log-selected"] = selected
    at.run()
    if url_path is not None:
        at.switch_page(next(spec.path for spec in PAGES if spec.url_path == url_path))
        at.run()
    return at


def shown(at: AppTest, logged: list[str]) -> dict[str, list[str]]:
    """What the page showed, and what was `logged` to the server's log since (then cleared)."""
    page = {
        "exception": [str(e.value)[:300] for e in at.exception],
        "error": [e.value for e in at.error],
        "text": [t.value for t in at.text],
        "code": [c.value for c in at.code],
        "success": [s.value for s in at.success],
        # Every element drawn, to check that no path or host is among them.
        "everything": [str(getattr(e, "proto", "")) for e in [*at.main, *at.sidebar]],
        "logged": list(logged),
    }
    logged.clear()
    return page
