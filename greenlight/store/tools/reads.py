"""The registry on the review desk and the overview, and the review-due sweep.

store.tools_due(viewer=ana)                    # reviews due within 30 days, or past
store.sweep_tool_reviews(engine)               # re-assess uses of tools that lapsed
store.uses_by_tool(f, viewer=ana)              # [ToolUses], most used first
store.uses_by_tool_tier(f, viewer=ana)         # {tier: uses}, a use counted at its weakest
store.tools_at_level(f, "approval", viewer=ana)  # the tools most used at that level
store.uses_naming_tool("T-000001", viewer=ana)   # UsePage: the uses that name it, newest first
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from greenlight.ledger import TOOL_TIERS, workflow_tier
from greenlight.store import access
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.filters import where
from greenlight.store.queries import ALL_USES
from greenlight.store.records import (
    SUMMARY_COLUMNS,
    ReassessResult,
    UseFilter,
    UsePage,
    UseSummary,
    utc,
)
from greenlight.store.rows import now_utc
from greenlight.store.studio_tables import log_settings
from greenlight.store.tables import productions, uses
from greenlight.store.tools.reassess import reassess_tools
from greenlight.store.tools.records import (
    SWEPT_SETTING,
    TOOL_SELECT,
    ToolRecord,
    ToolUses,
    load_workflows,
    record_of,
    review_due_days,
    visible_where,
)
from greenlight.store.tools.tables import tools, use_tools, workflow_steps, workflows

if TYPE_CHECKING:
    from greenlight.policy import Engine as PolicyEngine

# The level whose tools the overview lists as "most used at written approval".
WRITTEN_APPROVAL = "approval"
SWEEPER = access.Acting(access.SYSTEM, "Greenlight (review-due sweep)")


class ToolReadsMixin:
    """The registry's desk, overview and sweep (a mixin of UseCaseStore)."""

    engine: Engine

    def tools_due(
        self, *, viewer: access.Actor, within_days: int | None = None, today: date | None = None
    ) -> list[ToolRecord]:
        """The tools `viewer` may read whose review is due within `within_days`
        (review_due_days()) of `today`, or past due; soonest first."""
        today = today or now_utc().date()
        days = review_due_days() if within_days is None else within_days
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            query = TOOL_SELECT.where(
                tools.c.review_due <= today + timedelta(days=days),
                tools.c.state != "not_allowed",  # nothing to renew: not used anyway
                visible_where(who, tools.c.production_id),
            ).order_by(tools.c.review_due, tools.c.id)
            return [record_of(row) for row in conn.execute(query)]

    def sweep_tool_reviews(
        self, engine: PolicyEngine, *, today: date | None = None
    ) -> ReassessResult:
        """Re-assess the uses of every tool whose review fell past due since the last
        sweep (up to `today`); history names Greenlight. A sweep of a day already swept
        costs one query."""
        today = today or now_utc().date()
        name = log_settings.c.name
        with read_transaction(self.engine) as conn:
            last = conn.execute(sa.select(log_settings.c.value).where(name == SWEPT_SETTING))
            last = last.scalar()
        if last is not None and date.fromisoformat(last) >= today:
            return ReassessResult(0, 0, 0, ())
        # A review due on day D lapses on D + 1: due dates before today lapsed by now.
        lapsed = tools.c.review_due < today
        if last is not None:
            lapsed = sa.and_(lapsed, tools.c.review_due >= date.fromisoformat(last))
        with read_transaction(self.engine) as conn:
            rows = conn.execute(sa.select(tools.c.id, tools.c.name).where(lapsed)).all()
        result = ReassessResult(0, 0, 0, ())
        if rows:
            names = ", ".join(f"{r.name} ({r.id})" for r in rows[:5])
            why = f"re-assessed: the review of {names}{' ...' if len(rows) > 5 else ''} is past due"
            result = reassess_tools(self, engine, [r.id for r in rows], SWEEPER, why, day=today)
        with write_transaction(self.engine) as conn:
            done = conn.execute(
                sa.update(log_settings)
                .where(name == SWEPT_SETTING)
                .values(value=today.isoformat(), changed_at=now_utc(), changed_by=SWEEPER.name)
            )
            if done.rowcount == 0:
                conn.execute(
                    sa.insert(log_settings).values(
                        name=SWEPT_SETTING,
                        value=today.isoformat(),
                        changed_at=now_utc(),
                        changed_by=SWEEPER.name,
                    )  # fmt: skip
                )
        return result

    def _link_counts(self, f: UseFilter, viewer, day: date) -> tuple[dict, dict, dict]:
        """(uses by link id, the tools and workflows they name, the tier of each link)."""
        with read_transaction(self.engine) as conn:
            scoped = _scoped(conn, f, viewer)
            n = sa.func.count(sa.distinct(use_tools.c.use_id))
            query = (
                sa.select(use_tools.c.link_id, n)
                .select_from(use_tools)
                .where(_among(scoped))
                .group_by(use_tools.c.link_id)
            )
            counts = dict(conn.execute(query).all())
            return counts, *self._tiers(conn, counts, day)

    @staticmethod
    def _tiers(conn, links, day: date) -> tuple[dict, dict]:
        flows = load_workflows(conn, workflows.c.id.in_(sorted(links)))
        ids = set(links) | {s for w in flows.values() for s in w.steps}
        rows = conn.execute(TOOL_SELECT.where(tools.c.id.in_(sorted(ids))))
        kit = {row.id: record_of(row).tool for row in rows}
        tiers = {k: t.tier_on(day) for k, t in kit.items()}
        tiers.update({k: workflow_tier(w, kit, day) for k, w in flows.items()})
        names = {k: t.name for k, t in kit.items()} | {k: w.name for k, w in flows.items()}
        return names, tiers

    def uses_by_tool(
        self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None
    ) -> list[ToolUses]:
        """How many uses (of those `viewer` may see) name each tool or workflow, most
        first; "other" is a tool outside the registry."""
        counts, names, tiers = self._link_counts(f, viewer, now_utc().date())
        found = [
            ToolUses(k, names.get(k, "a tool outside the registry"), tiers.get(k, "unknown"), n)
            for k, n in counts.items()
        ]
        return sorted(found, key=lambda t: (-t.uses, t.name.lower(), t.id))

    def uses_by_tool_tier(
        self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None
    ) -> dict[str, int]:
        """How many uses (of those `viewer` may see) name tools of each tier, a use counted
        once, at the weakest tier it names (a lapsed review or "other": unknown)."""
        day = now_utc().date()
        with read_transaction(self.engine) as conn:
            scoped = _scoped(conn, f, viewer)
            links = sa.select(use_tools.c.link_id).distinct()
            _, tiers = self._tiers(conn, list(conn.execute(links).scalars()), day)
            order = list(TOOL_TIERS)
            rank = sa.case(
                {k: order.index(t) for k, t in tiers.items()},
                value=use_tools.c.link_id,
                else_=order.index("unknown"),
            ) if tiers else sa.literal(order.index("unknown"))  # fmt: skip
            per_use = (
                sa.select(sa.func.max(rank).label("rank"))
                .select_from(use_tools)
                .where(_among(scoped))
                .group_by(use_tools.c.use_id)
                .subquery()
            )
            rows = conn.execute(
                sa.select(per_use.c.rank, sa.func.count()).group_by(per_use.c.rank)
            ).all()
        counted = {order[r]: int(n) for r, n in rows}
        return {tier: counted.get(tier, 0) for tier in order}

    def tools_at_level(
        self,
        f: UseFilter = ALL_USES,
        level: str = WRITTEN_APPROVAL,
        *,
        viewer: access.Actor | None = None,
        limit: int = 10,
    ) -> list[ToolUses]:
        """The tools and workflows named by the most uses at `level` (written approval by
        default) among those `viewer` may see, most first."""
        leveled = f if f.levels else replace(f, levels=(level,))
        return self.uses_by_tool(leveled, viewer=viewer)[:limit]

    def uses_naming_tool(
        self, link_id: str, *, viewer: access.Actor | None = None, limit: int = 50
    ) -> UsePage:
        """The uses (of those `viewer` may see, archived too) that name this tool, directly
        or through a workflow containing it, or this workflow: newest first, at most
        `limit`, with how many there are."""
        link_id = str(link_id)
        flows = sa.select(workflow_steps.c.workflow_id).where(workflow_steps.c.tool_id == link_id)
        named = sa.select(use_tools.c.use_id).where(
            sa.or_(use_tools.c.link_id == link_id, use_tools.c.link_id.in_(flows))
        )
        columns = [
            productions.c.code.label("production_code")
            if name == "production_code"
            else uses.c[name]
            for name in SUMMARY_COLUMNS
        ]
        with read_transaction(self.engine) as conn:
            scoped = _scoped(conn, UseFilter(archived=None), viewer)
            conditions = (*where(scoped), uses.c.id.in_(named))
            joined = uses.join(productions, productions.c.id == uses.c.production_id)
            rows = conn.execute(
                sa.select(*columns)
                .select_from(joined)
                .where(*conditions)
                .order_by(uses.c.created_at.desc(), uses.c.id.desc())
                .limit(limit)
            ).mappings()
            found = tuple(
                UseSummary(**{**row, "created_at": utc(row["created_at"]),
                              "updated_at": utc(row["updated_at"])})
                for row in rows
            )  # fmt: skip
            total = conn.execute(
                sa.select(sa.func.count()).select_from(joined).where(*conditions)
            ).scalar_one()
        return UsePage(rows=found, total=int(total), offset=0, limit=limit)


def _among(scoped: UseFilter) -> sa.ColumnElement[bool]:
    """A use_tools row whose use is among `scoped`, looked up by the use's key: the counts
    then read the links (as many as the uses that name tools), never every use in the log,
    which SQLite's planner chose to scan with the join the other way round."""
    return sa.exists().where(uses.c.id == use_tools.c.use_id, *where(scoped))


def _scoped(conn, f: UseFilter, viewer: access.Actor | None) -> UseFilter:
    """`f` narrowed to what `viewer` may see, as the other overview reads narrow it."""
    return access.scoped(conn, access.acting(conn, viewer, reading=True), f)
