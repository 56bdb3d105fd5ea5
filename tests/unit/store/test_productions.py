"""Productions: creating, listing and removing the demo."""

from __future__ import annotations

import pytest

from greenlight.store import (
    NewUse,
    NotFound,
    StoreError,
    UseFilter,
)
from tests.unit.store.fixture_log import ENGINE, GUIDANCE, answers


def test_productions(store):
    assert not store.has_productions()
    made = store.create_production("S1", "  Saltmarsh   season 1 ", actor="lead")
    assert (made.code, made.name, made.is_demo, made.created_by) == (
        "S1",
        "Saltmarsh season 1",
        False,
        "lead",
    )
    assert store.has_productions()
    store.create_production("DEMO", "A demo", actor="lead", is_demo=True)
    store.create_production("AB", "Another", actor="lead")
    assert [p.code for p in store.list_productions()] == ["AB", "S1", "DEMO"]
    with pytest.raises(StoreError, match="already exists"):
        store.create_production("S1", "Again", actor="lead")
    with pytest.raises(StoreError, match="production code 'a b'"):
        store.create_production("a b", "Spaces", actor="lead")
    with pytest.raises(StoreError, match="^production name is missing: give 1 to 200 characters$"):
        store.create_production("OK", "  ", actor="lead")
    with pytest.raises(StoreError, match="^production name is 201 characters: give 1 to 200$"):
        store.create_production("OK", "x" * 201, actor="lead")
    with pytest.raises(StoreError) as both:
        store.create_production("", "", actor="lead")
    assert str(both.value) == (
        "production name is missing: give 1 to 200 characters; production code is missing: "
        "give 1 to 40 letters, digits, - or _, starting with a letter or digit"
    )
    with pytest.raises(StoreError, match="actor's name is empty"):
        store.create_production("OK", "Fine", actor=" ")
    with pytest.raises(NotFound, match="no production with code 'ZZ'"):
        store.get_production("ZZ")


def test_only_demo_productions_can_be_removed(store):
    store.create_production("REAL", "Real", actor="lead")
    given = answers("low")
    seed = [NewUse(given, ENGINE.assess(given), id="demo-1")]
    store.seed_demo_production("DEMO", "Demo", seed, GUIDANCE, actor="lead")
    store.log_use("REAL", answers("low"), ENGINE, actor="ana")
    demo_use = store.get_use("demo-1")
    store.set_status(demo_use.id, "submitted", actor="ana")
    demo_version = store.data_version(["DEMO"])
    assert store.remove_demo_productions(actor="ana", confirm=True) == 1
    assert [p.code for p in store.list_productions()] == ["REAL"]
    assert store.count_uses(UseFilter(archived=None)) == 1
    with pytest.raises(NotFound):
        store.history(demo_use.id)
    assert store.data_version(["DEMO"]) > demo_version  # caches of the demo see it go
    assert store.remove_demo_productions(actor="ana", confirm=True) == 0
