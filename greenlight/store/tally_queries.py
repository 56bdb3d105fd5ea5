"""The overview's aggregates read from the tallies (greenlight.store_tally), not the rows.

A filter the tallies can answer (no text search or production; any dates and departments;
statuses, levels or types where a tally holds them) is split into the whole periods inside
its date range, summed from the smallest tally that has every dimension needed, and the
days at either edge that only part of a period covers, counted from the rows (a few days at
most, found through the created_at index). Both halves are grouped in one statement, so the
result, its types and its order are exactly those of the query over the rows. Anything else
returns None and the caller groups the rows.

"All productions but the demo" (UseFilter.without_demo) is the tallies' count less the demo
productions' rows, counted from the rows in the same statement: the demo is a few dozen
sample uses, so the cost stays flat in the log's size. Groups that come to zero are dropped.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from greenlight.store.filters import demo_production_ids, where
from greenlight.store.records import UseFilter
from greenlight.store.tables import (
    PRINCIPLES_OF_USES,
    REASONS_OF_USES,
    level_tally,
    outcome_principles,
    outcome_reasons,
    principle_tally,
    reason_tally,
    status_tally,
    type_tally,
    uses,
)
from greenlight.store.tally import period_end, period_start

_ONE_DAY = timedelta(days=1)

# The dimensions of the use tallies: name -> (tally column name, column of `uses`).
_DIMENSIONS: dict[str, tuple[str, Any]] = {
    "level": ("level", uses.c.level),
    "status": ("status", uses.c.status),
    "department": ("department", uses.c.department),
    "use_case_type": ("use_case_type", uses.c.use_case_type),
    "matrix_row": ("matrix_row", uses.c.matrix_row),
    "week": ("week", uses.c.created_week),
    "month": ("month", uses.c.created_month),
}
# Smallest first: a query reads the first one that holds every dimension it needs.
_USE_TALLIES = (level_tally, status_tally, type_tally)
# The UseFilter fields a tally may have to hold, and the dimension each one filters.
_FILTERED = (
    ("statuses", "status"),
    ("levels", "level"),
    ("use_case_types", "use_case_type"),
)


class _Split:
    """A filter's date range as whole periods (from a tally) and edge days (from the rows)."""

    def __init__(self, f: UseFilter):
        lo, hi = f.date_from, f.date_to
        self.edges: list[tuple[date, date]] = []
        self.tally_from, self.tally_to = lo, hi
        self.whole = True
        if lo is not None and lo != period_start(lo):
            end = period_end(lo)
            if hi is not None and hi <= end:
                self.edges, self.whole = [(lo, hi)], False
                return
            self.edges.append((lo, end))
            self.tally_from = end + _ONE_DAY
        if hi is not None and hi != period_end(hi):
            start = period_start(hi)
            self.edges.append((start, hi))
            self.tally_to = start - _ONE_DAY
        if self.tally_from is not None and self.tally_to is not None:
            self.whole = self.tally_from <= self.tally_to


def _needed(f: UseFilter) -> set[str]:
    return {name for field, name in _FILTERED if getattr(f, field)}


def _dates_usable(f: UseFilter) -> bool:
    return f.date_from is None or f.date_to is None or f.date_from <= f.date_to


def tally_for(f: UseFilter, by: tuple[str, ...] = (), tallies=_USE_TALLIES) -> sa.Table | None:
    """The tally that can answer a filter grouped by `by` exactly (None: only the rows can)."""
    if f.text or f.productions or f.reasons or f.principles or not _dates_usable(f):
        return None
    needed = _needed(f) | {_DIMENSIONS[name][0] for name in by if name in _DIMENSIONS}
    if any(name not in _DIMENSIONS for name in by):
        return None
    for table in tallies:
        if needed <= set(table.c.keys()):
            return table
    return None


def _tally_where(table: sa.Table, f: UseFilter, split: _Split) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if f.archived is not None:
        conditions.append(table.c.archived == f.archived)
    if f.departments:
        conditions.append(table.c.department.in_(f.departments))
    for field, name in _FILTERED:
        if getattr(f, field):
            conditions.append(table.c[name].in_(getattr(f, field)))
    if split.tally_from is not None:
        conditions.append(table.c.period >= split.tally_from)
    if split.tally_to is not None:
        conditions.append(table.c.period <= split.tally_to)
    return conditions


def _row_where(f: UseFilter, split: _Split) -> list[sa.ColumnElement[bool]]:
    ranges = [
        sa.and_(
            uses.c.created_at >= datetime.combine(first, time.min),
            uses.c.created_at < datetime.combine(last + _ONE_DAY, time.min),
        )
        for first, last in split.edges
    ]
    return [*where(replace(f, date_from=None, date_to=None)), sa.or_(*ranges)]


