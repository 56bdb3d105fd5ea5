"""The overview's roll-ups (store_tally) stay a recount of the rows after every kind of write,
and every aggregate read from them equals the same aggregate grouped over the rows."""

from __future__ import annotations

import csv
import io
import itertools
import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from greenlight.csvio import import_csv, iter_csv
from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore, UseFilter
from greenlight.store import tally as store_tally
from greenlight.store.database import _STAGED_UPSERT_ROWS
from greenlight.store.records import NewUse, NewUses
from greenlight.store.rows import AssessedCache, new_rows
from greenlight.store.tally import period_end, period_start
from tests.unit.samples import CLEAR

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
DOCS = [
    {"use_case_type": "ideation", "principles": CLEAR, "context": {"tool_tier": "enterprise"}},
    {"use_case_type": "ideation", "principles": {**CLEAR, "temporary_only": "unsure"}},
    {"use_case_type": "key_visual", "involves": {"key_creative_element": True}},
    {"use_case_type": "other", "context": {"tool_tier": "unknown"}},
    {"use_case_type": "background_element", "principles": {"outputs_original": "no"}},
]
DEPARTMENTS = ["Art", "VFX", "Sound", ""]


def assert_recounted(store: UseCaseStore) -> None:
    """The stored tallies are exactly a recount of the rows (and hold no zero counts)."""
    with store.engine.connect() as conn:
        stored = store_tally.read_tallies(conn)
        recount = store_tally.count_uses_of(conn, sa.true())
    for table in stored:
        assert all(n > 0 for n in stored[table].values()), table.name
        assert dict(stored[table]) == dict(recount[table]), table.name


def spread(count: int, seed: int) -> list[tuple]:
    """`count` answers with their times, over about three months, on every weekday and
    across month ends."""
    rng = random.Random(seed)
    found = []
    for n in range(count):
        doc = {
            "title": f"Use {n}",
            "department": rng.choice(DEPARTMENTS),
            **rng.choice(DOCS),
        }
        when = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(24 * 100))
        found.append((parse_answers(doc, GUIDANCE), when))
    return found


def log_spread(store: UseCaseStore, code: str, count: int, seed: int) -> list[str]:
    """`count` uses logged over about three months (see spread)."""
    return [
        store.log_use(code, answers, ENGINE, actor="a", at=when).id
        for answers, when in spread(count, seed)
    ]


def test_tallies_stay_a_recount_after_every_kind_of_write(store, newer_engine):
    store.create_production("A", "Alpha", actor="lead")
    assert_recounted(store)
    ids = log_spread(store, "A", 12, seed=1)
    demo = [
        NewUse(answers, ENGINE.assess(answers), created_at=when, updated_at=when)
        for answers, when in spread(5, seed=2)
    ]
    store.seed_demo_production("DEMO", "Demo", demo, GUIDANCE, actor="a")
    assert_recounted(store)
    store.update_use(
        ids[0], parse_answers({"title": "Changed", **DOCS[2]}, GUIDANCE), ENGINE, actor="b"
    )
    assert_recounted(store)
    store.set_status(ids[1], "submitted", actor="b")
    store.set_status(
        ids[1], "approved", actor="b", approval_ref="WA-1", note="approved as assessed"
    )
    assert_recounted(store)
    store.set_approval_ref(ids[1], "WA-2", actor="b")
    assert_recounted(store)
    store.archive_use(ids[2], actor="b")
    assert_recounted(store)
    store.restore_use(ids[2], actor="b")
    store.archive_use(ids[3], actor="b")
    assert_recounted(store)
    exported = "".join(iter_csv(store, GUIDANCE, UseFilter(productions=("A",), archived=None)))
    rows = list(csv.DictReader(io.StringIO(exported)))
    out = io.StringIO()
    writer = csv.DictWriter(out, [c for c in rows[0] if c not in ("id", "production")])
    writer.writeheader()
    writer.writerows(
        {k: v for k, v in row.items() if k not in ("id", "production")} for row in rows
    )
    store.create_production("B", "Bravo", actor="lead")
    import_csv(store, out.getvalue(), "B", ENGINE, actor="c", source_name="x")
    assert_recounted(store)
    result = store.reassess(newer_engine, actor="admin", batch_size=7)
    assert result.checked == 12 + 5 + 12
    assert_recounted(store)
    assert store.remove_demo_productions(actor="admin", confirm=True) == 5
    assert_recounted(store)
    with store.engine.begin() as conn:
        conn.execute(sa.delete(store_tally.TALLIES[0]))
    store_tally.rebuild_tallies(store.engine)
    assert_recounted(store)


def test_periods_tile_the_days_by_week_and_month():
    day = date(2025, 12, 20)
    seen = []
    while day < date(2026, 3, 10):
        start, end = period_start(day), period_end(day)
        assert start <= day <= end and (end - start).days < 7
        assert start.month == end.month and start.isocalendar()[:2] == end.isocalendar()[:2]
        seen.append((start, end))
        day = end + timedelta(days=1)
    assert all(b[0] - a[1] == timedelta(days=1) for a, b in itertools.pairwise(seen))


