"""`python -m greenlight import`: the workflow options, the file imported before, and files
refused with one line and exit 2 (no rows, too many rows, NUL, a time out of range)."""

from __future__ import annotations

import io

import pytest

from tests.unit.cli_run import run_cli

FILE = "title,status,approval_ref\r\nKey art,approved,WA-FORGED\r\n"


def test_import_as_submitted_says_what_it_ignored_and_again_needs_again(saltmarsh, tmp_path):
    path = tmp_path / "uses.csv"
    path.write_text(FILE, encoding="utf-8")
    args = (
        "import",
        str(path),
        "--production",
        "SM",
        "--actor",
        "Ana",
        "--database",
        saltmarsh.url,
    )
    code, out, err = run_cli(*args, "--status", "submitted")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == (
        "ignored the file's status, approval_ref: an import starts every use as submitted, by "
        "you, now (a backup restores a log as it was)"
    )
    [use] = saltmarsh.list_uses().rows
    assert (use.status, use.approval_ref) == ("submitted", "")

    code, out, err = run_cli(*args)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"error: {path}: row 1: this file was imported into SM before")
    assert lines[1:] == [
        f"error: {path}: to log its uses once more, run the import again with --again",
        f"error: {path}: nothing was imported",
    ]
    assert saltmarsh.count_uses() == 1
    code, out, err = run_cli(*args, "--again")
    assert (code, err) == (0, "") and saltmarsh.count_uses() == 2


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"title,department\r\n\r\n", "row 1: the file has a header but no rows"),
        (b"title\r\na\r\nb\r\nc\r\n", "row 1: the file has more than 2 rows: the limit is 2"),
        (b"title,scene\r\nok,\x00\r\n", "row 2, column scene: holds a NUL character (0x00)"),
        (
            b"title,created_at\r\nok,0001-01-01T00:30:00+01:00\r\n",
            "row 2, column created_at: '0001-01-01T00:30:00+01:00' is not a time",
        ),
    ],
    ids=["no-rows", "too-many-rows", "nul", "time-out-of-range"],
)
def test_a_refused_file_is_one_line_and_exit_2(saltmarsh, tmp_path, monkeypatch, data, line):
    monkeypatch.setenv("GREENLIGHT_IMPORT_MAX_ROWS", "2")
    path = tmp_path / "uses.csv"
    path.write_bytes(data)
    version = saltmarsh.data_version()
    code, out, err = run_cli("import", str(path), "--production", "SM", "--database", saltmarsh.url)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.splitlines()[0].startswith(f"error: {path}: {line}"), err
    assert err.splitlines()[1:] == [f"error: {path}: nothing was imported"]
    assert saltmarsh.data_version() == version and saltmarsh.count_uses() == 0


def test_an_import_status_past_the_first_ones_is_a_usage_error(saltmarsh, tmp_path, capsys):
    path = tmp_path / "uses.csv"
    path.write_text(FILE, encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        run_cli(
            "import",
            str(path),
            "--production",
            "SM",
            "--status",
            "approved",
            "--database",
            saltmarsh.url,
        )
    assert caught.value.code == 2
    assert "invalid choice: 'approved'" in capsys.readouterr().err
    assert saltmarsh.count_uses() == 0


def test_export_archived_adds_the_archived_uses_and_says_so(saltmarsh, tmp_path):
    path = tmp_path / "uses.csv"
    path.write_text("title\r\nKept\r\nGone\r\n", encoding="utf-8")
    assert run_cli("import", str(path), "--production", "SM", "--database", saltmarsh.url)[0] == 0
    gone = next(use for use in saltmarsh.list_uses().rows if use.title == "Gone")
    saltmarsh.archive_use(gone.id, actor="Ana")
    code, live, err = run_cli("export", "--database", saltmarsh.url)
    assert (code, err) == (0, "")
    code, everything, err = run_cli("export", "--archived", "--database", saltmarsh.url)
    assert (code, err) == (0, "")

    def titles(text: str) -> dict[str, tuple[str, ...]]:
        import csv

        header, *rows = csv.reader(io.StringIO(text, newline=""))
        at = {name: header.index(name) for name in header}
        return {
            row[at["title"]]: tuple(
                row[at[name]] for name in ("archived", "production_name", "created_by")
            )
            for row in rows
        }

    login = saltmarsh.get_use(gone.id).created_by  # the importer's login, as no --actor was given
    assert titles(live) == {"Kept": ("No", "Saltmarsh", login)}
    assert titles(everything) == {
        "Kept": ("No", "Saltmarsh", login),
        "Gone": ("Yes", "Saltmarsh", login),
    }


def test_a_sheets_answers_import_in_any_case_and_the_rest_are_named_line_by_line(
    saltmarsh, tmp_path
):
    path = tmp_path / "sheet.csv"
    args = ("import", str(path), "--production", "SM", "--database", saltmarsh.url)
    path.write_text(
        "Title,Principles.Outputs_Original,involves.digital_replica,Level_Label\r\n"
        "Moodboards,Maybe,No,whatever\r\n"
        ",yes,perhaps,\r\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(*args)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"error: {path}: row 2, column principles.outputs_original: 'Maybe' is not an answer "
        'here; write "Yes", "Unsure" or "No"',
        f"error: {path}: row 3, column title: is required; give the use a short title",
        f"error: {path}: row 3, column involves.digital_replica: 'perhaps' is not an answer "
        'here; write "No" or "Yes"',
        f"error: {path}: nothing was imported",
    ]
    path.write_text(
        "Title,Principles.Outputs_Original,involves.digital_replica,Level_Label\r\n"
        "Moodboards,UNSURE,TRUE,whatever\r\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(*args)
    assert (code, err) == (0, "")
    [use] = saltmarsh.list_uses().rows
    assert saltmarsh.get_use(use.id).answers == {
        "title": "Moodboards",
        "principles": {"outputs_original": "unsure"},
        "involves": {"digital_replica": True},
    }
