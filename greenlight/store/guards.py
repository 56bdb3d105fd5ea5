"""The guards of a write that came from a form: the version its person was shown, and the
form's own token, so no write lands on a use that has moved on and no form logs twice."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.store.records import AlreadyLogged, StoreError
from greenlight.store.tables import uses


def check_version(expected_version: object) -> None:
    """StoreError unless `expected_version` is None or a version number (1 or more)."""
    if expected_version is None:
        return
    if (
        not isinstance(expected_version, int)
        or isinstance(expected_version, bool)
        or expected_version < 1
    ):
        raise StoreError(
            f"version {expected_version!r}: give the use's version as a whole number from 1"
        )


def already_logged(conn: Connection, submissions: Iterable[str | None]) -> None:
    """AlreadyLogged, naming the use, if any of these form tokens logged a use before."""
    tokens = sorted({token for token in submissions if token})
    if not tokens:
        return
    found = conn.execute(
        sa.select(uses.c.id).where(uses.c.submission.in_(tokens)).order_by(uses.c.id).limit(1)
    ).first()
    if found is not None:
        raise AlreadyLogged(found.id)
