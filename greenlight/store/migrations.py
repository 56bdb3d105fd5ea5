"""The numbered migrations that create and upgrade the log's schema, and their bodies.

A new database is created from `tables.metadata` in one step and stamped with every
migration's number; an older one runs the migrations above its recorded version, in order,
in one transaction. A migration after the first changes the schema with its own statements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from greenlight import workflow
from greenlight.policy import without_text
from greenlight.store import shared
from greenlight.store.database import write_transaction
from greenlight.store.studio_tables import log_settings, outbox, people, role_grants
from greenlight.store.tables import (
    AWAITING_INDEXES,
    DATA_COUNTER,
    PRODUCTION_LISTING,
    TALLIES,
    answer_sets,
    counters,
    imported_files,
    log_events,
    metadata,
    next_data_version,
    outcome_principles,
    outcome_reasons,
    outcomes,
    production_tally,
    schema_migrations,
    use_history,
    uses,
)
from greenlight.store.talent.tables import TALENT_TABLES
from greenlight.store.tally import rebuild_in, rebuild_productions_in
from greenlight.store.tools.tables import REGISTRY_TABLES


@dataclass(frozen=True)
class Migration:
    """One numbered step from the schema version before it to `version`."""

    version: int
    name: str
    apply: Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    metadata.create_all(conn)
    conn.execute(sa.insert(counters).values(name=DATA_COUNTER, value=0))


def _tallies(conn: Connection) -> None:
    # Counted by migration 4, once the rows they count from have their newest shape.
    for table in TALLIES:
        table.create(conn)


# Indexes of schema 1 that grouped the rows for the overview, which the tallies now answer:
# dropped, so every insert maintains six fewer indexes (table, columns).
_LEGACY_INDEXES = (
    ("uses", ("production_id", "created_at")),
    ("uses", ("level", "created_at")),
    ("uses", ("status", "level")),
    ("uses", ("department", "level")),
    ("uses", ("use_case_type", "level")),
    ("uses", ("created_week", "level")),
    ("uses", ("created_month", "level")),
    ("use_reasons", ("rule",)),
    ("use_principles", ("question_id", "answer")),
)


def _indexes_for_tallies(conn: Connection) -> None:
    for table, columns in _LEGACY_INDEXES:
        # On a detached copy of the table, so `metadata` never holds the old index.
        legacy = sa.Table(table, sa.MetaData(), *(sa.Column(name) for name in columns))
        sa.Index(f"ix_{table}_{'_'.join(columns)}", *legacy.c).drop(conn)
    PRODUCTION_LISTING.create(conn)


def _outcomes(conn: Connection) -> None:
    move_to_outcomes(conn)
    rebuild_in(conn)


def _answer_sets(conn: Connection) -> None:
    move_to_answer_sets(conn)


def _versions(conn: Connection) -> None:
    move_to_versions(conn)


def _create(conn: Connection, tables) -> None:
    for table in tables:
        table.create(conn)  # with its indexes


def _imported_files(conn: Connection) -> None:
    imported_files.create(conn, checkfirst=True)


def _people(conn: Connection) -> None:
    move_to_people(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _initial),
    Migration(2, "roll-up tallies for the overview", _tallies),
    Migration(
        3, "indexes for the log listing; drop those the tallies replace", _indexes_for_tallies
    ),
    Migration(
        4, "outcomes shared by uses, instead of reason and principle rows per use", _outcomes
    ),
    Migration(
        5, "answer sets shared by uses, instead of an answers document per use", _answer_sets
    ),
    Migration(
        6,
        "use versions, decisions pinned to a version, one use per form submission, log events",
        _versions,
    ),
    Migration(7, "imported files by their SHA-256, so none is imported twice", _imported_files),
    Migration(
        8,
        "people and their roles, the log's mode, who made each history row (local or signed in)",
        _people,
    ),
    Migration(
        9,
        "when each use began to await a decision, and uses per production for the overview",
        lambda conn: move_to_attention(conn),
    ),
    Migration(10, "the outbox of notification e-mails", lambda conn: outbox.create(conn)),
    Migration(
        11,
        "the talent consent ledger (performers, consents, uses' performers and ledger facts) "
        "and the evidence store",
        lambda conn: [table.create(conn) for table in TALENT_TABLES],
    ),
    Migration(
        12,
        "the tool and vendor registry: tools, their review history, workflows, uses' tools",
        lambda conn: _create(conn, REGISTRY_TABLES),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version
# An arbitrary constant: the PostgreSQL advisory lock that serialises schema upgrades.
_PG_MIGRATION_LOCK = 0x6772_6E6C


class SchemaError(RuntimeError):
    """The database's schema cannot be used by this version of Greenlight."""


def _recorded_version(conn: Connection) -> int | None:
    if not sa.inspect(conn).has_table(schema_migrations.name):
        return None
    return conn.execute(sa.select(sa.func.max(schema_migrations.c.version))).scalar()


def ensure_schema(engine: Engine, step: Callable[[Migration], None] | None = None) -> int:
    """Create or upgrade the schema to SCHEMA_VERSION; return the version found before (0: new).

    Safe to call from several processes at once: the work happens in one write transaction,
    behind SQLite's write lock or a PostgreSQL advisory lock. `step` is told of each
    migration of an upgrade before it runs.
    """
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
        found = _recorded_version(conn)
        now = datetime.now(UTC).replace(tzinfo=None)
        if found is None:
            if sa.inspect(conn).has_table(uses.name):
                raise SchemaError(
                    "the database has Greenlight tables but no schema_migrations table: "
                    "restore it from a backup or point Greenlight at an empty database"
                )
            _initial(conn)
            conn.execute(
                sa.insert(schema_migrations),
                [{"version": m.version, "name": m.name, "applied_at": now} for m in MIGRATIONS],
            )
            return 0
        if found > SCHEMA_VERSION:
            raise SchemaError(
                f"the database is at schema version {found}, newer than this Greenlight "
                f"understands ({SCHEMA_VERSION}): upgrade Greenlight"
            )
        for migration in MIGRATIONS:
            if migration.version > found:
                if step:
                    step(migration)
                migration.apply(conn)
                conn.execute(
                    sa.insert(schema_migrations).values(
                        version=migration.version, name=migration.name, applied_at=now
                    )
                )
        return found


