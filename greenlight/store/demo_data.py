"""The demo production in the log: seeded once however many processes start on an empty
log, never a place for real work, removed only on purpose, and never without a record."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from greenlight.store import access
from greenlight.store import tally as tally
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.events import DEMO_REMOVED, DEMO_SEEDED, read_events, record_event
from greenlight.store.history import stamp
from greenlight.store.records import LogEvent, NewUse, NewUses, StoreError
from greenlight.store.rows import (
    AssessedCache,
    NewRows,
    Progress,
    clean_actor,
    new_rows,
    now_utc,
)
from greenlight.store.tables import productions, uses

if TYPE_CHECKING:
    from greenlight.policy import Guidance

# An arbitrary constant: the PostgreSQL advisory lock that makes seeding the demo one at a time.
_PG_SEED_LOCK = 0x6772_6E64

# The demo's own uses are those created by whoever created the demo production (the seed);
# any other use in it is someone's real work.
_NOT_SEEDED = uses.c.created_by != productions.c.created_by


class DemoMixin:
    """Seeding and removing the demo production (a mixin of UseCaseStore, whose `engine`,
    `_insert_rows` and `_bump` it uses)."""

    engine: Engine
    _insert_rows: Callable[[Connection, int, NewRows, Progress | None], None]
    _bump: Callable[[Connection, Iterable[str]], int]

    def seed_demo_production(
        self,
        code: str,
        name: str,
        items: Sequence[NewUse],
        guidance: Guidance,
        *,
        actor: str,
    ) -> int:
        """Create the demo production `code` with these uses, all in one transaction; return
        how many were logged: 0 when it holds uses already or a real production has the code.

        Two processes seeding one empty log at once seed it once, and neither fails: the
        second waits for the first (SQLite's write lock, a PostgreSQL advisory lock), then
        finds the demo there.
        """
        actor = clean_actor(actor)
        rows = new_rows(NewUses.of(items), AssessedCache(guidance), actor)
        # Seeded by Greenlight itself on an empty log (in either mode), never by a person.
        stamp(rows.history, access.Acting(access.SYSTEM, actor))
        counted = tally.count_new(rows.uses, rows.outcomes)
        with write_transaction(self.engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_SEED_LOCK)))
            query = sa.select(productions.c.id, productions.c.is_demo)
            found = conn.execute(query.where(productions.c.code == code)).first()
            now = now_utc()
            if found is None:
                production_id = conn.execute(
                    sa.insert(productions)
                    .values(code=code, name=name, created_at=now, created_by=actor, is_demo=True)
                    .returning(productions.c.id)
                ).scalar_one()
            elif not found.is_demo or _count(conn, uses.c.production_id == found.id):
                return 0  # a real production took the code, or the demo is there already
            else:
                production_id = found.id
            self._insert_rows(conn, production_id, rows, None)
            tally.apply(conn, counted, production_id)
            record_event(conn, now, actor, DEMO_SEEDED, f"{code} ({name})", len(items))
            self._bump(conn, [code])
        return len(items)

    def remove_demo_productions(self, *, actor: access.Actor = "", confirm: bool = False) -> int:
        """Delete every demo production with all its uses and history; return the uses removed.

        Refused without `confirm`, without an `actor`, and while a demo production holds a
        use its seed did not make (someone's real work). Leaves a "demo removed" event: who,
        when, which productions and how many uses. The only real deletion in the store:
        logged uses of real productions are archived. In studio mode, a studio admin's act.
        """
        if not confirm:
            raise StoreError(
                "removing the demo deletes its uses and their history for good: confirm it "
                "to go ahead (nothing was removed)"
            )
        with write_transaction(self.engine) as conn:
            who = access.acting(conn, actor)
            access.require_admin(who, "remove the demo data")
            actor = who.name
            demo = conn.execute(
                sa.select(productions.c.id, productions.c.code, productions.c.name)
                .where(productions.c.is_demo)
                .order_by(productions.c.code)
                .with_for_update()
            ).all()
            if not demo:
                return 0
            ids = [row.id for row in demo]
            demo_uses = uses.c.production_id.in_(ids)
            # Locked first, so no other writer changes a use between its count and its removal.
            conn.execute(sa.select(uses.c.id).where(demo_uses).with_for_update())
            real = _count(conn, demo_uses & _NOT_SEEDED)
            if real:
                codes = ", ".join(row.code for row in demo)
                raise StoreError(
                    f"the demo production {codes} holds {real} use{'s' if real != 1 else ''} "
                    "that someone logged there, not demo data: nothing was removed, so that "
                    "work and its history are kept (Export CSV copies them for a production "
                    "of your own)"
                )
            removed = _count(conn, demo_uses)
            tally.add_counted(conn, demo_uses, -1)
            tally.drop_empty(conn)
            conn.execute(sa.delete(productions).where(productions.c.id.in_(ids)))
            subject = ", ".join(f"{row.code} ({row.name})" for row in demo)
            record_event(conn, now_utc(), actor, DEMO_REMOVED, subject, removed)
            self._bump(conn, [row.code for row in demo])
        return removed

    def events(self) -> list[LogEvent]:
        """Everything recorded about the log as a whole (the demo seeded, removed), oldest
        first."""
        with read_transaction(self.engine) as conn:
            return read_events(conn)


def _count(conn: Connection, condition: sa.ColumnElement[bool]) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(uses.join(productions, productions.c.id == uses.c.production_id))
        .where(condition)
    )
    return int(conn.execute(query).scalar_one())
