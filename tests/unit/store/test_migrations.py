"""Migrations: a log written by an older Greenlight opens with every use, reason and count
intact, in the schema a new database has."""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa

from greenlight.policy import load_guidance
from greenlight.policy.answers import FIELD_NAMES, stored_answers, without_text
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore, UseFilter
from greenlight.store.database import dispose_engines
from greenlight.store.migrations import _LEGACY_INDEXES, SCHEMA_VERSION, schema_version
from greenlight.store.tables import (
    ALL_TALLIES,
    PRINCIPLES_OF_USES,
    PRODUCTION_LISTING,
    TALLIES,
    answer_sets,
    outcome_principles,
    outcome_reasons,
    outcomes,
    schema_migrations,
    uses,
)
from tests.unit.store.legacy_schema import fixture_rows, load_schema_3
from tests.unit.store.test_tally import assert_recounted

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)


def _indexes(engine: sa.Engine) -> dict[str, set[tuple[str, tuple]]]:
    inspector = sa.inspect(engine)
    return {
        table: {(i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)}
        for table in inspector.get_table_names()
    }


def _columns(engine: sa.Engine) -> dict[str, list[tuple[str, bool]]]:
    inspector = sa.inspect(engine)
    return {
        table: sorted((c["name"], c["nullable"]) for c in inspector.get_columns(table))
        for table in inspector.get_table_names()
    }


def _partial_indexes(engine: sa.Engine) -> dict[str, str]:
    """Each partial index and its condition, as the database itself recorded them."""
    if engine.dialect.name == "sqlite":
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'"
    else:
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE indexdef LIKE '% WHERE %'"
    with engine.connect() as conn:
        rows = conn.execute(sa.text(query)).all()
    return {name: sql.split(" WHERE ", 1)[1].strip("()") for name, sql in rows}


# Only the tally rows a change took to zero, so store_tally.drop_empty never reads a whole tally.
EMPTY_TALLY_INDEXES = {f"ix_{table.name}_empty": "uses = 0" for table in ALL_TALLIES}
# A role once per person: per production, and studio-wide (where production_id is empty).
ROLE_INDEXES = {
    "ux_role_grants_once": "production_id IS NOT NULL",
    "ux_role_grants_studio_once": "production_id IS NULL",
}


def test_a_new_log_indexes_only_the_empty_tally_rows_and_roles_once(db_url):
    assert _partial_indexes(UseCaseStore(db_url).engine) == EMPTY_TALLY_INDEXES | ROLE_INDEXES


def _fresh_layout(url: str) -> tuple[dict, dict]:
    """The tables, columns and indexes of a new database at `url` (then emptied again)."""
    engine = UseCaseStore(url).engine
    layout = _columns(engine), _indexes(engine)
    with engine.begin() as conn:
        reflected = sa.MetaData()
        reflected.reflect(conn)
        reflected.drop_all(conn)
    dispose_engines()
    return layout


def assert_outcomes_distinct(store: UseCaseStore) -> None:
    """No two outcomes hold the same rows: every writer found the stored one again."""
    contents = defaultdict(lambda: ([], set()))
    with store.engine.connect() as conn:
        for (outcome_id,) in conn.execute(sa.select(outcomes.c.id)):
            contents[outcome_id]
        for outcome_id, rule, level, section in conn.execute(
            sa.select(
                outcome_reasons.c.outcome_id,
                outcome_reasons.c.rule,
                outcome_reasons.c.level,
                outcome_reasons.c.section,
            ).order_by(outcome_reasons.c.outcome_id, outcome_reasons.c.position)
        ):
            contents[outcome_id][0].append((rule, level, section))
        for outcome_id, question, answer in conn.execute(sa.select(outcome_principles)):
            contents[outcome_id][1].add((question, answer))
    shapes = [(tuple(r), frozenset(p)) for r, p in contents.values()]
    assert len(set(shapes)) == len(shapes)


