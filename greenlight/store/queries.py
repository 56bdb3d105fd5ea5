"""Read side of the store: the overview's aggregates and the paged log listing, all in SQL.

Every function takes a Connection and a UseFilter and returns a small result: counts are
grouped in the database, never computed over rows in Python.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import replace
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from greenlight.store import access
from greenlight.store import tally_queries as tallied
from greenlight.store.database import read_transaction
from greenlight.store.filters import DIMENSIONS, SORT_KEYS, where
from greenlight.store.records import (
    SUMMARY_COLUMNS,
    StoreError,
    UseFilter,
    UsePage,
    UseSummary,
    utc,
)
from greenlight.store.tables import (
    ANSWERS_OF_USES,
    PRINCIPLES_OF_USES,
    REASONS_OF_USES,
    answer_sets,
    outcome_principles,
    outcome_reasons,
    productions,
    uses,
)

MAX_PAGE = 1000
# The creation time and id that end a row of export_query(sort_key=True).
_SORT_KEY = itemgetter(-2, -1)

# What an export can read of each use, by name, beside the columns of `uses`: its production's
# code and name, its answer set's id and answers (JSON text; see answers_text), the rule ids of
# its reasons, and its times as csvio.format_time writes them.
EXPORT_EXTRAS: tuple[str, ...] = (
    "production",
    "production_name",
    "answer_set_id",
    "answers",
    "reasons",
)


def answers_text(dialect: str) -> sa.ColumnElement[str]:
    """A use's answers (its answer set: the answers document without its free text) as JSON
    text made by the database. Uses with the same answers share the text, so the export
    renders each distinct set of answers once."""
    if dialect == "postgresql":
        return sa.cast(answer_sets.c.answers, sa.Text)
    return sa.type_coerce(answer_sets.c.answers, sa.Text)


def iso_time(column: sa.ColumnElement[Any], dialect: str) -> sa.ColumnElement[str]:
    """A stored (naive UTC) time as the export writes it, made by the database:
    csvio.format_time's ISO 8601 to the second with a Z."""
    if dialect == "postgresql":
        whole = sa.func.to_char(column, 'YYYY-MM-DD"T"HH24:MI:SS', type_=sa.Text)
    else:  # SQLite holds the text SQLAlchemy wrote: YYYY-MM-DD HH:MM:SS.ffffff
        text = sa.type_coerce(column, sa.Text)
        whole = sa.func.replace(sa.func.substr(text, 1, 19), " ", "T", type_=sa.Text)
    return whole.concat("Z")


def export_query(
    names: Sequence[str], f: UseFilter, dialect: str, *, sort_key: bool = False
) -> sa.Select:
    """One production's uses matching a filter, the columns `names` (columns of `uses` or
    EXPORT_EXTRAS) in that order, by creation time and id; the production is given by the
    parameters production_id, code and name. With `sort_key`, each row ends with its
    creation time and id as well, to merge it with another part of the same production.

    One production at a time, so the database sorts a production's uses, found through the
    (production_id, archived, created_at) index, never the whole log at once. Built once
    per export, so SQLAlchemy compiles it once. Times come as format_time's text, and text
    columns without a value as "".
    """
    special = {
        "production": sa.bindparam("code", type_=sa.Text),
        "production_name": sa.bindparam("name", type_=sa.Text),
        "answers": answers_text(dialect),
        "reasons": uses.c.reason_rules,
        "matrix_row": sa.func.coalesce(uses.c.matrix_row, ""),
        "created_at": iso_time(uses.c.created_at, dialect),
        "updated_at": iso_time(uses.c.updated_at, dialect),
    }
    unknown = [name for name in names if name not in special and name not in uses.c]
    if unknown:
        raise StoreError(f"an export cannot read {', '.join(unknown)}")
    columns = [(special[name] if name in special else uses.c[name]).label(name) for name in names]
    if sort_key:
        columns += [uses.c.created_at.label("_created_at"), uses.c.id.label("_id")]
    return (
        sa.select(*columns)
        .select_from(ANSWERS_OF_USES)
        .where(
            uses.c.production_id == sa.bindparam("production_id"),
            *where(replace(f, productions=())),
        )
        .order_by(uses.c.created_at, uses.c.id)
    )


def count_uses(conn: Connection, f: UseFilter) -> int:
    """How many uses match the filter."""
    query = tallied.count_query(f)
    if query is None:
        query = sa.select(sa.func.count()).select_from(uses).where(*where(f))
    return int(conn.execute(query).scalar_one())


def _frame(rows: list, columns: list[str]):
    import pandas as pd

    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def counts(conn: Connection, f: UseFilter, by: tuple[str, ...]):
    """Uses grouped by the named DIMENSIONS: a DataFrame with those columns and `uses`."""
    return _frame(count_rows(conn, f, by), [*by, "uses"])


def count_map(conn: Connection, f: UseFilter, by: tuple[str, ...]) -> dict:
    """Uses grouped by DIMENSIONS as {value: uses}, or {(value, ...): uses} for several.

    The same counts as counts(), without pandas: for pages where start-up time counts.
    """
    rows = count_rows(conn, f, by)
    if len(by) == 1:
        return {row[0]: int(row[1]) for row in rows}
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


