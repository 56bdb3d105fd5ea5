"""The command line (`python -m greenlight ...`), run as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from greenlight.policy import DEFAULT_DIR, load_guidance
from greenlight.store import UseCaseStore
from tests.unit.cli_run import run_cli
from tests.unit.csvio import test_csvio as csv_cases
from tests.unit.samples import MOODBOARD

ROOT = Path(__file__).resolve().parents[2]
ALT = ROOT / "tests" / "fixtures" / "guidance-alt"


def greenlight(*args: str, stdin: str | bytes = b"") -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "greenlight", *args],
        input=data,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )


def test_assess_json_from_stdin():
    done = greenlight("assess", "--json", "-", stdin=MOODBOARD)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["level"] == "low"
    assert result["reasons"] == [] and result["unanswered"] == []
    assert result["matrix_row"] == "ideation"
    assert result["guidance"] == {"id": "netflix-genai-production", "version": "2026.12.1"}
    assert result["actions"]


def test_assess_readable_summary_from_a_file(tmp_path):
    path = tmp_path / "use.yaml"
    path.write_text(MOODBOARD.replace("temporary_only: yes", "temporary_only: unsure"))
    done = greenlight("assess", str(path))
    out = done.stdout.decode()
    assert done.returncode == 0
    assert out.splitlines()[:2] == [
        "Season 2 look moodboard",
        "Level: ESCALATE - Talk to your studio contact before you go ahead; written approval may be needed.",
    ]
    assert "(principle-4-unsure; section guiding-principles)" in out


def test_assess_exits_2_with_one_line_per_problem_and_no_traceback():
    done = greenlight(
        "assess", "-", stdin="title: x\nprinciples: {outputs_original: maybe}\nfoo: 1\n"
    )
    err = done.stderr.decode()
    assert done.returncode == 2 and done.stdout == b""
    assert err.splitlines() == [
        "error: stdin: principles.outputs_original: 'maybe' is not one of yes, unsure, no",
        "error: stdin: foo: unknown key; allowed: context, department, description, involves, "
        "performers, principles, requested_by, scene, title, tool, tools, use_case_type, vendor",
    ]


@pytest.mark.parametrize(
    "stdin",
    [
        b"\xff\xfe\x00garbage",
        b"- 1\n- 2\n",
        b"{not json",
        b"title: !!python/object/new:os.system [ls]\n",
    ],
    ids=["binary", "list", "bad-json", "python-tag"],
)
def test_assess_refuses_bad_input_cleanly(stdin):
    done = greenlight("assess", "--json", "-", stdin=stdin)
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and done.stderr.startswith(b"error: stdin: ")


def test_assess_missing_file():
    done = greenlight("assess", "/nonexistent/use.yaml")
    assert done.returncode == 2
    assert (
        done.stderr.decode()
        == "error: /nonexistent/use.yaml: cannot read the file: No such file or directory\n"
    )


def test_check_guidance_valid_default_and_alternative():
    done = greenlight("check-guidance")
    assert done.returncode == 0 and b"valid - netflix-genai-production 2026.12" in done.stdout
    done = greenlight("check-guidance", str(ALT))
    assert done.returncode == 0 and b"acme-pictures-ai 0.3" in done.stdout


def test_check_guidance_invalid_prints_file_line(tmp_path):
    folder = tmp_path / "g"
    shutil.copytree(DEFAULT_DIR, folder)
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text().replace("    level: approval\n", "    level: aproval\n", 1))
    done = greenlight("check-guidance", str(folder))
    assert done.returncode == 2
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: rules.yaml:")
    assert lines[0].endswith("level 'aproval' is not defined (did you mean 'approval'?)")


def test_assess_against_another_guidance_set():
    done = greenlight(
        "assess",
        "--json",
        "--guidance",
        str(ALT),
        "-",
        stdin="title: x\ninvolves: {voice_clone: yes}\n",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["level"] == "stop"


def test_usage_errors_exit_2():
    assert greenlight().returncode == 2
    assert greenlight("nope").returncode == 2


def test_upgrade_says_each_migration_then_nothing_to_do(tmp_path):
    import sqlalchemy as sa

    from greenlight.store.migrations import MIGRATIONS, SCHEMA_VERSION, schema_version
    from tests.unit.store.legacy_schema import load_schema_3

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    load_schema_3(engine)
    assert schema_version(engine) == 3

    done = greenlight("upgrade", "--database", url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == f"Upgrading the log from schema 3 to {SCHEMA_VERSION}, all or nothing:"
    steps = [m for m in MIGRATIONS if m.version > 3]
    assert [line.split("] ", 1)[1] for line in lines[1:-1]] == [
        f"{m.version}: {m.name}" for m in steps
    ]
    assert lines[-1].startswith("Done in ")
    assert schema_version(engine) == SCHEMA_VERSION

    again = greenlight("upgrade", "--database", url)
    assert (again.returncode, again.stdout.decode()) == (
        0,
        f"The log is at schema {SCHEMA_VERSION}, this version's: nothing to do.\n",
    )


def test_upgrade_of_no_log_creates_one_and_of_a_newer_log_refuses(tmp_path):
    import sqlalchemy as sa

    from greenlight.store.migrations import SCHEMA_VERSION
    from greenlight.store.tables import schema_migrations

    url = f"sqlite:///{tmp_path / 'new.db'}"
    made = greenlight("upgrade", "--database", url)
    assert (made.returncode, made.stdout.decode()) == (
        0,
        f"Created a new, empty log at schema {SCHEMA_VERSION}.\n",
    )
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.update(schema_migrations).values(version=schema_migrations.c.version + 90))
    refused = greenlight("upgrade", "--database", url)
    assert refused.returncode == 2 and "newer than this Greenlight" in refused.stderr.decode()
    assert "Traceback" not in refused.stderr.decode()


# --- export, import and history, on the CSV tests' fixed log -----------------------------------


def test_export_import_and_history_commands(saltmarsh, tmp_path):
    csv_cases.fixture_log(saltmarsh)
    url = saltmarsh.url
    code, out, err = run_cli("export", "--database", url)
    assert (code, out, err) == (0, csv_cases.EXPECTED_CSV, "")
    target = tmp_path / "log.csv"
    assert run_cli("export", "--production", "SM", "-o", str(target), "--database", url)[0] == 0
    assert target.read_bytes().decode() == csv_cases.EXPECTED_CSV

    other = url.replace("greenlight.db", "other.db")
    UseCaseStore(other).create_production("SM", "Saltmarsh", actor="lead")
    code, out, err = run_cli(
        "import", str(target), "--production", "SM", "--actor", "Ana", "--database", other
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "imported 3 uses into SM as draft, each assessed under guidance "
        "netflix-genai-production 2026.12.1",
        "ignored the file's production_name, status, approval_ref, archived, created_by, "
        "updated_at, updated_by: an import starts every use as draft, by you, now (a backup restores a log "
        "as it was)",
    ]
    code, out, err = run_cli(
        "import", str(target), "--production", "SM", "--again", "--database", other
    )
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"error: {target}: row {n}, column id: use u{n - 1} is already logged; "
        "remove the row or its id"
        for n in (2, 3, 4)
    ] + [f"error: {target}: nothing was imported"]

    code, out, err = run_cli("history", "u2", "--database", other)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == 'u2  =HYPERLINK("http://x")  (SM, approval, draft)'
    assert "  Ana  created as draft  (imported from " + str(target) + " on " in lines[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "--production", "NOPE"], "error: no production with code 'NOPE'"),
        (["history", "nope"], "error: no logged use with id 'nope'"),
        (["import", "/no/such.csv", "--production", "SM"], "error: /no/such.csv: cannot read"),
        (
            ["import", "{csv}", "--production", "NOPE"],
            "error: {csv}: row 1: no production with code",
        ),
        (["export", "-o", "/no/such/dir/x.csv"], "error: /no/such/dir/x.csv: cannot write"),
    ],
)
def test_commands_fail_with_one_clear_line(saltmarsh, tmp_path, argv, message):
    path = tmp_path / "uses.csv"
    path.write_text("title\r\nx\r\n")
    argv = [arg.format(csv=path) for arg in argv]
    message = message.format(csv=path)
    code, out, err = run_cli(*argv, "--database", saltmarsh.url)
    assert code == 2
    assert err.startswith(message), err
    assert all(line.startswith("error: ") for line in err.splitlines()) and out == ""
    assert "Traceback" not in err


def test_a_bad_database_url_is_one_line_not_a_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "greenlight", "history", "x", "--database", "mysql://u@h/db"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: unsupported database 'mysql'")
    assert "Traceback" not in done.stderr


# --- reassess: moving the log to the current guidance version ----------------------------------

OLD_GUIDANCE = ROOT / "tests" / "fixtures" / "guidance-2026.11"
CLEAR_2026_11 = {
    "use_case_type": "ideation",
    "principles": {
        "outputs_original": "yes",
        "no_training_on_inputs": "yes",
        "enterprise_environment": "yes",
        "temporary_only": "yes",
        "no_performance_replacement": "yes",
    },
    "context": {"final_deliverable": False, "tool_tier": "enterprise"},
}


def _older_engine(tmp_path):
    """2026.11, with one tool tier the current guidance does not know (a use it cannot read)."""
    from greenlight.policy import Engine, load_guidance

    folder = tmp_path / "guidance-2026.11"
    shutil.copytree(OLD_GUIDANCE, folder)
    questions = folder / "questions.yaml"
    marker = '      - {value: unknown, label: "Unknown or consumer terms"}\n'
    text = questions.read_text(encoding="utf-8")
    assert marker in text
    questions.write_text(
        text.replace(
            marker,
            marker
            + '      - {value: retired_tier, label: "A tier this version dropped"}\n'
            + "    ranks: {enterprise: 0, no_training_terms: 1, unknown: 2, retired_tier: 2}\n",
        ),
        encoding="utf-8",
    )
    return Engine(load_guidance(folder))


def test_reassess_moves_the_log_and_says_what_changed(saltmarsh, tmp_path):
    from greenlight.policy import parse_answers

    old = _older_engine(tmp_path)
    store = saltmarsh
    store.create_production("OT", "Other", actor="lead")

    def log(code, title, **context):
        doc = {"title": title, **CLEAR_2026_11}
        doc["context"] = {**doc["context"], **context}
        return store.log_use(code, parse_answers(doc, old.guidance), old, actor="ana")

    # Low under 2026.11, and approved; 2026.12 counts the skipped workflow question as a
    # workflow not shown to meet the principles: escalate, so the approval is reopened.
    approved = log("SM", "Moodboard")
    store.set_status(approved.id, "submitted", actor="ana")
    store.set_status(
        approved.id, "approved", actor="studio", approval_ref="WA-1", note="approved as assessed"
    )
    answered = log("SM", "Answered", vendor_pipeline=False)  # low in both versions
    unreadable = log("SM", "Retired tier", tool_tier="retired_tier")
    elsewhere = log("OT", "Other production")
    assert {u.level for u in (approved, answered, elsewhere)} == {"low"}

    code, out, err = run_cli(
        "reassess", "--production", "SM", "--actor", "Admin", "--database", store.url
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Re-assessing the log under guidance netflix-genai-production 2026.12.1:",
        "  re-assessed 3 of 3 uses",
        "uses moved: 2; levels raised: 1; approvals reopened: 1; "
        "uses the new guidance cannot read: 1",
        f"cannot read (left as they were): {unreadable.id}",
        f"  use {unreadable.id}: context.tool_tier: 'retired_tier' is not one of enterprise, "
        "no_training_terms, unknown",
    ]
    moved = store.get_use(approved.id)
    assert (moved.level, moved.status, moved.guidance_version) == (
        "escalate",
        "submitted",
        "2026.12.1",
    )
    assert store.get_use(answered.id).level == "low"
    assert store.get_use(unreadable.id).guidance_version == "2026.11"
    assert store.get_use(elsewhere.id).guidance_version == "2026.11"
    assert store.history(approved.id)[-1].actor == "Admin"

    code, out, _ = run_cli("reassess", "--database", store.url)
    assert code == 0
    assert "uses moved: 1; levels raised: 1; approvals reopened: 0" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reassess", "--production", "NOPE"], "error: no production with code 'NOPE'"),
        (["reassess", "--guidance", "/no/such/dir"], "error: /no/such/dir: no such folder"),
        (
            ["reassess", "--batch", "3"],
            "error: python -m greenlight: unrecognized arguments: --batch 3",
        ),
    ],
)
def test_reassess_refuses_bad_arguments_in_one_line(saltmarsh, argv, message, capsys):
    try:
        code, out, err = run_cli(*argv, "--database", saltmarsh.url)
    except SystemExit as exit_:
        code, out, err = exit_.code, "", capsys.readouterr().err
    assert code == 2 and out == ""
    assert err.startswith(message), err
    assert len(err.splitlines()) == 1


def test_assess_says_when_an_old_key_was_read_through_an_alias():
    old = MOODBOARD + "involves:\n  performance_alteration: true\n"
    old = old.replace(
        "  vendor_pipeline: false\n",
        "  vendor_pipeline: false\n  customary_alteration: false\n  talent_consent: true\n  harm_to_talent: 'no'\n",
    )
    done = greenlight("assess", "-", stdin=old)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[-1] == "Note on the answers: context.customary_alteration: " + " ".join(
        load_guidance().aliases[0].note.split()
    )
    assert "  [approval] The change is none of the customary kinds" in "\n".join(lines)
    data = json.loads(greenlight("assess", "--json", "-", stdin=old).stdout)
    assert data["answers_notes"] == [lines[-1].removeprefix("Note on the answers: ")]
    assert [r["rule"] for r in data["reasons"]] == ["alteration-not-customary"]
