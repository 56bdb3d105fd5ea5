"""Re-assessing the uses of tools that changed, in short batches of set-based statements.

The uses are those use_tools links to the tools or to a workflow containing one. Each batch
locks its uses, reads their answers, loads the registry they name once, and works out each
(production, answer set) once: its facts (greenlight.store.registry_facts), resolved into
the person's answers, assessed. Only uses whose outcome changed are written (with history
naming the tool); every use's facts are replaced, since their sources name the review.
An approved use whose level rises goes back to submitted (workflow.reopen_status), as in
update_use; tallies are recounted for the uses that moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.policy import AnswersError, document_of, parse_answers, resolve
from greenlight.store import access
from greenlight.store import tally as tally
from greenlight.store.database import bulk_insert, write_transaction
from greenlight.store.history import Change, history_rows, reopen_note
from greenlight.store.records import ReassessResult
from greenlight.store.registry_facts import fact_answer, talent_facts
from greenlight.store.rows import Progress, assessed, now_utc
from greenlight.store.shared import outcome_ids
from greenlight.store.tables import ANSWERS_OF_USES, answer_sets, productions, use_history, uses
from greenlight.store.talent.tables import use_facts
from greenlight.store.tools.facts import LINKS, load_registry
from greenlight.store.tools.tables import use_tools, workflow_steps

if TYPE_CHECKING:
    from greenlight.policy import Engine

BATCH = 2000
_UPDATED = (
    "use_case_type", "level", "level_rank", "reason_rules", "matrix_row", "outcome_id",
    "guidance_id", "guidance_version", "status", "updated_at", "updated_by", "version",
    "decided_version", "awaiting_since",
)  # fmt: skip
# What an assessment decides of a use's row: unchanged, the use is not written.
_DECIDED = (
    "level", "level_rank", "use_case_type", "matrix_row", "outcome_id", "guidance_id",
    "guidance_version",
)  # fmt: skip


def uses_of_tools(conn: Connection, tool_ids: Sequence[str]) -> list[str]:
    """The ids of the uses that name these tools, or a workflow containing one."""
    flows = sa.select(workflow_steps.c.workflow_id).where(workflow_steps.c.tool_id.in_(tool_ids))
    query = (
        sa.select(use_tools.c.use_id)
        .where(sa.or_(use_tools.c.link_id.in_(tool_ids), use_tools.c.link_id.in_(flows)))
        .distinct()
        .order_by(use_tools.c.use_id)
    )
    return list(conn.execute(query).scalars())


def _locked(conn: Connection, batch: list[str]):
    query = (
        sa.select(
            uses.c.id,
            uses.c.production_id,
            uses.c.answer_set_id,
            answer_sets.c.answers,
            uses.c.title,
            uses.c.level,
            uses.c.level_rank,
            uses.c.status,
            uses.c.use_case_type,
            uses.c.matrix_row,
            uses.c.outcome_id,
            uses.c.version,
            uses.c.decided_version,
            uses.c.awaiting_since,
            uses.c.guidance_id,
            uses.c.guidance_version,
            productions.c.code,
        )  # fmt: skip
        .select_from(ANSWERS_OF_USES.join(productions, productions.c.id == uses.c.production_id))
        .where(uses.c.id.in_(batch))
        .with_for_update(of=uses)
    )
    return conn.execute(query).all()


def _plan(conn, engine, rows, who, why, day, result) -> tuple[list, list, list, set]:
    """The use updates, history rows, facts rows and productions of one batch."""
    guidance = engine.guidance
    registry = None
    worked: dict[tuple[int, int], Any] = {}
    updates, history, facts, codes, assessed_rows = [], [], [], set(), []
    now = now_utc()
    for row in rows:
        key = (row.production_id, row.answer_set_id)
        found = worked.get(key)
        if found is None:
            try:
                answers = parse_answers(document_of({"title": row.title}, row.answers), guidance)
            except AnswersError as exc:
                result["problems"].extend(f"use {row.id}: {p}" for p in exc.problems)
                continue
            if registry is None:
                registry = load_registry(conn, _links_of_batch(conn, [r.id for r in rows]))
            applied = registry.facts(row.production_id, answers.links.get(LINKS, ()), day)
            applied += talent_facts(conn, row.production_id, answers, day)
            resolution = resolve(answers, applied, guidance)
            assessment = engine.assess(resolution.answers)
            parts = assessed(resolution.answers, assessment, guidance)
            found = worked[key] = (resolution.facts, assessment, parts)
        applied, assessment, parts = found
        facts.append((row.id, applied))
        assessed_rows.append((row, assessment, parts))
        codes.add(row.code)
    ids = outcome_ids(conn, (parts.outcome for _, _, parts in assessed_rows))
    for row, assessment, parts in assessed_rows:
        result["checked"] += 1
        columns = {**parts.columns, "outcome_id": ids[parts.outcome.key]}
        if all(row._mapping[k] == columns[k] for k in _DECIDED):
            continue
        status = workflow.reopen_status(row.status, row.level_rank, columns["level_rank"])
        status = status or row.status
        updates.append(
            {
                "u_id": row.id,
                **columns,
                "status": status,
                "updated_at": now,
                "updated_by": who.name,
                "version": row.version + 1,
                "decided_version": row.decided_version if status == row.status else None,
                "awaiting_since": workflow.awaiting_since(
                    row.status, status, row.awaiting_since, now
                ),
            }  # fmt: skip
        )
        changes = []
        if assessment.level != row.level:
            changes.append(Change("level", row.level, assessment.level))
        if status != row.status:
            reopened = reopen_note(guidance, row.status, row.level, assessment.level)
            changes.append(Change("status", row.status, status, f"{why}; {reopened}"))
        history.extend(history_rows(row.id, now, who, changes, why, row.version))
        result["changed"] += assessment.level != row.level
        result["raised"] += columns["level_rank"] > row.level_rank
        result["reopened"] += status != row.status
    return updates, history, facts, codes


def _links_of_batch(conn: Connection, batch: list[str]) -> set[str]:
    query = sa.select(use_tools.c.link_id).where(use_tools.c.use_id.in_(batch)).distinct()
    return set(conn.execute(query).scalars())


def _write(conn: Connection, updates: list[dict], history: list[dict], facts) -> None:
    if updates:
        conn.execute(
            sa.update(uses)
            .where(uses.c.id == sa.bindparam("u_id"))
            .values({name: sa.bindparam(name) for name in _UPDATED}),
            updates,
        )
    bulk_insert(conn, use_history, history)
    conn.execute(sa.delete(use_facts).where(use_facts.c.use_id.in_([u for u, _ in facts])))
    bulk_insert(
        conn,
        use_facts,
        [
            {
                "use_id": use_id,
                "position": i,
                "question_id": f.question,
                "answer": fact_answer(f.value),
                "source": f.source,
                "subject": f.subject,
            }
            for use_id, applied in facts
            for i, f in enumerate(applied)
        ],  # fmt: skip
    )


def reassess_tools(
    store: Any,
    engine: Engine,
    tool_ids: Sequence[str],
    actor: access.Actor | access.Acting,
    why: str,
    *,
    day: date | None = None,
    progress: Progress | None = None,
    batch_size: int = BATCH,
) -> ReassessResult:
    """Re-assess every use of these tools (and of workflows containing them) on `day`
    (today), in transactions of `batch_size` uses; history rows carry the note `why` and
    name `actor` (an Acting as given, for the review-due sweep's SYSTEM)."""
    day = day or now_utc().date()
    with store.engine.connect() as conn:
        ids = uses_of_tools(conn, tool_ids)
    result: dict[str, Any] = {"checked": 0, "changed": 0, "reopened": 0, "raised": 0}
    result["problems"] = []
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with write_transaction(store.engine) as conn:
            who = actor if isinstance(actor, access.Acting) else access.acting(conn, actor)
            rows = _locked(conn, batch)
            updates, history, facts, codes = _plan(conn, engine, rows, who, why, day, result)
            moved = [u["u_id"] for u in updates]
            if moved:
                with tally.recounting(conn, tally.id_set(conn, moved)):
                    _write(conn, updates, history, facts)
            else:
                _write(conn, updates, history, facts)
            if codes:
                store._bump(conn, codes)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return ReassessResult(
        result["checked"], result["changed"], result["reopened"], tuple(result["problems"]),
        raised=result["raised"],
    )  # fmt: skip