def _everything(store: UseCaseStore, f: UseFilter) -> dict:
    return {
        **{
            by: store.counts(f, by).values.tolist()
            for by in [
                ("level",),
                ("status", "level"),
                ("department", "level"),
                ("use_case_type", "level"),
                ("matrix_row",),
                ("week", "level"),
                ("month", "level"),
            ]
        },
        "reasons": store.counts_by_reason(f).values.tolist(),
        "principles": store.principle_concerns(f).values.tolist(),
        "departments": store.distinct_values("department", f),
        "count": store.count_uses(f),
    }


FILTERS = [
    UseFilter(),
    UseFilter(archived=None),
    UseFilter(archived=True),
    UseFilter(date_from=date(2026, 1, 14)),
    UseFilter(date_to=date(2026, 2, 2)),
    UseFilter(date_from=date(2026, 1, 26), date_to=date(2026, 2, 1)),  # one week, two months
    UseFilter(date_from=date(2026, 1, 27), date_to=date(2026, 1, 29)),  # inside one period
    UseFilter(date_from=date(2026, 1, 31), date_to=date(2026, 3, 2)),
    UseFilter(date_from=date(2026, 2, 5), date_to=date(2026, 2, 5)),
    UseFilter(date_from=date(2026, 3, 1), date_to=date(2026, 2, 1)),  # empty range
    UseFilter(departments=("Art", "")),
    UseFilter(statuses=("submitted",), date_from=date(2026, 1, 7)),
    UseFilter(levels=("approval", "escalate"), departments=("VFX",)),
    UseFilter(use_case_types=("ideation",), date_to=date(2026, 3, 3)),
    UseFilter(statuses=("draft",), use_case_types=("other",)),
]


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_aggregates_from_tallies_equal_those_from_rows(sqlite_url, f):
    store = UseCaseStore(sqlite_url)
    for code, seed in (("A", 3), ("B", 4)):
        store.create_production(code, code, actor="lead")
        ids = log_spread(store, code, 40, seed)
        for use_id in ids[::5]:
            store.set_status(use_id, "submitted", actor="b")
        store.archive_use(ids[1], actor="b")
    # Naming every production gives the same uses, grouped over the rows.
    assert _everything(store, f) == _everything(
        store, UseFilter(**{**f.__dict__, "productions": ("A", "B")})
    )


def test_aggregates_from_tallies_equal_those_from_rows_on_postgresql(postgres_url):
    store = UseCaseStore(postgres_url)
    store.create_production("A", "A", actor="lead")
    ids = log_spread(store, "A", 40, seed=5)
    store.archive_use(ids[0], actor="b")
    for f in FILTERS:
        assert _everything(store, f) == _everything(
            store, UseFilter(**{**f.__dict__, "productions": ("A",)})
        ), f


def test_count_by_is_counts_as_a_dict(sqlite_url):
    store = UseCaseStore(sqlite_url)
    store.create_production("A", "A", actor="lead")
    log_spread(store, "A", 20, seed=8)
    for f in (UseFilter(), UseFilter(productions=("A",))):
        frame = store.counts(f, ("level",))
        assert store.count_by(f, ("level",)) == dict(
            zip(frame["level"], frame["uses"], strict=True)
        )
        frame = store.counts(f, ("status", "level"))
        assert store.count_by(f, ("status", "level")) == {
            (s, lv): n for s, lv, n in frame.itertuples(index=False)
        }


def test_large_and_small_tally_changes_both_keep_the_recount(store):
    """One insert whose tally changes take both of PostgreSQL's upsert paths (staged through
    a temporary table above store_db._STAGED_UPSERT_ROWS rows, one executemany below), twice
    (the second adds to every row the first made), then single uses: still a recount."""
    store.create_production("BIG", "Big", actor="lead")
    rng = random.Random(3)
    items = []
    for n in range(1500):
        doc = {"title": f"Use {n}", "department": f"Dept {n % 3}", **rng.choice(DOCS)}
        answers = parse_answers(doc, GUIDANCE)
        when = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(24 * 500))
        items.append(NewUse(answers=answers, assessment=ENGINE.assess(answers), created_at=when))
    rows = new_rows(NewUses.of(items), AssessedCache(GUIDANCE), "lead")
    sizes = {t.name: len(c) for t, c in store_tally.count_new(rows.uses, rows.outcomes).items()}
    assert max(sizes.values()) > _STAGED_UPSERT_ROWS >= min(sizes.values()), sizes
    store.insert_uses("BIG", items, GUIDANCE, actor="lead")
    assert_recounted(store)
    store.insert_uses("BIG", items, GUIDANCE, actor="lead")  # new ids, the same tally keys
    assert_recounted(store)
    log_spread(store, "BIG", 3, seed=4)
    assert_recounted(store)