def count_rows(conn: Connection, f: UseFilter, by: tuple[str, ...]) -> list:
    """The rows of counts(): one per group, the `by` values then the number of uses."""
    unknown = [name for name in by if name not in DIMENSIONS]
    if unknown or not by:
        raise StoreError(f"cannot group by {unknown or by}: choose from {', '.join(DIMENSIONS)}")
    query = tallied.counts_query(f, by)
    if query is not None:
        return list(conn.execute(query).all())
    columns = [DIMENSIONS[name].label(name) for name in by]
    query = sa.select(*columns, sa.func.count().label("uses")).select_from(uses)
    if "production" in by:
        query = query.join(productions, productions.c.id == uses.c.production_id)
    order = [sa.func.max(uses.c.level_rank) if name == "level" else DIMENSIONS[name] for name in by]
    query = query.where(*where(f)).group_by(*(DIMENSIONS[name] for name in by)).order_by(*order)
    return list(conn.execute(query).all())


def counts_by_reason(conn: Connection, f: UseFilter):
    """How many uses each rule fired for: DataFrame[rule, level, section, uses], most first."""
    query = tallied.reasons_query(f)
    if query is not None:
        return _frame(conn.execute(query).all(), ["rule", "level", "section", "uses"])
    n = sa.func.count().label("uses")
    r = outcome_reasons
    query = (
        sa.select(r.c.rule, r.c.level, r.c.section, n)
        .select_from(REASONS_OF_USES)
        .where(*where(f))
        .group_by(r.c.rule, r.c.level, r.c.section)
        .order_by(n.desc(), r.c.rule)
    )
    return _frame(conn.execute(query).all(), ["rule", "level", "section", "uses"])


def principle_concerns(conn: Connection, f: UseFilter):
    """Principles answered other than yes (unanswered counts as the default, unsure).

    DataFrame[question_id, answer, uses], ordered by question and answer.
    """
    query = tallied.principles_query(f)
    if query is not None:
        return _frame(conn.execute(query).all(), ["question_id", "answer", "uses"])
    n = sa.func.count().label("uses")
    p = outcome_principles
    query = (
        sa.select(p.c.question_id, p.c.answer, n)
        .select_from(PRINCIPLES_OF_USES)
        .where(*where(f))
        .group_by(p.c.question_id, p.c.answer)
        .order_by(p.c.question_id, p.c.answer)
    )
    return _frame(conn.execute(query).all(), ["question_id", "answer", "uses"])


def distinct_values(conn: Connection, f: UseFilter, name: str) -> list[str]:
    """The distinct values of one dimension among the filtered uses (for filter widgets)."""
    if name not in DIMENSIONS or name in ("week", "month"):
        raise StoreError(f"no list of values for {name!r}")
    query = tallied.distinct_query(f, name)
    if query is not None:
        return list(conn.execute(query).scalars())
    column = DIMENSIONS[name]
    query = sa.select(column).distinct().select_from(uses)
    if name == "production":
        query = query.join(productions, productions.c.id == uses.c.production_id)
    return list(conn.execute(query.where(*where(f)).order_by(column)).scalars())


def list_uses(
    conn: Connection,
    f: UseFilter,
    *,
    sort: str = "created_at",
    descending: bool = True,
    offset: int = 0,
    limit: int = 50,
) -> UsePage:
    """One page of the log for the filter, sorted, with the total number that match."""
    if sort not in SORT_KEYS:
        raise StoreError(f"cannot sort by {sort!r}: choose from {', '.join(SORT_KEYS)}")
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise StoreError(f"a page holds 1 to {MAX_PAGE} uses from offset 0 or more")
    key = SORT_KEYS[sort]
    tiebreak = uses.c.id.desc() if descending else uses.c.id.asc()
    columns = [
        productions.c.code.label("production_code") if name == "production_code" else uses.c[name]
        for name in SUMMARY_COLUMNS
    ]
    query = (
        sa.select(*columns)
        .select_from(uses.join(productions, productions.c.id == uses.c.production_id))
        .where(*where(f))
        .order_by(key.desc() if descending else key.asc(), tiebreak)
        .offset(offset)
        .limit(limit)
    )
    rows = []
    for row in conn.execute(query).mappings():
        values = dict(row)
        values["created_at"] = utc(values["created_at"])
        values["updated_at"] = utc(values["updated_at"])
        rows.append(UseSummary(**values))
    return UsePage(rows=tuple(rows), total=count_uses(conn, f), offset=offset, limit=limit)


ALL_USES = UseFilter()  # every live (not archived) use of every production


