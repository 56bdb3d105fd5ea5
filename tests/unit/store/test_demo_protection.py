"""Demo data never holds real work: no path logs into a demo production, removing it needs a
name and a confirmation, is refused while it holds anyone's work, and leaves a record; two
processes starting on one empty log seed it once."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from greenlight.csvio import CsvImportError, import_csv
from greenlight.demo import DEMO_ACTOR, load_demo, seed_demo
from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import DEMO_REMOVED, DEMO_SEEDED, NewUse, StoreError, UseCaseStore
from greenlight.store.tables import uses
from tests.unit.store.racers import start_racers

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
DEMO_USES = len(load_demo(GUIDANCE).uses)


def answers(title: str = "Our real moodboard"):
    return parse_answers({"title": title, "use_case_type": "ideation"}, GUIDANCE)


@pytest.fixture
def demo(store: UseCaseStore) -> UseCaseStore:
    assert seed_demo(store, ENGINE) == DEMO_USES
    return store


def everything(store: UseCaseStore):
    """What a refused write must leave as it was."""
    return (
        store.list_productions(),
        store.list_uses(limit=1000).rows,
        store.data_version(),
        store.events(),
    )


def test_no_path_logs_real_work_into_the_demo(demo):
    before = everything(demo)
    with pytest.raises(StoreError, match='create your production with "New production"'):
        demo.log_use("DEMO", answers(), ENGINE, actor="sam")
    new = NewUse(answers(), ENGINE.assess(answers()))
    with pytest.raises(StoreError, match="DEMO is the demo production"):
        demo.insert_uses("DEMO", [new], GUIDANCE, actor="sam")
    with pytest.raises(CsvImportError, match="row 1: DEMO is the demo production"):
        import_csv(demo, b"title\r\nOur real use\r\n", "DEMO", ENGINE, actor="sam")
    # Its own seed does not come twice either.
    assert seed_demo(demo, ENGINE) == 0
    assert everything(demo) == before


def test_removing_the_demo_needs_a_confirmation_and_a_name(demo):
    before = everything(demo)
    with pytest.raises(StoreError, match="confirm it to go ahead"):
        demo.remove_demo_productions(actor="sam")
    with pytest.raises(StoreError, match="say who is making the change"):
        demo.remove_demo_productions(actor=" ", confirm=True)
    with pytest.raises(StoreError, match="confirm"):
        demo.remove_demo_productions()  # the call the page made before this change
    assert everything(demo) == before


def test_removing_the_demo_is_refused_while_it_holds_someone_s_work(demo):
    """A log written before demo productions refused real work can hold some: two uses
    logged there by a person (as the old page did) keep the whole demo in place."""
    with demo.engine.begin() as conn:
        ids = conn.execute(sa.select(uses.c.id).order_by(uses.c.id).limit(2)).scalars().all()
        conn.execute(sa.update(uses).where(uses.c.id.in_(ids)).values(created_by="Sam Rivera"))
    before = everything(demo)
    with pytest.raises(StoreError) as caught:
        demo.remove_demo_productions(actor="lead", confirm=True)
    assert str(caught.value).startswith(
        "the demo production DEMO holds 2 uses that someone logged there, not demo data: "
        "nothing was removed"
    )
    assert everything(demo) == before


def test_removing_the_demo_leaves_a_record_of_who_when_and_how_many(demo):
    demo.create_production("REAL", "Real show", actor="lead")
    demo.log_use("REAL", answers(), ENGINE, actor="sam")
    [seeded] = demo.events()
    assert (seeded.action, seeded.actor, seeded.uses) == (DEMO_SEEDED, DEMO_ACTOR, DEMO_USES)
    assert demo.remove_demo_productions(actor="Ana Ortiz", confirm=True) == DEMO_USES
    [_, removed] = demo.events()
    name = load_demo(GUIDANCE).name
    assert (removed.action, removed.actor, removed.subject, removed.uses) == (
        DEMO_REMOVED,
        "Ana Ortiz",
        f"DEMO ({name})",
        DEMO_USES,
    )
    assert removed.at >= seeded.at
    assert [p.code for p in demo.list_productions()] == ["REAL"] and demo.count_uses() == 1


# As the app starts: open the log (creating the schema) and, finding no production, seed the
# demo (seed_demo, with its uses made before the go signal, so the writes themselves race).
_START = """
import sys
from greenlight.demo import DEMO_ACTOR, demo_uses
from greenlight.policy import load_guidance
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
engine = Engine(load_guidance())
store = UseCaseStore(sys.argv[1])
demo, items = demo_uses(engine)
empty = not store.has_productions()
sys.stdin.read()  # the go signal: every replica is ready to seed
seed = store.seed_demo_production
print(seed(demo.code, demo.name, items, engine.guidance, actor=DEMO_ACTOR) if empty else 0)
"""


def test_replicas_starting_on_one_empty_log_seed_the_demo_once(db_url):
    replicas = start_racers(_START, db_url)
    time.sleep(3)  # every replica has opened the log (or is about to): the seeds race
    for replica in replicas:
        replica.stdin.close()
    done = [(replica.stdout.read(), replica.stderr.read()) for replica in replicas]
    for replica in replicas:
        replica.wait(timeout=180)
    assert [r.returncode for r in replicas] == [0] * 4, [err for _, err in done]
    assert sorted(int(out) for out, _ in done) == [0, 0, 0, DEMO_USES]
    store = UseCaseStore(db_url)
    assert [p.code for p in store.list_productions()] == ["DEMO"]
    assert store.count_uses() == DEMO_USES
    assert [e.action for e in store.events()] == [DEMO_SEEDED]
