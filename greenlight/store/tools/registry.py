"""The tool and vendor registry: the part of UseCaseStore that registers tools and vendors'
workflows, reviews them, and re-assesses the uses that name them when they change.

    record = store.add_tool("Studio Firefly", "enterprise", actor=ada, vendor="Adobe")
    store.add_workflow("Crowd pipeline", "Pixel Co", [t1.id, t2.id], actor=ada)
    review = store.review_tool(record.id, engine, actor=ada, state="not_allowed")
    review.result.reopened   # approved uses whose level rose, back to submitted

A tool's change commits first; the uses that name it (directly, or through a workflow that
contains it) are then re-assessed in short transactions (store.tools.reassess), so other
writers wait for one batch at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import IO, TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from greenlight.ledger import (
    TERMS,
    Tool,
    ToolError,
    Workflow,
    add_months,
    check_steps,
    check_tool,
    workflow_tier,
)
from greenlight.store import access
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.records import NotFound, ReassessResult, StoreError
from greenlight.store.rows import clean_note, now_utc
from greenlight.store.tools import reassess as reassess_uses
from greenlight.store.tools.records import (
    TOOL_COLUMNS,
    TOOL_SELECT,
    RegistryChoice,
    ToolChange,
    ToolRecord,
    load_workflows,
    record_of,
    require_editor,
    review_months,
    tool_of,
    visible,
    visible_where,
)
from greenlight.store.tools.tables import tool_history, tools, workflow_steps, workflows

if TYPE_CHECKING:
    from greenlight.policy import Engine as PolicyEngine

# The PostgreSQL advisory lock that serialises new registry ids (SQLite has one writer).
_PG_ID_LOCK = 0x746F_6F6C
# The fields whose change re-assesses the uses of a tool: what decides its facts' answers,
# and what their sources say (the review's date and reviewer); the rest are descriptions.
_ASSESSED = (
    "tier", "state", "review_due", "enterprise_secured", *TERMS, "name", "state_note",
    "reviewed_on", "reviewed_by",
)  # fmt: skip
# Of those, the ones a use's history note names (a renewed review's date is no news).
_NAMED = ("tier", "state", "enterprise_secured", *TERMS)


@dataclass(frozen=True)
class ToolReview:
    """A tool after a review, and what re-assessing its uses did."""

    tool: ToolRecord
    result: ReassessResult


def _next_id(conn: Connection, table: sa.Table, prefix: str) -> str:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_ID_LOCK)))
    last = conn.execute(sa.select(sa.func.max(table.c.id))).scalar()
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class ToolsMixin:
    """The registry (a mixin of UseCaseStore: needs `self.engine`, `_production_id`)."""

    engine: Engine

    def _owner(self, conn: Connection, production: str | None) -> int | None:
        return None if production is None else self._production_id(conn, production)

    def add_tool(
        self,
        name: str,
        tier: str,
        *,
        actor: access.Actor,
        production: str | None = None,
        reviewed_on: date | None = None,
        review_due: date | None = None,
        evidence: tuple[str, IO[bytes] | bytes] | None = None,
        **details: str,
    ) -> ToolRecord:
        """Register a tool (studio-wide, or `production`'s own) reviewed today by `actor`
        (or on `reviewed_on`); its review falls due `review_months()` later unless
        `review_due` is given. `details`: vendor, version, state, state_note, retention,
        runs_in, enterprise_secured and the TERMS (yes/no/unknown). `evidence`: (file name,
        stream) of the terms or agreement, attached in the same transaction (all or nothing).
        StoreError for a bad value or file, NotPermitted unless `actor` may
        (records.require_editor)."""
        unknown = set(details) - set(TOOL_COLUMNS) - {"name", "tier"}
        if unknown or {"reviewed_by"} & set(details):
            raise StoreError(f"a tool has no detail {sorted(unknown or {'reviewed_by'})[0]!r}")
        received = self._receive_evidence(evidence[1], evidence[0]) if evidence else None
        with write_transaction(self.engine) as conn:
            owner = self._owner(conn, production)
            who = access.acting(conn, actor)
            require_editor(who, owner, production)
            reviewed_on = reviewed_on or now_utc().date()
            due = review_due or add_months(reviewed_on, review_months())
            tool = Tool(
                id="", name=" ".join(name.split()), tier=tier, reviewed_by=who.name,
                reviewed_on=reviewed_on, review_due=due, production=production,
                **{k: v.strip() for k, v in details.items()},
            )  # fmt: skip
            _checked(tool)
            tool_id = _next_id(conn, tools, "T-")
            now = now_utc()
            values = {name: getattr(tool, name) for name in TOOL_COLUMNS}
            conn.execute(
                sa.insert(tools).values(
                    id=tool_id,
                    production_id=owner,
                    created_at=now,
                    created_by=who.name,
                    updated_at=now,
                    updated_by=who.name,
                    row_version=1,
                    **values,
                )  # fmt: skip
            )
            _history(conn, tool_id, who, [("created", None, tool.name)], "")
            if received is not None:
                self._attach_evidence(conn, who, "tool", tool_id, evidence[0], received)
            self._bump(conn, [])
        return self.get_tool(tool_id, viewer=actor)

    def may_edit_tools(self, *, viewer: access.Actor, production: str | None = None) -> bool:
        """Whether `viewer` may register and review the studio's tools (or, with
        `production`, that production's own), as add_tool and review_tool check it."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            owner = self._owner(conn, production)
            try:
                require_editor(who, owner, production)
            except access.NotPermitted:
                return False
            return True

    def get_tool(self, tool_id: str, *, viewer: access.Actor) -> ToolRecord:
        """One tool; NotFound if there is none `viewer` may read."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            row = conn.execute(TOOL_SELECT.where(tools.c.id == tool_id)).first()
            if row is None or not visible(who, row.production_id):
                raise NotFound(f"no tool with id {tool_id!r} in the registry")
            return record_of(row)

    def list_tools(
        self, *, viewer: access.Actor, production: str | None = None
    ) -> list[ToolRecord]:
        """The tools `viewer` may read, by name: the studio's, and the productions' own
        (only `production`'s, when given)."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            query = TOOL_SELECT.where(visible_where(who, tools.c.production_id))
            if production is not None:
                owner = self._production_id(conn, production)
                query = query.where(
                    sa.or_(tools.c.production_id.is_(None), tools.c.production_id == owner)
                )
            rows = conn.execute(query.order_by(sa.func.lower(tools.c.name), tools.c.id))
            return [record_of(row) for row in rows]

    def tool_history(self, tool_id: str, *, viewer: access.Actor) -> list[ToolChange]:
        """Every recorded change of a tool (its reviews' audit), oldest first."""
        self.get_tool(tool_id, viewer=viewer)  # NotFound unless the viewer may read it
        h = tool_history
        query = (
            sa.select(
                h.c.at, h.c.actor, h.c.actor_kind, h.c.field, h.c.old_value, h.c.new_value, h.c.note
            )  # fmt: skip
            .where(h.c.tool_id == tool_id)
            .order_by(h.c.id)
        )
        with read_transaction(self.engine) as conn:
            return [ToolChange(*row) for row in conn.execute(query)]

    def review_tool(
        self,
        tool_id: str,
        engine: PolicyEngine,
        *,
        actor: access.Actor,
        note: str = "",
        reviewed_on: date | None = None,
        expected_version: int | None = None,
        **changes: Any,
    ) -> ToolReview:
        """Record a review of a tool by `actor`: the `changes` given (tier, state,
        state_note, review_due, the TERMS, ...), reviewed today (or `reviewed_on`), next
        review due review_months() later unless `review_due` is given. Then re-assesses,
        with `engine`, every use of the tool or of a workflow containing it, when a field
        that decides an answer changed. StaleUse-like StoreError when `expected_version`
        is not the tool's; NotPermitted unless `actor` may."""
        unknown = set(changes) - set(TOOL_COLUMNS) - {"reviewed_by"}
        if unknown or "reviewed_by" in changes or "reviewed_on" in changes:
            raise StoreError(f"a review cannot set {sorted(unknown or {'reviewed_by'})[0]!r}")
        note = clean_note(note)
        with write_transaction(self.engine) as conn:
            row = conn.execute(
                TOOL_SELECT.where(tools.c.id == tool_id).with_for_update(of=tools)
            ).first()
            who = access.acting(conn, actor)
            if row is None or not visible(who, row.production_id):
                raise NotFound(f"no tool with id {tool_id!r} in the registry")
            require_editor(who, row.production_id, row.production_code)
            if expected_version is not None and row.row_version != expected_version:
                raise StoreError(
                    f"tool {tool_id} was changed by {row.updated_by} since you opened it: "
                    "nothing was saved; look at it again"
                )
            before = tool_of(row)
            day = reviewed_on or now_utc().date()
            due = changes.pop("review_due", None) or add_months(day, review_months())
            cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}
            after = _checked(
                replace(before, **cleaned, reviewed_by=who.name, reviewed_on=day, review_due=due)
            )
            moved = [
                (name, getattr(before, name), getattr(after, name))
                for name in TOOL_COLUMNS
                if getattr(before, name) != getattr(after, name)
            ]
            conn.execute(
                sa.update(tools)
                .where(tools.c.id == tool_id)
                .values(
                    **{name: new for name, _, new in moved},
                    updated_at=now_utc(),
                    updated_by=who.name,
                    row_version=row.row_version + 1,
                )  # fmt: skip
            )
            _history(conn, tool_id, who, moved, note)
            self._bump(conn, [])
        if any(name in _ASSESSED for name, _, _ in moved):
            why = _why(after, moved)
            result = reassess_uses.reassess_tools(self, engine, [tool_id], actor, why)
        else:
            result = ReassessResult(0, 0, 0, ())
        return ToolReview(self.get_tool(tool_id, viewer=actor), result)

    def add_workflow(
        self,
        name: str,
        vendor: str,
        steps: Sequence[str],
        *,
        actor: access.Actor,
        production: str | None = None,
    ) -> Workflow:
        """Register a vendor's workflow of registered tools (ids, in order), studio-wide or
        `production`'s own; a studio workflow's steps are studio tools. StoreError for a
        step that is not a tool the workflow may use; NotPermitted as for add_tool."""
        name = " ".join((name or "").split())
        if not name:
            raise StoreError("a workflow needs a name")
        try:
            ordered = check_steps(steps)
        except ToolError as exc:
            raise StoreError(str(exc)) from None
        with write_transaction(self.engine) as conn:
            owner = self._owner(conn, production)
            who = access.acting(conn, actor)
            require_editor(who, owner, production)
            found = dict(
                conn.execute(
                    sa.select(tools.c.id, tools.c.production_id).where(tools.c.id.in_(ordered))
                ).all()
            )
            for step in ordered:
                if step not in found or found[step] not in (None, owner):
                    where = "the studio's" if owner is None else f"{production}'s or the studio's"
                    raise StoreError(f"step {step} is not one of {where} registered tools")
            workflow_id = _next_id(conn, workflows, "W-")
            conn.execute(
                sa.insert(workflows).values(
                    id=workflow_id,
                    production_id=owner,
                    name=name,
                    vendor=vendor.strip(),
                    created_at=now_utc(),
                    created_by=who.name,
                )  # fmt: skip
            )
            conn.execute(
                sa.insert(workflow_steps),
                [
                    {"workflow_id": workflow_id, "position": n, "tool_id": step}
                    for n, step in enumerate(ordered, 1)
                ],
            )
            self._bump(conn, [])
        return Workflow(workflow_id, name, vendor.strip(), ordered, production)

    def list_workflows(
        self, *, viewer: access.Actor, production: str | None = None
    ) -> list[Workflow]:
        """The workflows `viewer` may read (only the studio's and `production`'s, when given)."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            where = visible_where(who, workflows.c.production_id)
            if production is not None:
                owner = self._production_id(conn, production)
                where = sa.and_(
                    where,
                    sa.or_(workflows.c.production_id.is_(None), workflows.c.production_id == owner),
                )
            return sorted(load_workflows(conn, where).values(), key=lambda w: w.name.lower())

    def registry_choices(
        self, production: str, *, viewer: access.Actor, day: date | None = None
    ) -> list[RegistryChoice]:
        """What a use of `production` may name in `tools:`, as the picker lists it: the
        studio's and the production's tools, then workflows, each with the state and the
        tier it counts as on `day` (today)."""
        day = day or now_utc().date()
        listed = self.list_tools(viewer=viewer, production=production)
        by_id = {record.id: record.tool for record in listed}
        choices = [
            RegistryChoice(t.id, "tool", t.name, t.vendor, t.state, t.tier_on(day), t.production)
            for t in by_id.values()
        ]
        order = ("approved", "under_review", "not_allowed")
        for w in self.list_workflows(viewer=viewer, production=production):
            states = [by_id[s].state for s in w.steps if s in by_id]
            state = max(states, key=order.index, default="under_review")
            choices.append(
                RegistryChoice(
                    w.id,
                    "workflow",
                    w.name,
                    w.vendor,
                    state,
                    workflow_tier(w, by_id, day),
                    w.production,
                    tuple(by_id[s].name if s in by_id else s for s in w.steps),
                )  # fmt: skip
            )
        return choices


def _checked(tool: Tool) -> Tool:
    try:
        return check_tool(tool)
    except ToolError as exc:
        raise StoreError(f"{exc}: nothing was saved") from None


def _history(
    conn: Connection, tool_id: str, who: access.Acting, moved: Sequence[tuple], note: str
) -> None:
    if not moved:
        return
    now = now_utc()
    conn.execute(
        sa.insert(tool_history),
        [
            {
                "tool_id": tool_id,
                "at": now,
                "actor": who.name,
                "actor_kind": who.kind,
                "person_id": who.person_id,
                "field": name,
                "old_value": _text(old),
                "new_value": _text(new),
                "note": note,
            }  # fmt: skip
            for name, old, new in moved
        ],
    )


def _why(tool: Tool, moved: Sequence[tuple]) -> str:
    """The history note of the uses a review re-assesses: the tool and what changed."""
    said = [f"{name} {old} → {new}" for name, old, new in moved if name in _NAMED]
    if not said:
        return f"re-assessed: tool {tool.name} ({tool.id}) was reviewed again"
    return f"re-assessed: tool {tool.name} ({tool.id}) changed: {', '.join(said)}"
