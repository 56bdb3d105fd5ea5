"""Roll-ups of the log, kept exact in the same transaction as every write.

The overview groups a few columns over every use. At a studio's scale (a million uses)
grouping the rows on each cold run is too slow, so small tallies hold the counts instead
(store_schema.TALLIES): uses per period, department and archived flag, by level, by status
and level, by use-case type and level, by rule that fired and by non-clear principle answer.
A *period* is the days one ISO week and one calendar month share, so weekly and monthly
series and day-precise date ranges are exact sums of periods plus a few edge days.

Writers wrap a change in `recounting` (the uses it touches are taken out of the tallies
before it and counted in again after it, by INSERT ... SELECT ... ON CONFLICT statements:
the database counts, not Python) or, for uses they insert, `apply` what `count_new` counts
in the very rows they write; so the tallies are a recount of the rows by construction,
never a second copy of the business rules. `rebuild_in` recounts everything (the migration that adds the tallies, and a repair
tool); `count_uses_of` recounts in Python, for checks.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from greenlight.store.database import (
    bulk_insert,
    conflict_insert,
    insert_columns,
    write_transaction,
)
from greenlight.store.records import week_of
from greenlight.store.shared import OUTCOME_ROWS, Outcome
from greenlight.store.tables import (
    ALL_TALLIES,
    PRINCIPLES_OF_USES,
    REASONS_OF_USES,
    TALLIES,
    TALLY_PREFIX,
    outcome_principles,
    outcome_reasons,
    principle_tally,
    production_tally,
    reason_tally,
    uses,
)

# A tally's counts, by table, then by the tuple of its primary key.
Deltas = dict[sa.Table, Counter]
# Rows given column by column: each column's values in row order.
Columns = Mapping[str, list]

# Where each tally reads its dimensions: the rows of the uses' outcomes (None: the uses
# themselves) joined to `uses` by _JOINED, and the column each dimension is read from (a
# column of `uses` unless named).
_CHILD: dict[sa.Table, sa.Table] = {
    reason_tally: outcome_reasons,
    principle_tally: outcome_principles,
}
_JOINED = {outcome_reasons: REASONS_OF_USES, outcome_principles: PRINCIPLES_OF_USES}
_RENAMED = {"reason_level": "level"}
# The production tally's key, each a column of `uses` (its own key has no period).
_PRODUCTION_KEY = ("production_id", "archived", "level", "status")


def _key_names(table: sa.Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.primary_key.columns)


def _sources(table: sa.Table) -> list[sa.ColumnElement[Any]]:
    """The columns a tally's key is counted from (week and month stand for the period)."""
    child = _CHILD.get(table)
    columns: list[sa.ColumnElement[Any]] = [uses.c.created_week, uses.c.created_month]
    for name in _key_names(table)[1:]:
        if child is not None and name not in TALLY_PREFIX:
            columns.append(child.c[_RENAMED.get(name, name)])
        else:
            columns.append(uses.c[name])
    return columns


def _from(table: sa.Table):
    child = _CHILD.get(table)
    return uses if child is None else _JOINED[child]


def period_start(day: date) -> date:
    """The first day of the period (the days a week and a month share) holding `day`."""
    return max(week_of(day), day.replace(day=1))


def period_end(day: date) -> date:
    """The last day of the period holding `day`."""
    week_end = week_of(day) + timedelta(days=6)
    next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return min(week_end, next_month - timedelta(days=1))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def tally_key(week: Any, month: Any, department: str, archived: Any, *rest: Any) -> tuple:
    """A tally's primary key from a use's stored week and month and its other key values."""
    period = max(_as_date(week), _as_date(month))
    return (period, department, bool(archived), *("" if v is None else v for v in rest))


def empty_deltas() -> Deltas:
    """No change to any tally."""
    return {table: Counter() for table in ALL_TALLIES}


def _production_key(production_id: Any, archived: Any, level: str, status: str) -> tuple:
    return (production_id, bool(archived), level, status)


def _production_counted(condition: sa.ColumnElement[bool], sign: int = 1) -> sa.Select:
    """The production tally's rows for the uses matching `condition`, in key order."""
    columns = [uses.c[name] for name in _PRODUCTION_KEY]
    count = sa.func.count() if sign > 0 else -sa.func.count()
    return sa.select(*columns, count).where(condition).group_by(*columns).order_by(*columns)


def count_uses_of(conn: Connection, condition: sa.ColumnElement[bool]) -> Deltas:
    """What the uses matching `condition` (on `uses`) add to each tally, counted in SQL."""
    found = empty_deltas()
    for table in TALLIES:
        columns = _sources(table)
        query = (
            sa.select(*columns, sa.func.count())
            .select_from(_from(table))
            .where(condition)
            .group_by(*columns)
        )
        counter = found[table]
        for row in conn.execute(query):
            counter[tally_key(*row[:-1])] += row[-1]
    for row in conn.execute(_production_counted(condition)):
        found[production_tally][_production_key(*row[:-1])] += row[-1]
    return found