class OverviewQueries:
    """The read-only queries of UseCaseStore (a mixin: needs `self.engine`).

    Each takes the `viewer` whose productions it reads (store.access): on a studio log, a
    viewer's filter is narrowed to the productions they have a role in (one they have none
    in reads as empty), and a read by no one is refused (NotPermitted).
    """

    engine: Engine

    def list_uses(
        self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None, **options: Any
    ) -> UsePage:
        """A page of the log: see store_queries.list_uses for sort, descending, offset, limit."""
        with read_transaction(self.engine) as conn:
            return list_uses(conn, _scoped(conn, f, viewer), **options)

    def count_uses(self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None) -> int:
        """How many uses match the filter."""
        with self.engine.connect() as conn:
            return count_uses(conn, _scoped(conn, f, viewer))

    def counts(
        self,
        f: UseFilter = ALL_USES,
        by: Sequence[str] = ("level",),
        *,
        viewer: access.Actor | None = None,
    ):
        """Uses grouped by dimensions (filters.DIMENSIONS): DataFrame[*by, uses]."""
        with self.engine.connect() as conn:
            return counts(conn, _scoped(conn, f, viewer), tuple(by))

    def count_by(
        self,
        f: UseFilter = ALL_USES,
        by: Sequence[str] = ("level",),
        *,
        viewer: access.Actor | None = None,
    ) -> dict:
        """counts() as a plain dict, {value: uses} ({(value, ...): uses} for several `by`)."""
        with self.engine.connect() as conn:
            return count_map(conn, _scoped(conn, f, viewer), tuple(by))

    def counts_by_level(self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None):
        """DataFrame[level, uses], least serious level first."""
        return self.counts(f, ("level",), viewer=viewer)

    def counts_by_status_level(
        self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None
    ):
        """DataFrame[status, level, uses]."""
        return self.counts(f, ("status", "level"), viewer=viewer)

    def counts_by_department_level(
        self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None
    ):
        """DataFrame[department, level, uses]."""
        return self.counts(f, ("department", "level"), viewer=viewer)

    def counts_by_type_level(self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None):
        """DataFrame[use_case_type, level, uses]."""
        return self.counts(f, ("use_case_type", "level"), viewer=viewer)

    def counts_by_week_level(self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None):
        """DataFrame[week (Monday, a date), level, uses]."""
        return self.counts(f, ("week", "level"), viewer=viewer)

    def counts_by_month_level(self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None):
        """DataFrame[month (first day, a date), level, uses]."""
        return self.counts(f, ("month", "level"), viewer=viewer)

    def counts_by_reason(self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None):
        """DataFrame[rule, level, section, uses], the rules that fire most first."""
        with self.engine.connect() as conn:
            return counts_by_reason(conn, _scoped(conn, f, viewer))

    def principle_concerns(self, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None):
        """DataFrame[question_id, answer, uses] for principles answered no or unsure."""
        with self.engine.connect() as conn:
            return principle_concerns(conn, _scoped(conn, f, viewer))

    def distinct_values(
        self, name: str, f: UseFilter = ALL_USES, *, viewer: access.Actor | None = None
    ) -> list[str]:
        """The values of a dimension (e.g. department) present among the filtered uses."""
        with self.engine.connect() as conn:
            return distinct_values(conn, _scoped(conn, f, viewer), name)

    def iter_export_rows(
        self,
        f: UseFilter = ALL_USES,
        batch: int = 1000,
        *,
        names: Sequence[str] | None = None,
        viewer: access.Actor | None = None,
    ) -> Iterator[tuple]:
        """Every use matching the filter as a row of the columns `names` (see
        export_query; by default every column of `uses`, then EXPORT_EXTRAS), streamed in
        batches (times as csvio.format_time writes them). Index a row by the place of a name
        in `names`: with archived uses too, rows are plain tuples.

        Ordered by production, creation time and id. A server-side cursor on PostgreSQL (and
        SQLite's lazy cursor) keep memory flat however large the log is.
        """
        with self.engine.connect() as conn:
            f = _scoped(conn, f, viewer)  # refused here, before the first row is yielded
        chosen = sa.select(productions.c.id, productions.c.code, productions.c.name)
        chosen = chosen.order_by(productions.c.code)
        if f.productions:
            chosen = chosen.where(productions.c.code.in_(f.productions))
        if names is None:
            names = [*uses.c.keys(), *EXPORT_EXTRAS]
        # Each query reads in the order of the (production_id, archived, created_at) index,
        # so the database sorts only uses made in the same microsecond. Live and archived uses
        # together are two such parts merged here: one query would have the database sort
        # each production's rows whole (SQLite's sorter held megabytes of them).
        parts = [f.archived] if f.archived is not None else [False, True]
        with self.engine.connect() as conn:
            streamed = conn.execution_options(stream_results=True, yield_per=batch)
            keyed = len(parts) > 1
            queries = [
                export_query(names, replace(f, archived=part), conn.dialect.name, sort_key=keyed)
                for part in parts
            ]
            for production_id, code, name in conn.execute(chosen).all():
                values = {"production_id": production_id, "code": code, "name": name}
                results = [streamed.execute(query, values) for query in queries]
                if not keyed:
                    for partition in results[0].partitions():
                        yield from partition
                    continue
                for row in heapq.merge(*results, key=_SORT_KEY):
                    yield row[:-2]


def _scoped(conn: Connection, f: UseFilter, viewer: access.Actor | None) -> UseFilter:
    """`f` narrowed to what `viewer` may see (store.access.scoped)."""
    who = access.acting(conn, viewer, reading=True)
    return access.scoped(conn, who, f)
