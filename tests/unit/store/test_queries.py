"""The overview's counts, the filters, the paged listing and the data version."""

from __future__ import annotations

from datetime import date

import pytest

from greenlight.store import (
    StoreError,
    UseFilter,
)
from tests.unit.store.fixture_log import ENGINE, answers, build_log, rows


def test_overview_counts_are_exact(store):
    build_log(store)
    everything = UseFilter()
    assert rows(store.counts_by_level(everything)) == [("low", 2), ("escalate", 2), ("approval", 3)]
    assert rows(store.counts_by_status_level(everything)) == [
        ("approved", "low", 1),
        ("approved", "approval", 1),
        ("declined", "approval", 1),
        ("draft", "low", 1),
        ("draft", "approval", 1),
        ("escalated", "escalate", 1),
        ("submitted", "escalate", 1),
    ]
    assert rows(store.counts_by_department_level(everything)) == [
        ("Art", "low", 1),
        ("Art", "approval", 1),
        ("Marketing", "low", 1),
        ("Marketing", "escalate", 1),
        ("Sound", "approval", 2),
        ("VFX", "escalate", 1),
    ]
    assert rows(store.counts_by_type_level(everything)) == [
        ("ideation", "low", 2),
        ("ideation", "escalate", 2),
        ("key_visual", "approval", 3),
    ]
    assert rows(store.counts_by_week_level(everything)) == [
        (date(2026, 1, 5), "low", 1),
        (date(2026, 1, 5), "escalate", 2),
        (date(2026, 1, 12), "approval", 1),
        (date(2026, 2, 2), "approval", 1),
        (date(2026, 2, 9), "low", 1),
        (date(2026, 2, 9), "approval", 1),
    ]
    assert rows(store.counts_by_month_level(everything)) == [
        (date(2026, 1, 1), "low", 1),
        (date(2026, 1, 1), "escalate", 2),
        (date(2026, 1, 1), "approval", 1),
        (date(2026, 2, 1), "low", 1),
        (date(2026, 2, 1), "approval", 2),
    ]
    assert rows(store.counts_by_reason(everything)) == [
        ("key-creative-element", "approval", "written-approval.creative-output", 3),
        ("principle-3-unsure", "escalate", "guiding-principles", 2),
    ]
    assert rows(store.principle_concerns(everything)) == [
        ("principles.enterprise_environment", "unsure", 2)
    ]
    assert rows(store.counts(everything, ("production", "level"))) == [
        ("A", "low", 1),
        ("A", "escalate", 1),
        ("A", "approval", 2),
        ("B", "low", 1),
        ("B", "escalate", 1),
        ("B", "approval", 1),
    ]
    assert store.distinct_values("department") == ["Art", "Marketing", "Sound", "VFX"]
    with pytest.raises(StoreError, match="cannot group by"):
        store.counts(everything, ("colour",))


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (UseFilter(productions=("A",)), [("low", 1), ("escalate", 1), ("approval", 2)]),
        (UseFilter(productions=["A", "B"]), [("low", 2), ("escalate", 2), ("approval", 3)]),
        (UseFilter(productions=("NONE",)), []),
        (
            UseFilter(date_from=date(2026, 1, 6), date_to=date(2026, 1, 13)),
            [("escalate", 2), ("approval", 1)],
        ),
        (UseFilter(date_to=date(2026, 1, 5)), [("low", 1)]),
        (UseFilter(departments=("Sound",)), [("approval", 2)]),
        (UseFilter(statuses=("draft", "declined")), [("low", 1), ("approval", 2)]),
        (UseFilter(levels=("approval",)), [("approval", 3)]),
        (UseFilter(use_case_types=("ideation",), levels=("low",)), [("low", 2)]),
        (UseFilter(archived=True), [("low", 1)]),
        (UseFilter(archived=None), [("low", 3), ("escalate", 2), ("approval", 3)]),
        (UseFilter(text="VOICES"), [("approval", 2)]),
        (UseFilter(text="animatic"), [("escalate", 1)]),
        (UseFilter(text="%"), [("escalate", 1)]),
        (UseFilter(text="_"), [("low", 1)]),
        # By the rules their assessment fired, through the shared outcomes' reasons.
        (UseFilter(reasons=("key-creative-element",)), [("approval", 3)]),
        (
            UseFilter(reasons=["principle-3-unsure", "key-creative-element"]),
            [("escalate", 2), ("approval", 3)],
        ),
        (UseFilter(reasons=("principle-3-unsure",), departments=("VFX",)), [("escalate", 1)]),
        (UseFilter(reasons=("no-such-rule",)), []),
        # By a principle not answered clearly, as the overview's principles chart counts it.
        (UseFilter(principles=("principles.enterprise_environment:unsure",)), [("escalate", 2)]),
        (UseFilter(principles=("principles.enterprise_environment:no",)), []),
        (
            UseFilter(
                principles=(
                    "principles.outputs_original:no",
                    "principles.enterprise_environment:unsure",
                )
            ),
            [("escalate", 2)],
        ),
    ],
)
def test_overview_filters(sqlite_store, f, expected):
    build_log(sqlite_store)
    assert rows(sqlite_store.counts_by_level(f)) == expected
    assert sqlite_store.count_uses(f) == sum(n for _, n in expected)


