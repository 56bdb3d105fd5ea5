"""The log's tables (SQLAlchemy Core) and the numbered migrations that create and upgrade them.

`metadata` always describes the newest schema. A new database is created from it in one step
and stamped with every migration's number; an older database runs the migrations above its
recorded version, in order. So a migration after the first must change the schema with its
own statements (add a column, an index, a table), never by calling create_all.

Design notes, with a log of a million uses in mind:
* free-text fields are columns, so search and grouping by department need no JSON;
* what an assessment found, the reasons that fired and the principles not answered clearly,
  is an *outcome*, stored once however many uses share it (`outcomes`, with child tables
  `outcome_reasons` and `outcome_principles`) and named by each use's `outcome_id`: a log
  of 100,000 uses holds a few thousand outcomes, where one reason row per use and rule came
  to 460,000 rows. "Uses by reason" is still a GROUP BY in SQL, over uses joined to them;
* what a use answered (the answers document without its free text) is an *answer set*,
  stored once however many uses gave the same answers (`answer_sets`, named by each use's
  `answer_set_id`): the sets repeat, the free text does not, and a use's row shrinks from
  about 1.3 kB to 430 bytes;
* the week and month of creation are stored (UTC), so time series group on an indexed column
  with no date functions that differ between SQLite and PostgreSQL;
* `counters` holds the data version: bumped in every write transaction, read for cache keys.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# An auto-incrementing 64-bit key that is still SQLite's rowid alias.
_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class _Json(sa.types.TypeDecorator):
    """JSON; JSONB on PostgreSQL. A decorator rather than with_variant(JSONB()), so the
    PostgreSQL dialect is imported only where it is used, never by a SQLite app's start."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


ID_LENGTH = 40
CODE_LENGTH = 40
NAME_LENGTH = 200
SUBMISSION_LENGTH = 64

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

productions = sa.Table(
    "productions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(CODE_LENGTH), nullable=False, unique=True),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("is_demo", sa.Boolean, nullable=False),
)

