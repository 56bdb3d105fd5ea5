"""python -m greenlight people: list, grant and revoke as the local administrator; naming the
first studio admin turns studio mode on, after which the other commands act as the local
administrator too. Every bad input is one "error:" line, exit 2, nothing changed."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest

from greenlight.store import UseCaseStore
from tests.unit.cli_run import run_cli
from tests.unit.samples import MOODBOARD
from tests.unit.test_cli_log import refused

ME = f"cli:{getpass.getuser()} (local administrator)"


@pytest.fixture
def db(sqlite_url: str) -> str:
    UseCaseStore(sqlite_url).create_production("LHK-S1", "Lighthouse", actor="Sam")
    return sqlite_url


def test_grant_list_and_revoke(db):
    code, out, err = run_cli("people", "grant", "Ada@Studio.test", "admin", "--database", db)
    assert (code, err) == (0, "")
    assert out == (
        "granted: ada@studio.test now holds admin\n"
        "the log is now in studio mode: every change is made by a signed-in person "
        "(or this command line, as the local administrator)\n"
    )
    assert run_cli(
        "people", "grant", "mia@studio.test", "member", "--production", "LHK-S1",
        "--name", "Mia \x1b[8mM", "--database", db,
    ) == (0, "granted: mia@studio.test now holds member LHK-S1\n", "")  # fmt: skip
    code, out, _ = run_cli("people", "list", "--database", db)
    assert out == (
        "mode: studio\n"
        "ada@studio.test  admin  (not signed in yet)\n"
        "mia@studio.test  Mia \\x1b[8mM  member LHK-S1  (not signed in yet)\n"
    )
    code, out, _ = run_cli("people", "list", "--json", "--database", db)
    assert json.loads(out)[1] == {
        "email": "mia@studio.test",
        "name": "Mia \x1b[8mM",
        "signed_in": False,
        "roles": [{"role": "member", "production": "LHK-S1"}],
    }
    assert run_cli(
        "people", "revoke", "mia@studio.test", "member", "--production", "LHK-S1", "--database", db
    ) == (0, "granted: mia@studio.test now holds no role\n".replace("granted", "revoked"), "")
    events = UseCaseStore(db).events()
    assert [(e.actor, e.action, e.subject) for e in events[-4:]] == [
        (ME, "role granted", "ada@studio.test: Studio admin"),
        (ME, "studio mode on", "the log"),
        (ME, "role granted", "mia@studio.test: Production member of LHK-S1"),
        (ME, "role revoked", "mia@studio.test: Production member of LHK-S1"),
    ]


@pytest.mark.parametrize(
    "argv, says",
    [
        (("grant", "ada", "admin"), "'ada' is not an e-mail address"),
        (("grant", "a@b.test", "owner"), "unknown role 'owner'"),
        (("grant", "a@b.test", "member"), "is a role in one production: name the production"),
        (("grant", "a@b.test", "admin", "--production", "LHK-S1"), "is studio-wide"),
        (("grant", "a@b.test", "member", "--production", "NOPE"), "no production with code"),
        (("revoke", "a@b.test", "member", "--production", "LHK-S1"), "is not Production member"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(db, argv, says):
    line = refused(*run_cli("people", *argv, "--database", db))
    assert says in line
    assert UseCaseStore(db).list_people(_cli()) == []
    assert not UseCaseStore(db).studio_mode()


def _cli():
    from greenlight.store import LocalAdministrator

    return LocalAdministrator("test")


def test_the_last_admin_is_kept(db):
    run_cli("people", "grant", "ada@studio.test", "admin", "--database", db)
    line = refused(*run_cli("people", "revoke", "ada@studio.test", "admin", "--database", db))
    assert "ada@studio.test is the last studio admin" in line


def test_in_studio_mode_the_commands_act_as_the_local_administrator(db, tmp_path: Path):
    answers = tmp_path / "use.yaml"
    answers.write_text(MOODBOARD, encoding="utf-8")
    run_cli("people", "grant", "ada@studio.test", "admin", "--database", db)
    line = refused(
        *run_cli("log", str(answers), "--production", "LHK-S1", "--actor", "Sam", "--database", db)
    )
    assert "the command line acts as the local administrator" in line
    code, out, err = run_cli("log", str(answers), "--production", "LHK-S1", "--database", db)
    assert (code, err) == (0, "")
    use_id = out.strip()
    code, out, _ = run_cli("status", use_id, "submitted", "--database", db)
    assert code == 0
    # A decision names a signed-in reviewer: the command line takes none.
    line = refused(*run_cli("status", use_id, "approved", "--version", "2", "--database", db))
    assert "taken by a signed-in studio reviewer" in line
    code, out, _ = run_cli("history", use_id, "--database", db)
    assert out.count(ME) == 2
