"""The record of what happened to the log as a whole rather than to one use: the demo seeded,
the demo removed. A removal deletes uses with their history, so this row is what is left of
them: who, when, which productions and how many uses."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.store.records import LogEvent, utc
from greenlight.store.tables import log_events

DEMO_SEEDED = "demo seeded"
DEMO_REMOVED = "demo removed"


def record_event(
    conn: Connection, at: datetime, actor: str, action: str, subject: str, uses: int, note=""
) -> None:
    """Add one event to the log's record, in the caller's transaction."""
    conn.execute(
        sa.insert(log_events).values(
            at=at, actor=actor, action=action, subject=subject, uses=uses, note=note
        )
    )


def read_events(conn: Connection) -> list[LogEvent]:
    """Every recorded event, oldest first."""
    rows = conn.execute(sa.select(log_events).order_by(log_events.c.id)).all()
    return [
        LogEvent(r.id, utc(r.at), r.actor, r.action, r.subject, int(r.uses), r.note) for r in rows
    ]