def test_filters_on_postgresql_match(store):
    build_log(store)
    f = UseFilter(
        productions=("A", "B"),
        date_from=date(2026, 1, 6),
        date_to=date(2026, 2, 11),
        departments=("Sound", "VFX", "Marketing"),
        statuses=("escalated", "declined", "draft", "submitted"),
        text="o",
    )
    assert rows(store.counts_by_level(f)) == [("low", 1), ("escalate", 2), ("approval", 2)]
    by_reason = UseFilter(reasons=("principle-3-unsure",), date_to=date(2026, 1, 31))
    assert rows(store.counts_by_level(by_reason)) == [("escalate", 2)]
    assert rows(store.counts_by_reason(by_reason)) == [
        ("principle-3-unsure", "escalate", "guiding-principles", 2)
    ]
    unclear = UseFilter(principles=("principles.enterprise_environment:unsure",))
    assert store.count_uses(unclear) == 2
    assert len(store.list_uses(unclear).rows) == 2


def test_listing_pages_sorts_and_counts(store):
    build_log(store)
    newest = [r.title for r in store.list_uses(limit=10).rows]
    assert newest == [
        "Dub voices",
        "Trailer",
        "Crowd voices",
        "Creature design",
        "Poster",
        "Storm previs",
        "Moodboard",
    ]
    page = store.list_uses(UseFilter(), offset=2, limit=2)
    assert ([r.title for r in page.rows], page.total) == (["Crowd voices", "Creature design"], 7)
    by_title = store.list_uses(sort="title", descending=False, limit=3)
    assert [r.title for r in by_title.rows] == ["Creature design", "Crowd voices", "Dub voices"]
    by_level = store.list_uses(sort="level", limit=3)
    assert {r.level for r in by_level.rows} == {"approval"}
    found = store.list_uses(UseFilter(productions=("B",), text="voices"))
    assert [(r.title, r.production_code, r.status) for r in found.rows] == [
        ("Dub voices", "B", "declined")
    ]
    frame = found.to_frame()
    assert list(frame.columns)[:3] == ["id", "production_code", "title"] and len(frame) == 1
    with pytest.raises(StoreError, match="cannot sort by"):
        store.list_uses(sort="answers")
    with pytest.raises(StoreError, match="a page holds 1 to 1000"):
        store.list_uses(limit=5000)


def test_data_version_changes_on_every_write_and_only_there(store):
    seen = [store.data_version()]

    def changed(expect_a: bool = True) -> None:
        version = store.data_version()
        assert version > seen[-1]
        seen.append(version)

    store.create_production("A", "Alpha", actor="lead")
    changed()
    store.create_production("B", "Bravo", actor="lead")
    changed()
    b_version = store.data_version(["B"])
    use = store.log_use("A", answers("low"), ENGINE, actor="ana")
    changed()
    store.update_use(use.id, answers("escalate"), ENGINE, actor="ana")
    changed()
    store.set_status(use.id, "submitted", actor="ana")
    changed()
    store.set_approval_ref(use.id, "ref", actor="ana")
    changed()
    store.archive_use(use.id, actor="ana")
    changed()
    store.restore_use(use.id, actor="ana")
    changed()
    store.list_uses()
    store.counts_by_level()
    store.history(use.id)
    assert store.data_version() == seen[-1]  # reading writes nothing
    assert store.data_version(["B"]) == b_version  # A's changes leave B's version alone
    assert store.data_version(["A"]) == seen[-1]
    assert store.data_version(["A", "B"]) == seen[-1]
    assert store.data_version(["NONE"]) == 0
