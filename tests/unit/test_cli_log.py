"""The command line over the log's life: productions add and list, log, status, events; each
bad input one "error:" line and exit 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from greenlight.demo import seed_demo
from greenlight.policy import load_guidance
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from tests.unit.cli_run import run_cli
from tests.unit.samples import MOODBOARD

ROOT = Path(__file__).resolve().parents[2]


def refused(code: int, out: str, err: str) -> str:
    """The one error line of a refused command (asserting it is one line, exit 2)."""
    assert (code, out) == (2, ""), (code, out, err)
    [line] = err.splitlines()
    assert line.startswith("error: ")
    return line


@pytest.fixture
def db(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def answers_file(tmp_path: Path) -> str:
    path = tmp_path / "use.yaml"
    path.write_text(MOODBOARD, encoding="utf-8")
    return str(path)


def test_productions_add_then_list_as_text_and_json(db):
    assert run_cli(
        "productions", "add", "LHK-S1", "Lighthouse", "--actor", "Sam", "--database", db
    ) == (
        0,
        "added production LHK-S1: Lighthouse\n",
        "",
    )
    run_cli("productions", "add", "AB", "Another\x1b[8m show", "--actor", "Sam", "--database", db)
    code, out, err = run_cli("productions", "list", "--database", db)
    assert (code, err) == (0, "")
    # Sorted by name; a terminal escape in a name is shown, never obeyed.
    assert out == "AB  Another\\x1b[8m show\nLHK-S1  Lighthouse\n"
    code, out, _ = run_cli("productions", "list", "--json", "--database", db)
    listed = json.loads(out)
    assert [(p["code"], p["name"], p["demo"], p["created_by"]) for p in listed] == [
        ("AB", "Another\x1b[8m show", False, "Sam"),
        ("LHK-S1", "Lighthouse", False, "Sam"),
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "bad code", "X"], "error: production code 'bad code': use 1 to 40 letters"),
        (["add", "OK", "   "], "error: production name is missing: give 1 to 200 characters"),
        (["add", "TAKEN", "Again"], "error: a production with code 'TAKEN' already exists"),
        (["add", "OK", "Name", "--actor", " "], "error: say who is making the change"),
    ],
)
def test_productions_refuses_bad_input_with_one_line(db, argv, message):
    UseCaseStore(db).create_production("TAKEN", "Taken", actor="lead")
    before = UseCaseStore(db).list_productions()
    line = refused(*run_cli("productions", *argv, "--database", db))
    assert line.startswith(message), line
    assert UseCaseStore(db).list_productions() == before


def test_log_prints_the_new_use_s_id_and_records_who(db, answers_file):
    store = UseCaseStore(db)
    store.create_production("LHK", "Lighthouse", actor="lead")
    code, out, err = run_cli(
        "log", answers_file, "--production", "LHK", "--actor", "Sam Rivera", "--database", db
    )
    assert (code, err) == (0, "")
    use = store.get_use(out.strip())
    assert (use.title, use.level, use.status, use.created_by, use.version) == (
        "Season 2 look moodboard",
        "low",
        "draft",
        "Sam Rivera",
        1,
    )
    code, out, err = run_cli(
        "log", "-", "--production", "LHK", "--status", "submitted", "--json", "--database", db,
        stdin=MOODBOARD,
    )  # fmt: skip
    shown = json.loads(out)
    assert shown == {
        "id": shown["id"],
        "production": "LHK",
        "level": "low",
        "status": "submitted",
        "version": 1,
        "reasons": [],
    }
    assert store.get_use(shown["id"]).status == "submitted"


def test_log_with_a_submission_token_logs_once(db, answers_file):
    store = UseCaseStore(db)
    store.create_production("LHK", "Lighthouse", actor="lead")
    argv = ("log", answers_file, "--production", "LHK", "--submission", "ci-run-42")
    code, out, _ = run_cli(*argv, "--database", db)
    assert code == 0
    line = refused(*run_cli(*argv, "--database", db))
    assert line == f"error: this form was already logged as use {out.strip()}"
    assert store.count_uses() == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--production", "NOPE"], "error: no production with code 'NOPE': create it first"),
        (["--production", "DEMO"], "error: DEMO is the demo production"),
        (["--production", "LHK", "--status", "approved"], "error: --status 'approved': a new"),
        (["--production", "LHK", "--submission", "a b"], "error: submission token 'a b'"),
        (["--production", "LHK", "--actor", " "], "error: say who is making the change"),
        (["--production", "LHK", "--guidance", "/no/such"], "error: "),
    ],
)
def test_log_refuses_bad_input_with_one_line(db, answers_file, argv, message):
    store = UseCaseStore(db)
    store.create_production("LHK", "Lighthouse", actor="lead")
    seed_demo(store, Engine(load_guidance()))
    before = store.data_version()
    line = refused(*run_cli("log", answers_file, *argv, "--database", db))
    assert line.startswith(message), line
    assert store.data_version() == before


def test_log_names_every_problem_of_a_bad_document(db, tmp_path):
    UseCaseStore(db).create_production("LHK", "Lighthouse", actor="lead")
    path = tmp_path / "bad.yaml"
    path.write_text("title: x\nprinciples:\n  outputs_original: maybe\nextra: 1\n")
    code, out, err = run_cli("log", str(path), "--production", "LHK", "--database", db)
    assert (code, out) == (2, "")
    assert all(line.startswith(f"error: {path}: ") for line in err.splitlines())
    assert len(err.splitlines()) == 2
    assert UseCaseStore(db).count_uses() == 0
    line = refused(*run_cli("log", "/no/such.yaml", "--production", "LHK", "--database", db))
    assert line.startswith("error: /no/such.yaml: cannot read the file")


def _logged(db: str, answers_file: str) -> str:
    UseCaseStore(db).create_production("LHK", "Lighthouse", actor="lead")
    return run_cli("log", answers_file, "--production", "LHK", "--database", db)[1].strip()


def test_status_moves_a_use_and_a_stale_version_is_refused(db, answers_file):
    use_id = _logged(db, answers_file)
    store = UseCaseStore(db)
    assert run_cli(
        "status", use_id, "submitted", "--version", "1", "--actor", "Ana Ortiz", "--database", db
    ) == (0, f"{use_id}: Draft -> Submitted (version 2)\n", "")
    # Another reviewer who looked at version 1 is told who moved it, and nothing changes.
    line = refused(
        *run_cli("status", use_id, "withdrawn", "--version", "1", "--actor", "Bo", "--database", db)
    )
    assert line.startswith("error: this use was changed by Ana Ortiz at ")
    assert line.endswith(" UTC since you opened it: nothing was saved; look at it again")
    assert store.get_use(use_id).status == "submitted"
    code, out, _ = run_cli(
        "status", use_id, "approved", "--ref", "WA-7", "--note", "studio legal", "--database", db
    )
    assert (code, out) == (0, f"{use_id}: Submitted -> Approved (version 3)\n")
    use = store.get_use(use_id)
    assert (use.status, use.approval_ref, use.decided_version) == ("approved", "WA-7", 2)
    assert store.history(use_id)[-1].note == "studio legal"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope", "submitted"], "error: no logged use with id 'nope'"),
        (["{id}", "approved"], "error: a Draft use cannot become Approved"),
        (["{id}", "lost"], "error: unknown status 'lost'"),
        (["{id}", "submitted", "--version", "x"], "error: --version 'x': give the use's version"),
        (["{id}", "submitted", "--version", "0"], "error: --version '0': give the use's version"),
        (["{id}", "submitted", "--version", "9" * 5000], "error: --version '9999"),
        (["{id}", "submitted", "--note", "n" * 2001], "error: the note is 2001 characters"),
    ],
)
def test_status_refuses_bad_input_with_one_line(db, answers_file, argv, message):
    use_id = _logged(db, answers_file)
    before = UseCaseStore(db).history(use_id)
    argv = [arg.format(id=use_id) for arg in argv]
    line = refused(*run_cli("status", *argv, "--database", db))
    assert line.startswith(message), line
    assert len(line) < 300
    assert UseCaseStore(db).history(use_id) == before


def test_events_lists_the_demo_seeded_and_removed(db):
    store = UseCaseStore(db)
    logged = seed_demo(store, Engine(load_guidance()))
    store.remove_demo_productions(actor="Ana\nOrtiz", confirm=True)
    code, out, err = run_cli("events", "--database", db)
    assert (code, err) == (0, "")
    seeded, removed = out.splitlines()
    assert seeded.endswith(
        f"Z  Greenlight demo  demo seeded: DEMO (Saltmarsh (demo)), {logged} uses"
    )
    # clean_actor folds the new line into a space; the record says who.
    assert removed.endswith(f"Z  Ana Ortiz  demo removed: DEMO (Saltmarsh (demo)), {logged} uses")
    events = json.loads(run_cli("events", "--json", "--database", db)[1])
    assert [(e["action"], e["actor"], e["uses"]) for e in events] == [
        ("demo seeded", "Greenlight demo", logged),
        ("demo removed", "Ana Ortiz", logged),
    ]


def test_a_bad_version_of_any_size_is_one_line_from_a_real_process(db, answers_file):
    use_id = _logged(db, answers_file)
    done = subprocess.run(
        [sys.executable, "-m", "greenlight", "status", use_id, "submitted", "--version",
         "9" * 5000, "--database", db],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: --version '") and len(done.stderr.splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["productions"], "error: python -m greenlight productions: the following arguments"),
        (["productions", "remove", "X"], "error: python -m greenlight productions: argument"),
        (["log", "x.yaml"], "error: python -m greenlight log: the following arguments"),
        (["status", "x"], "error: python -m greenlight status: the following arguments"),
    ],
)
def test_usage_errors_of_the_new_commands_are_one_line(argv, message):
    done = subprocess.run(
        [sys.executable, "-m", "greenlight", *argv],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (2, "")
    [line] = done.stderr.splitlines()
    assert line.startswith(message), line
