"""Re-assessing the log under a new guidance version, in batches of set-based statements.

Each batch locks its uses and reads their answers and outcomes in one query, assesses every
use through the engine's memo (Engine.assess_document: one look-up per use whose answers
were seen before), stores the outcomes it has not seen, then writes with two executemany
statements: the use rows and the history rows. History and the reopen rule (an approved use
whose level rises goes back to submitted) are exactly those of a single update_use; the
tallies are recounted per batch, for the uses whose tally keys or outcome changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.policy import FIELD_NAMES, AnswersError, document_of
from greenlight.store import access, registry_facts
from greenlight.store import tally as tally
from greenlight.store.database import bulk_insert, write_transaction
from greenlight.store.filters import where
from greenlight.store.history import Change, history_rows, reopen_note
from greenlight.store.records import ReassessResult, UseFilter
from greenlight.store.rows import AssessedCache, Progress, now_utc
from greenlight.store.shared import outcome_ids
from greenlight.store.tables import ANSWERS_OF_USES, answer_sets, productions, use_history, uses

if TYPE_CHECKING:
    from greenlight.policy import Engine

BATCH = 2000
# The columns a re-assessment rewrites, bound by name in one executemany UPDATE.
_UPDATED = (
    "use_case_type",
    "level",
    "level_rank",
    "reason_rules",
    "matrix_row",
    "outcome_id",
    "guidance_id",
    "guidance_version",
    "previous_level",
    "previous_guidance_version",
    "status",
    "updated_at",
    "updated_by",
    "version",
    "decided_version",
    "awaiting_since",
)


def _stale(engine: Engine) -> sa.ColumnElement[bool]:
    g = engine.guidance
    return sa.or_(uses.c.guidance_id != g.id, uses.c.guidance_version != g.version)


def stale_ids(conn: Connection, engine: Engine, codes: Sequence[str]) -> list[str]:
    """The ids of the uses (archived or not) assessed under another guidance version."""
    f = UseFilter(productions=tuple(codes), archived=None)
    query = sa.select(uses.c.id).where(*where(f), _stale(engine)).order_by(uses.c.id)
    return list(conn.execute(query).scalars())


class _Batch:
    """What one batch writes, gathered before any statement runs."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []
        self.productions: set[str] = set()
        self.moved: list[str] = []  # uses whose tally keys change (level, status, rows, ...)


