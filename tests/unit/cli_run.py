"""The command line run in this process, as the CLI tests run it: (exit code, stdout, stderr)."""

from __future__ import annotations

import io
import sys

from greenlight.cli import main


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """`python -m greenlight *argv` with `stdin` as its standard input."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        code = main(list(argv), out, err)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()