uses = sa.Table(
    "uses",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column(
        "production_id",
        sa.Integer,
        sa.ForeignKey("productions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("department", sa.Text, nullable=False),
    sa.Column("tool", sa.Text, nullable=False),
    sa.Column("vendor", sa.Text, nullable=False),
    sa.Column("requested_by", sa.Text, nullable=False),
    sa.Column("scene", sa.Text, nullable=False),
    sa.Column("use_case_type", sa.String(64), nullable=False),
    # The use's answers (its free text is in the columns above). Always set; nullable only
    # because SQLite cannot add a NOT NULL column to a table that has rows (schema 5).
    sa.Column("answer_set_id", sa.Integer, sa.ForeignKey("answer_sets.id"), nullable=True),
    sa.Column("level", sa.String(32), nullable=False),
    sa.Column("level_rank", sa.SmallInteger, nullable=False),
    # The rule ids of the outcome's reasons joined with ";" in firing order, for the CSV export.
    sa.Column("reason_rules", sa.Text, nullable=False),
    sa.Column("matrix_row", sa.String(64), nullable=True),
    # Always set. Nullable only because SQLite cannot add a NOT NULL column to a table that
    # has rows (the migration to schema 4), and a new database must match an upgraded one.
    sa.Column("outcome_id", sa.Integer, sa.ForeignKey("outcomes.id"), nullable=True),
    sa.Column("guidance_id", sa.String(100), nullable=False),
    sa.Column("guidance_version", sa.String(50), nullable=False),
    sa.Column("previous_level", sa.String(32), nullable=True),
    sa.Column("previous_guidance_version", sa.String(50), nullable=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("approval_ref", sa.Text, nullable=False),
    # Naive UTC everywhere; records hand out aware datetimes.
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("created_week", sa.Date, nullable=False),  # Monday of the ISO week (UTC)
    sa.Column("created_month", sa.Date, nullable=False),  # first day of the month (UTC)
    sa.Column("created_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("updated_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("archived", sa.Boolean, nullable=False),
    # Grows by one with every change of the use: a write that names the version its person
    # was shown is refused when the use has moved on (UseCaseStore's expected_version).
    sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    # The version an approval or a decline was decided on; None while no decision stands.
    sa.Column("decided_version", sa.Integer, nullable=True),
    # The token of the form that logged the use: one submission, one use, even when two
    # processes race (the unique index below decides).
    sa.Column("submission", sa.String(SUBMISSION_LENGTH), nullable=True),
    # When the use last began to await the studio's decision (entered an open status from
    # one that is not: workflow.awaiting_since); None while it awaits none. Schema 9.
    sa.Column("awaiting_since", sa.DateTime, nullable=True),
    sa.Index(None, "submission", unique=True),
    # The tallies answer the overview's groupings; the rows are read by production (below)
    # or by creation time (the edge days of a date range).
    sa.Index(None, "created_at"),
)

# The log page lists one production's live uses newest first and counts them: this index
# answers both without reading the table.
PRODUCTION_LISTING = sa.Index(None, uses.c.production_id, uses.c.archived, uses.c.created_at)
# The overview's list of uses awaiting a decision, oldest first, is a walk of the first index
# (LIMITed: its cost does not grow with the log); a production's oldest wait is one probe of
# the second. Uses that await nothing have a NULL there, which both skip. Schema 9.
AWAITING_INDEXES = (
    sa.Index(None, uses.c.archived, uses.c.awaiting_since),
    sa.Index(None, uses.c.production_id, uses.c.archived, uses.c.awaiting_since),
)

# An answer set is what a use answered, the answers document without its free text, stored
# once for every use that gave the same answers. Immutable, like an outcome; `key` is what
# store_shared.answer_set_of makes of it, so every writer finds the same set.
answer_sets = sa.Table(
    "answer_sets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True),
    # Only the answers actually given, grouped as the answers contract nests them.
    sa.Column("answers", _Json(), nullable=False),
)

# An outcome is immutable: a use whose assessment changes points at another one. `key` is
# what store_shared.outcome_of makes of its rows, so every writer finds the same outcome.
outcomes = sa.Table(
    "outcomes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(64), nullable=False, unique=True),
)

outcome_reasons = sa.Table(
    "outcome_reasons",
    metadata,
    sa.Column(
        "outcome_id",
        sa.Integer,
        sa.ForeignKey("outcomes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("rule", sa.String(100), primary_key=True),
    sa.Column("position", sa.SmallInteger, nullable=False),  # firing order
    sa.Column("level", sa.String(32), nullable=False),
    sa.Column("section", sa.String(100), nullable=False),
)

# One row per guiding principle whose answer (defaults applied) is not the clear one.
outcome_principles = sa.Table(
    "outcome_principles",
    metadata,
    sa.Column(
        "outcome_id",
        sa.Integer,
        sa.ForeignKey("outcomes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("question_id", sa.String(100), primary_key=True),
    sa.Column("answer", sa.String(32), nullable=False),
)

# Every use with its answers.
ANSWERS_OF_USES = uses.join(answer_sets, answer_sets.c.id == uses.c.answer_set_id)
# Every use with each of its outcome's rows: what the overview groups reasons and principles
# over when the tallies cannot answer (one production, a text search).
REASONS_OF_USES = uses.join(outcome_reasons, outcome_reasons.c.outcome_id == uses.c.outcome_id)
PRINCIPLES_OF_USES = uses.join(
    outcome_principles, outcome_principles.c.outcome_id == uses.c.outcome_id
)

use_history = sa.Table(
    "use_history",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column(
        "use_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("uses.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("field", sa.String(100), nullable=False),
    sa.Column("old_value", sa.Text, nullable=True),
    sa.Column("new_value", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    # The version of the use the change was made on, what its author saw (0: the creation;
    # None: written before schema 6). An approval's row names the version it approved.
    sa.Column("use_version", sa.Integer, nullable=True),
    # Who made the change, beyond the name in `actor` (schema 8): "local" for a name typed
    # on a one-person log, unverified (every row written before schema 8 is one);
    # "person" for a signed-in person, named by `person_id`; "administrator" for the
    # command line acting as the local administrator; "system" for the demo's seed.
    sa.Column("actor_kind", sa.String(16), nullable=False, server_default=sa.text("'local'")),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=True),
    sa.Index(None, "use_id", "id"),
)

# What happened to the log as a whole rather than to one use (the demo seeded, the demo
# removed): who, when, what, to which productions, and how many uses.
log_events = sa.Table(
    "log_events",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("uses", sa.BigInteger, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)

# Every file imported into a production, by the SHA-256 of its bytes: the same file again is
# refused unless the importer confirms it (insert_uses' allow_repeat). The key decides when
# two sessions import one file at once: the second waits for the first, then finds its row.
imported_files = sa.Table(
    "imported_files",
    metadata,
    sa.Column(
        "production_id",
        sa.Integer,
        sa.ForeignKey("productions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("source_name", sa.Text, nullable=False),
    sa.Column("imported_at", sa.DateTime, nullable=False),
    sa.Column("imported_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("uses", sa.Integer, nullable=False),
)

# --- roll-ups (greenlight.store_tally keeps them equal to a recount of the rows) ---------------

# Every tally is keyed by the period (the days one ISO week and one calendar month share),
# the department and the archived flag: what the overview filters by. Each then adds the
# dimensions it counts by. matrix_row is "" where a use has none.
TALLY_PREFIX = ("period", "department", "archived")
TALLY_DIMENSIONS: dict[str, tuple[sa.Column, ...]] = {
    "level_tally": (
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("level_rank", sa.SmallInteger, nullable=False),
    ),
    "status_tally": (
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("level_rank", sa.SmallInteger, nullable=False),
    ),
    "type_tally": (
        sa.Column("use_case_type", sa.String(64), nullable=False),
        sa.Column("matrix_row", sa.String(64), nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("level_rank", sa.SmallInteger, nullable=False),
    ),
    # Per rule that fired: reason_level is the rule's level, not the use's.
    "reason_tally": (
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("reason_level", sa.String(32), nullable=False),
        sa.Column("section", sa.String(100), nullable=False),
    ),
    # Per principle answered other than the clear answer.
    "principle_tally": (
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("answer", sa.String(32), nullable=False),
    ),
}


def _tally_table(name: str, dimensions: tuple[sa.Column, ...]) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("period", sa.Date, nullable=False),  # the period's first day
        sa.Column("department", sa.Text, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False),
        *dimensions,
        sa.Column("week", sa.Date, nullable=False),  # the period's Monday
        sa.Column("month", sa.Date, nullable=False),  # the first day of the period's month
        sa.Column("uses", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint(*TALLY_PREFIX, *(c.name for c in dimensions)),
    )


TALLIES: tuple[sa.Table, ...] = tuple(
    _tally_table(name, dimensions) for name, dimensions in TALLY_DIMENSIONS.items()
)


@compiles(CreateIndex)
def _create_index(create: CreateIndex, compiler, **kw) -> str:
    """CREATE INDEX, with `WHERE <info["where"]>` for a partial index: SQLite and PostgreSQL
    write it the same way. Declared in `info` rather than as sqlite_where= and
    postgresql_where=, because naming a dialect's option loads that dialect, and a SQLite
    app should not pay for loading PostgreSQL's at every start."""
    sql = compiler.visit_create_index(create, **kw)
    where = create.element.info.get("where")
    if where is None:
        return sql
    condition = compiler.sql_compiler.process(where, include_table=False, literal_binds=True)
    return f"{sql} WHERE {condition}"


for _table in TALLIES:
    # Rows whose count a change took to zero, for store_tally.drop_empty: a partial index
    # holds only those, so finding them never reads the whole tally.
    sa.Index(f"ix_{_table.name}_empty", _table.c.period, info={"where": _table.c.uses == 0})
level_tally, status_tally, type_tally, reason_tally, principle_tally = TALLIES

# Uses per production, archived flag, level and status, whatever the day or department: the
# overview's table by production. Not keyed by period, so it holds a few rows per production
# (schema 8), and store_tally counts it with the others.
production_tally = sa.Table(
    "production_tally",
    metadata,
    sa.Column(
        "production_id",
        sa.Integer,
        sa.ForeignKey("productions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("archived", sa.Boolean, nullable=False),
    sa.Column("level", sa.String(32), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("uses", sa.BigInteger, nullable=False),
    sa.PrimaryKeyConstraint("production_id", "archived", "level", "status"),
)
sa.Index(
    "ix_production_tally_empty",
    production_tally.c.production_id,
    info={"where": production_tally.c.uses == 0},
)
# Every tally, the period-keyed ones first.
ALL_TALLIES: tuple[sa.Table, ...] = (*TALLIES, production_tally)

DATA_COUNTER = "data"


def next_data_version(conn: Connection) -> int:
    """Move the log's data version on by one, inside the caller's write; return the new one."""
    return conn.execute(
        sa.update(counters)
        .where(counters.c.name == DATA_COUNTER)
        .values(value=counters.c.value + 1)
        .returning(counters.c.value)
    ).scalar_one()


def production_counter(code: str) -> str:
    """The counters row holding the data version of one production (kept after removal)."""
    return f"production:{code}"