def _plan(
    conn: Connection,
    engine: Engine,
    batch: list[str],
    who: access.Acting,
    result: dict,
    parts_of: AssessedCache,
) -> _Batch:
    g = engine.guidance
    note = f"re-assessed under guidance {g.id} {g.version}"
    query = (
        sa.select(
            uses.c.id,
            *(uses.c[name] for name in FIELD_NAMES),
            answer_sets.c.answers,
            uses.c.level,
            uses.c.level_rank,
            uses.c.status,
            uses.c.guidance_id,
            uses.c.guidance_version,
            uses.c.use_case_type,
            uses.c.matrix_row,
            uses.c.outcome_id,
            uses.c.version,
            uses.c.decided_version,
            uses.c.awaiting_since,
            productions.c.code,
            uses.c.production_id,
        )
        .select_from(ANSWERS_OF_USES.join(productions, productions.c.id == uses.c.production_id))
        .where(uses.c.id.in_(batch), _stale(engine))  # re-checked under the lock
        .with_for_update(of=uses)
    )
    plan = _Batch()
    now = now_utc()
    assessed = []
    for row in conn.execute(query).all():
        try:
            answers, assessment = engine.assess_document(document_of(row._mapping, row.answers))
        except AnswersError as exc:
            result["problems"].extend(f"use {row.id}: {p}" for p in exc.problems)
            result["unreadable"].append(row.id)
            continue
        if registry_facts.has_links(answers):  # the registries answer some questions
            day = registry_facts.today()
            assessment, facts = registry_facts.assess_linked(
                conn, row.production_id, answers, engine, day, row.code
            )
            registry_facts.record_links(conn, [row.id], [answers], [facts], replace=True)
        parts = parts_of(answers, assessment)
        assessed.append((row, parts))
        rank = parts.columns["level_rank"]
        status = workflow.reopen_status(row.status, row.level_rank, rank) or row.status
        plan.updates.append(
            {
                "u_id": row.id,
                **parts.columns,
                "previous_level": row.level,
                "previous_guidance_version": row.guidance_version,
                "status": status,
                "updated_at": now,
                "updated_by": who.name,
                "version": row.version + 1,
                "decided_version": row.decided_version if status == row.status else None,
                "awaiting_since": workflow.awaiting_since(
                    row.status, status, row.awaiting_since, now
                ),
            }
        )
        changes = [
            Change(name, old, new)
            for name, old, new in (
                ("level", row.level, assessment.level),
                ("guidance_id", row.guidance_id, assessment.guidance_id),
                ("guidance_version", row.guidance_version, assessment.guidance_version),
            )
            if old != new
        ]
        if status != row.status:
            reopened = reopen_note(engine.guidance, row.status, row.level, assessment.level)
            changes.append(Change("status", row.status, status, reopened))
        plan.history.extend(history_rows(row.id, now, who, changes, note, row.version))
        result["checked"] += 1
        result["changed"] += assessment.level != row.level
        result["raised"] += rank > row.level_rank
        result["reopened"] += status != row.status
        plan.productions.add(row.code)
    outcome_id = outcome_ids(conn, (parts.outcome for _, parts in assessed))
    keyed = ("level", "level_rank", "status", "use_case_type", "matrix_row", "outcome_id")
    for (row, parts), update in zip(assessed, plan.updates, strict=True):
        update["outcome_id"] = outcome_id[parts.outcome.key]
        if tuple(row._mapping[k] for k in keyed) != tuple(update[k] for k in keyed):
            plan.moved.append(row.id)
    return plan


def _write(conn: Connection, plan: _Batch) -> None:
    if plan.updates:
        conn.execute(
            sa.update(uses)
            .where(uses.c.id == sa.bindparam("u_id"))
            .values({name: sa.bindparam(name) for name in _UPDATED}),
            plan.updates,
        )
    bulk_insert(conn, use_history, plan.history)


def reassess(
    store: Any,
    engine: Engine,
    actor: access.Actor,
    codes: Sequence[str],
    progress: Progress | None,
    batch_size: int,
) -> ReassessResult:
    """UseCaseStore.reassess: every stale use, in transactions of `batch_size` uses."""
    with store.engine.connect() as conn:
        ids = stale_ids(conn, engine, codes)
    result: dict[str, Any] = {
        "checked": 0,
        "changed": 0,
        "reopened": 0,
        "raised": 0,
        "problems": [],
        "unreadable": [],
    }
    parts_of = AssessedCache(engine.guidance)  # across batches: the engine's memo is too
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with write_transaction(store.engine) as conn:
            # The right to move the log is read with each batch, so a revoked admin stops.
            who = access.acting(conn, actor)
            access.require_admin(who, "re-assess the log under a new guidance version")
            # Locks the uses it will change.
            plan = _plan(conn, engine, batch, who, result, parts_of)
            # Counted after the lock, so on PostgreSQL no other writer moves them in between;
            # only the uses whose tally keys change (the rest count the same before and after).
            if plan.moved:
                with tally.recounting(conn, tally.id_set(conn, plan.moved)):
                    _write(conn, plan)
            else:
                _write(conn, plan)
            if plan.productions:
                store._bump(conn, plan.productions)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return ReassessResult(
        result["checked"],
        result["changed"],
        result["reopened"],
        tuple(result["problems"]),
        raised=result["raised"],
        unreadable=tuple(sorted(result["unreadable"])),
    )
