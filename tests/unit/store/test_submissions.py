"""One submission, one use: a form's token logs one use however often, or however many
writers at once, it is sent; the database's unique index has the last word."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import AlreadyLogged, StoreError, UseCaseStore, UseFilter
from greenlight.store.tables import uses
from tests.unit.store.racers import start_racers

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
TOKEN = "form-7f3c2a9e41b8"


def answers(title: str = "Moodboard"):
    return parse_answers({"title": title, "use_case_type": "ideation"}, GUIDANCE)


@pytest.fixture
def production(store: UseCaseStore) -> UseCaseStore:
    store.create_production("A", "Alpha", actor="lead")
    return store


def test_the_same_form_twice_logs_once_and_names_the_use(production):
    store = production
    first = store.log_use("A", answers(), ENGINE, actor="sam", submission=TOKEN)
    version = store.data_version()
    with pytest.raises(AlreadyLogged) as caught:
        store.log_use("A", answers(), ENGINE, actor="sam", submission=TOKEN)
    assert caught.value.use_id == first.id
    assert str(caught.value) == f"this form was already logged as use {first.id}"
    assert store.count_uses() == 1 and store.data_version() == version
    # Another form, or none, logs another use.
    store.log_use("A", answers(), ENGINE, actor="sam", submission="form-other")
    store.log_use("A", answers(), ENGINE, actor="sam")
    store.log_use("A", answers(), ENGINE, actor="sam")
    assert store.count_uses() == 4


def test_many_writers_sending_one_form_at_once_log_one_use(production):
    store = production
    writers = 8
    start = threading.Barrier(writers)
    results: list[object] = []

    def send() -> None:
        start.wait()
        try:
            results.append(store.log_use("A", answers(), ENGINE, actor="sam", submission=TOKEN))
        except AlreadyLogged as exc:
            results.append(exc)

    threads = [threading.Thread(target=send) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [logged] = [r for r in results if not isinstance(r, AlreadyLogged)]
    refused = [r for r in results if isinstance(r, AlreadyLogged)]
    assert len(refused) == writers - 1
    assert {r.use_id for r in refused} == {logged.id}
    assert store.count_uses() == 1


_SEND = """
import sys
from greenlight.policy import load_guidance, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import AlreadyLogged, UseCaseStore
guidance = load_guidance()
store = UseCaseStore(sys.argv[1])
answers = parse_answers({"title": "Raced"}, guidance)
engine = Engine(guidance)
sys.stdin.read()  # the go signal: every process is ready
try:
    print("logged", store.log_use("A", answers, engine, actor="sam", submission=sys.argv[2]).id)
except AlreadyLogged as exc:
    print("already", exc.use_id)
"""


def test_processes_racing_with_one_form_log_one_use(production):
    store = production
    children = start_racers(_SEND, store.url, TOKEN)
    done = [child.communicate("go", timeout=120) for child in children]
    assert [child.returncode for child in children] == [0] * 4, [err for _, err in done]
    said = sorted(out.split() for out, _ in done)
    [(word, use_id)] = [s for s in said if s[0] == "logged"]
    assert [s for s in said if s[0] == "already"] == [["already", use_id]] * 3
    assert store.count_uses(UseFilter(archived=None)) == 1


def test_the_database_itself_refuses_a_second_use_with_one_token(production):
    store = production
    first = store.log_use("A", answers(), ENGINE, actor="sam", submission=TOKEN)
    other = store.log_use("A", answers(), ENGINE, actor="sam")
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(sa.update(uses).where(uses.c.id == other.id).values(submission=TOKEN))
    assert store.get_use(first.id).id == first.id


@pytest.mark.parametrize("bad", ["", "a b", "x" * 65, "tab\there", "ünï"])
def test_a_token_that_is_not_one_is_refused(production, bad):
    with pytest.raises(StoreError, match="submission token"):
        production.log_use("A", answers(), ENGINE, actor="sam", submission=bad)
    assert production.count_uses() == 0
