"""python -m greenlight performers and consents: record, link, list, revoke and sweep from
the shell; every bad input is one "error:" line, exit 2, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenlight.store import UseCaseStore
from tests.unit.cli_run import run_cli


@pytest.fixture
def db(sqlite_url: str) -> str:
    store = UseCaseStore(sqlite_url)
    store.create_production("HBL-S1", "Hobble S1", actor="Sam")
    store.create_production("HBL-S2", "Hobble S2", actor="Sam")
    return sqlite_url


def ok(*argv: str) -> str:
    code, out, err = run_cli(*argv)
    assert (code, err) == (0, ""), err
    return out


def bad(*argv: str) -> str:
    code, out, err = run_cli(*argv)
    assert (code, out) == (2, "") and err.count("\n") == 1, err
    return err


def consent_args(db: str, *more: str) -> list[str]:
    return [
        "consents", "add", "--performer", "P-1", "--covers", "likeness,voice",
        "--kind", "employment_based", "--use", "Re-ageing in the flashbacks of episode 4",
        "--productions", "HBL-S1", "--media", "temporary,final", "--signed-on", "2026-06-01",
        "--expires", "2027-03-31", "--database", db, *more,
    ]  # fmt: skip


def test_performers_and_consents_from_the_shell(db, tmp_path: Path):
    assert ok("performers", "add", "--production", "HBL-S1", "--name", "Jane Roe",
              "--union", "SAG-AFTRA", "--database", db) == "P-1\n"  # fmt: skip
    assert ok("performers", "add", "--production", "HBL-S1", "--name", "Old \x1b[8mTimer",
              "--deceased", "--estate", "Timer Estate, estate@example.test",
              "--database", db) == "P-2\n"  # fmt: skip
    assert ok("performers", "link", "P-1", "--production", "HBL-S2", "--database", db) == (
        "P-1 works on HBL-S1, HBL-S2\n"
    )
    assert ok("performers", "list", "--production", "HBL-S1", "--database", db) == (
        "P-1  Jane Roe  principal  SAG-AFTRA  HBL-S1, HBL-S2\n"
        "P-2  Old \\x1b[8mTimer  principal  no union  HBL-S1  deceased\n"
    )
    listed = json.loads(ok("performers", "list", "--production", "HBL-S2", "--json",
                           "--database", db))  # fmt: skip
    assert listed == [{
        "id": "P-1", "name": "Jane Roe", "category": "principal", "union": "SAG-AFTRA",
        "minor": False, "deceased": False, "estate": "", "representative": "",
        "productions": ["HBL-S1", "HBL-S2"],
    }]  # fmt: skip
    rider = tmp_path / "rider.png"
    rider.write_bytes(b"%PDF-1.7\nsigned\n")
    assert ok(*consent_args(db, "--evidence", str(rider))) == "C-1\n"
    line = "C-1  P-1  employment_based  likeness,voice  temporary,final  HBL-S1  from 2026-06-01"
    assert ok("consents", "list", "--database", db) == f"{line}  until 2027-03-31  active\n"
    assert ok("consents", "list", "--performer", "P-2", "--database", db) == ""
    (found,) = json.loads(ok("consents", "list", "--production", "HBL-S1", "--json",
                             "--database", db))  # fmt: skip
    assert (found["id"], found["description"], found["expires_on"]) == (
        "C-1", "Re-ageing in the flashbacks of episode 4", "2027-03-31",
    )  # fmt: skip
    (evidence,) = UseCaseStore(db).evidence_of("consent", "C-1", viewer="Sam")
    assert (evidence.name, evidence.media_type) == ("rider.png", "application/pdf")
    assert ok("consents", "revoke", "C-1", "--note", "withdrawn", "--on", "2026-11-30",
              "--database", db) == (
        f"{line}  until 2027-03-31  revoked on 2026-11-30 (withdrawn)\n"
    )  # fmt: skip


@pytest.mark.parametrize(
    "argv, message",
    [
        (["performers", "add", "--production", "NOPE", "--name", "X"],
         "error: no production with code 'NOPE': create it first\n"),
        (["performers", "add", "--production", "HBL-S1", "--name", "X", "--deceased"],
         "error: the performer was not added: a deceased performer needs their estate or "
         "authorised representative and their contact (--estate); nothing was saved\n"),
        (["performers", "link", "P-9", "--production", "HBL-S1"],
         "error: no performer with id P-9\n"),
        (["consents", "revoke", "C-9", "--note", "x"], "error: no consent with id C-9\n"),
        (["consents", "revoke", "C-1", "--note", "x", "--on", "soon"],
         "error: --on 'soon' is not a date: give YYYY-MM-DD\n"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_changes_nothing(db, argv, message):
    ok("performers", "add", "--production", "HBL-S1", "--name", "Jane Roe", "--database", db)
    ok(*consent_args(db))
    assert bad(*argv, "--database", db) == message
    assert len(UseCaseStore(db).performers("HBL-S1", viewer="Sam")) == 1
    assert [c.state for c in UseCaseStore(db).consents(viewer="Sam")] == ["active"]


def test_a_refused_consent_or_rider_records_nothing(db, tmp_path: Path):
    ok("performers", "add", "--production", "HBL-S1", "--name", "Jane Roe", "--database", db)
    word = tmp_path / "rider.pdf"
    word.write_bytes(b"PK\x03\x04\x00word")
    assert bad(*consent_args(db, "--evidence", str(word))) == (
        "error: rider.pdf is not a PDF, PNG, JPEG or plain-text (UTF-8) file by its content "
        "(its name does not count): nothing was stored\n"
    )
    assert bad(*consent_args(db, "--evidence", str(tmp_path / "gone.pdf"))) == (
        f"error: {tmp_path / 'gone.pdf'}: cannot read the file: No such file or directory\n"
    )
    argv = consent_args(db)
    argv[argv.index("--use") + 1] = " "
    assert bad(*argv).startswith(
        "error: the consent was not added: the description of the intended use is missing"
    )
    assert UseCaseStore(db).consents(viewer="Sam") == []


USE = """title: Re-aged flashback
use_case_type: talent_replication
involves: {digital_replica: true}
context: {final_deliverable: true}
performers: [P-1]
"""


def test_assess_answers_from_the_productions_ledger(db, tmp_path: Path):
    ok("performers", "add", "--production", "HBL-S1", "--name", "Jane Roe", "--database", db)
    use = tmp_path / "use.yaml"
    use.write_text(USE)
    out = ok("assess", str(use), "--production", "HBL-S1", "--database", db)
    assert out.endswith(
        "Answered from the ledger: context.talent_consent = False (Jane Roe: no consent on file)\n"
    )
    assert "replica-without-consent" in out
    ok(*consent_args(db))
    data = json.loads(ok("assess", str(use), "--production", "HBL-S1", "--json", "--database", db))
    assert data["facts"] == [{
        "question": "context.talent_consent", "answer": True,
        "source": "Jane Roe: consent C-1 is active and covers this use", "subject": "consent:C-1",
    }]  # fmt: skip
    assert "replica-without-consent" not in {r["rule"] for r in data["reasons"]}
    # Without --production the document's own answers stand, as before.
    assert "Answered from the ledger" not in ok("assess", str(use))
    assert bad("assess", str(use), "--production", "NOPE", "--database", db) == (
        "error: no production with code 'NOPE': create it first\n"
    )
