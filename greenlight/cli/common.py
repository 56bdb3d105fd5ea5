"""What every command shares: exit codes, the UserError a person can act on, reading
input, opening the store, and showing text safely in a terminal.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from greenlight.policy import (
    Guidance,
    GuidanceError,
    load_guidance,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class UserError(Exception):
    """An error the user can act on: printed as lines on stderr, exit 2."""

    def __init__(self, lines: list[str] | str):
        self.lines = [lines] if isinstance(lines, str) else lines
        super().__init__("\n".join(self.lines))


def guidance_from(args: argparse.Namespace) -> Guidance:
    """The guidance named by --guidance (or the default set), as a UserError when invalid."""
    try:
        return load_guidance(getattr(args, "guidance", None))
    except GuidanceError as exc:
        raise UserError(exc.problems) from None


def read_input(path: str) -> bytes:
    """The bytes of FILE, or of stdin for '-'."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UserError(f"{path}: cannot read the file: {exc.strerror}") from None


def _guidance_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--guidance", metavar="DIR", help="a guidance folder (default: guidance/)")


@contextmanager
def opened(path: str, mode: str) -> Iterator[IO]:
    """A file opened for a command; a file that cannot be opened is one line for the user."""
    try:
        handle = open(path, mode)  # noqa: SIM115 - closed below, after the command's work
    except OSError as exc:
        doing = "write" if "w" in mode else "read"
        raise UserError(f"{path}: cannot {doing} the file: {exc.strerror}") from None
    with handle:
        yield handle


def _database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="a database URL (default: $GREENLIGHT_DATABASE_URL, secrets.toml or data/greenlight.db)",
    )


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn a database that cannot be used into one line for the user, not a traceback."""
    import sqlalchemy as sa

    from greenlight.store import SchemaError, StoreConfigError

    try:
        yield
    except (StoreConfigError, SchemaError) as exc:
        raise UserError(str(exc)) from None
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise UserError(f"the database cannot be used: {reason}") from None


def open_store(args: argparse.Namespace):
    """The store named by --database (or the configured one), as a UserError when unusable."""
    from greenlight.store import UseCaseStore

    with database_errors():
        return UseCaseStore(getattr(args, "database", None))


def cli_actor(args: argparse.Namespace, store):
    """Who a command acts as: on a local log, the --actor name (default: your login); on a
    studio log, the local administrator (store.LocalAdministrator), never a typed name."""
    from greenlight.store import LocalAdministrator

    with database_errors():
        studio = store.studio_mode()
    if not studio:
        return getattr(args, "actor", None) or _login()
    if getattr(args, "actor", None):
        raise UserError(
            "this log is in studio mode: the command line acts as the local administrator "
            "and records itself as such; leave out --actor"
        )
    return LocalAdministrator(_login())


def cli_viewer():
    """Who a command reads as: the local administrator, who sees every production."""
    from greenlight.store import LocalAdministrator

    return LocalAdministrator(_login())


def _login() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "command line"


MAX_PROBLEMS_SHOWN = 50


# Characters a terminal acts on rather than shows: C0 and C1 controls (ESC starts the
# sequences that hide, erase or move text; CR returns to the line's start), line and paragraph
# separators, and the bidirectional overrides that reorder what follows them.
_UNSHOWN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]"
)


NOTE_INDENT = " " * 6


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """Text as a terminal can only show it: each control character as its escape (\\x1b)."""
    return _UNSHOWN.sub(_escaped, text)


def note_lines(note: str) -> str:
    """A note made terminal-safe, each line after its first indented under the entry, so no
    line of a note can pass for an entry of its own."""
    lines = re.split("\r\n|\n", note)
    return f"\n{NOTE_INDENT}".join(terminal_safe(line) for line in lines)


def _actor_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--actor", metavar="NAME", help="who is acting (default: your login)")


@contextmanager
def store_errors() -> Iterator[None]:
    """A write the store or the workflow refuses, or a database that cannot be used, as one
    line for the user."""
    from greenlight.store import StoreError, TransitionError

    try:
        with database_errors():
            yield
    except (StoreError, TransitionError) as exc:
        raise UserError(str(exc)) from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse exits 2 too; keep its one-line form
        self.exit(EXIT_BAD_INPUT, f"error: {self.prog}: {message}\n")
