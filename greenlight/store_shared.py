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

from greenlight.answers import FIELD_NAMES, without_text
from greenlight.store_db import bulk_insert, conflict_insert
from greenlight.store_schema import (
    answer_sets,
    outcome_principles,
    outcome_reasons,
    outcomes,
    uses,
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


# --- schema 4: from a reason row per use and rule to outcomes -------------------------------

# The tables schema 3 had, detached from `metadata` so it never holds them again.
_legacy = sa.MetaData()
_use_reasons = sa.Table(
    "use_reasons",
    _legacy,
    *(sa.Column(name) for name in ("use_id", "rule", "position", "level", "section")),
)
_use_principles = sa.Table(
    "use_principles", _legacy, *(sa.Column(name) for name in ("use_id", "question_id", "answer"))
)
_MIGRATION_BATCH = 5000


def _rows_by_use(conn: Connection, table: sa.Table, columns, order, lo: str, hi: str) -> dict:
    query = (
        sa.select(table.c.use_id, *(table.c[name] for name in columns))
        .where(table.c.use_id >= lo, table.c.use_id <= hi)
        .order_by(table.c.use_id, *(table.c[name] for name in order))
    )
    found: dict[str, list[tuple]] = {}
    for row in conn.execute(query):
        found.setdefault(row[0], []).append(tuple(row[1:]))
    return found


def _point_uses(conn: Connection, column: sa.Column, found_in, ids_of) -> None:
    """Add `column` to `uses` (a reference to what uses share) and set it on every use, a
    batch of use ids at a time: found_in(conn, batch) gives each one's shared row (an Outcome
    or an AnswerSet) by use id, ids_of(conn, rows) stores them and gives their ids by key."""
    (reference,) = column.foreign_keys
    kind = column.type.compile(dialect=conn.dialect)
    conn.exec_driver_sql(
        f"ALTER TABLE uses ADD COLUMN {column.name} {kind} "
        f"REFERENCES {reference.column.table.name} ({reference.column.name})"
    )
    ids = list(conn.execute(sa.select(uses.c.id).order_by(uses.c.id)).scalars())
    update = sa.update(uses).where(uses.c.id == sa.bindparam("u_id"))
    update = update.values({column.name: sa.bindparam("s_id")})
    for start in range(0, len(ids), _MIGRATION_BATCH):
        found = found_in(conn, ids[start : start + _MIGRATION_BATCH])
        stored = ids_of(conn, found.values())
        conn.execute(
            update, [{"u_id": use_id, "s_id": stored[s.key]} for use_id, s in found.items()]
        )


def _outcomes_of(conn: Connection, batch: list[str]) -> dict[str, Outcome]:
    lo, hi = batch[0], batch[-1]
    reasons = _rows_by_use(conn, _use_reasons, ("rule", "level", "section"), ("position",), lo, hi)
    principles = _rows_by_use(conn, _use_principles, ("question_id", "answer"), (), lo, hi)
    return {
        use_id: outcome_of(reasons.get(use_id, ()), principles.get(use_id, ())) for use_id in batch
    }


def move_to_outcomes(conn: Connection) -> None:
    """Migration 4: create the outcome tables, point every use at the outcome of its
    use_reasons and use_principles rows, then drop those tables."""
    for table in (outcomes, outcome_reasons, outcome_principles):
        table.create(conn)
    _point_uses(conn, uses.c.outcome_id, _outcomes_of, outcome_ids)
    for table in (_use_reasons, _use_principles):
        table.drop(conn)


# --- schema 5: from an answers document per use to answer sets ------------------------------

# The answers column schema 4 had, on a detached copy of `uses`.
_uses_4 = sa.Table(
    "uses", _legacy, sa.Column("id"), sa.Column("answers", answer_sets.c.answers.type)
)
# SQLite's ALTER TABLE ... DROP COLUMN.
_SQLITE_DROP_COLUMN = (3, 35, 0)


def move_to_answer_sets(conn: Connection) -> None:
    """Migration 5: create answer_sets, point every use at the set of its answers document
    (its free text is in the use's columns already), then drop uses.answers."""
    if conn.dialect.name == "sqlite":
        import sqlite3

        if sqlite3.sqlite_version_info < _SQLITE_DROP_COLUMN:
            from greenlight.store_schema import SchemaError

            raise SchemaError(
                f"upgrading this log needs SQLite 3.35 or newer; this Python has "
                f"{sqlite3.sqlite_version}: run Greenlight with a newer Python"
            )
    answer_sets.create(conn)
    _point_uses(conn, uses.c.answer_set_id, _answer_sets_of, answer_set_ids)
    conn.exec_driver_sql("ALTER TABLE uses DROP COLUMN answers")


def _answer_sets_of(conn: Connection, batch: list[str]) -> dict[str, AnswerSet]:
    query = sa.select(_uses_4.c.id, _uses_4.c.answers).where(
        _uses_4.c.id >= batch[0], _uses_4.c.id <= batch[-1]
    )
    return {use_id: answer_set_of(without_text(doc)) for use_id, doc in conn.execute(query)}
