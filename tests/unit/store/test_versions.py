"""Use versions: every change of a use moves it on by one, and a write that names the version
its person was shown is refused, writing nothing, once the use has moved past it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import StaleUse, StoreError, UseCaseStore
from greenlight.store.migrations import MIGRATIONS
from greenlight.store.tables import schema_migrations, uses
from tests.unit.samples import CLEAR
from tests.unit.store.legacy_schema import fixture_rows, load_schema_3

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
LOW = {
    "use_case_type": "ideation",
    "principles": CLEAR,
    "context": {"tool_tier": "enterprise", "final_deliverable": False, "vendor_pipeline": False},
}


def answers(title: str = "Moodboard", **fields):
    return parse_answers({"title": title, **fields, **LOW}, GUIDANCE)


def logged(store: UseCaseStore, title: str = "Moodboard"):
    store.create_production("A", "Alpha", actor="lead")
    return store.log_use("A", answers(title), ENGINE, actor="sam")


def snapshot(store: UseCaseStore, use_id: str):
    """Everything a refused write must leave as it was."""
    return store.get_use(use_id), store.history(use_id), store.data_version()


def test_every_change_moves_the_version_on_by_one(store, newer_engine):
    use = logged(store)
    assert (use.version, use.decided_version) == (1, None)
    steps = [
        lambda: store.set_status(use.id, "submitted", actor="ana"),
        lambda: store.set_approval_ref(use.id, "WA-1", actor="ana"),
        lambda: store.update_use(use.id, answers("Moodboard v2"), ENGINE, actor="ana"),
        lambda: store.archive_use(use.id, actor="ana"),
        lambda: store.restore_use(use.id, actor="ana"),
        lambda: store.reassess(newer_engine, actor="ana"),
    ]
    for expected, step in enumerate(steps, start=2):
        step()
        assert store.get_use(use.id).version == expected
    # A re-assessment that changes nothing is no change.
    store.update_use(use.id, answers("Moodboard v2"), newer_engine, actor="bob")
    assert store.get_use(use.id).version == len(steps) + 1
    # Each history row names the version its change was made on; the creation is 0.
    assert [h.version for h in store.history(use.id)] == [0, 1, 2, 3, 4, 5, 6]


def test_a_status_form_drawn_before_another_change_is_refused_and_writes_nothing(store):
    use = logged(store)
    shown = store.get_use(use.id)  # the reviewer's form
    store.set_status(use.id, "submitted", actor="Ana Ortiz")
    before = snapshot(store, use.id)
    with pytest.raises(StaleUse) as caught:
        store.set_status(
            use.id, "withdrawn", actor="Bo Reviewer", note="x", expected_version=shown.version
        )
    moved = store.get_use(use.id)
    when = moved.updated_at.strftime("%Y-%m-%d %H:%M")
    assert str(caught.value) == (
        f"this use was changed by Ana Ortiz at {when} UTC since you opened it: nothing was "
        "saved; look at it again"
    )
    assert (caught.value.use_id, caught.value.expected, caught.value.version) == (use.id, 1, 2)
    assert (caught.value.by, caught.value.at) == ("Ana Ortiz", moved.updated_at)
    assert snapshot(store, use.id) == before
    # Drawn again, at the version it now has, the same change lands.
    done = store.set_status(use.id, "withdrawn", actor="Bo Reviewer", expected_version=2)
    assert (done.status, done.version) == ("withdrawn", 3)


def test_of_two_re_assessments_from_one_version_the_second_is_refused(store):
    use = logged(store)
    first = store.update_use(
        use.id, answers("Moodboard", department="Art"), ENGINE, actor="ana", expected_version=1
    )
    assert first.version == 2
    before = snapshot(store, use.id)
    # Bo opened version 1 too and changed only the tool: saving it would put the department
    # back and credit Bo with a change of it.
    with pytest.raises(StaleUse, match="changed by ana at"):
        store.update_use(
            use.id, answers("Moodboard", tool="Krea"), ENGINE, actor="bo", expected_version=1
        )
    assert snapshot(store, use.id) == before
    assert [(h.field, h.new, h.actor) for h in store.history(use.id)[1:]] == [
        ("department", "Art", "ana")
    ]


def test_two_re_assessments_at_the_same_moment_one_lands(store):
    use = logged(store)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(actor: str, **fields) -> None:
        start.wait()
        try:
            store.update_use(
                use.id, answers("Moodboard", **fields), ENGINE, actor=actor, expected_version=1
            )
            outcomes[actor] = "saved"
        except StaleUse as exc:
            outcomes[actor] = exc

    threads = [
        threading.Thread(target=save, args=("ana",), kwargs={"department": "Art"}),
        threading.Thread(target=save, args=("bo",), kwargs={"tool": "Krea"}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [winner] = [actor for actor, outcome in outcomes.items() if outcome == "saved"]
    [loser] = [outcome for outcome in outcomes.values() if outcome != "saved"]
    assert isinstance(loser, StaleUse) and loser.by == winner
    changes = [(h.field, h.actor) for h in store.history(use.id)[1:]]
    assert changes == [({"ana": "department", "bo": "tool"}[winner], winner)]
    assert store.get_use(use.id).version == 2


def test_status_against_archive_and_archive_against_status(store):
    use = logged(store)
    store.archive_use(use.id, actor="ana", expected_version=1)
    before = snapshot(store, use.id)
    with pytest.raises(StaleUse):
        store.set_status(use.id, "submitted", actor="bo", expected_version=1)
    with pytest.raises(StaleUse):
        store.set_approval_ref(use.id, "WA-9", actor="bo", expected_version=1)
    assert snapshot(store, use.id) == before
    store.restore_use(use.id, actor="ana", expected_version=2)
    store.set_status(use.id, "submitted", actor="bo", expected_version=3)
    with pytest.raises(StaleUse):
        store.archive_use(use.id, actor="ana", expected_version=3)
    with pytest.raises(StaleUse):
        store.restore_use(use.id, actor="ana", expected_version=1)
    assert store.get_use(use.id).archived is False


@pytest.mark.parametrize("bad", [0, -1, True, "2", 2.0])
def test_a_version_that_is_not_a_version_number_is_refused(store, bad):
    use = logged(store)
    before = snapshot(store, use.id)
    with pytest.raises(StoreError, match="give the use's version as a whole number from 1"):
        store.set_status(use.id, "submitted", actor="ana", expected_version=bad)
    assert snapshot(store, use.id) == before


def test_an_older_log_gets_versions_and_keeps_its_decisions(db_url):
    """A schema 5 log (the fixture's schema 3, upgraded to 5 by the migrations of then):
    every use starts at version 1, a standing approval or decline covers it, and the data
    version moves on so no cache keeps a use without a version."""
    engine = sa.create_engine(db_url, poolclass=sa.NullPool)
    load_schema_3(engine)
    with engine.begin() as conn:
        for migration in MIGRATIONS[3:5]:
            migration.apply(conn)
            conn.execute(
                sa.insert(schema_migrations).values(
                    version=migration.version, name=migration.name, applied_at=datetime.now(UTC)
                )
            )
        counter = conn.exec_driver_sql("SELECT value FROM counters WHERE name = 'data'").scalar()
    engine.dispose()
    # versions, imported files, people, what awaits a decision, the outbox, the talent
    # consent ledger with the evidence store, then the tool registry
    assert [m.version for m in MIGRATIONS[5:]] == [6, 7, 8, 9, 10, 11, 12]

    store = UseCaseStore(db_url)

    assert store.data_version() == counter + 2  # moved on by 6 and by 9 (10 adds a table)
    rows = fixture_rows()["uses"]
    for row in rows:
        record = store.get_use(row["id"])
        decided = 1 if record.status in ("approved", "declined") else None
        assert (record.version, record.decided_version) == (1, decided)
    with store.engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(uses).where(uses.c.submission.is_(None))
        assert conn.execute(query).scalar() == len(rows)
    assert {h.version for h in store.history(rows[0]["id"])} == {None}
    # The upgraded log takes versioned writes like a new one.
    changed = store.set_status(rows[0]["id"], "withdrawn", actor="ana", expected_version=1)
    assert changed.version == 2
