"""python -m greenlight check-deploy: the sign-in and e-mail settings checked before a server
starts. A studio's incomplete [auth] (a missing or short cookie secret above all) or unusable
[notifications] exits 2 with one "error:" line per problem; and `make run` runs it first, so
such a server never starts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.apptest.test_studio_mode import COMPLETE
from tests.unit.cli_run import run_cli

ROOT = Path(__file__).resolve().parents[2]
MAIL = {"host": "127.0.0.1", "port": 2525, "sender": "greenlight@studio.test", "security": "none"}


def toml(tables: dict[str, dict]) -> str:
    lines = []
    for name, table in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {value!r}".replace("'", '"') for key, value in table.items()]
    return "\n".join(lines) + "\n"


def check(tmp_path: Path, *files: str, host: str = "127.0.0.1") -> tuple[int, str, str]:
    paths = []
    for n, text in enumerate(files):
        path = tmp_path / f"secrets-{n}.toml"
        path.write_text(text)
        paths += ["--secrets", str(path)]
    return run_cli("check-deploy", *paths, "--host", host)


def test_a_complete_studio_deployment_passes(tmp_path):
    code, out, err = check(tmp_path, toml({"auth": COMPLETE, "notifications": MAIL}))
    assert (code, err) == (0, "")
    where = tmp_path / "secrets-0.toml"
    assert out == (
        f"Studio mode: sign-in is configured ({where}).\nNotification e-mails are configured.\n"
    )


@pytest.mark.parametrize(
    ("auth", "problem"),
    [
        (
            {k: v for k, v in COMPLETE.items() if k != "cookie_secret"},
            "auth.cookie_secret is missing: a long random string that signs the sign-in cookie",
        ),
        (
            COMPLETE | {"cookie_secret": "x" * 31},
            "auth.cookie_secret is too short: use at least 32 random characters",
        ),
        (
            COMPLETE | {"client_id": " "},
            "auth.client_id is missing: the client id the provider gave Greenlight",
        ),
    ],
    ids=["no cookie secret", "short cookie secret", "blank client id"],
)
def test_an_incomplete_auth_table_refuses_to_start(tmp_path, auth, problem):
    code, out, err = check(tmp_path, toml({"auth": auth}))
    where = tmp_path / "secrets-0.toml"
    assert (code, out) == (2, "")
    assert err == (
        f"error: {where}: {problem}\n"
        "error: the server was not started: fix these settings (see the README, "
        "'Deploying for a studio'), then start it again\n"
    )


def test_unusable_notification_settings_refuse_to_start_with_every_problem(tmp_path):
    bad = MAIL | {"sender": "not an address", "port": 70000}
    code, _, err = check(tmp_path, toml({"auth": COMPLETE, "notifications": bad}))
    assert code == 2
    lines = err.splitlines()
    assert lines[0].endswith(
        "notifications.sender must be one e-mail address such as greenlight@studio.example, "
        "not 'not an address'"
    )
    assert lines[1].endswith("notifications.port must be between 1 and 65535, not 70000")
    assert len(lines) == 3 and lines[2].startswith("error: the server was not started")


def test_a_later_file_s_table_replaces_an_earlier_one_s_as_streamlit_reads_them(tmp_path):
    short = toml({"auth": COMPLETE | {"cookie_secret": "short"}})
    assert check(tmp_path, short, toml({"auth": COMPLETE}))[0] == 0
    assert check(tmp_path, toml({"auth": COMPLETE}), short)[0] == 2


def test_unreadable_settings_refuse_to_start(tmp_path):
    code, out, err = check(tmp_path, "[auth\ncookie_secret = 1\n")
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {tmp_path / 'secrets-0.toml'}: not valid TOML (")
    assert err.endswith("error: fix the file, then start Greenlight again\n")


def test_local_mode_passes_and_warns_when_opened_to_others(tmp_path, capsys):
    code, out, err = check(tmp_path, 'database_url = "sqlite:///x.db"\n')
    assert (code, err) == (0, "")
    assert out.startswith("Local mode: no [auth] settings")
    assert capsys.readouterr().err == ""
    assert check(tmp_path, 'database_url = "sqlite:///x.db"\n', host="0.0.0.0")[0] == 0
    assert capsys.readouterr().err.startswith(
        "warning: local mode listening on 0.0.0.0 lets anyone who reaches it change the log"
    )


@pytest.mark.skipif(
    (ROOT / ".streamlit" / "secrets.toml").exists(),
    reason="this clone's own .streamlit/secrets.toml would replace the test's [auth]",
)
def test_make_run_does_not_start_a_server_with_a_short_cookie_secret(tmp_path):
    """The user's ~/.streamlit/secrets.toml is one Streamlit reads: one there with a short
    cookie secret stops `make run` before `streamlit run`, which would otherwise serve."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        toml({"auth": COMPLETE | {"cookie_secret": "short"}})
    )
    env = {**os.environ, "HOME": str(tmp_path), "PORT": "9", "MAKEFLAGS": ""}
    done = subprocess.run(
        ["make", "--no-print-directory", "run", "PORT=9"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "auth.cookie_secret is too short" in done.stderr
    assert "streamlit run" not in done.stdout  # make echoes a command only as it starts it
