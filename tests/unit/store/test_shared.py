"""Answer sets and outcomes are stored once, however many uses and writers meet the same one
at the same time."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore
from greenlight.store.database import write_transaction
from greenlight.store.shared import answer_set_ids, answer_set_of, outcome_ids, outcome_of
from greenlight.store.tables import answer_sets, outcome_principles, outcome_reasons, outcomes

FIRST = outcome_of(
    [("replica-without-consent", "approval", "talent-enhancement")],
    [("outputs_original", "no"), ("enterprise_environment", "unsure")],
)
SECOND = outcome_of([], [])


GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
ANSWERS = {"principles": {"outputs_original": "no"}, "context": {"final_deliverable": True}}


def _count(engine: sa.Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_an_outcome_is_stored_once_with_its_rows_and_found_again(store: UseCaseStore):
    with write_transaction(store.engine) as conn:
        first = outcome_ids(conn, [FIRST, SECOND, FIRST])
    with write_transaction(store.engine) as conn:
        again = outcome_ids(conn, [SECOND, FIRST])
    assert first == again and len(set(first.values())) == 2
    assert _count(store.engine, outcomes) == 2
    assert _count(store.engine, outcome_reasons) == 1
    assert _count(store.engine, outcome_principles) == 2


def test_an_outcome_where_every_rule_fired_is_stored_under_a_short_key(store: UseCaseStore):
    """Its canonical text (some 2 kB here, more for a longer guidance) would be past what a
    PostgreSQL index entry may hold; the key is a digest of it."""
    guidance = load_guidance()
    everything = outcome_of(
        [(r.id, r.level, r.section) for r in guidance.rules],
        [(q.id, q.values[-1]) for q in guidance.questions if q.group == "principles"],
    )
    assert len(everything.key) == 64
    with write_transaction(store.engine) as conn:
        ids = outcome_ids(conn, [everything])
    assert _count(store.engine, outcome_reasons) == len(guidance.rules)
    with write_transaction(store.engine) as conn:
        assert outcome_ids(conn, [everything]) == ids


def test_the_key_does_not_depend_on_the_order_of_the_concerns():
    swapped = outcome_of(
        [("replica-without-consent", "approval", "talent-enhancement")],
        [("enterprise_environment", "unsure"), ("outputs_original", "no")],
    )
    assert swapped.key == FIRST.key and swapped.principles == FIRST.principles
    assert (
        outcome_of([("a", "low", "s"), ("b", "low", "s")], []).key
        != outcome_of([("b", "low", "s"), ("a", "low", "s")], []).key
    )  # firing order is part of what was found


def test_a_writer_meeting_an_outcome_another_is_storing_waits_and_shares_it(postgres_url):
    """PostgreSQL: writer B asks for an outcome that writer A has stored but not committed.
    B waits on A's key, then finds A's outcome instead of failing or storing a second."""
    store = UseCaseStore(postgres_url)
    found: dict[str, dict] = {}
    with write_transaction(store.engine) as first:
        found["A"] = outcome_ids(first, [FIRST])

        def second() -> None:
            with write_transaction(store.engine) as conn:
                found["B"] = outcome_ids(conn, [FIRST, SECOND])

        writer = threading.Thread(target=second)
        writer.start()
        writer.join(timeout=1.0)
        assert writer.is_alive(), "B should wait for A's uncommitted key"
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert found["B"][FIRST.key] == found["A"][FIRST.key]
    assert _count(store.engine, outcomes) == 2
    assert _count(store.engine, outcome_reasons) == 1


def test_the_key_of_an_answer_set_does_not_depend_on_the_order_of_its_answers():
    swapped = {"context": {"final_deliverable": True}, "principles": {"outputs_original": "no"}}
    assert answer_set_of(swapped).key == answer_set_of(ANSWERS).key
    other = {**ANSWERS, "context": {"final_deliverable": False}}
    assert answer_set_of(other).key != answer_set_of(ANSWERS).key


def test_an_answer_set_holds_no_free_text():
    with pytest.raises(ValueError, match="not the free text"):
        answer_set_of({"title": "Poster concept", **ANSWERS})


def test_uses_that_gave_the_same_answers_share_one_answer_set(store: UseCaseStore):
    """Two uses with the same answers and different text name one answer set; each keeps its
    own text; a use whose answers change names another, and the first is left as it was."""
    store.create_production("SH", "Shared", actor="lead")
    first, second = (
        store.log_use(
            "SH", parse_answers({"title": title, **ANSWERS}, GUIDANCE), ENGINE, actor="lead"
        )
        for title in ("Poster concept", "Temp voice")
    )
    assert _count(store.engine, answer_sets) == 1
    assert first.answers == {"title": "Poster concept", **ANSWERS}
    assert second.answers == {"title": "Temp voice", **ANSWERS}
    changed = {**ANSWERS, "principles": {"outputs_original": "yes"}}
    edited = store.update_use(
        second.id, parse_answers({"title": "Temp voice", **changed}, GUIDANCE), ENGINE,
        actor="lead",
    )  # fmt: skip
    assert edited.answers == {"title": "Temp voice", **changed}
    assert store.get_use(first.id).answers == first.answers
    assert _count(store.engine, answer_sets) == 2
    with write_transaction(store.engine) as conn:
        again = answer_set_ids(conn, [answer_set_of(ANSWERS), answer_set_of(changed)])
    assert len(set(again.values())) == 2 and _count(store.engine, answer_sets) == 2
