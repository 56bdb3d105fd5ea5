"""The rows a new use is written as: its document is its free text and its answer set, and
the shortcuts the bulk writer takes (SQLite times written by isoformat, tallies counted from
the rows) give exactly what the general path gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from greenlight.policy import load_guidance
from greenlight.policy.answers import FIELD_NAMES, document_of, parse_answers, without_text
from greenlight.policy.engine import Engine
from greenlight.store.database import _bound
from greenlight.store.records import to_db_time
from greenlight.store.rows import AssessedCache, assessed_values
from greenlight.store.tables import use_history, uses

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
SQLITE = sa.create_engine("sqlite://").dialect

# Text with what JSON must escape: quotes, backslashes, control characters, non-ASCII,
# characters outside the BMP (surrogate pairs in \u escapes).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)


def _answers(rng: random.Random):
    doc: dict = {}
    for q in GUIDANCE.questions:
        if rng.random() < 0.5:
            target = doc.setdefault(q.path[0], {}) if len(q.path) > 1 else doc
            target[q.path[-1]] = rng.choice(q.values)
    return doc


@given(
    title=TEXT.filter(lambda t: t.strip()),
    text=st.fixed_dictionaries({}, optional={name: TEXT for name in FIELD_NAMES[1:]}),
    seed=st.integers(0, 10_000),
)
def test_a_use_s_document_is_its_free_text_columns_and_its_answer_set(title, text, seed):
    """What get_use and reassess rebuild from a row (document_of its free-text columns and
    its answer set) is the document of the answers it was written from, for any text."""
    answers = parse_answers({"title": title, **text, **_answers(random.Random(seed))}, GUIDANCE)
    parts = AssessedCache(GUIDANCE)(answers, ENGINE.assess(answers))
    row = assessed_values(answers, parts)
    document = answers.to_document(GUIDANCE)
    assert document_of(row, parts.answer_set.document) == document
    assert parts.answer_set.document == without_text(document)
    assert list(document_of(row, parts.answer_set.document)) == list(document)  # key order


NAIVE = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31))


@given(st.lists(NAIVE, min_size=1, max_size=20))
def test_sqlite_times_are_written_as_sqlalchemy_writes_them(values):
    process = uses.c.created_at.type.dialect_impl(SQLITE).bind_processor(SQLITE)
    assert _bound(uses.c.created_at, values, SQLITE) == [process(v) for v in values]


def test_an_aware_time_among_naive_ones_goes_through_sqlalchemy():
    aware = datetime(2026, 3, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    values = [datetime(2026, 3, 1), aware]
    process = use_history.c.at.type.dialect_impl(SQLITE).bind_processor(SQLITE)
    assert _bound(use_history.c.at, values, SQLITE) == [process(v) for v in values]


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 3, 30, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 3, 29, 1, 30),
    ],
)
def test_a_time_is_stored_as_naive_utc(value):
    assert to_db_time(value) == datetime(2026, 3, 29, 1, 30)
    assert to_db_time(value).tzinfo is None