def test_a_schema_3_log_moves_to_shared_outcomes_and_answer_sets(db_url):
    """Every use keeps exactly the reasons (in firing order) and principle concerns its
    schema 3 rows held, and the answers document it held; uses that held the same rows share
    one outcome, uses that gave the same answers one answer set."""
    fresh = _fresh_layout(db_url)
    load_schema_3(sa.create_engine(db_url, poolclass=sa.NullPool))
    rows = fixture_rows()
    reasons = defaultdict(list)
    for r in sorted(rows["use_reasons"], key=lambda r: (r["use_id"], r["position"])):
        reasons[r["use_id"]].append((r["rule"], r["level"], r["section"]))
    concerns = defaultdict(set)
    for p in rows["use_principles"]:
        concerns[p["use_id"]].add((p["question_id"], p["answer"]))

    store = UseCaseStore(db_url)

    assert schema_version(store.engine) == SCHEMA_VERSION == 12
    assert (_columns(store.engine), _indexes(store.engine)) == fresh
    with store.engine.connect() as conn:
        versions = conn.execute(sa.select(schema_migrations.c.version)).scalars().all()
        stored = defaultdict(set)
        for use_id, question, answer in conn.execute(
            sa.select(
                uses.c.id, outcome_principles.c.question_id, outcome_principles.c.answer
            ).select_from(PRINCIPLES_OF_USES)
        ):
            stored[use_id].add((question, answer))
        n_outcomes = conn.execute(sa.select(sa.func.count()).select_from(outcomes)).scalar_one()
        n_sets = conn.execute(sa.select(sa.func.count()).select_from(answer_sets)).scalar_one()
    assert versions == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert stored == concerns
    for use in rows["uses"]:
        record = store.get_use(use["id"])
        assert [(r.rule, r.level, r.section) for r in record.reasons] == reasons[use["id"]]
        assert record.level == use["level"] and record.status == use["status"]
        # Awaiting a decision since its history last moved it into an open status from one
        # that is not (escalating keeps the time), or its last change when none did.
        open_ = ("submitted", "escalated")
        moves = [
            h["at"] for h in rows["use_history"]
            if h["use_id"] == use["id"] and h["field"] in ("status", "created")
            and h["new_value"] in open_ and h["old_value"] not in open_
        ]  # fmt: skip
        waiting = use["status"] in open_
        since = record.awaiting_since and record.awaiting_since.strftime("%Y-%m-%d %H:%M:%S")
        assert since == ((max(moves) if moves else use["updated_at"])[:19] if waiting else None)
        assert record.answers == json.loads(use["answers"])
        # The free text first, in field order (the answers in the order the database keeps:
        # PostgreSQL's JSONB has its own).
        text = [name for name in FIELD_NAMES if name in json.loads(use["answers"])]
        assert list(record.answers)[: len(text)] == text
    distinct = {(tuple(reasons[u["id"]]), frozenset(concerns[u["id"]])) for u in rows["uses"]}
    assert n_outcomes == len(distinct) < len(rows["uses"])
    answered = {
        json.dumps(without_text(json.loads(u["answers"])), sort_keys=True) for u in rows["uses"]
    }
    assert n_sets == len(answered) < len(rows["uses"])
    assert_recounted(store)
    # The store goes on as usual: re-assessing brings every use to the current guidance (the
    # demo was logged under 2026.11, production S3 under 2099.1), and a use logged with
    # answers already in the log shares their outcome.
    result = store.reassess(ENGINE, actor="lead")
    assert result.checked == len(rows["uses"]) and not result.problems
    same = store.get_use(rows["uses"][0]["id"])
    answers = stored_answers(same.answers, GUIDANCE)
    again = store.log_use("S3", answers, ENGINE, actor="lead")
    assert again.reasons == same.reasons
    for use in rows["uses"]:
        record = store.get_use(use["id"])
        fresh_reasons = ENGINE.assess(stored_answers(record.answers, GUIDANCE)).reasons
        assert [(r.rule, r.level) for r in record.reasons] == [
            (r.rule, r.level) for r in fresh_reasons
        ]
    assert_outcomes_distinct(store)
    assert_recounted(store)
    assert store.count_uses(UseFilter(archived=None)) == len(rows["uses"]) + 1
    with store.engine.connect() as conn:  # the new use found the answer set of the old one
        assert conn.execute(sa.select(sa.func.count()).select_from(answer_sets)).scalar() == n_sets


def test_a_schema_1_log_is_upgraded_with_counted_tallies(db_url):
    """Schema 1 had no tallies and grouped the rows through six more indexes: opening such a
    log adds the tallies, counted from its rows, and leaves the layout of a new database."""
    fresh = _fresh_layout(db_url)
    engine = sa.create_engine(db_url, poolclass=sa.NullPool)
    old = load_schema_3(engine)
    with engine.begin() as conn:  # back to schema 1
        for table in TALLIES:
            old.tables[table.name].drop(conn)
        PRODUCTION_LISTING.drop(conn)
        for name, columns in _LEGACY_INDEXES:
            legacy = sa.Table(name, sa.MetaData(), *(sa.Column(c) for c in columns))
            sa.Index(f"ix_{name}_{'_'.join(columns)}", *legacy.c).create(conn)
        conn.execute(sa.delete(schema_migrations).where(schema_migrations.c.version > 1))
    engine.dispose()

    upgraded = UseCaseStore(db_url)

    assert (_columns(upgraded.engine), _indexes(upgraded.engine)) == fresh
    assert _partial_indexes(upgraded.engine) == EMPTY_TALLY_INDEXES | ROLE_INDEXES
    assert_recounted(upgraded)
    assert upgraded.count_uses(UseFilter(archived=None)) == len(fixture_rows()["uses"])
