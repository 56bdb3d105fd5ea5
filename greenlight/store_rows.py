"""Turning parsed answers and their assessment into the rows the store writes.

Also the two write helpers that every change of a use shares: writing its history rows and
applying a new assessment (with the history it produces).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.answers import FIELD_NAMES, build_document
from greenlight.store_records import NewUse, StoreError, to_db_time
from greenlight.store_schema import NAME_LENGTH, use_history
from greenlight.store_shared import (
    AnswerSet,
    Outcome,
    answer_set_ids,
    answer_set_of,
    outcome_ids,
    outcome_of,
)

if TYPE_CHECKING:
    from greenlight.answers import Answers
    from greenlight.engine import Assessment
    from greenlight.guidance import Guidance

CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
USE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
PRINCIPLES_GROUP = "principles"
INSERT_BATCH = 5000

Progress = Callable[[int, int], None]
# (field, old, new) or (field, old, new, note): one history row; the note overrides the change's.
Change = tuple


def new_use_id() -> str:
    """A fresh use id: 16 hex digits, unique without asking the database."""
    return secrets.token_hex(8)


def now_utc() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def week_start(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def clean_actor(actor: str) -> str:
    """The actor's name with spaces tidied; StoreError if empty or too long."""
    name = " ".join((actor or "").split())
    if not name:
        raise StoreError("say who is making the change: the actor's name is empty")
    if len(name) > NAME_LENGTH:
        raise StoreError(f"the actor's name is {len(name)} characters; keep it to {NAME_LENGTH}")
    return name


def clean_note(note: str) -> str:
    """A change note; StoreError if too long."""
    if len(note or "") > workflow.MAX_NOTE:
        raise StoreError(f"the note is {len(note)} characters; keep it to {workflow.MAX_NOTE}")
    return note or ""


