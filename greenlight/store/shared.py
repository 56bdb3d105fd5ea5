"""What uses share, stored once: answer sets and outcomes.

An *answer set* is what a use answered: its answers document without the free text. An
*outcome* is what an assessment found (the reasons that fired, the principles not answered
clearly). A studio's log repeats a few thousand of each across hundreds of thousands of uses,
so a use names its answer set and its outcome (`uses.answer_set_id`, `uses.outcome_id`).
Both are immutable and found again by their key, a SHA-256 digest of their canonical text;
a use whose answers or assessment change points at another one.

An outcome stands for a reason row per rule and a principle row per concern, which each use
carried before: a 100,000-use import writes two rows a use instead of eight and a half. The
key is a digest rather than the text itself because a guidance whose every rule fired would
make a text key longer than a PostgreSQL index entry may be.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.policy import FIELD_NAMES
from greenlight.store.database import bulk_insert, conflict_insert
from greenlight.store.tables import (
    answer_sets,
    outcome_principles,
    outcome_reasons,
    outcomes,
)

# Keys looked up or outcomes created per statement: well under SQLite's limit of bound values.
_CHUNK = 500
# Which of an Outcome's row lists each of its tables holds.
OUTCOME_ROWS = {outcome_reasons: "reasons", outcome_principles: "principles"}
_key_text = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
# An answer set's key does not depend on the order its document's keys came in.
_sorted_text = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, eq=False)  # hashed by identity, as Outcome
class AnswerSet:
    """A set of answers as stored: the answers document less its free text, and its key."""

    key: str  # SHA-256 of the document's canonical JSON (keys sorted), in hex
    document: dict[str, Any]  # only the answers given, nested as the answers contract has them


def answer_set_of(document: dict[str, Any]) -> AnswerSet:
    """The AnswerSet of an answers document without free text (a title in it is an error)."""
    if any(name in document for name in FIELD_NAMES):
        raise ValueError("an answer set holds answers only, not the free text of a use")
    return AnswerSet(key=_digest(_sorted_text(document)), document=document)


def answer_set_ids(conn: Connection, found: Iterable[AnswerSet]) -> dict[str, int]:
    """The id of each answer set by key, storing the new ones first (in the caller's
    transaction)."""
    wanted = {answer_set.key: answer_set for answer_set in found}
    ids, _ = _keyed_ids(
        conn,
        answer_sets,
        wanted,
        lambda key: {"key": key, "answers": wanted[key].document},
    )
    return ids


@dataclass(frozen=True, eq=False)  # hashed by identity: counted by the hundred thousand
class Outcome:
    """An outcome's rows (less outcome_id), and the key that names it."""

    key: str  # SHA-256 of the canonical JSON of its rows, in hex
    reasons: tuple[dict[str, Any], ...]  # rule, position, level, section: in firing order
    principles: tuple[dict[str, Any], ...]  # question_id, answer: by question id


def outcome_of(
    reasons: Sequence[tuple[str, str, str]], principles: Iterable[tuple[str, str]]
) -> Outcome:
    """The Outcome of these reasons (rule, level, section; in firing order) and principle
    concerns (question id, answer; in any order: they are kept by question id)."""
    principles = sorted(principles)
    text = _key_text([[list(r) for r in reasons], [list(p) for p in principles]])
    return Outcome(
        key=_digest(text),
        reasons=tuple(
            {"rule": rule, "position": i, "level": level, "section": section}
            for i, (rule, level, section) in enumerate(reasons)
        ),
        principles=tuple({"question_id": q, "answer": a} for q, a in principles),
    )


def _stored(conn: Connection, table: sa.Table, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        query = sa.select(table.c.key, table.c.id).where(table.c.key.in_(chunk))
        found.update(conn.execute(query).all())
    return found


def _keyed_ids(
    conn: Connection, table: sa.Table, keys: Iterable[str], row_of
) -> tuple[dict[str, int], dict[str, int]]:
    """The id of each key in `table` (a table of immutable rows named by a unique `key`),
    inserting row_of(key) for the keys not stored yet: (every id by key, the new ones)."""
    wanted = list(keys)
    ids = _stored(conn, table, wanted)
    # In key order, so concurrent PostgreSQL writers wait on each other's new keys in the
    # same order (no deadlock); one that stored a key first makes ours do nothing.
    new = sorted(key for key in wanted if key not in ids)
    insert = conflict_insert(conn.dialect)
    created: dict[str, int] = {}
    for start in range(0, len(new), _CHUNK):
        chunk = new[start : start + _CHUNK]
        statement = (
            insert(table)
            .values([row_of(key) for key in chunk])
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(table.c.key, table.c.id)
        )
        created.update(conn.execute(statement).all())
    ids.update(created)
    late = [key for key in new if key not in ids]  # stored by another writer meanwhile
    ids.update(_stored(conn, table, late))
    return ids, created


def outcome_ids(conn: Connection, found: Iterable[Outcome]) -> dict[str, int]:
    """The id of each outcome by key, storing the new ones with their rows first (in the
    caller's transaction)."""
    wanted = {outcome.key: outcome for outcome in found}
    ids, created = _keyed_ids(conn, outcomes, wanted, lambda key: {"key": key})
    for table, part in OUTCOME_ROWS.items():
        rows = [
            {"outcome_id": outcome_id, **row}
            for key, outcome_id in created.items()
            for row in getattr(wanted[key], part)
        ]
        bulk_insert(conn, table, rows)
    return ids