def apply(conn: Connection, deltas: Deltas, production_id: int | None = None) -> None:
    """Add the deltas to the tallies; a count that reaches zero is deleted. New uses counted
    by count_new are counted in the production tally under `production_id`, the production
    they are written to (count_new runs before its id is read)."""
    ordered = conn.dialect.name == "postgresql"
    _apply_production(conn, deltas[production_tally], production_id, ordered)
    for table in TALLIES:
        # Sorted on PostgreSQL, so concurrent writers lock tally rows in the same order
        # (SQLite has one writer at a time).
        changes = [(k, n) for k, n in deltas[table].items() if n]
        if ordered:
            changes.sort()
        if not changes:
            continue
        names = _key_names(table)
        keys = list(zip(*(key for key, _ in changes), strict=True))
        columns = dict(zip(names, map(list, keys), strict=True))
        periods = set(keys[0])  # a few hundred, under 170,000 rows of a 100,000-use import
        weeks = {period: week_of(period) for period in periods}
        months = {period: period.replace(day=1) for period in periods}
        columns["week"] = list(map(weeks.__getitem__, keys[0]))
        columns["month"] = list(map(months.__getitem__, keys[0]))
        columns["uses"] = [n for _, n in changes]
        insert_columns(conn, table, columns, add_to="uses")
        gone = [key for key, n in changes if n < 0]
        if gone:
            match = [table.c[name] == sa.bindparam(f"k_{name}") for name in names]
            conn.execute(
                sa.delete(table).where(*match, table.c.uses <= 0),
                [
                    {f"k_{name}": value for name, value in zip(names, key, strict=True)}
                    for key in gone
                ],
            )


def _apply_production(conn: Connection, counts: Counter, production_id, ordered: bool) -> None:
    changes = Counter()
    for key, n in counts.items():
        if n:
            changes[(production_id if key[0] is None else key[0], *key[1:])] += n
    if not changes:
        return
    items = sorted(changes.items()) if ordered else list(changes.items())
    columns = {name: [key[i] for key, _ in items] for i, name in enumerate(_PRODUCTION_KEY)}
    columns["uses"] = [n for _, n in items]
    insert_columns(conn, production_tally, columns, add_to="uses")
    if any(n < 0 for _, n in items):
        conn.execute(sa.delete(production_tally).where(production_tally.c.uses <= 0))


def _counted(table: sa.Table, condition: sa.ColumnElement[bool], sign: int = 1) -> sa.Select:
    """The rows of a tally for the uses matching `condition`, counted in SQL (negated for
    sign -1), in key order so concurrent writers lock tally rows in the same order."""
    week, month = uses.c.created_week, uses.c.created_month
    names = _key_names(table)
    values = [
        sa.func.coalesce(column, "") if name == "matrix_row" else column
        for name, column in zip(names[1:], _sources(table)[2:], strict=True)
    ]
    period = sa.case((week > month, week), else_=month)
    count = sa.func.count() if sign > 0 else -sa.func.count()
    return (
        sa.select(period, *values, week, month, count)
        .select_from(_from(table))
        .where(condition)
        .group_by(week, month, *values)
        .order_by(period, *values)
    )


def add_counted(conn: Connection, condition: sa.ColumnElement[bool], sign: int = 1) -> None:
    """Add (sign 1) or take away (sign -1) the uses matching `condition` in every tally, with
    one INSERT ... SELECT ... ON CONFLICT each: the database counts, not Python."""
    insert = conflict_insert(conn.dialect)
    for table in ALL_TALLIES:
        names = _key_names(table)
        if table is production_tally:
            statement = insert(table).from_select(
                [*names, "uses"], _production_counted(condition, sign)
            )
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=list(names),
                    set_={"uses": table.c.uses + statement.excluded.uses},
                )
            )
            continue
        query = _counted(table, condition, sign)
        statement = insert(table).from_select([*names, "week", "month", "uses"], query)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=list(names),
                set_={"uses": table.c.uses + statement.excluded.uses},
            )
        )


def drop_empty(conn: Connection) -> None:
    """Delete the tally rows whose count fell to zero (found through a partial index)."""
    for table in ALL_TALLIES:
        conn.execute(sa.delete(table).where(table.c.uses == 0))


# A set of use ids for id_set, one per connection (a temporary table).
_id_set = sa.Table(
    "greenlight_id_set",
    sa.MetaData(),
    sa.Column("id", sa.String(40), primary_key=True),
    prefixes=["TEMPORARY"],
)