def history_text(value: Any) -> str | None:
    """How a value is written in a history row."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flat_answers(document: Mapping[str, Any], guidance: Guidance) -> dict[str, Any]:
    """The answers actually given in a document, by contract id (defaults not filled in)."""
    found: dict[str, Any] = {}
    for question in guidance.questions:
        node: Any = document
        for part in question.path:
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is not None:
            found[question.id] = node
    return found


@dataclass(frozen=True)
class Assessed:
    """What a use's rows take from its answers and their assessment alone, free text aside:
    the same for every use with these answers."""

    columns: dict[str, Any]  # the columns of `uses` that follow from them, but the two ids
    answer_set: AnswerSet  # the answers document's answers (after its free text)
    outcome: Outcome  # the reasons that fired and the principles not answered clearly


def assessed(answers: Answers, assessment: Assessment, guidance: Guidance) -> Assessed:
    """The Assessed parts of a use with these answers and this assessment."""
    document = build_document(guidance, {}, answers.given)
    del document["title"]
    concerns = [
        (question.id, str(answers.values[question.id]))
        for question in guidance.questions
        if question.group == PRINCIPLES_GROUP
        and question.ordered
        and question.rank(answers.values[question.id]) > 0
    ]
    return Assessed(
        columns={
            "use_case_type": str(
                answers.values.get(guidance.matrix_question or "use_case_type", "")
            ),
            "level": assessment.level,
            "level_rank": guidance.level(assessment.level).rank,
            "reason_rules": ";".join(assessment.rule_ids),
            "matrix_row": assessment.matrix_row,
            "guidance_id": assessment.guidance_id,
            "guidance_version": assessment.guidance_version,
        },
        answer_set=answer_set_of(document),
        outcome=outcome_of([(r.rule, r.level, r.section) for r in assessment.reasons], concerns),
    )


class AssessedCache:
    """Assessed parts by the identity of (answers, assessment) objects, for a writer of many
    uses: the CSV import and the engine's memo hand the same objects for every use with the
    same answers, so each set is worked out once. Holds the objects, so no id is reused."""

    def __init__(self, guidance: Guidance):
        self._guidance = guidance
        self._found: dict[tuple[int, int, int], tuple[Any, ...]] = {}

    def __call__(self, answers: Answers, assessment: Assessment) -> Assessed:
        key = (id(answers.values), id(answers.provided), id(assessment))
        found = self._found.get(key)
        if found is None:
            parts = assessed(answers, assessment, self._guidance)
            found = self._found[key] = (answers.values, answers.provided, assessment, parts)
        return found[-1]


def assessed_values(answers: Answers, parts: Assessed) -> dict:
    """The columns of `uses` that follow from the answers and their assessment, but the ids
    of the answer set and the outcome."""
    text = {name: answers.fields.get(name, "") for name in FIELD_NAMES[1:]}
    return {"title": answers.title, **text, **parts.columns}


def creation_history(item: NewUse, use_id: str, created: datetime, actor: str) -> list[tuple]:
    """History rows for a new use (HISTORY_COLUMNS): "created", then one "status" row per
    step of its path."""
    status = workflow.DEFAULT_STATUS if item.steps else item.status
    rows = [(use_id, created, actor, "created", None, status, clean_note(item.note))]
    for at, target, note in item.steps:
        workflow.check_transition(
            status, target, level=item.assessment.level, approval_ref=item.approval_ref
        )
        rows.append((use_id, to_db_time(at), actor, "status", status, target, clean_note(note)))
        status = target
    if status != item.status:
        raise StoreError(f"the steps of use {use_id} end at {status!r}, not at {item.status!r}")
    return rows


HISTORY_COLUMNS = ("use_id", "at", "actor", "field", "old_value", "new_value", "note")
_TEXT_FIELDS = FIELD_NAMES[1:]


@dataclass(frozen=True)
class NewRows:
    """What insert_uses writes for new uses, column by column: their `uses` rows (but
    production_id, answer_set_id and outcome_id), each one's answer set and outcome, and
    their history rows."""

    uses: dict[str, list]
    answer_sets: list[AnswerSet]
    outcomes: list[Outcome]
    history: dict[str, list]


# The columns of a new use's row that the caller does not give, and their values.
_NEW_USE_CONSTANTS = {"archived": False, "previous_level": None, "previous_guidance_version": None}


def new_rows(items: Sequence[NewUse], parts_of: AssessedCache, actor: str) -> NewRows:
    """The rows of new uses (NewRows); StoreError for an id that is not valid."""
    rows = []
    answer_sets = []
    outcomes = []
    history: list[tuple] = []
    names: tuple[str, ...] = ()
    for item in items:
        workflow.check_state(item.status, item.assessment.level, item.approval_ref)
        use_id = item.id or new_use_id()
        if not USE_ID_PATTERN.fullmatch(use_id):
            raise StoreError(f"use id {use_id!r}: use 1 to 40 letters, digits, - or _")
        created = to_db_time(item.created_at) if item.created_at else now_utc()
        updated = to_db_time(item.updated_at) if item.updated_at else created
        answers = item.answers
        parts = parts_of(answers, item.assessment)
        names = tuple(parts.columns)
        fields = answers.fields
        rows.append(
            (
                use_id,
                answers.title,
                *[fields.get(name, "") for name in _TEXT_FIELDS],
                *parts.columns.values(),
                item.status,
                item.approval_ref.strip(),
                created,
                updated,
            )
        )
        answer_sets.append(parts.answer_set)
        outcomes.append(parts.outcome)
        history.extend(creation_history(item, use_id, created, actor))
    columns = ("id", *FIELD_NAMES, *names, "status", "approval_ref")
    columns += ("created_at", "updated_at")
    found = dict(zip(columns, map(list, zip(*rows, strict=True)), strict=True)) if rows else {}
    days = [at.date() for at in found.get("created_at", ())]
    distinct = set(days)
    weeks = {day: week_start(day) for day in distinct}
    months = {day: day.replace(day=1) for day in distinct}
    n = len(rows)
    found["created_week"] = list(map(weeks.__getitem__, days))
    found["created_month"] = list(map(months.__getitem__, days))
    found["created_by"] = found["updated_by"] = [actor] * n
    for name, value in _NEW_USE_CONSTANTS.items():
        found[name] = [value] * n
    trail = dict(zip(HISTORY_COLUMNS, map(list, zip(*history, strict=True)), strict=True))
    return NewRows(found, answer_sets, outcomes, trail)


def write_history(
    conn: Connection,
    use_id: str,
    at: datetime,
    actor: str,
    changes: list[Change],
    note: str,
) -> None:
    """One history row per change (field, old, new[, note]) of a use, in one statement."""
    if changes:
        conn.execute(
            sa.insert(use_history),
            [
                {
                    "use_id": use_id,
                    "at": at,
                    "actor": actor,
                    "field": change[0],
                    "old_value": history_text(change[1]),
                    "new_value": history_text(change[2]),
                    "note": change[3] if len(change) > 3 else note,
                }
                for change in changes
            ],
        )


def apply_assessment(
    conn: Connection,
    current: dict[str, Any],
    answers: Answers,
    assessment: Assessment,
    guidance: Guidance,
) -> tuple[dict[str, Any], list[Change]]:
    """New column values and history changes for a use's new assessment (its outcome
    stored if new); the caller updates the use row and writes the history."""
    parts = assessed(answers, assessment, guidance)
    values = assessed_values(answers, parts)
    values["answer_set_id"] = answer_set_ids(conn, [parts.answer_set])[parts.answer_set.key]
    values["outcome_id"] = outcome_ids(conn, [parts.outcome])[parts.outcome.key]
    changes: list[Change] = []
    for name in FIELD_NAMES:
        if current[name] != values[name]:
            changes.append((name, current[name], values[name]))
    before = flat_answers(current["answers"], guidance)
    after = flat_answers(parts.answer_set.document, guidance)
    for question in guidance.questions:
        old, new = before.get(question.id), after.get(question.id)
        if old != new or type(old) is not type(new):
            changes.append((question.id, old, new))
    for name in ("level", "guidance_id", "guidance_version"):
        if current[name] != values[name]:
            changes.append((name, current[name], values[name]))
    if (current["guidance_id"], current["guidance_version"]) != (
        values["guidance_id"],
        values["guidance_version"],
    ):
        values["previous_level"] = current["level"]
        values["previous_guidance_version"] = current["guidance_version"]
    target = workflow.reopen_status(current["status"], current["level_rank"], values["level_rank"])
    if target is not None:
        values["status"] = target
        reopen_note = (
            f"the level rose from {current['level']} to {values['level']}: the approval "
            "covered the use as it was, so the studio has to decide again"
        )
        changes.append(("status", current["status"], target, reopen_note))
    return values, changes