def _tally_column(table: sa.Table, name: str) -> sa.ColumnElement[Any]:
    column = table.c[_DIMENSIONS[name][0]]
    return sa.func.nullif(column, "") if name == "matrix_row" else column


def _parts(f: UseFilter, table: sa.Table, tally_columns: list, row_columns: list, source):
    """The tally half and the edge-days half of a grouped count, as selects with column `n`,
    and the demo's rows counted negative when the filter leaves them out."""
    split = _Split(f)
    parts = []
    if f.without_demo:
        f = replace(f, without_demo=False)  # the tally and edge halves count every use
        parts.append(
            sa.select(*row_columns, sa.literal(-1, sa.BigInteger).label("n"))
            .select_from(source)
            .where(*where(f), uses.c.production_id.in_(demo_production_ids()))
        )
    if split.whole:
        parts.append(
            sa.select(*tally_columns, table.c.uses.label("n")).where(*_tally_where(table, f, split))
        )
    if split.edges:
        parts.append(
            sa.select(*row_columns, sa.literal(1, sa.BigInteger).label("n"))
            .select_from(source)
            .where(*_row_where(f, split))
        )
    return parts[0].subquery() if len(parts) == 1 else sa.union_all(*parts).subquery()


def _total(column) -> sa.ColumnElement[int]:
    return sa.cast(sa.func.sum(column), sa.BigInteger)


def counts_query(f: UseFilter, by: tuple[str, ...]) -> sa.Select | None:
    """Uses grouped by `by` from a use tally (None: no tally can answer)."""
    table = tally_for(f, by)
    if table is None:
        return None
    tally_columns = [_tally_column(table, name).label(name) for name in by]
    row_columns = [_DIMENSIONS[name][1].label(name) for name in by]
    tally_columns.append(table.c.level_rank.label("rank"))
    row_columns.append(uses.c.level_rank.label("rank"))
    part = _parts(f, table, tally_columns, row_columns, uses)
    groups = [part.c[name] for name in by]
    order = [sa.func.max(part.c.rank) if name == "level" else part.c[name] for name in by]
    total = _total(part.c.n)
    query = sa.select(*groups, total.label("uses")).group_by(*groups).order_by(*order)
    return query.having(total != 0) if f.without_demo else query


def count_query(f: UseFilter) -> sa.Select | None:
    """How many uses match, from a use tally (None: no tally can answer)."""
    table = tally_for(f)
    if table is None:
        return None
    part = _parts(f, table, [], [], uses)
    return sa.select(sa.func.coalesce(_total(part.c.n), 0))


def reasons_query(f: UseFilter) -> sa.Select | None:
    """Uses per rule (rule, level, section, uses), from reason_tally."""
    t = reason_tally
    if tally_for(f, (), (t,)) is None:
        return None
    part = _parts(
        f,
        t,
        [t.c.rule, t.c.reason_level.label("level"), t.c.section],
        [outcome_reasons.c.rule, outcome_reasons.c.level, outcome_reasons.c.section],
        REASONS_OF_USES,
    )
    n = _total(part.c.n).label("uses")
    groups = [part.c.rule, part.c.level, part.c.section]
    query = sa.select(*groups, n).group_by(*groups).order_by(n.desc(), part.c.rule)
    return query.having(_total(part.c.n) != 0) if f.without_demo else query


def principles_query(f: UseFilter) -> sa.Select | None:
    """Uses per non-clear principle answer (question_id, answer, uses), from principle_tally."""
    t = principle_tally
    if tally_for(f, (), (t,)) is None:
        return None
    part = _parts(
        f,
        t,
        [t.c.question_id, t.c.answer],
        [outcome_principles.c.question_id, outcome_principles.c.answer],
        PRINCIPLES_OF_USES,
    )
    groups = [part.c.question_id, part.c.answer]
    total = _total(part.c.n)
    query = sa.select(*groups, total.label("uses")).group_by(*groups).order_by(*groups)
    return query.having(total != 0) if f.without_demo else query


def distinct_query(f: UseFilter, name: str) -> sa.Select | None:
    """The values of one dimension among the filtered uses, from a use tally."""
    if name in ("week", "month"):
        return None
    table = tally_for(f, (name,))
    if table is None:
        return None
    part = _parts(
        f,
        table,
        [_tally_column(table, name).label(name)],
        [_DIMENSIONS[name][1].label(name)],
        uses,
    )
    if f.without_demo:
        value = part.c[name]
        return sa.select(value).group_by(value).having(_total(part.c.n) != 0).order_by(value)
    return sa.select(part.c[name]).distinct().order_by(part.c[name])
