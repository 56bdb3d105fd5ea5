"""python -m greenlight tools add|list|review|sweep and workflows add: ids printed, reviews
re-assess, every bad input one "error:" line, exit 2, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenlight.store import UseCaseStore
from tests.unit.cli_run import run_cli
from tests.unit.test_cli_log import refused


@pytest.fixture
def db(sqlite_url: str) -> str:
    UseCaseStore(sqlite_url).create_production("LHK-S1", "Lighthouse", actor="Sam")
    return sqlite_url


def test_add_list_and_review(db, tmp_path: Path):
    terms = tmp_path / "agreement.pdf"
    terms.write_bytes(b"%PDF-1.4\n% the agreement\n")
    assert run_cli(
        "tools", "add", "--name", "Studio Firefly", "--tier", "enterprise", "--vendor", "Adobe",
        "--review-due", "2027-11-02", "--evidence", str(terms), "--actor", "Ada", "--database", db,
    ) == (0, "T-000001\n", "")  # fmt: skip
    assert run_cli(
        "tools", "add", "--name", "Own", "--tier", "unknown", "--production", "LHK-S1",
        "--database", db,
    ) == (0, "T-000002\n", "")  # fmt: skip
    code, out, err = run_cli("tools", "list", "--json", "--database", db)
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert [(t["id"], t["name"], t["tier"], t["state"], t["production"]) for t in found] == [
        ("T-000002", "Own", "unknown", "approved", "LHK-S1"),
        ("T-000001", "Studio Firefly", "enterprise", "approved", None),
    ]
    assert found[1]["review_due"] == "2027-11-02" and found[1]["reviewed_by"] == "Ada"
    store = UseCaseStore(db)
    [evidence] = store.evidence_of("tool", "T-000001", viewer="Ada")
    assert evidence.media_type == "application/pdf"
    code, out, err = run_cli(
        "tools", "review", "T-000001", "--state", "not_allowed", "--review-due", "2028-01-01",
        "--note", "terms changed", "--actor", "Ada", "--database", db,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == (
        "T-000001 Studio Firefly: enterprise, not_allowed, review due 2028-01-01\n"
        "re-assessed 0 uses: 0 changed level, 0 approvals reopened\n"
    )
    assert run_cli(
        "workflows", "add", "--name", "Crowd pipeline", "--vendor", "Pixel Co",
        "--steps", "T-000001", "--database", db,
    ) == (0, "W-000001\n", "")  # fmt: skip
    code, out, _ = run_cli("tools", "list", "--database", db)
    assert out.splitlines()[1] == (
        "T-000001  Studio Firefly  enterprise  not_allowed  review due 2028-01-01  studio"
    )
    assert run_cli("tools", "sweep", "--database", db) == (
        0, "re-assessed 0 uses: 0 changed level, 0 approvals reopened\n", "",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("tools", "add", "--name", "X", "--tier", "gold"), "invalid choice: 'gold'"),
        (
            ("tools", "add", "--name", "X", "--tier", "unknown", "--review-due", "soon"),
            "'soon' is not a date: write YYYY-MM-DD",
        ),
        (("tools", "add", "--name", " ", "--tier", "unknown"), "a tool needs a name"),
        (
            ("tools", "add", "--name", "X", "--tier", "unknown", "--production", "NOPE"),
            "no production with code 'NOPE'",
        ),
        (
            ("tools", "add", "--name", "X", "--tier", "unknown", "--evidence", "/no/such.pdf"),
            "/no/such.pdf: cannot read the file",
        ),
        (("tools", "review", "T-000404", "--tier", "unknown"), "no tool with id 'T-000404'"),
        (("tools", "review", "T-000001", "--state", "gone"), "invalid choice: 'gone'"),
        (
            ("workflows", "add", "--name", "W", "--vendor", "V", "--steps", "T-000001,,T-2"),
            "--steps: give tool ids separated by commas, with none empty",
        ),
        (
            ("workflows", "add", "--name", "W", "--vendor", "V", "--steps", "T-000009"),
            "step T-000009 is not one of the studio's registered tools",
        ),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(db, argv, message, capsys):
    try:
        line = refused(*run_cli(*argv, "--database", db))
    except SystemExit as exit_:  # argparse refuses before the command runs
        assert exit_.code == 2
        [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ")
    assert message in line
    assert UseCaseStore(db).list_tools(viewer="x") == []


def test_terms_that_are_not_evidence_leave_no_tool_behind(db, tmp_path: Path):
    word = tmp_path / "terms.pdf"
    word.write_bytes(b"PK\x03\x04\x00\xff a word file")
    line = refused(
        *run_cli(
            "tools", "add", "--name", "X", "--tier", "unknown", "--evidence", str(word),
            "--database", db,
        )
    )  # fmt: skip
    assert "terms.pdf" in line
    assert UseCaseStore(db).list_tools(viewer="x") == []


def test_assess_with_a_production_answers_from_the_registry(db, tmp_path: Path):
    assert run_cli(
        "tools", "add", "--name", "Studio Firefly", "--tier", "enterprise", "--actor", "Ada",
        "--database", db,
    ) == (0, "T-000001\n", "")  # fmt: skip
    assert run_cli(
        "tools", "review", "T-000001", "--state", "not_allowed", "--note", "terms changed",
        "--actor", "Ada", "--database", db,
    )[0] == 0  # fmt: skip
    answers = tmp_path / "use.yaml"
    answers.write_text(
        "title: Storyboards\nuse_case_type: ideation\ntools: [T-000001]\n", encoding="utf-8"
    )
    code, out, err = run_cli(
        "assess", str(answers), "--production", "LHK-S1", "--json", "--database", db
    )
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["level"] == "approval"
    assert "tool-not-allowed" in [r["rule"] for r in result["reasons"]]
    assert {
        (f["question"], f["answer"], f["source"])
        for f in result["facts"]
        if f["question"] == "context.tool_not_allowed"
    } == {("context.tool_not_allowed", True, "Studio Firefly is not allowed (terms changed)")}
    # Without --production the document is assessed as it stands.
    code, out, _ = run_cli("assess", str(answers), "--json")
    assert "tool-not-allowed" not in [r["rule"] for r in json.loads(out)["reasons"]]
