"""`python -m greenlight request USE_ID`: the escalation request of a logged use, as text or
PDF, to stdout or a file; bad input is one line and exit 2, and a PDF never goes to a terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest
from pypdf import PdfReader

from greenlight.policy import Engine, load_guidance, parse_answers
from greenlight.present import BASE_URL_ENV
from greenlight.store import UseCaseStore
from tests.unit.cli_run import run_cli

TITLE = "Harbour [set](http://evil) 東京"


@pytest.fixture
def use(sqlite_url):
    store = UseCaseStore(sqlite_url)
    store.create_production("HBL-S1", "Harbour Lights", actor="Ana Ortiz")
    guidance = load_guidance()
    answers = parse_answers({"title": TITLE, "principles": {"outputs_original": "no"}}, guidance)
    return store.log_use("HBL-S1", answers, Engine(guidance), actor="Sam Rivera")


def test_the_text_goes_to_stdout_with_who_asks(use, sqlite_url, monkeypatch):
    monkeypatch.setenv(BASE_URL_ENV, "https://gl.example.com")
    code, out, err = run_cli("request", use.id, "--database", sqlite_url, "--by", "Ines Duarte")
    assert (code, err) == (0, "")
    assert out.startswith("Escalation request\n==================\n")
    assert f"https://gl.example.com/log?use={use.id}" in out
    for part in (TITLE, "Harbour Lights (HBL-S1)", "Sam Rivera", "Ines Duarte"):
        assert part in out


@pytest.mark.parametrize("fmt", ["md", "pdf"])
def test_o_writes_the_file_in_the_format_asked(use, sqlite_url, tmp_path, fmt):
    target = tmp_path / f"request.{fmt}"
    code, out, err = run_cli(
        "request", use.id, "--format", fmt, "-o", str(target), "--database", sqlite_url
    )
    assert (code, out, err) == (0, "", "")
    data = target.read_bytes()
    if fmt == "pdf":
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert TITLE in text and use.id in text
    else:
        assert TITLE in data.decode("utf-8") and not data.startswith(b"%PDF")


def test_a_pdf_piped_to_stdout_is_written_whole(use, sqlite_url):
    done = subprocess.run(
        [sys.executable, "-m", "greenlight", "request", use.id, "--format", "pdf"]
        + ["--database", sqlite_url],
        capture_output=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert TITLE in PdfReader(io.BytesIO(done.stdout)).pages[0].extract_text()


def test_a_pdf_is_refused_on_a_terminal(use, sqlite_url):
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "greenlight", "request", use.id, "--format", "pdf"]
            + ["--database", sqlite_url],
            stdout=follower,
            stderr=subprocess.PIPE,
            check=False,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert done.returncode == 2 and shown == b""
    assert done.stderr.decode().splitlines() == [
        "error: a PDF is not for the terminal: write it to a file with -o FILE"
    ]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["request", "a1b2c3d4"], "no logged use with id 'a1b2c3d4'"),
        (["request", "x" * 5000], "is not a use id"),
        (["request", "bad\x1b[2Kid"], "is not a use id"),
        (["request", "ID", "--format", "docx"], "invalid choice: 'docx'"),
        (["request", "ID", "-o", "/no/such/folder/r.md"], "/no/such/folder/r.md: cannot write"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(use, sqlite_url, argv, says, capsys):
    argv = [use.id if arg == "ID" else arg for arg in argv]
    try:
        code, out, err = run_cli(*argv, "--database", sqlite_url)
    except SystemExit as exit_:  # argparse refuses before the command runs
        code, out, err = exit_.code, "", capsys.readouterr().err
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and says in err, err
    assert "\x1b" not in err and len(err) < 200


def test_a_base_url_that_is_no_web_address_is_one_line(use, sqlite_url, monkeypatch):
    monkeypatch.setenv(BASE_URL_ENV, "greenlight.example.com")
    code, out, err = run_cli("request", use.id, "--database", sqlite_url)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {BASE_URL_ENV} must be the app's web address")
