"""Schema 3 (a reason row per use and rule, a principle row per concern) on either database,
loaded with the rows of tests/fixtures/schema-3, which the old code wrote."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from greenlight.store.tables import (
    ID_LENGTH,
    TALLIES,
    answer_sets,
    metadata,
    outcome_principles,
    outcome_reasons,
    outcomes,
    uses,
)
from greenlight.store.talent.tables import TALENT_TABLES
from greenlight.store.tools.tables import REGISTRY_TABLES

ROWS = Path(__file__).resolve().parents[2] / "fixtures" / "schema-3" / "rows.json"
# What schemas 6 to 9 added, which schema 3 had not: columns by table, and tables.
_LATER_COLUMNS = {
    "uses": {"version", "decided_version", "submission", "awaiting_since"},
    "use_history": {"use_version", "actor_kind", "person_id"},
}
_LATER_TABLES = {
    "log_events",
    "imported_files",
    "people",
    "role_grants",
    "log_settings",
    "production_tally",
    "outbox",
    *(table.name for table in TALENT_TABLES),
    *(table.name for table in REGISTRY_TABLES),
}


def _columns_3(table: sa.Table) -> list[sa.Column]:
    return [c._copy() for c in table.columns if c.name not in _LATER_COLUMNS.get(table.name, ())]


def _uses_3(old: sa.MetaData) -> sa.Table:
    """Schema 3's uses: today's, with an answers document (free text included) in place of
    answer_set_id, and no outcome_id."""
    columns = []
    for column in _columns_3(uses):
        if column.name == "answer_set_id":
            columns.append(sa.Column("answers", answer_sets.c.answers.type, nullable=False))
        elif column.name != "outcome_id":
            columns.append(column)
    return sa.Table(uses.name, old, *columns)


def schema_3() -> sa.MetaData:
    """Schema 3's tables: today's, less the answer sets and outcomes, with use_reasons and
    use_principles."""
    old = sa.MetaData(naming_convention=metadata.naming_convention)
    gone = {answer_sets, outcomes, outcome_reasons, outcome_principles}
    for table in metadata.sorted_tables:
        if table in gone or table.name in _LATER_TABLES:
            continue
        if table.name in _LATER_COLUMNS and table is not uses:
            kept = sa.Table(table.name, old, *_columns_3(table))
        elif table is not uses:
            table.to_metadata(old)
            continue
        else:
            kept = _uses_3(old)
        for index in table.indexes:
            if all(c.name in kept.c for c in index.columns):
                sa.Index(index.name, *(kept.c[c.name] for c in index.columns))
    use_id = sa.ForeignKey("uses.id", ondelete="CASCADE")
    sa.Table(
        "use_reasons",
        old,
        sa.Column("use_id", sa.String(ID_LENGTH), use_id, primary_key=True),
        sa.Column("rule", sa.String(100), primary_key=True),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.Column("level", sa.String(32), nullable=False),
        sa.Column("section", sa.String(100), nullable=False),
    )
    sa.Table(
        "use_principles",
        old,
        sa.Column("use_id", sa.String(ID_LENGTH), sa.ForeignKey("uses.id"), primary_key=True),
        sa.Column("question_id", sa.String(100), primary_key=True),
        sa.Column("answer", sa.String(32), nullable=False),
    )
    return old


def fixture_rows() -> dict[str, list[dict[str, Any]]]:
    """The fixture's rows by table, each a dict by column, as SQLite stored them."""
    found = json.loads(ROWS.read_text(encoding="utf-8"))
    return {
        name: [dict(zip(part["columns"], row, strict=True)) for row in part["rows"]]
        for name, part in found.items()
    }


def _typed(column: sa.Column, value: Any) -> Any:
    """A value as SQLite stored it, as the column's type takes it."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.Boolean):
        return bool(value)
    if isinstance(kind, sa.types.TypeDecorator) and isinstance(kind.impl_instance, sa.JSON):
        return json.loads(value)
    return value


def load_schema_3(engine: sa.Engine) -> sa.MetaData:
    """Create schema 3 in an empty database and load the fixture's rows (tallies empty, as
    after migration 2 before it counted them); return schema 3's metadata."""
    old = schema_3()
    with engine.begin() as conn:
        old.create_all(conn)
        for name, rows in fixture_rows().items():
            table = old.tables[name]
            conn.execute(
                sa.insert(table),
                [{k: _typed(table.c[k], v) for k, v in row.items()} for row in rows],
            )
            if conn.dialect.name == "postgresql" and table.c.get("id") is not None:
                # Ids were given: move a serial column's sequence past them.
                sequence = conn.exec_driver_sql(
                    f"SELECT pg_get_serial_sequence('{name}', 'id')"
                ).scalar_one()
                if sequence is not None:
                    conn.exec_driver_sql(f"SELECT setval('{sequence}', max(id)) FROM {name}")
    assert all(table.name in old.tables for table in TALLIES)
    return old
