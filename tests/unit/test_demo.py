"""The demo production: realistic spread, clearly labelled, idempotent, removable in one step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from greenlight import workflow
from greenlight.demo import DEMO_PATH, DemoError, load_demo, remove_demo, seed_demo
from greenlight.policy import load_guidance
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore, UseFilter

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
TODAY = date(2026, 3, 31)


def test_the_demo_file_is_valid_and_labelled():
    demo = load_demo(GUIDANCE)
    assert demo.code == "DEMO" and "(demo)" in demo.name
    assert 55 <= len(demo.uses) <= 75
    assert DEMO_PATH.read_text(encoding="utf-8").startswith("# DEMO DATA.")
    titles = [use.answers.title for use in demo.uses]
    assert len(set(titles)) == len(titles)
    for use in demo.uses:
        assert use.answers.fields["description"] and use.answers.fields["department"]


def test_seeding_spreads_over_levels_types_statuses_departments_and_weeks(db_url):
    store = UseCaseStore(db_url)
    logged = seed_demo(store, ENGINE, today=TODAY)
    demo = store.get_production("DEMO")
    assert demo.is_demo and logged == len(load_demo(GUIDANCE).uses)
    f = UseFilter(productions=("DEMO",))
    levels = dict(store.counts_by_level(f).itertuples(index=False))
    assert set(levels) == {level.id for level in GUIDANCE.levels}
    assert min(levels.values()) >= logged // 10
    types = set(store.counts_by_type_level(f)["use_case_type"])
    assert types == set(GUIDANCE.question("use_case_type").values)
    statuses = set(store.counts_by_status_level(f)["status"])
    assert statuses == set(workflow.status_ids())
    assert len(store.distinct_values("department", f)) >= 8
    weeks = store.counts_by_week_level(f)["week"]
    assert weeks.nunique() >= 10
    page = store.list_uses(f, limit=1000)
    first = min(r.created_at for r in page.rows)
    last = max(r.updated_at for r in page.rows)
    assert first.date() == TODAY - timedelta(days=69)
    assert last <= datetime(2026, 3, 31, 18, tzinfo=UTC)
    # Each use reached its status through the workflow, and its history shows the way.
    for row in page.rows:
        history = store.history(row.id)
        assert (history[0].field, history[0].new) == ("created", "draft")
        status = "draft"
        for entry in history[1:]:
            assert entry.field == "status" and entry.old == status
            workflow.check_transition(
                entry.old, entry.new, level=row.level, approval_ref=row.approval_ref
            )
            status = entry.new
        assert status == row.status
        assert [h.at for h in history] == sorted(h.at for h in history)
        assert all(h.actor == "Greenlight demo" for h in history)


def test_seeding_is_idempotent_and_removal_is_one_step(sqlite_url):
    store = UseCaseStore(sqlite_url)
    store.create_production("REAL", "A real show", actor="lead")
    logged = seed_demo(store, ENGINE, today=TODAY)
    version = store.data_version()
    assert seed_demo(store, ENGINE, today=TODAY) == 0
    assert store.data_version() == version
    assert store.count_uses(UseFilter(productions=("DEMO",))) == logged
    assert remove_demo(store, actor="lead", confirm=True) == logged
    assert [p.code for p in store.list_productions()] == ["REAL"]
    assert store.count_uses(UseFilter(archived=None)) == 0
    assert seed_demo(store, ENGINE, today=TODAY) == logged  # it can come back


def test_a_real_production_with_the_demo_code_is_left_alone(sqlite_url):
    store = UseCaseStore(sqlite_url)
    store.create_production("DEMO", "Our show called Demo", actor="lead")
    assert seed_demo(store, ENGINE) == 0
    assert store.count_uses() == 0
    assert remove_demo(store, actor="lead", confirm=True) == 0
    assert store.get_production("DEMO").name == "Our show called Demo"


def test_a_broken_demo_file_names_the_use(tmp_path):
    path = tmp_path / "demo.yaml"
    path.write_text(
        "production: {code: DEMO, name: X (demo)}\n"
        "days: 70\n"
        "uses:\n"
        "  - {day: 1, title: Fine, status: draft, answers: {use_case_type: ideation}}\n"
        "  - {day: 2, title: Odd, answers: {use_case_type: hologram}}\n"
        "  - {day: 99, title: Late}\n"
        "  - {day: 3, title: Lost, status: misplaced}\n"
    )
    with pytest.raises(DemoError) as caught:
        load_demo(GUIDANCE, path)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{path}: use 2 (Odd): use_case_type: 'hologram' is not one of")
    assert lines[1:] == [
        f"{path}: use 3: day must be a whole number from 0 to 69",
        f"{path}: use 4: unknown status 'misplaced'",
    ]
