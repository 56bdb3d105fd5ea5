"""Where a studio contact should look first: the uses awaiting a decision, oldest first, and
the productions by what they hold (uses, written-approval uses, awaiting, oldest wait).

Both stay flat in the log's size. The awaiting list walks an index on the time each use
began to wait (tables.AWAITING_INDEXES) and stops at its LIMIT; the table by production sums
the production tally and probes the second index once per production for its oldest wait.
Only a filter the production tally cannot answer (dates, departments, ...) groups the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.store import access
from greenlight.store.filters import demo_production_ids, where
from greenlight.store.records import UseFilter, utc
from greenlight.store.tables import production_tally, productions, uses

MAX_AWAITING = 200
_EVERY_USE = UseFilter()  # every live use of every production
PRODUCTION_COLUMNS = [
    "production",
    "name",
    "is_demo",
    "uses",
    "approval",
    "awaiting",
    "oldest_wait",
]


@dataclass(frozen=True)
class AwaitingUse:
    """A use awaiting the studio's decision, as the overview lists it."""

    id: str
    title: str
    production_code: str
    production_name: str
    level: str
    status: str
    awaiting_since: datetime  # aware UTC


def awaiting_uses(conn: Connection, f: UseFilter, limit: int = 10) -> tuple[AwaitingUse, ...]:
    """The live uses the filter selects that await a decision, longest waiting first."""
    if not 1 <= limit <= MAX_AWAITING:
        raise ValueError(f"list 1 to {MAX_AWAITING} awaiting uses, not {limit}")
    f = replace(f, archived=False, statuses=())  # awaiting_since says which await
    query = (
        sa.select(
            uses.c.id,
            uses.c.title,
            productions.c.code,
            productions.c.name,
            uses.c.level,
            uses.c.status,
            uses.c.awaiting_since,
        )
        .select_from(uses.join(productions, productions.c.id == uses.c.production_id))
        .where(*where(f), uses.c.awaiting_since.is_not(None))
        .order_by(uses.c.awaiting_since, uses.c.id)
        .limit(limit)
    )
    return tuple(
        AwaitingUse(*row[:-1], awaiting_since=utc(row[-1])) for row in conn.execute(query).all()
    )


def _tally_answers(f: UseFilter) -> bool:
    """Whether the production tally holds every dimension the filter selects by."""
    return not any(
        (f.date_from, f.date_to, f.departments, f.use_case_types, f.text, f.reasons, f.principles)
    )


def _counts(conn: Connection, f: UseFilter) -> list:
    """(production id, uses, written-approval uses, awaiting uses) for the filter, summed in
    SQL: from the production tally when it can answer, else from the rows."""
    if _tally_answers(f):
        t = production_tally
        conditions = [] if f.archived is None else [t.c.archived == f.archived]
        if f.productions:
            chosen = sa.select(productions.c.id).where(productions.c.code.in_(f.productions))
            conditions.append(t.c.production_id.in_(chosen.scalar_subquery()))
        elif f.without_demo:
            conditions.append(t.c.production_id.not_in(demo_production_ids()))
        if f.levels:
            conditions.append(t.c.level.in_(f.levels))
        if f.statuses:
            conditions.append(t.c.status.in_(f.statuses))
        source, level, status, n = t, t.c.level, t.c.status, t.c.uses
        production_id = t.c.production_id
    else:
        source, level, status, n = uses, uses.c.level, uses.c.status, sa.literal(1)
        production_id = uses.c.production_id
        conditions = where(f)

    def total(condition=None):
        counted = n if condition is None else sa.case((condition, n), else_=0)
        return sa.cast(sa.func.sum(counted), sa.BigInteger)

    query = (
        sa.select(
            production_id,
            total(),
            total(level.in_(workflow.APPROVAL_REF_LEVELS)),
            total(status.in_(workflow.OPEN_STATUSES)),
        )
        .select_from(source)
        .where(*conditions)
        .group_by(production_id)
    )
    return list(conn.execute(query).all())


def _oldest_waits(conn: Connection, f: UseFilter, ids: list[int]) -> dict[int, datetime]:
    """Each production's oldest wait among the filter's awaiting uses: one index probe each."""
    if not ids:
        return {}
    inner = replace(f, productions=(), without_demo=False, statuses=())
    oldest = (
        sa.select(sa.func.min(uses.c.awaiting_since))
        .where(
            uses.c.production_id == productions.c.id,
            *where(inner),
            uses.c.awaiting_since.is_not(None),
        )
        .correlate(productions)
        .scalar_subquery()
    )
    query = sa.select(productions.c.id, oldest).where(productions.c.id.in_(ids))
    return {pid: utc(at) for pid, at in conn.execute(query).all() if at is not None}


def production_attention(conn: Connection, f: UseFilter):
    """The filter's productions with uses: DataFrame[PRODUCTION_COLUMNS], one row each, where
    `approval` counts uses at a level that needs written approval, `awaiting` those in an
    open status, and `oldest_wait` is when the longest waiting of them began to wait."""
    import pandas as pd

    totals = {pid: (int(n), int(a), int(w)) for pid, n, a, w in _counts(conn, f) if n}
    waiting = [pid for pid, row in totals.items() if row[2]]
    oldest = _oldest_waits(conn, f, waiting)
    names = sa.select(
        productions.c.id, productions.c.code, productions.c.name, productions.c.is_demo
    )
    rows = []
    for pid, code, name, is_demo in conn.execute(names.where(productions.c.id.in_(list(totals)))):
        uses_n, approval, awaiting = totals[pid]
        rows.append((code, name, bool(is_demo), uses_n, approval, awaiting, oldest.get(pid)))
    rows.sort(key=lambda row: row[0])
    return pd.DataFrame(rows, columns=PRODUCTION_COLUMNS)


class AttentionQueries:
    """UseCaseStore's reads of what needs attention (a mixin: needs `self.engine`)."""

    engine: sa.engine.Engine

    def awaiting_uses(
        self, f: UseFilter = _EVERY_USE, limit: int = 10, *, viewer: access.Actor | None = None
    ):
        """The live uses awaiting a decision, longest waiting first (AwaitingUse records),
        among those `viewer` may see."""
        with self.engine.connect() as conn:
            return awaiting_uses(conn, _seen_by(conn, f, viewer), limit)

    def production_attention(
        self, f: UseFilter = _EVERY_USE, *, viewer: access.Actor | None = None
    ):
        """Uses, written-approval uses, awaiting uses and the oldest wait per production,
        for the productions `viewer` may see."""
        with self.engine.connect() as conn:
            return production_attention(conn, _seen_by(conn, f, viewer))


def _seen_by(conn: Connection, f: UseFilter, viewer: access.Actor | None) -> UseFilter:
    return access.scoped(conn, access.acting(conn, viewer, reading=True), f)
