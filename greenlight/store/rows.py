"""Turning parsed answers and their assessment into the rows the store writes.

Also the two write helpers that every change of a use shares: writing its history rows and
applying a new assessment (with the history it produces).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.policy import FIELD_NAMES, LINK_NAMES, AnswersError, answers_part
from greenlight.store.history import Change, changed_labels, reopen_note
from greenlight.store.records import NewUses, StoreError, to_db_time, week_of
from greenlight.store.shared import (
    AnswerSet,
    Outcome,
    answer_set_ids,
    answer_set_of,
    outcome_ids,
    outcome_of,
)
from greenlight.store.tables import NAME_LENGTH, SUBMISSION_LENGTH

if TYPE_CHECKING:
    from greenlight.policy import Answers, Assessment, Engine, Guidance


CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


USE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")


SUBMISSION_PATTERN = re.compile(rf"[A-Za-z0-9_.:-]{{1,{SUBMISSION_LENGTH}}}")


INSERT_BATCH = 5000


Progress = Callable[[int, int], None]  # told (done, total) as a long write goes on


def new_use_id() -> str:
    """A fresh use id: 16 hex digits, unique without asking the database."""
    return secrets.token_hex(8)


def now_utc() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


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


def _differs(old: Any, new: Any) -> bool:
    return old != new or type(old) is not type(new)  # True and 1 are different answers


def _answer_changes(
    before: Mapping[str, Any], after: Answers, assessment: Assessment, engine: Engine
) -> list[Change]:
    """(question, old, new) for each answer given differently (None where none was) in a way
    the assessment can see: its value, the default where none is given, or whether it counts
    as unanswered.

    So the form's own spelling is no change: it stores an unticked box as False where the
    document had no answer (the default), and it leaves out answers to questions that their
    conditions hide, which count as unanswered in neither document. Nor is a question that
    another answer brings into view, still unanswered: that other answer is the change."""
    given_before = flat_answers(before, engine.guidance)
    try:
        old_answers, old_assessment = engine.assess_document(before)
    except AnswersError:  # answers this guidance no longer reads: compare what was given
        old_answers, old_assessment = None, None
    changes: list[Change] = []
    for question in engine.guidance.questions:
        qid = question.id
        old = given_before.get(qid)
        new = after.values[qid] if qid in after.provided else None
        if not _differs(old, new):
            continue
        if (
            old_answers is None
            or _differs(old_answers.values[qid], after.values[qid])
            or (qid in old_assessment.unanswered) != (qid in assessment.unanswered)
        ):
            changes.append(Change(qid, old, new))
    return changes


def _link_changes(before: Mapping[str, Any], after: Answers) -> list[Change]:
    """A change per list of registry ids (performers, tools) the use names differently."""
    links = getattr(after, "links", {})
    changes = []
    for name in LINK_NAMES:
        old, new = list(before.get(name) or ()), list(links.get(name, ()))
        if old != new:
            changes.append(Change(name, ";".join(old) or None, ";".join(new) or None))
    return changes


@dataclass(frozen=True)
class Assessed:
    """What a use's rows take from its answers and their assessment alone, free text aside:
    the same for every use with these answers."""

    columns: dict[str, Any]  # the columns of `uses` that follow from them, but the two ids
    answer_set: AnswerSet  # the answers document's answers (after its free text)
    outcome: Outcome  # the reasons that fired and the principles not answered clearly


def assessed(answers: Answers, assessment: Assessment, guidance: Guidance) -> Assessed:
    """The Assessed parts of a use with these answers and this assessment."""
    document = answers_part(guidance, answers.given)
    # The registry ids the use names (performers:, tools:) are part of what it answered.
    links = getattr(answers, "links", None)
    if links:
        document = {**document, **{name: list(ids) for name, ids in links.items()}}
    return Assessed(
        columns={
            "use_case_type": str(answers.values.get(guidance.matrix_question, ""))
            if guidance.matrix_question
            else "",
            "level": assessment.level,
            "level_rank": guidance.level(assessment.level).rank,
            "reason_rules": ";".join(assessment.rule_ids),
            "matrix_row": assessment.matrix_row,
            "guidance_id": assessment.guidance_id,
            "guidance_version": assessment.guidance_version,
        },
        answer_set=answer_set_of(document),
        outcome=outcome_of(
            [(r.rule, r.level, r.section) for r in assessment.reasons], assessment.concerns
        ),
    )


class AssessedCache:
    """Assessed parts by the identity of (answers, assessment) objects, for a writer of many
    uses: the CSV import and the engine's memo hand the same objects for every use with the
    same answers, so each set is worked out once. Holds the objects, so no id is reused."""

    def __init__(self, guidance: Guidance):
        self._guidance = guidance
        self._found: dict[tuple[int, ...], tuple[Any, ...]] = {}

    def __call__(self, answers: Answers, assessment: Assessment) -> Assessed:
        key = (
            id(answers.values), id(answers.provided), id(assessment),
            id(getattr(answers, "links", None)),
        )  # fmt: skip
        found = self._found.get(key)
        if found is None:
            parts = assessed(answers, assessment, self._guidance)
            found = self._found[key] = (answers, assessment, parts)
        return found[-1]


def assessed_values(answers: Answers, parts: Assessed) -> dict:
    """The columns of `uses` that follow from the answers and their assessment, but the ids
    of the answer set and the outcome."""
    text = {name: answers.fields.get(name, "") for name in FIELD_NAMES[1:]}
    return {"title": answers.title, **text, **parts.columns}


def _status_history(
    use_id: str, at: datetime, steps: Sequence, final: str, level: str, ref: str, actor: str
) -> list[tuple]:
    """History rows (HISTORY_COLUMNS) of a new use's path from draft: one "status" row per
    step, each a transition the workflow allows, ending at `final`; step k is made on
    version k (the creation made version 1)."""
    rows = []
    status = workflow.DEFAULT_STATUS
    for version, (when, target, note) in enumerate(steps, start=1):
        workflow.check_transition(status, target, level=level, approval_ref=ref)
        when = to_db_time(when)
        rows.append((use_id, when, actor, "status", status, target, clean_note(note), version))
        status = target
    if status != final:
        raise StoreError(f"the steps of use {use_id} end at {status!r}, not at {final!r}")
    return rows


HISTORY_COLUMNS = (
    "use_id", "at", "actor", "field", "old_value", "new_value", "note", "use_version",
)  # fmt: skip


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


def _check_afresh(batch: NewUses) -> None:
    """StoreError unless every use starts the workflow afresh, as an imported use does."""
    if (
        not set(batch.status) <= set(workflow.INITIAL_STATUSES)
        or any(batch.approval_ref)
        or any(batch.steps)
    ):
        raise StoreError(
            f"an imported use starts as {' or '.join(workflow.INITIAL_STATUSES)}, with no "
            "approval reference: nothing was written"
        )


def _created_rows(batch: NewUses, ids: list[str], at: list, actor: str) -> dict[str, list]:
    """The "created" history rows of new uses (HISTORY_COLUMNS), column by column."""
    n = len(ids)
    notes = {note: clean_note(note) for note in set(batch.note)}
    return {
        "use_id": list(ids),
        "at": list(at),
        "actor": [actor] * n,
        "field": ["created"] * n,
        "old_value": [None] * n,
        "new_value": [
            workflow.DEFAULT_STATUS if steps else status
            for status, steps in zip(batch.status, batch.steps, strict=True)
        ],
        "note": list(map(notes.__getitem__, batch.note)),
        "use_version": [0] * n,  # the creation
    }


def new_rows(
    batch: NewUses, parts_of: AssessedCache, actor: str, *, imported: bool = False
) -> NewRows:
    """The rows of new uses (NewRows), built column by column; StoreError for an id that is
    not valid, TransitionError for a status a use could not rest in.

    Each use gets a "created" history row (its note, the status it starts in: draft when it
    has steps, else its status), then a "status" row per step. `imported` uses (from a
    file) start the workflow afresh: StoreError for any other status than a first one, an
    approval reference or steps; their "created" row and updated_at are the time of this
    write, whatever created_at their file gives.
    """
    n = len(batch)
    if n == 0:
        return NewRows({}, [], [], {})
    if imported:
        _check_afresh(batch)
    parts = [parts_of(answers, assessment) for answers, assessment in batch.assessed]
    of = batch.assessed_of
    level = list(map([p.columns["level"] for p in parts].__getitem__, of))
    for status, use_level, ref in set(zip(batch.status, level, batch.approval_ref, strict=True)):
        workflow.check_state(status, use_level, ref)
    given = [use_id for use_id in batch.ids if use_id is not None]
    if not all(map(USE_ID_PATTERN.fullmatch, given)):
        bad = next(use_id for use_id in given if not USE_ID_PATTERN.fullmatch(use_id))
        raise StoreError(f"use id {bad!r}: use 1 to 40 letters, digits, - or _")
    ids = [use_id or new_use_id() for use_id in batch.ids]
    now = now_utc()
    created = [to_db_time(at) if at else now for at in batch.created_at]
    if imported:
        updated = [now] * n
    else:
        updated = [
            to_db_time(at) if at else c for at, c in zip(batch.updated_at, created, strict=True)
        ]
    found: dict[str, list] = {"id": ids}
    found.update((name, batch.text[name]) for name in FIELD_NAMES)
    for name in parts[0].columns:
        found[name] = list(map([p.columns[name] for p in parts].__getitem__, of))
    found["status"] = list(batch.status)
    found["approval_ref"] = list(map(str.strip, batch.approval_ref))
    found["created_at"], found["updated_at"] = created, updated
    days = [at.date() for at in created]
    distinct = set(days)
    weeks = {day: week_of(day) for day in distinct}
    months = {day: day.replace(day=1) for day in distinct}
    found["created_week"] = list(map(weeks.__getitem__, days))
    found["created_month"] = list(map(months.__getitem__, days))
    found["created_by"] = found["updated_by"] = [actor] * n
    for name, value in _NEW_USE_CONSTANTS.items():
        found[name] = [value] * n
    # Version 1 is the creation, and each step of a path one more; a decision covers the
    # version it was taken on, the one before its own step.
    found["version"] = [1 + len(steps) for steps in batch.steps]
    found["decided_version"] = [
        max(len(steps), 1) if status in workflow.DECIDED_STATUSES else None
        for status, steps in zip(batch.status, batch.steps, strict=True)
    ]
    found["submission"] = _submissions(batch)
    # An imported use was made when its file says; it was logged now.
    logged = [now] * n if imported else created
    found["awaiting_since"] = [
        workflow.awaiting_since(None, status, None, at)
        for status, at in zip(batch.status, logged, strict=True)
    ]
    trail = _created_rows(batch, ids, logged, actor)
    for i in (i for i, steps in enumerate(batch.steps) if steps):  # the demo's paths
        rows = _status_history(
            ids[i], created[i], batch.steps[i], batch.status[i], level[i],
            batch.approval_ref[i], actor,
        )  # fmt: skip
        for name, values in zip(HISTORY_COLUMNS, zip(*rows, strict=True), strict=True):
            trail[name].extend(values)
    answer_sets = [p.answer_set for p in parts]
    outcomes = [p.outcome for p in parts]
    return NewRows(
        found,
        list(map(answer_sets.__getitem__, of)),
        list(map(outcomes.__getitem__, of)),
        trail,
    )


def apply_assessment(
    conn: Connection,
    current: dict[str, Any],
    answers: Answers,
    assessment: Assessment,
    engine: Engine,
) -> tuple[dict[str, Any], list[Change]]:
    """New column values and history changes for a use's new assessment (its outcome
    stored if new); the caller updates the use row and writes the history."""
    guidance = engine.guidance
    parts = assessed(answers, assessment, guidance)
    values = assessed_values(answers, parts)
    values["answer_set_id"] = answer_set_ids(conn, [parts.answer_set])[parts.answer_set.key]
    values["outcome_id"] = outcome_ids(conn, [parts.outcome])[parts.outcome.key]
    changes: list[Change] = []
    for name in FIELD_NAMES:
        if current[name] != values[name]:
            changes.append(Change(name, current[name], values[name]))
    changes.extend(_answer_changes(current["answers"], answers, assessment, engine))
    changes.extend(_link_changes(current["answers"], answers))
    for name in ("level", "guidance_id", "guidance_version"):
        if current[name] != values[name]:
            changes.append(Change(name, current[name], values[name]))
    if (current["guidance_id"], current["guidance_version"]) != (
        values["guidance_id"],
        values["guidance_version"],
    ):
        values["previous_level"] = current["level"]
        values["previous_guidance_version"] = current["guidance_version"]
    changed = changed_labels(changes, guidance)
    target = workflow.reopen_status(
        current["status"],
        current["level_rank"],
        values["level_rank"],
        content_changed=bool(changed),
    )
    if target is not None:
        values["status"] = target
        values["awaiting_since"] = workflow.awaiting_since(
            current["status"], target, current["awaiting_since"], now_utc()
        )
        values["decided_version"] = None
        note = reopen_note(guidance, current["status"], current["level"], values["level"], changed)
        changes.append(Change("status", current["status"], target, note))
    return values, changes


def _submissions(batch: NewUses) -> list[str | None]:
    """The form tokens of new uses (None where a use has none); StoreError for a bad one."""
    if batch.submission is None:
        return [None] * len(batch)
    for token in batch.submission:
        if token is not None and not SUBMISSION_PATTERN.fullmatch(token):
            raise StoreError(
                f"submission token {token!r}: use 1 to {SUBMISSION_LENGTH} letters, digits, "
                "-, _, . or :"
            )
    return list(batch.submission)
