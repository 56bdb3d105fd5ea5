"""python -m greenlight check-deploy: the settings a server is about to start with, checked
before it starts (`make run` runs it first), so a studio server never serves a sign-in that
cannot work and e-mail settings that cannot send.

Reads secrets.toml where Streamlit does (or the files given with --secrets, as Streamlit's
--secrets.files): `[auth]` must be complete (a cookie secret of 32 characters or more among
it) and `[notifications]` usable. Exit 0 when they are, 2 with one line per problem if not.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path
from typing import TextIO

from greenlight.cli.common import EXIT_OK, UserError


def _check_deploy_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secrets", metavar="FILE", action="append",
        help="a secrets.toml to read (repeat for several, later ones win); default: "
        "~/.streamlit/secrets.toml and .streamlit/secrets.toml, as Streamlit reads them",
    )  # fmt: skip
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="the address the server will listen on, to warn when local mode is opened to others",
    )  # fmt: skip


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_check_deploy(args: argparse.Namespace, out: TextIO) -> int:
    from greenlight.deploy import (
        UnreadableSettings,
        deployment_problems,
        read_secrets,
        secrets_files,
    )

    paths = [Path(p) for p in args.secrets] if args.secrets else secrets_files()
    try:
        secrets, found = read_secrets(paths)
    except UnreadableSettings as exc:
        raise UserError([str(exc), "fix the file, then start Greenlight again"]) from None
    where = ", ".join(str(p) for p in found) or "no secrets.toml"
    problems = deployment_problems(secrets)
    if problems:
        raise UserError(
            [f"{where}: {problem}" for problem in problems]
            + ["the server was not started: fix these settings (see the README, "
               "'Deploying for a studio'), then start it again"]
        )  # fmt: skip
    if "auth" in secrets:
        print(f"Studio mode: sign-in is configured ({where}).", file=out)
    else:
        print(
            f"Local mode: no [auth] settings ({where}); for one person on this machine.", file=out
        )
        if not _loopback(args.host):
            print(
                f"warning: local mode listening on {args.host} lets anyone who reaches it "
                "change the log under any name; configure [auth] for a studio",
                file=sys.stderr,
            )
    if "notifications" in secrets:
        print("Notification e-mails are configured.", file=out)
    return EXIT_OK
