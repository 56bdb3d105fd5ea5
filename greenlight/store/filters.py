"""How a UseFilter reads in SQL: its WHERE conditions, the dimensions counts group by, and
the keys the listing sorts by; shared by the row queries and the tally queries."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from greenlight.store.records import UseFilter
from greenlight.store.tables import outcome_principles, outcome_reasons, productions, uses

# The dimensions counts() can group by, each a column of `uses` (or of productions).
DIMENSIONS: dict[str, Any] = {
    "level": uses.c.level,
    "status": uses.c.status,
    "department": uses.c.department,
    "use_case_type": uses.c.use_case_type,
    "matrix_row": uses.c.matrix_row,
    "week": uses.c.created_week,
    "month": uses.c.created_month,
    "production": productions.c.code,
}

# What the listing may be sorted by; level sorts by seriousness, not by name.
SORT_KEYS: dict[str, Any] = {
    "created_at": uses.c.created_at,
    "updated_at": uses.c.updated_at,
    "title": uses.c.title,
    "level": uses.c.level_rank,
    "status": uses.c.status,
    "department": uses.c.department,
    "use_case_type": uses.c.use_case_type,
    "tool": uses.c.tool,
    "vendor": uses.c.vendor,
    "production": productions.c.code,
}


def demo_production_ids() -> sa.ScalarSelect:
    """The ids of the demo productions, as a subquery (a handful of rows)."""
    return sa.select(productions.c.id).where(productions.c.is_demo).scalar_subquery()


def where(f: UseFilter) -> list[sa.ColumnElement[bool]]:
    """The WHERE conditions on `uses` for a filter."""
    conditions: list[sa.ColumnElement[bool]] = []
    if f.archived is not None:
        conditions.append(uses.c.archived == f.archived)
    if f.productions:
        ids = sa.select(productions.c.id).where(productions.c.code.in_(f.productions))
        conditions.append(uses.c.production_id.in_(ids.scalar_subquery()))
    elif f.without_demo:
        conditions.append(uses.c.production_id.not_in(demo_production_ids()))
    if f.date_from is not None:
        conditions.append(uses.c.created_at >= datetime.combine(f.date_from, time.min))
    if f.date_to is not None:
        conditions.append(
            uses.c.created_at < datetime.combine(f.date_to + timedelta(days=1), time.min)
        )
    for values, column in (
        (f.departments, uses.c.department),
        (f.statuses, uses.c.status),
        (f.levels, uses.c.level),
        (f.use_case_types, uses.c.use_case_type),
    ):
        if values:
            conditions.append(column.in_(values))
    if f.reasons:
        conditions.append(uses.c.outcome_id.in_(outcomes_firing(f.reasons)))
    if f.principles:
        conditions.append(uses.c.outcome_id.in_(outcomes_unclear(f.principles)))
    if f.text:
        conditions.append(
            sa.or_(
                *(
                    column.icontains(f.text, autoescape=True)
                    for column in (uses.c.title, uses.c.description, uses.c.tool, uses.c.vendor)
                )
            )
        )
    return conditions


def outcomes_firing(rules: tuple[str, ...]) -> sa.Select:
    """The outcomes with any of these rules among their reasons: a few thousand outcomes
    however many uses share them (found through the outcome_reasons index on rule)."""
    return sa.select(outcome_reasons.c.outcome_id).where(outcome_reasons.c.rule.in_(rules))


PRINCIPLE_SEP = ":"  # a UseFilter.principles entry: question id, this, answer


def outcomes_unclear(principles: tuple[str, ...]) -> sa.Select:
    """The outcomes with any of these principles ("question_id:answer") not answered clearly."""
    pairs = [p.rpartition(PRINCIPLE_SEP) for p in principles]
    return sa.select(outcome_principles.c.outcome_id).where(
        sa.or_(
            *(
                sa.and_(
                    outcome_principles.c.question_id == question,
                    outcome_principles.c.answer == answer,
                )
                for question, _, answer in pairs
            )
        )
    )
