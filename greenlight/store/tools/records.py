"""The registry's records and rows: what the store hands out for tools and workflows, how a
row becomes one, who may change which tool, and the settings read from the environment.

Studio-wide tools are edited by studio admins and by studio reviewers (a reviewer of any
production); a production's own tools also by that production's lead and reviewers.
Everyone signed in reads the studio-wide tools, and a production's own tools are read by
those with a role in it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.ledger import Tool, Workflow
from greenlight.store import access
from greenlight.store.records import NotFound, StoreConfigError, StoreError, utc
from greenlight.store.tables import productions
from greenlight.store.tools.tables import tools, workflow_steps, workflows

REVIEW_MONTHS_ENV = "GREENLIGHT_TOOL_REVIEW_MONTHS"
REVIEW_DUE_DAYS_ENV = "GREENLIGHT_TOOL_REVIEW_DUE_DAYS"
DEFAULT_REVIEW_MONTHS, DEFAULT_REVIEW_DUE_DAYS = 12, 30
SWEPT_SETTING = "tools_swept_on"  # log_settings: the last day the review-due sweep ran


def _setting(name: str, default: int, low: int, high: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise StoreConfigError(f"{name} is {text[:40]!r}: give a whole number {low} to {high}")
    return int(text)


def review_months() -> int:
    """How many months after a review the next one falls due ($GREENLIGHT_TOOL_REVIEW_MONTHS)."""
    return _setting(REVIEW_MONTHS_ENV, DEFAULT_REVIEW_MONTHS, 1, 120)


def review_due_days() -> int:
    """How many days ahead the review desk lists tools whose review falls due
    ($GREENLIGHT_TOOL_REVIEW_DUE_DAYS)."""
    return _setting(REVIEW_DUE_DAYS_ENV, DEFAULT_REVIEW_DUE_DAYS, 0, 3650)


@dataclass(frozen=True)
class ToolRecord:
    """A registered tool as stored: the ledger's Tool, and who changed it when."""

    tool: Tool
    version: int  # grows with every change; name it as expected_version to write
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str

    @property
    def id(self) -> str:
        return self.tool.id

    @property
    def name(self) -> str:
        return self.tool.name


@dataclass(frozen=True)
class ToolChange:
    """One row of a tool's history: a field's old and new value, who and when."""

    at: datetime
    actor: str
    actor_kind: str
    field: str
    old: str | None
    new: str | None
    note: str


@dataclass(frozen=True)
class RegistryChoice:
    """One tool or workflow a use may name, as the picker lists it, on a given day."""

    id: str
    kind: str  # "tool" or "workflow"
    name: str
    vendor: str
    state: str  # ledger.TOOL_STATES; a workflow's is its least allowed step's
    tier: str  # the tier it counts as that day (ledger.Tool.tier_on, weakest step)
    production: str | None  # None: studio-wide
    steps: tuple[str, ...] = ()  # a workflow's tool names, in order


@dataclass(frozen=True)
class ToolUses:
    """How many uses name a tool (directly or through a workflow), for the overview."""

    id: str
    name: str
    tier: str
    uses: int


TOOL_COLUMNS = (
    "name", "vendor", "version", "tier", "state", "stores_inputs", "reuses_inputs",
    "trains_on_inputs", "enterprise_secured", "retention", "runs_in", "state_note",
    "reviewed_by", "reviewed_on", "review_due",
)  # fmt: skip
TOOL_SELECT = sa.select(tools, productions.c.code.label("production_code")).select_from(
    tools.outerjoin(productions, productions.c.id == tools.c.production_id)
)


def tool_of(row: Any) -> Tool:
    """The ledger Tool of a row of TOOL_SELECT."""
    m = row._mapping
    return Tool(
        id=m["id"],
        production=m["production_code"],
        **{name: m[name] for name in TOOL_COLUMNS},
    )


def record_of(row: Any) -> ToolRecord:
    """The ToolRecord of a row of TOOL_SELECT."""
    m = row._mapping
    return ToolRecord(
        tool_of(row), m["row_version"], utc(m["created_at"]), m["created_by"],
        utc(m["updated_at"]), m["updated_by"],
    )  # fmt: skip


def load_workflows(conn: Connection, where: sa.ColumnElement[bool]) -> dict[str, Workflow]:
    """The workflows matching `where` (on the workflows table), with their steps, by id."""
    query = (
        sa.select(
            workflows.c.id,
            workflows.c.name,
            workflows.c.vendor,
            productions.c.code,
            workflow_steps.c.tool_id,
        )  # fmt: skip
        .select_from(
            workflows.join(
                workflow_steps, workflow_steps.c.workflow_id == workflows.c.id
            ).outerjoin(productions, productions.c.id == workflows.c.production_id)
        )
        .where(where)
        .order_by(workflows.c.id, workflow_steps.c.position)
    )
    found: dict[str, tuple[tuple, list[str]]] = {}
    for wid, name, vendor, code, step in conn.execute(query):
        found.setdefault(wid, ((name, vendor, code), []))[1].append(step)
    return {
        wid: Workflow(wid, name, vendor, tuple(steps), code)
        for wid, ((name, vendor, code), steps) in found.items()
    }


def visible(who: access.Acting, production_id: int | None) -> bool:
    """Whether `who` may read a tool or workflow of this production (None: studio-wide)."""
    return production_id is None or who.sees_all or production_id in who.productions()


def visible_where(who: access.Acting, column: sa.Column) -> sa.ColumnElement[bool]:
    """The registry rows `who` may read: studio-wide ones, and their productions' own."""
    if who.sees_all:
        return sa.true()
    return sa.or_(column.is_(None), column.in_(sorted(who.productions())))


def require_editor(who: access.Acting, production_id: int | None, code: str | None) -> None:
    """NotPermitted unless `who` may add or review a tool of this production (None: the
    studio's): a studio admin or reviewer; for a production's own, its lead too."""
    if who.sees_all:
        return
    if production_id is None:
        if any(role == "reviewer" for role, _ in who.roles):
            return
        raise access.NotPermitted(
            f"{who.name} may not register or review the studio's tools: only a studio admin "
            "or a studio reviewer may; a production lead may add a tool of their production"
        )
    if not who.may("tools", production_id):
        raise access.NotPermitted(
            f"{who.name} may not register or review the tools of {code}: only its lead, a "
            "reviewer of it or a studio admin may"
        )


def parse_day(text: str, what: str) -> date:
    """A date written YYYY-MM-DD; StoreError naming `what` otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise StoreError(f"{what} {text[:40]!r} is not a date: write it YYYY-MM-DD") from None


def tool_owner(conn: Connection, who: access.Acting, owner_id: str) -> str:
    """evidence.OWNER_CHECKS for a tool: its id, once `who` is found to be one who may
    review it (the terms and agreements are the reviewers' papers); NotFound otherwise."""
    row = conn.execute(
        sa.select(tools.c.production_id, productions.c.code)
        .select_from(tools.outerjoin(productions, productions.c.id == tools.c.production_id))
        .where(tools.c.id == str(owner_id))
    ).first()
    if row is None or not visible(who, row.production_id):
        raise NotFound(f"no tool with id {str(owner_id)[:60]!r} in the registry")
    require_editor(who, row.production_id, row.code)
    return str(owner_id)
