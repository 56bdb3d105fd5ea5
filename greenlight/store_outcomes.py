"""Outcomes: what an assessment found (the reasons that fired, the principles not answered
clearly), stored once for all the uses that share it.

A studio's log repeats a few thousand outcomes across hundreds of thousands of uses, so a
use names its outcome (`uses.outcome_id`) instead of carrying a reason row per rule and a
principle row per concern: a 100,000-use import writes two rows a use instead of eight and a
half. Outcomes are immutable and found again by their key, a digest of the canonical text of
their rows (a digest, not the text: a guidance whose every rule fired would make a text key
longer than a PostgreSQL index entry may be); a use whose assessment changes points at
another outcome.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.store_db import bulk_insert
from greenlight.store_schema import outcome_principles, outcome_reasons, outcomes, uses

# Keys looked up or outcomes created per statement: well under SQLite's limit of bound values.
_CHUNK = 500
# Which of an Outcome's row lists each of its tables holds.
OUTCOME_ROWS = {outcome_reasons: "reasons", outcome_principles: "principles"}
_key_text = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


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
        key=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        reasons=tuple(
            {"rule": rule, "position": i, "level": level, "section": section}
            for i, (rule, level, section) in enumerate(reasons)
        ),
        principles=tuple({"question_id": q, "answer": a} for q, a in principles),
    )


def _stored(conn: Connection, keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        query = sa.select(outcomes.c.key, outcomes.c.id).where(outcomes.c.key.in_(chunk))
        found.update(conn.execute(query).all())
    return found


def outcome_ids(conn: Connection, found: Iterable[Outcome]) -> dict[str, int]:
    """The id of each outcome by key, storing the new ones with their rows first (in the
    caller's transaction)."""
    wanted = {outcome.key: outcome for outcome in found}
    ids = _stored(conn, list(wanted))
    # In key order, so concurrent PostgreSQL writers wait on each other's new keys in the
    # same order (no deadlock); one that stored a key first makes ours do nothing.
    new = sorted(key for key in wanted if key not in ids)
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for start in range(0, len(new), _CHUNK):
        chunk = new[start : start + _CHUNK]
        statement = (
            insert(outcomes)
            .values([{"key": key} for key in chunk])
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(outcomes.c.key, outcomes.c.id)
        )
        created = dict(conn.execute(statement).all())
        ids.update(created)
        for table, part in OUTCOME_ROWS.items():
            rows = [
                {"outcome_id": outcome_id, **row}
                for key, outcome_id in created.items()
                for row in getattr(wanted[key], part)
            ]
            bulk_insert(conn, table, rows)
    late = [key for key in new if key not in ids]  # stored by another writer meanwhile
    ids.update(_stored(conn, late))
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


def move_to_outcomes(conn: Connection) -> None:
    """Migration 4: create the outcome tables, point every use at the outcome of its
    use_reasons and use_principles rows, then drop those tables."""
    for table in (outcomes, outcome_reasons, outcome_principles):
        table.create(conn)
    column = uses.c.outcome_id
    kind = column.type.compile(dialect=conn.dialect)
    conn.exec_driver_sql(
        f"ALTER TABLE uses ADD COLUMN {column.name} {kind} REFERENCES outcomes (id)"
    )
    ids = list(conn.execute(sa.select(uses.c.id).order_by(uses.c.id)).scalars())
    update = sa.update(uses).where(uses.c.id == sa.bindparam("u_id"))
    update = update.values(outcome_id=sa.bindparam("o_id"))
    for start in range(0, len(ids), _MIGRATION_BATCH):
        batch = ids[start : start + _MIGRATION_BATCH]
        lo, hi = batch[0], batch[-1]
        reasons = _rows_by_use(
            conn, _use_reasons, ("rule", "level", "section"), ("position",), lo, hi
        )
        principles = _rows_by_use(conn, _use_principles, ("question_id", "answer"), (), lo, hi)
        found = {
            use_id: outcome_of(reasons.get(use_id, ()), principles.get(use_id, ()))
            for use_id in batch
        }
        stored = outcome_ids(conn, found.values())
        conn.execute(
            update, [{"u_id": use_id, "o_id": stored[o.key]} for use_id, o in found.items()]
        )
    for table in (_use_reasons, _use_principles):
        table.drop(conn)
