"""A database that cannot be used, explained: what happened and what to do, in plain words.

The app's error page (greenlight.ui) and its failed saves show these; the driver's own words go
along as a detail line. Nothing here imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from greenlight.store.database import StoreConfigError, resolve_database_url
from greenlight.store.migrations import SchemaError


@dataclass(frozen=True)
class DatabaseTrouble:
    """What went wrong with the database, for a person: `what` happened, what `to_do`."""

    what: str
    to_do: str
    detail: str  # the error's own first line, for whoever fixes it


def _detail(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines() or [""]
    return f"{type(cause).__name__}: {lines[0]}"[:500]


def _where(url: str) -> tuple[str, str, Path]:
    """(backend, what to call the database in a sentence, the SQLite file's path)."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        return "", "the database", Path()
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "").expanduser()
        return "sqlite", f"the database file {path}", path
    host = parsed.host or "localhost"
    port = parsed.port or 5432
    return parsed.get_backend_name(), f"the PostgreSQL server at {host}:{port}", Path()


def explain(exc: BaseException, url: str | None = None) -> DatabaseTrouble:
    """What `exc`, raised while opening or using the database at `url`, means for a person."""
    detail = _detail(exc)
    if isinstance(exc, StoreConfigError):
        return DatabaseTrouble(
            str(exc),
            "Correct GREENLIGHT_DATABASE_URL (or [connections.greenlight] url in "
            ".streamlit/secrets.toml), then restart the app.",
            detail,
        )
    if isinstance(exc, SchemaError):
        return DatabaseTrouble(
            str(exc),
            "Run the Greenlight version that wrote this database, or point "
            "GREENLIGHT_DATABASE_URL at another one.",
            detail,
        )
    try:
        url = url or resolve_database_url()
    except StoreConfigError:
        url = ""
    backend, name, path = _where(url)
    reason = str(getattr(exc, "orig", None) or exc).lower()
    if isinstance(exc, OSError):  # the data folder could not be made
        return DatabaseTrouble(
            f"The folder for {name} cannot be created: {exc.strerror or exc}.",
            "Create the folder and let the user running the app write to it, or set "
            "GREENLIGHT_DATABASE_URL to a database elsewhere; then reload the page.",
            detail,
        )
    if backend == "sqlite":
        return _sqlite(reason, name, path, detail)
    if backend == "postgresql":
        return _postgresql(reason, name, detail)
    return DatabaseTrouble(
        f"Something went wrong with {name}.",
        "Check the database and GREENLIGHT_DATABASE_URL, then reload the page.",
        detail,
    )


def _why_not_opened(path: Path) -> str:
    # Looking only: an explanation must not create or change anything.
    if path.is_dir():
        return "it is a folder, not a file"
    if path.exists():
        try:
            with path.open("rb"):
                pass
        except OSError as exc:
            return f"the app may not read it ({exc.strerror or exc})"
        return "the app may read it but not open it for writing, or not create its -wal file"
    if not path.parent.is_dir():
        return "its folder does not exist"
    return "it does not exist, and the app may not create it in its folder"


def _sqlite(reason: str, name: str, path: Path, detail: str) -> DatabaseTrouble:
    subject = name[0].upper() + name[1:]
    folder = path.parent
    # "can't decode": the driver could not read SQLite's own message as text, which names
    # what it found where the file's schema should be (overwritten pages).
    if any(
        words in reason
        for words in (
            "not a database",
            "malformed",
            "encrypted",
            "corrupt",
            "disk image",
            "can't decode",
        )
    ):
        return DatabaseTrouble(
            f"{subject} is damaged, or is not a Greenlight database.",
            "Stop the app and move the file aside (keep it: it may still be recovered). "
            "Then put back your last backup copy of the file, or start the app on an empty "
            "log and import your last CSV export (Use-case log, Import CSV).",
            detail,
        )
    if "readonly" in reason or "read-only" in reason:
        return DatabaseTrouble(
            f"{subject} is read-only for this app, so nothing can be saved (and nothing was).",
            f"Let the user running the app write to the file and to its folder {folder} "
            "(SQLite keeps -wal and -shm files beside the database), then reload the page.",
            detail,
        )
    if "unable to open" in reason or "permission" in reason:
        return DatabaseTrouble(
            f"{subject} cannot be opened: {_why_not_opened(path)}.",
            f"Check that the folder {folder} exists and that the user running the app may "
            "read and write both the folder and the database file in it, then reload the page.",
            detail,
        )
    if "locked" in reason or "busy" in reason:
        return DatabaseTrouble(
            f"{subject} stayed locked by another program for too long. Nothing was written.",
            "Try again in a moment. If it keeps happening, close other programs that have the "
            "file open (a database browser, a backup tool).",
            detail,
        )
    if "full" in reason or "i/o" in reason:
        return DatabaseTrouble(
            f"{subject} could not be written: the disk is full or failing. Nothing was written.",
            "Free some space on the disk that holds the database (or move it), then reload "
            "the page.",
            detail,
        )
    return DatabaseTrouble(
        f"{subject} could not be used.",
        "Check the file and its folder, then reload the page.",
        detail,
    )


def _postgresql(reason: str, name: str, detail: str) -> DatabaseTrouble:
    subject = name[0].upper() + name[1:]
    if "password" in reason or "authentication" in reason or "role" in reason:
        return DatabaseTrouble(
            f"{subject} refused the login.",
            "Check the user name and password in GREENLIGHT_DATABASE_URL, then reload.",
            detail,
        )
    if "does not exist" in reason:
        return DatabaseTrouble(
            f"{subject} has no such database.",
            "Create the database (createdb NAME) or correct its name at the end of "
            "GREENLIGHT_DATABASE_URL, then reload the page.",
            detail,
        )
    if "read-only" in reason or "permission denied" in reason:
        return DatabaseTrouble(
            f"{subject} does not let this app write. Nothing was written.",
            "Give the app's database user write access (or connect to the primary, not a "
            "read-only replica), then reload the page.",
            detail,
        )
    return DatabaseTrouble(
        f"{subject} cannot be reached.",
        "Check that the server is running and accepts connections from this machine, and "
        "that GREENLIGHT_DATABASE_URL names the right host, port and database; then reload "
        "the page.",
        detail,
    )
