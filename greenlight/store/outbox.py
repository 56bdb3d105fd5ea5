"""The outbox: the notification e-mails a change calls for, written by the store in the
change's own transaction (so no change is without its notices, and no notice without its
change), then handed to whoever sends them and marked sent or failed, with the reason.

Who is told is decided here, from the roles: the reviewers of the use's production when it
is submitted or escalated (the studio admins when the production has no reviewer), and its
author when the studio decides on it; never the person who made the change, and only
people with an e-mail (signed-in people: a local, one-person log has none). Uses imported
from a file and uses a re-assessment reopens are not announced one by one (a file of
thousands would be thousands of e-mails): the review desk lists them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.store import access
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.records import StoreError, utc
from greenlight.store.rows import now_utc
from greenlight.store.studio_tables import outbox, people, role_grants
from greenlight.store.tables import productions, use_history

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
# A claim older than this was lost with the process that made it (a server stopped mid-send):
# the notice is sent again rather than never.
STALE_CLAIM = timedelta(minutes=15)


@dataclass(frozen=True)
class OutboxNotice:
    """One notification e-mail as the outbox holds it."""

    id: int
    kind: str
    use_id: str
    recipient: str
    title: str
    level: str
    production: str
    decision: str
    state: str
    attempts: int
    created_at: datetime
    tried_at: datetime | None
    error: str


@dataclass(frozen=True)
class OutboxState:
    """What a studio admin needs to know of the outbox: how many notices wait and failed,
    and the latest failures."""

    pending: int
    failed: int
    failures: tuple[OutboxNotice, ...]


def notice_kind(old: str, new: str) -> str | None:
    """The notice a status change calls for (None: none)."""
    if new in workflow.OPEN_STATUSES and old != new:
        return new  # "submitted" or "escalated"
    if new in workflow.DECIDED_STATUSES:
        return "decided"
    return None


def _production_words(use: dict) -> str:
    return f"{use['production_name']} ({use['production_code']})"


def _reviewers(conn: Connection, production_id: int) -> list[tuple[int, str]]:
    def holders(*where) -> list[tuple[int, str]]:
        query = (
            sa.select(people.c.id, people.c.email)
            .select_from(people.join(role_grants, role_grants.c.person_id == people.c.id))
            .where(*where)
            .distinct()
            .order_by(people.c.email)
        )
        return [(r.id, r.email) for r in conn.execute(query)]

    found = holders(role_grants.c.role == "reviewer", role_grants.c.production_id == production_id)
    return found or holders(role_grants.c.role == access.ADMIN)


def _author(conn: Connection, use_id: str) -> list[tuple[int, str]]:
    query = (
        sa.select(people.c.id, people.c.email)
        .select_from(use_history.join(people, people.c.id == use_history.c.person_id))
        .where(use_history.c.use_id == use_id, use_history.c.field == "created")
        .limit(1)
    )
    return [(r.id, r.email) for r in conn.execute(query)]


def queue_notices(
    conn: Connection, use: dict, kind: str | None, who: access.Acting, *, decision: str = ""
) -> int:
    """Write the outbox rows of a change of `use` (its row, with its production's id, code
    and name, as the change leaves it) by `who`; return how many."""
    if kind is None:
        return 0
    to = _author(conn, use["id"]) if kind == "decided" else _reviewers(conn, use["production_id"])
    now = now_utc()
    rows = [
        {
            "created_at": now, "kind": kind, "use_id": use["id"], "recipient": email,
            "title": use["title"], "level": use["level"], "production": _production_words(use),
            "decision": decision, "state": PENDING, "attempts": 0, "tried_at": None, "error": "",
        }
        for person_id, email in to
        if person_id != who.person_id
    ]  # fmt: skip
    if rows:
        conn.execute(sa.insert(outbox), rows)
    return len(rows)


def _notice(row: Any) -> OutboxNotice:
    m = row._mapping
    return OutboxNotice(
        **{name: m[name] for name in OutboxNotice.__dataclass_fields__ if name in m}
        | {"created_at": utc(m["created_at"]), "tried_at": utc(m["tried_at"]) if m["tried_at"] else None}
    )  # fmt: skip


class OutboxMixin:
    """UseCaseStore's outbox (a mixin: needs `self.engine`). Claiming and marking notices is
    the sender's work, not a person's: it reads and writes nothing but the outbox."""

    engine: Any

    def claim_notices(self, *, limit: int = 100, retry_failed: bool = False) -> list[OutboxNotice]:
        """Take up to `limit` notices to send, oldest first: every pending one, a claim
        left behind (STALE_CLAIM), and failed ones too with `retry_failed`. Each is marked
        as being sent, so two senders never send one notice twice."""
        check_limit(limit)
        now = now_utc()
        wanted = [outbox.c.state == PENDING]
        wanted.append((outbox.c.state == SENDING) & (outbox.c.tried_at < now - STALE_CLAIM))
        if retry_failed:
            wanted.append(outbox.c.state == FAILED)
        due = sa.or_(*wanted)
        with write_transaction(self.engine) as conn:
            ids = list(
                conn.execute(sa.select(outbox.c.id).where(due).order_by(outbox.c.id).limit(limit))
                .scalars()
            )  # fmt: skip
            if not ids:
                return []
            # Re-checked in the update: a sender that took a row meanwhile keeps it.
            claimed = conn.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_(ids), due)
                .values(state=SENDING, tried_at=now, attempts=outbox.c.attempts + 1)
                .returning(*outbox.c)
            ).all()
        return sorted((_notice(r) for r in claimed), key=lambda n: n.id)

    def mark_notices(self, results: Iterable[tuple[int, bool, str]]) -> None:
        """Record what became of claimed notices: (id, sent, reason it failed)."""
        results = list(results)
        if not results:
            return
        with write_transaction(self.engine) as conn:
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.id == sa.bindparam("n_id"))
                .values(state=sa.bindparam("n_state"), error=sa.bindparam("n_error")),
                [
                    {"n_id": i, "n_state": SENT if sent else FAILED, "n_error": "" if sent else why}
                    for i, sent, why in results
                ],
            )

    def outbox_state(self, viewer: access.Actor, *, limit: int = 20) -> OutboxState:
        """How many notices wait and failed, with the latest `limit` failures: for a studio
        admin (or the command line, or anyone on a local log); NotPermitted otherwise."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            access.require_admin(who, "see the notification e-mails that failed")
            counts = dict(
                conn.execute(
                    sa.select(outbox.c.state, sa.func.count())
                    .where(outbox.c.state.in_((PENDING, FAILED)))
                    .group_by(outbox.c.state)
                ).all()
            )
            failures = conn.execute(
                sa.select(outbox)
                .where(outbox.c.state == FAILED)
                .order_by(outbox.c.id.desc())
                .limit(limit)
            ).all()
        return OutboxState(
            counts.get(PENDING, 0), counts.get(FAILED, 0), tuple(_notice(r) for r in failures)
        )

    def notices_of(self, use_id: str) -> list[OutboxNotice]:
        """Every outbox row of one use, oldest first (for tests and the command line)."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(
                sa.select(outbox).where(outbox.c.use_id == use_id).order_by(outbox.c.id)
            ).all()
        return [_notice(r) for r in rows]


def check_limit(limit: int) -> None:
    """StoreError unless `limit` is a sensible batch of notices."""
    if not 1 <= limit <= 10_000:
        raise StoreError(f"send 1 to 10,000 notices at a time, not {limit}")


def announce_new(conn: Connection, production_id: int, new: dict[str, list], who) -> None:
    """The notices of uses logged (not imported) straight into a status awaiting a decision."""
    waiting = [i for i, status in enumerate(new["status"]) if notice_kind("", status)]
    if not waiting:
        return
    production = conn.execute(
        sa.select(productions.c.code, productions.c.name).where(productions.c.id == production_id)
    ).one()
    for i in waiting:
        use = {name: new[name][i] for name in ("id", "title", "level")}
        use.update(
            production_id=production_id, production_code=production.code,
            production_name=production.name,
        )  # fmt: skip
        queue_notices(conn, use, notice_kind("", new["status"][i]), who)
