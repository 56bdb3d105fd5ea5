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

import time
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.policy import AnswersError, document_of, parse_answers, resolve
from greenlight.store import access
from greenlight.store import tally as tally
from greenlight.store.database import bulk_insert, insert_columns, write_transaction
from greenlight.store.history import Change, history_rows, reopen_note
from greenlight.store.records import ReassessResult
from greenlight.store.registry_facts import fact_answer, talent_facts
from greenlight.store.rows import Progress, assessed, now_utc
from greenlight.store.shared import outcome_ids
from greenlight.store.tables import answer_sets, productions, use_history, uses
from greenlight.store.talent.tables import use_facts
from greenlight.store.tools.facts import LINKS, load_registry
from greenlight.store.tools.tables import use_tools, workflow_steps

if TYPE_CHECKING:
    from greenlight.policy import Engine

BATCH = 1000
# A list of use ids bound as one expanding parameter: a thousand ids are not a thousand
# literals for SQLAlchemy to coerce and compile in every statement.
_IDS = sa.bindparam("ids", expanding=True)
PAUSE = 0.005  # seconds between batches
HOLD, MIN_BATCH = 0.3, 50  # the longest a batch should hold the log; the smallest batch
# What an assessment decides of a use's row: unchanged, the use is not written.
_DECIDED = (
    "level", "level_rank", "reason_rules", "use_case_type", "matrix_row", "outcome_id",
    "guidance_id", "guidance_version",
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


def _locked(conn: Connection, batch: list[str]) -> list:
    """The batch's uses, locked, without their answers (read once per answer set)."""
    query = (
        sa.select(
            uses.c.id,
            uses.c.production_id,
            uses.c.answer_set_id,
            uses.c.level,
            uses.c.level_rank,
            uses.c.status,
            uses.c.reason_rules,
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
        .select_from(uses.join(productions, productions.c.id == uses.c.production_id))
        .where(uses.c.id.in_(_IDS))
        .with_for_update(of=uses)
    )
    return conn.execute(query, {"ids": batch}).all()


class _Plan:
    """What one batch writes: use updates by group (uses whose new columns are the same),
    history rows, each use's facts, and the productions touched."""

    def __init__(self, now: datetime, who: access.Acting) -> None:
        self.now, self.who = now, who
        self.groups: dict[tuple, list[str]] = {}  # (columns..., reopened) -> use ids
        self.columns: dict[tuple, dict[str, Any]] = {}
        self.history: list[dict[str, Any]] = []
        self.facts: dict[str, list] = {name: [] for name in _FACT_COLUMNS}
        self.ids: list[str] = []
        self.moved: list[str] = []
        self.codes: set[str] = set()


_FACT_COLUMNS = ("use_id", "position", "question_id", "answer", "source", "subject")


def _worked_out(conn, engine, rows, day, result) -> dict[tuple[int, int], Any]:
    """Each (production, answer set) of the batch assessed once with its facts."""
    guidance = engine.guidance
    keys = {(row.production_id, row.answer_set_id) for row in rows}
    set_ids = sorted({k[1] for k in keys})
    documents = dict(
        conn.execute(
            sa.select(answer_sets.c.id, answer_sets.c.answers).where(answer_sets.c.id.in_(set_ids))
        ).all()
    )
    registry = load_registry(conn, _links_of_batch(conn, [row.id for row in rows]))
    worked: dict[tuple[int, int], Any] = {}
    for production_id, set_id in keys:
        try:
            answers = parse_answers(document_of({"title": "-"}, documents[set_id]), guidance)
        except AnswersError as exc:
            result["problems"].extend(f"answer set {set_id}: {p}" for p in exc.problems)
            continue
        applied = registry.facts(production_id, answers.links.get(LINKS, ()), day)
        applied += talent_facts(conn, production_id, answers, day)
        resolution = resolve(answers, applied, guidance)
        assessment = engine.assess(resolution.answers)
        worked[production_id, set_id] = (
            resolution.facts, assessment, assessed(resolution.answers, assessment, guidance)
        )  # fmt: skip
    ids = outcome_ids(conn, (parts.outcome for _, _, parts in worked.values()))
    return {
        key: (
            _fact_columns(facts),
            assessment,
            {**parts.columns, "outcome_id": ids[parts.outcome.key]},
        )
        for key, (facts, assessment, parts) in worked.items()
    }


def _fact_columns(facts) -> tuple[list, ...]:
    """A use's facts as use_facts columns but the use id: positions, questions, ..."""
    return (
        list(range(len(facts))),
        [f.question for f in facts],
        [fact_answer(f.value) for f in facts],
        [f.source for f in facts],
        [f.subject for f in facts],
    )


def _plan(conn, engine, rows, who, why, day, result) -> _Plan:
    """The writes of one batch, gathered before any statement runs."""
    guidance = engine.guidance
    worked = _worked_out(conn, engine, rows, day, result)
    now = now_utc()
    plan = _Plan(now, who)
    for row in rows:
        found = worked.get((row.production_id, row.answer_set_id))
        if found is None:
            continue
        applied, assessment, columns = found
        result["checked"] += 1
        plan.ids.append(row.id)
        plan.codes.add(row.code)
        for name, values in zip(_FACT_COLUMNS[1:], applied, strict=True):
            plan.facts[name].extend(values)
        plan.facts["use_id"].extend([row.id] * len(applied[0]))
        if all(row._mapping[k] == columns[k] for k in _DECIDED):
            continue
        status = workflow.reopen_status(row.status, row.level_rank, columns["level_rank"])
        reopened = status is not None and status != row.status
        key = (*(columns[k] for k in _DECIDED), reopened)
        plan.groups.setdefault(key, []).append(row.id)
        plan.columns.setdefault(key, columns)
        plan.moved.append(row.id)
        changes = []
        if assessment.level != row.level:
            changes.append(Change("level", row.level, assessment.level))
        if reopened:
            note = reopen_note(guidance, row.status, row.level, assessment.level)
            changes.append(Change("status", row.status, status, f"{why}; {note}"))
        plan.history.extend(history_rows(row.id, now, who, changes, why, row.version))
        result["changed"] += assessment.level != row.level
        result["raised"] += columns["level_rank"] > row.level_rank
        result["reopened"] += reopened
    return plan


def _links_of_batch(conn: Connection, batch: list[str]) -> set[str]:
    query = sa.select(use_tools.c.link_id).where(use_tools.c.use_id.in_(_IDS)).distinct()
    return set(conn.execute(query, {"ids": batch}).scalars())


def _write(conn: Connection, plan: _Plan) -> None:
    """One UPDATE per group of uses given the same new columns (not one per use), the
    history rows and the facts (replaced) in bulk."""
    for key, ids in plan.groups.items():
        values: dict[str, Any] = {
            **{k: plan.columns[key][k] for k in _DECIDED},
            "updated_at": plan.now, "updated_by": plan.who.name, "version": uses.c.version + 1,
        }  # fmt: skip
        if key[-1]:  # reopened: the approval no longer stands, and the wait begins now
            values.update(
                status=workflow.REOPENED_STATUS, decided_version=None,
                awaiting_since=workflow.awaiting_since(
                    "approved", workflow.REOPENED_STATUS, None, plan.now
                ),
            )  # fmt: skip
        conn.execute(sa.update(uses).where(uses.c.id.in_(_IDS)).values(values), {"ids": ids})
    bulk_insert(conn, use_history, plan.history)
    conn.execute(sa.delete(use_facts).where(use_facts.c.use_id.in_(_IDS)), {"ids": plan.ids})
    if plan.facts["use_id"]:
        insert_columns(conn, use_facts, plan.facts)


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
    (today), in transactions of `batch_size` uses at first; history rows carry the note
    `why` and name `actor` (an Acting as given, for the review-due sweep's SYSTEM).

    A batch that holds the log longer than HOLD seconds (a busy machine) halves the next
    one, down to MIN_BATCH; a quick one doubles it, up to `batch_size`: how long another
    writer waits is bounded by the time, not the number of uses."""
    day = day or now_utc().date()
    with store.engine.connect() as conn:
        ids = uses_of_tools(conn, tool_ids)
    result: dict[str, Any] = {"checked": 0, "changed": 0, "reopened": 0, "raised": 0}
    result["problems"] = []
    start, size = 0, batch_size
    while start < len(ids):
        batch = ids[start : start + size]
        began = time.perf_counter()
        with write_transaction(store.engine) as conn:
            who = actor if isinstance(actor, access.Acting) else access.acting(conn, actor)
            plan = _plan(conn, engine, _locked(conn, batch), who, why, day, result)
            if plan.moved:
                with tally.recounting(conn, tally.id_set(conn, plan.moved)):
                    _write(conn, plan)
            else:
                _write(conn, plan)
            if plan.codes:
                store._bump(conn, plan.codes)
        # A breath between batches: a writer waiting for the log (a thread of this process
        # on its lock, another process on SQLite's busy timeout) goes in before the next.
        held = time.perf_counter() - began
        time.sleep(PAUSE)
        start += len(batch)
        if held > HOLD:
            size = max(min(MIN_BATCH, batch_size), size // 2)
        elif held < HOLD / 3:
            size = min(batch_size, size * 2)
        if progress:
            progress(start, len(ids))
    return ReassessResult(
        result["checked"], result["changed"], result["reopened"], tuple(result["problems"]),
        raised=result["raised"],
    )  # fmt: skip
