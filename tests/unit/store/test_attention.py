"""What needs attention: the uses awaiting a decision, oldest first; the table by production;
the demo left out of "all"; and the time each use began to wait, kept by every writer."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from greenlight.demo import seed_demo
from greenlight.store import UseCaseStore, UseFilter
from greenlight.store.attention import MAX_AWAITING
from greenlight.store.tables import uses
from tests.unit.store.fixture_log import BOB, ENGINE, answers, at, build_log, rows
from tests.unit.store.legacy_schema import fixture_rows, load_schema_3
from tests.unit.store.test_tally import assert_recounted


def _awaiting(store, f=None, limit=10):
    f = UseFilter() if f is None else f
    return [(u.title, u.production_code, u.level, u.status) for u in store.awaiting_uses(f, limit)]


def test_awaiting_uses_come_oldest_wait_first(store):
    ids = build_log(store)
    # Submitted on 20 January, escalated on 1 February: it has waited since 20 January.
    late = store.log_use("B", answers("escalate", "Late poster"), ENGINE, actor="ana", at=at(1, 8))
    store.set_status(late.id, "submitted", actor=BOB, at=at(1, 20))
    store.set_status(late.id, "escalated", actor=BOB, at=at(2, 1))
    # Waiting from 5 January, then withdrawn: it waits no more.
    gone = store.log_use("A", answers("low", "Dropped"), ENGINE, actor="ana", at=at(1, 5, 8))
    store.set_status(gone.id, "submitted", actor=BOB, at=at(1, 5, 9))
    store.set_status(gone.id, "withdrawn", actor=BOB, at=at(1, 9))

    assert _awaiting(store) == [
        ("Storm previs", "A", "escalate", "escalated"),
        ("Poster", "B", "escalate", "submitted"),
        ("Late poster", "B", "escalate", "escalated"),
    ]
    assert [u.awaiting_since for u in store.awaiting_uses()] == [at(1, 6), at(1, 7), at(1, 20)]
    assert store.get_use(late.id).awaiting_since == at(1, 20)
    assert store.get_use(gone.id).awaiting_since is None
    assert store.get_use(ids["Moodboard"]).awaiting_since is None
    assert _awaiting(store, limit=1) == [("Storm previs", "A", "escalate", "escalated")]
    assert _awaiting(store, UseFilter(productions=("B",))) == [
        ("Poster", "B", "escalate", "submitted"),
        ("Late poster", "B", "escalate", "escalated"),
    ]
    # Archived, it leaves the list; restored, it comes back with its wait.
    store.archive_use(ids["Storm previs"], actor="ana")
    assert [t for t, *_ in _awaiting(store)] == ["Poster", "Late poster"]
    store.restore_use(ids["Storm previs"], actor="ana")
    assert store.awaiting_uses()[0].awaiting_since == at(1, 6)
    assert_recounted(store)


def test_a_reopened_approval_waits_from_when_it_was_reopened(store):
    ids = build_log(store)
    changed = answers("approval", "Creature design, new pass", department="Art")
    store.update_use(ids["Creature design"], changed, ENGINE, actor="ana")
    record = store.get_use(ids["Creature design"])
    assert record.status == "submitted"
    assert record.awaiting_since is not None and record.awaiting_since > at(2, 28)
    assert _awaiting(store)[-1][0] == "Creature design, new pass"


def test_the_awaiting_list_is_bounded(store):
    with pytest.raises(ValueError, match="1 to"):
        store.awaiting_uses(UseFilter(), MAX_AWAITING + 1)
    with pytest.raises(ValueError, match="1 to"):
        store.awaiting_uses(UseFilter(), 0)


EXPECTED_BY_PRODUCTION = [
    # production, name, is_demo, uses, written-approval uses, awaiting, oldest wait
    ("A", "Alpha", False, 4, 2, 1, at(1, 6)),
    ("B", "Bravo", False, 3, 1, 1, at(1, 7)),
]


def test_the_table_by_production_counts_each_production(store):
    build_log(store)
    assert rows(store.production_attention(UseFilter())) == EXPECTED_BY_PRODUCTION
    # A date range the tally cannot answer groups the rows: the same figures.
    year = UseFilter(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    assert rows(store.production_attention(year)) == EXPECTED_BY_PRODUCTION
    art = UseFilter(departments=("Art",))
    assert rows(store.production_attention(art)) == [("A", "Alpha", False, 2, 1, 0, None)]
    chosen = UseFilter(productions=("B",))
    assert rows(store.production_attention(chosen)) == EXPECTED_BY_PRODUCTION[1:]
    assert rows(store.production_attention(UseFilter(archived=True))) == [
        ("A", "Alpha", False, 1, 0, 0, None)
    ]


def test_demo_productions_are_left_out_of_all_unless_chosen(store):
    build_log(store)
    assert seed_demo(store, ENGINE) > 0
    demo = next(p.code for p in store.list_productions() if p.is_demo)
    without = UseFilter(without_demo=True)
    # The demo awaits decisions of its own; "all" without it is the fixture log alone.
    assert any(u.production_code == demo for u in store.awaiting_uses(UseFilter(), 50))
    assert {u.production_code for u in store.awaiting_uses(without, 50)} == {"A", "B"}
    assert rows(store.production_attention(without)) == EXPECTED_BY_PRODUCTION
    assert demo in set(store.production_attention(UseFilter())["production"])

    only_real = UseFilter(productions=("A", "B"))  # counted from the rows
    # The edge days of a date range come from the rows, the rest from the tallies.
    days = dict(date_from=date(2026, 1, 6), date_to=date(2026, 2, 10))
    for by in [("level",), ("status", "level"), ("department", "level"), ("week", "level")]:
        assert rows(store.counts(without, by)) == rows(store.counts(only_real, by))
        some = UseFilter(without_demo=True, **days)
        assert rows(store.counts(some, by)) == rows(
            store.counts(UseFilter(productions=("A", "B"), **days), by)
        )
    assert rows(store.counts_by_reason(without)) == rows(store.counts_by_reason(only_real))
    assert rows(store.principle_concerns(without)) == rows(store.principle_concerns(only_real))
    assert store.count_uses(without) == store.count_uses(only_real) == 7
    assert store.distinct_values("department", without) == store.distinct_values(
        "department", only_real
    )
    # Chosen explicitly, the demo is counted like any production.
    assert store.count_uses(UseFilter(productions=(demo,))) > 0
    assert_recounted(store)


def test_an_upgraded_log_knows_since_when_its_open_uses_wait(db_url):
    """Migration 8: an open use waits since its history moved it into an open status."""
    load_schema_3(sa.create_engine(db_url, poolclass=sa.NullPool))
    store = UseCaseStore(db_url)
    old = {row["id"]: row for row in fixture_rows()["uses"]}
    with store.engine.connect() as conn:
        found = dict(conn.execute(sa.select(uses.c.id, uses.c.awaiting_since)).all())
    for use_id, since in found.items():
        assert (since is not None) == (old[use_id]["status"] in ("submitted", "escalated"))
    assert any(since is not None for since in found.values())
    assert_recounted(store)
