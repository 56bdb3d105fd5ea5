"""The review desk: the uses awaiting the studio's decision that a reviewer may take, oldest
first, read through the indexes of uses by wait (tables.AWAITING_INDEXES) and never more than
a page of them.

A use awaits a decision while it is submitted or escalated (workflow.OPEN_STATUSES); its
`awaiting_since` is when it entered that state, kept through an escalation
(workflow.awaiting_since), so the days it has waited are the production's, not the reviewer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.store import access
from greenlight.store.database import read_transaction
from greenlight.store.records import StoreError, to_db_time, utc
from greenlight.store.tables import productions, use_history, uses

DESK_PAGE = 50  # the first screen
MAX_DESK_ROWS = 1000


@dataclass(frozen=True)
class DeskItem:
    """One use on the review desk."""

    id: str
    production_code: str
    production_name: str
    title: str
    level: str
    status: str
    reason_rules: tuple[str, ...]
    awaiting_since: datetime
    version: int
    yours: bool  # the viewer created or changed it, so another reviewer decides


@dataclass(frozen=True)
class Desk:
    """The first `limit` uses awaiting a decision, how many await in all, and how many
    have waited since before `overdue_before`."""

    items: tuple[DeskItem, ...]
    total: int
    overdue: int
    productions: tuple[str, ...] | None  # the codes it covers; None: every production


def _reviewed(conn: Connection, who: access.Acting) -> list[int] | None:
    """The ids of the productions whose decisions `who` takes (None: every production)."""
    if who.sees_all:
        return None
    found = sorted(pid for role, pid in who.roles if role in access.ACTIONS["decide"].roles)
    if not found:
        raise access.NotPermitted(
            f"{who.name} has no review desk: it lists what waits for a studio reviewer's "
            "decision; ask a studio admin for the reviewer role of a production"
        )
    return found


class DeskMixin:
    """UseCaseStore's review desk (a mixin: needs `self.engine`)."""

    engine: Any

    def review_desk(
        self, viewer: access.Actor, *, limit: int = DESK_PAGE, overdue_before: datetime
    ) -> Desk:
        """The uses awaiting a decision in the productions `viewer` reviews (every one for
        a studio admin, the command line, or anyone on a local log), oldest first, not
        archived; NotPermitted for a signed-in person who reviews none."""
        if not 1 <= limit <= MAX_DESK_ROWS:
            raise StoreError(f"the desk shows 1 to {MAX_DESK_ROWS} uses at a time, not {limit}")
        cutoff = to_db_time(overdue_before)
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            scope = _reviewed(conn, who)
            waiting = sa.and_(
                uses.c.awaiting_since.is_not(None),
                uses.c.archived == sa.false(),
                *(() if scope is None else (uses.c.production_id.in_(scope),)),
            )
            page = (
                sa.select(uses.c.id)
                .where(waiting)
                .order_by(uses.c.awaiting_since, uses.c.id)
                .limit(limit)
                .subquery()
            )
            rows = conn.execute(
                sa.select(
                    uses.c.id, productions.c.code, productions.c.name, uses.c.title,
                    uses.c.level, uses.c.status, uses.c.reason_rules, uses.c.awaiting_since,
                    uses.c.version,
                )
                .select_from(
                    page.join(uses, uses.c.id == page.c.id).join(
                        productions, productions.c.id == uses.c.production_id
                    )
                )
                .order_by(uses.c.awaiting_since, uses.c.id)
            ).all()  # fmt: skip
            counted = sa.select(
                sa.func.count(),
                sa.func.count().filter(uses.c.awaiting_since < cutoff),
            ).where(waiting)
            total, overdue = conn.execute(counted).one()
            yours = _authored(conn, who, [r.id for r in rows])
            codes = None
            if scope is not None:
                query = sa.select(productions.c.code).where(productions.c.id.in_(scope))
                codes = tuple(conn.execute(query.order_by(productions.c.code)).scalars())
        items = tuple(
            DeskItem(
                r.id, r.code, r.name, r.title, r.level, r.status,
                tuple(rule for rule in r.reason_rules.split(";") if rule),
                utc(r.awaiting_since), r.version, r.id in yours,
            )
            for r in rows
        )  # fmt: skip
        return Desk(items, int(total), int(overdue), codes)


def _authored(conn: Connection, who: access.Acting, ids: list[str]) -> set[str]:
    """Which of these uses the signed-in `who` created or changed (access.authored, for a
    page of them in one query)."""
    if who.person_id is None or not ids:
        return set()
    query = sa.select(use_history.c.use_id).where(
        use_history.c.use_id.in_(ids),
        use_history.c.person_id == who.person_id,
        use_history.c.field.not_in(access.NOT_AUTHORSHIP),
    )
    return set(conn.execute(query.distinct()).scalars())