def id_set(conn: Connection, ids: list[str]) -> sa.ColumnElement[bool]:
    """A condition on `uses` matching exactly these ids, through a temporary table: one bulk
    insert, rather than thousands of bound parameters in every statement that uses it."""
    _id_set.create(conn, checkfirst=True)
    conn.execute(sa.delete(_id_set))
    bulk_insert(conn, _id_set, [{"id": use_id} for use_id in ids])
    return uses.c.id.in_(sa.select(_id_set.c.id))


# The columns of `uses` that make a use's tally key prefix, through tally_key.
_PREFIX_SOURCES = ("created_week", "created_month", "department", "archived")


def count_new(use_columns: Columns, outcomes: Sequence[Outcome]) -> Deltas:
    """What new uses add to each tally, counted from the `uses` rows written for them, given
    column by column (store_db.columns_of), and the outcome of each, in row order.

    The same count as add_counted's SQL over those rows, done where the rows already are:
    counting them again in the database after a 100,000-row import took longer than
    writing them. Whole keys are built and counted in C (a prefix tuple plus a dimension
    tuple); an outcome's rows are counted once per key prefix, not once per use.
    """
    found = empty_deltas()
    if not outcomes:
        return found
    raw = list(zip(*(use_columns[name] for name in _PREFIX_SOURCES), strict=True))
    prefixes = {key: tally_key(*key) for key in set(raw)}
    prefix_of = list(map(prefixes.__getitem__, raw))
    by_outcome = Counter(zip(prefix_of, outcomes, strict=True))
    for table in TALLIES:
        names = _key_names(table)[len(TALLY_PREFIX) :]
        child = _CHILD.get(table)
        counter = found[table]
        if child is None:
            values = [
                ["" if v is None else v for v in use_columns[name]]
                if None in use_columns[name]
                else use_columns[name]
                for name in names
            ]
            counter.update(map(operator.add, prefix_of, zip(*values, strict=True)))
            continue
        names = tuple(_RENAMED.get(name, name) for name in names)
        rows_of = {
            outcome: [tuple(row[n] for n in names) for row in getattr(outcome, OUTCOME_ROWS[child])]
            for outcome in set(outcomes)
        }
        for (prefix, outcome), n in by_outcome.items():
            for row in rows_of[outcome]:
                counter[prefix + row] += n
    # The production is not known yet: apply() is told it.
    keys = zip(use_columns["archived"], use_columns["level"], use_columns["status"], strict=True)
    found[production_tally].update((None, bool(a), lv, st) for a, lv, st in keys)
    return found


def rebuild_tallies(engine: Engine) -> None:
    """Recount every tally from the rows (in one write transaction)."""
    with write_transaction(engine) as conn:
        rebuild_in(conn)
        rebuild_productions_in(conn)


def rebuild_in(conn: Connection) -> None:
    """Recount every period tally from the rows with one INSERT ... SELECT each, in the
    caller's transaction (the production tally, which came later: rebuild_productions_in)."""
    for table in TALLIES:
        conn.execute(sa.delete(table))
        query = _counted(table, sa.true())
        names = [*_key_names(table), "week", "month", "uses"]
        conn.execute(sa.insert(table).from_select(names, query))


def rebuild_productions_in(conn: Connection) -> None:
    """Recount the production tally from the rows, in the caller's transaction."""
    conn.execute(sa.delete(production_tally))
    names = [*_PRODUCTION_KEY, "uses"]
    conn.execute(sa.insert(production_tally).from_select(names, _production_counted(sa.true())))


def read_tallies(conn: Connection) -> Deltas:
    """Every tally as stored (for checks: it must equal count_uses_of(conn, sa.true()))."""
    found = empty_deltas()
    for table in TALLIES:
        names = _key_names(table)
        for row in conn.execute(sa.select(*(table.c[n] for n in names), table.c.uses)):
            found[table][(_as_date(row[0]), row[1], bool(row[2]), *row[3:-1])] = row[-1]
    t = production_tally
    for row in conn.execute(sa.select(*(t.c[n] for n in _PRODUCTION_KEY), t.c.uses)):
        found[t][_production_key(*row[:-1])] = row[-1]
    return found


@contextmanager
def recounting(conn: Connection, condition: sa.ColumnElement[bool]) -> Iterator[None]:
    """Keep the tallies exact across a change of the uses matching `condition`.

    Takes those uses out of the tallies before the change and counts them in again after it
    (in the caller's transaction); the change must not move a use in or out of `condition`.
    """
    add_counted(conn, condition, -1)
    yield
    add_counted(conn, condition, 1)
    drop_empty(conn)