def schema_version(engine: Engine) -> int | None:
    """The schema version recorded in the database, or None for an empty one."""
    with engine.connect() as conn:
        return _recorded_version(conn)


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
    batch of use ids at a time: found_in(conn, batch) gives each one's shared row (an shared.Outcome
    or an shared.AnswerSet) by use id, ids_of(conn, rows) stores them and gives their ids by key."""
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


def _outcomes_of(conn: Connection, batch: list[str]) -> dict[str, shared.Outcome]:
    lo, hi = batch[0], batch[-1]
    reasons = _rows_by_use(conn, _use_reasons, ("rule", "level", "section"), ("position",), lo, hi)
    principles = _rows_by_use(conn, _use_principles, ("question_id", "answer"), (), lo, hi)
    return {
        use_id: shared.outcome_of(reasons.get(use_id, ()), principles.get(use_id, ()))
        for use_id in batch
    }


def move_to_outcomes(conn: Connection) -> None:
    """Migration 4: create the outcome tables, point every use at the outcome of its
    use_reasons and use_principles rows, then drop those tables."""
    for table in (outcomes, outcome_reasons, outcome_principles):
        table.create(conn)
    _point_uses(conn, uses.c.outcome_id, _outcomes_of, shared.outcome_ids)
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
            raise SchemaError(
                f"upgrading this log needs SQLite 3.35 or newer; this Python has "
                f"{sqlite3.sqlite_version}: run Greenlight with a newer Python"
            )
    answer_sets.create(conn)
    _point_uses(conn, uses.c.answer_set_id, _answer_sets_of, shared.answer_set_ids)
    conn.exec_driver_sql("ALTER TABLE uses DROP COLUMN answers")


def _answer_sets_of(conn: Connection, batch: list[str]) -> dict[str, shared.AnswerSet]:
    query = sa.select(_uses_4.c.id, _uses_4.c.answers).where(
        _uses_4.c.id >= batch[0], _uses_4.c.id <= batch[-1]
    )
    return {use_id: shared.answer_set_of(without_text(doc)) for use_id, doc in conn.execute(query)}


# --- schema 6: versions, pinned decisions, submissions, log events --------------------------


def _add_column(conn: Connection, column: sa.Column) -> None:
    kind = column.type.compile(dialect=conn.dialect)
    default = f" DEFAULT {column.server_default.arg.text}" if column.server_default else ""
    required = " NOT NULL" if not column.nullable else ""
    conn.exec_driver_sql(
        f"ALTER TABLE {column.table.name} ADD COLUMN {column.name} {kind}{required}{default}"
    )


def move_to_versions(conn: Connection) -> None:
    """Migration 6: every use starts at version 1 (the decision of an approved or declined
    use covers it as it is), a unique submission token per use, the version each history
    row was made on (unknown before), the log_events table; and
    the data version moves on, so no cache keeps a use without its version."""
    columns = (uses.c.version, uses.c.decided_version, uses.c.submission, use_history.c.use_version)
    for column in columns:
        _add_column(conn, column)
    for index in uses.indexes:
        if index.columns.keys() == ["submission"]:
            index.create(conn)
    conn.execute(
        sa.update(uses)
        .where(uses.c.status.in_(workflow.DECIDED_STATUSES))
        .values(decided_version=uses.c.version)
    )
    log_events.create(conn)
    conn.execute(sa.update(counters).values(value=next_data_version(conn)))


# --- schema 8: people, roles, the log's mode, who made each history row ---------------------


def move_to_people(conn: Connection) -> None:
    """Migration 8: the people, role_grants and log_settings tables (with no row: the log
    stays local until a studio admin is named), and on every history row the kind of actor
    and the signed-in person; every row written before is a local, unverified entry."""
    for table in (people, role_grants, log_settings):
        table.create(conn)  # with its indexes
    _add_column(conn, use_history.c.actor_kind)
    kind = use_history.c.person_id.type.compile(dialect=conn.dialect)
    conn.exec_driver_sql(
        f"ALTER TABLE use_history ADD COLUMN person_id {kind} REFERENCES people (id)"
    )


# --- schema 9: what awaits a decision, and uses per production ----------------------------


def move_to_attention(conn: Connection) -> None:
    """Migration 9: each use awaiting a decision gets the time it began to wait (its last
    history row that moved it into an open status; its last change when the history has
    none), the indexes that list them oldest first, and the production tally, counted."""
    _add_column(conn, uses.c.awaiting_since)
    open_ = workflow.OPEN_STATUSES
    h = use_history
    entered = (
        sa.select(sa.func.max(h.c.at))
        .where(
            h.c.use_id == uses.c.id,
            h.c.field.in_(("status", "created")),
            h.c.new_value.in_(open_),
            sa.or_(h.c.old_value.is_(None), h.c.old_value.not_in(open_)),
        )
        .scalar_subquery()
    )
    conn.execute(
        sa.update(uses)
        .where(uses.c.status.in_(open_))
        .values(awaiting_since=sa.func.coalesce(entered, uses.c.updated_at))
    )
    for index in AWAITING_INDEXES:
        index.create(conn)
    production_tally.create(conn)
    rebuild_productions_in(conn)
    conn.execute(sa.update(counters).values(value=next_data_version(conn)))
