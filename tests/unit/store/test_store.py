"""The use-case store on a real SQLite file and a real PostgreSQL database (db_url)."""

from __future__ import annotations

import gc
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from greenlight import workflow
from greenlight.demo import status_path
from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import (
    NewUse,
    NotFound,
    StoreError,
    TransitionError,
    UseCaseStore,
    UseFilter,
)
from greenlight.store.database import (
    DEFAULT_SQLITE_PATH,
    StoreConfigError,
    dispose_engines,
    get_engine,
    paused_gc,
    resolve_database_url,
)
from greenlight.store.migrations import SCHEMA_VERSION, SchemaError, schema_version
from greenlight.store.tables import schema_migrations
from tests.unit.samples import CLEAR

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
SAFE_CONTEXT = {"tool_tier": "enterprise", "final_deliverable": False}
KINDS = {
    # level low, no reasons
    "low": {"use_case_type": "ideation", "principles": CLEAR, "context": SAFE_CONTEXT},
    # level escalate: principle-3-enterprise
    "escalate": {
        "use_case_type": "ideation",
        "principles": {**CLEAR, "enterprise_environment": "unsure"},
        "context": SAFE_CONTEXT,
    },
    # level approval: key-creative-element, matrix-key-visual
    "approval": {
        "use_case_type": "key_visual",
        "principles": CLEAR,
        "involves": {"key_creative_element": True},
        "context": SAFE_CONTEXT,
    },
}


def answers(kind: str, title: str = "A use", **fields):
    return parse_answers({"title": title, **fields, **KINDS[kind]}, GUIDANCE)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def sqlite_store(sqlite_url: str) -> UseCaseStore:
    return UseCaseStore(sqlite_url)


# (production, title, kind, department, created, status, extra fields)
FIXTURE_LOG = [
    ("A", "Moodboard", "low", "Art", at(1, 5), "approved", {}),
    ("A", "Storm previs", "escalate", "VFX", at(1, 6), "escalated", {"description": "animatic"}),
    ("A", "Creature design", "approval", "Art", at(1, 13), "approved", {}),
    ("A", "Crowd voices", "approval", "Sound", at(2, 2), "draft", {}),
    ("A", "Archived idea", "low", "Art", at(2, 3), "draft", {}),
    ("B", "Poster", "escalate", "Marketing", at(1, 7), "submitted", {"tool": "Image tool 100%"}),
    ("B", "Trailer", "low", "Marketing", at(2, 10), "draft", {"vendor": "North_light"}),
    ("B", "Dub voices", "approval", "Sound", at(2, 11), "declined", {}),
]


def build_log(store: UseCaseStore) -> dict[str, str]:
    """The fixture log: two productions, eight uses (one archived); title -> id."""
    store.create_production("A", "Alpha", actor="lead")
    store.create_production("B", "Bravo", actor="lead")
    ids = {}
    for code, title, kind, department, created, status, extra in FIXTURE_LOG:
        record = store.log_use(
            code,
            answers(kind, title, department=department, **extra),
            ENGINE,
            actor="ana",
            at=created,
        )
        for step in status_path(status, record.level):
            ref = "WA-1" if step == "approved" and record.level == "approval" else None
            store.set_status(record.id, step, actor="bob", approval_ref=ref, at=created)
        ids[title] = record.id
    store.archive_use(ids["Archived idea"], actor="ana")
    return ids


class StartsWith(str):
    """Equal to any text that starts with it (for one cell inside a compared tuple)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other.startswith(str(self))

    __hash__ = str.__hash__


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]


# --- where the database is ------------------------------------------------------------------


def test_url_from_environment_then_secrets_then_default(tmp_path):
    secrets = tmp_path / "secrets.toml"
    env = {"GREENLIGHT_DATABASE_URL": "postgresql+psycopg://u@h/db"}
    assert resolve_database_url(env, [secrets]) == "postgresql+psycopg://u@h/db"
    assert resolve_database_url({}, [secrets]) == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    secrets.write_text('[connections.greenlight]\nurl = "sqlite:////tmp/x.db"\n')
    assert resolve_database_url({}, [secrets]) == "sqlite:////tmp/x.db"
    assert resolve_database_url(env, [secrets]) == "postgresql+psycopg://u@h/db"
    secrets.write_text("[other]\nurl = 'x'\n")
    assert resolve_database_url({}, [secrets]) == f"sqlite:///{DEFAULT_SQLITE_PATH}"


def test_bad_secrets_and_urls_say_what_to_fix(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[connections.greenlight\n")
    with pytest.raises(StoreConfigError, match=r"secrets.toml: not valid TOML"):
        resolve_database_url({}, [secrets])
    secrets.write_text("[connections.greenlight]\nurl = 3\n")
    with pytest.raises(StoreConfigError, match="url must be a non-empty string"):
        resolve_database_url({}, [secrets])
    with pytest.raises(StoreConfigError, match="Greenlight runs on SQLite or PostgreSQL"):
        UseCaseStore("mysql://u@h/db")
    with pytest.raises(StoreConfigError, match="is not a database URL"):
        UseCaseStore("not a url")


def test_sqlite_folder_is_created_with_wal_and_foreign_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'greenlight.db'}"
    store = UseCaseStore(url)
    assert (tmp_path / "new" / "folder" / "greenlight.db").exists()
    assert get_engine(url) is store.engine  # one engine per URL
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_paused_gc_resumes_the_collector_when_the_last_job_ends():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():  # a second import at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first is still running
    assert gc.isenabled()
    with pytest.raises(StoreError), paused_gc():
        raise StoreError("an import that fails half-way")
    assert gc.isenabled()
    gc.disable()  # a process that runs with the collector off keeps it off
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_schema_version_is_recorded_and_opening_again_changes_nothing(db_url):
    store = UseCaseStore(db_url)
    assert schema_version(store.engine) == SCHEMA_VERSION
    store.create_production("A", "Alpha", actor="lead")
    dispose_engines()
    again = UseCaseStore(db_url)
    assert [p.code for p in again.list_productions()] == ["A"]
    with again.engine.connect() as conn:
        versions = conn.execute(sa.select(schema_migrations.c.version)).scalars().all()
    assert versions == list(range(1, SCHEMA_VERSION + 1))


def test_a_newer_schema_is_refused(sqlite_store):
    with sqlite_store.engine.begin() as conn:
        conn.execute(
            sa.insert(schema_migrations).values(
                version=SCHEMA_VERSION + 1, name="future", applied_at=datetime(2030, 1, 1)
            )
        )
    dispose_engines()
    with pytest.raises(SchemaError, match="newer than this Greenlight understands"):
        UseCaseStore(sqlite_store.url)


# --- productions ----------------------------------------------------------------------------


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
    with pytest.raises(StoreError, match="production name"):
        store.create_production("OK", "  ", actor="lead")
    with pytest.raises(StoreError, match="actor's name is empty"):
        store.create_production("OK", "Fine", actor=" ")
    with pytest.raises(NotFound, match="no production with code 'ZZ'"):
        store.get_production("ZZ")


# --- logging and changing uses ----------------------------------------------------------------


def test_log_use_assesses_and_records_everything(store):
    store.create_production("A", "Alpha", actor="lead")
    given = answers("approval", "Creature", department="Art", tool="Gen", scene="Ep 1")
    record = store.log_use("A", given, ENGINE, actor="ana", note="first pass", at=at(1, 13))
    assert record.level == "approval"
    assert record.rule_ids == ("key-creative-element", "matrix-key-visual")
    assert record.reasons[0].section == "written-approval.creative-output"
    assert (record.matrix_row, record.use_case_type) == ("key_visual", "key_visual")
    assert (record.guidance_id, record.guidance_version) == (GUIDANCE.id, GUIDANCE.version)
    assert (record.previous_level, record.previous_guidance_version) == (None, None)
    assert record.fields == {
        "title": "Creature",
        "description": "",
        "department": "Art",
        "tool": "Gen",
        "vendor": "",
        "requested_by": "",
        "scene": "Ep 1",
    }
    assert record.answers == given.to_document(GUIDANCE)
    assert parse_answers(record.answers, GUIDANCE) == given
    assert (record.status, record.approval_ref, record.archived) == ("draft", "", False)
    assert record.created_at == record.updated_at == at(1, 13)
    assert (record.created_by, record.production_code, record.production_name) == (
        "ana",
        "A",
        "Alpha",
    )
    assert store.get_use(record.id) == record
    [entry] = store.history(record.id)
    assert (entry.field, entry.old, entry.new, entry.note, entry.actor, entry.at) == (
        "created",
        None,
        "draft",
        "first pass",
        "ana",
        at(1, 13),
    )
    with pytest.raises(TransitionError, match="a new use starts as draft or submitted"):
        store.log_use("A", given, ENGINE, actor="ana", status="approved")
    with pytest.raises(NotFound, match="create it first"):
        store.log_use("ZZ", given, ENGINE, actor="ana")
    with pytest.raises(NotFound):
        store.get_use("nope")
    with pytest.raises(NotFound):
        store.history("nope")


def test_update_use_records_each_change_and_reopens_a_raised_approval(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("low", "Moodboard", department="Art"), ENGINE, actor="ana")
    store.set_status(use.id, "submitted", actor="ana")
    store.set_status(use.id, "approved", actor="studio", note="fine by us")
    version = store.data_version()
    same = store.update_use(
        use.id, answers("low", "Moodboard", department="Art"), ENGINE, actor="x"
    )
    assert store.data_version() == version  # nothing changed, nothing written
    assert len(store.history(use.id)) == 3 and same.updated_by == "studio"

    changed = store.update_use(
        use.id,
        answers("approval", "Creature", department="VFX"),
        ENGINE,
        actor="bob",
        note="it became the creature",
    )
    assert (changed.level, changed.status, changed.updated_by) == ("approval", "submitted", "bob")
    entries = [(h.field, h.old, h.new, h.note) for h in store.history(use.id)[3:]]
    note = "it became the creature"
    assert entries == [
        ("title", "Moodboard", "Creature", note),
        ("department", "Art", "VFX", note),
        ("use_case_type", "ideation", "key_visual", note),
        ("involves.key_creative_element", None, "true", note),
        ("level", "low", "approval", note),
        (
            "status",
            "approved",
            "submitted",
            "changed since the approval: Title, Department, Which kind of use is this?, It "
            "creates a key creative element; the level rose from Low risk to Written approval: "
            "the approval covered the use as it was, so the studio has to decide again",
        ),
    ]
    assert {h.actor for h in store.history(use.id)[3:]} == {"bob"}
    counts = store.counts_by_reason(UseFilter(productions=("A",)))
    assert rows(counts[["rule", "uses"]]) == [("key-creative-element", 1), ("matrix-key-visual", 1)]


def test_update_use_records_the_answers_the_assessment_reads_differently(store):
    """The form spells answers its own way: an unticked box as False where the document gave
    no answer, and no answer to a question its conditions hide. Only the answer the user
    changed is recorded, and a hidden answer the rules could read, which the form dropped."""
    store.create_production("A", "Alpha", actor="lead")
    hidden = {"talent_consent": False, "on_screen": "story_relevant"}  # not final, no talent
    logged = parse_answers(
        {"title": "Moodboard", **KINDS["low"], "context": {**SAFE_CONTEXT, **hidden}}, GUIDANCE
    )
    use = store.log_use("A", logged, ENGINE, actor="ana")
    unticked = {q.path[-1]: False for q in GUIDANCE.questions if q.path[0] == "involves"}
    as_the_form_sends = parse_answers(
        {
            "title": "Moodboard",
            "use_case_type": "ideation",
            "principles": CLEAR,
            "involves": unticked,
            "context": {"tool_tier": "no_training_terms", "final_deliverable": False},
        },
        GUIDANCE,
    )
    store.update_use(use.id, as_the_form_sends, ENGINE, actor="bob")
    assert [(h.field, h.old, h.new) for h in store.history(use.id)[1:]] == [
        ("context.on_screen", "story_relevant", None),
        ("context.tool_tier", "enterprise", "no_training_terms"),
    ]
    # Ticking a box brings questions into view (talent consent, customary alteration); left
    # unanswered they count as unanswered now, but the box is the change.
    altered = as_the_form_sends.to_document(GUIDANCE)
    altered["involves"] = {**unticked, "performance_alteration": True}
    store.update_use(use.id, parse_answers(altered, GUIDANCE), ENGINE, actor="bob")
    assert [(h.field, h.old, h.new) for h in store.history(use.id)[3:]][0] == (
        "involves.performance_alteration",
        "false",
        "true",
    )
    assert {h.field for h in store.history(use.id)[3:]} <= {
        "involves.performance_alteration",
        "level",
    }


def test_update_use_under_a_guidance_that_cannot_read_the_old_answers(store):
    """Another guidance set cannot assess the old document: each answer given to one of its
    questions before or after is recorded, as given."""
    other = Engine(load_guidance(Path(__file__).parents[2] / "fixtures" / "guidance-alt"))
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("low", "Moodboard"), ENGINE, actor="ana")
    agreed = parse_answers(
        {"title": "Moodboard", "principles": {"everyone_agreed": "yes"}}, other.guidance
    )
    store.update_use(use.id, agreed, other, actor="bob")
    assert [(h.field, h.old, h.new) for h in store.history(use.id)[1:]] == [
        ("principles.everyone_agreed", None, "yes"),
        ("level", "low", "fine"),
        ("guidance_id", GUIDANCE.id, "acme-pictures-ai"),
        ("guidance_version", GUIDANCE.version, "0.3"),
    ]


def test_every_transition_allowed_and_refused_through_the_store(store):
    """For each pair of statuses, a use at level approval (no reference yet) is moved."""
    store.create_production("A", "Alpha", actor="lead")
    for current in workflow.status_ids():
        for target in workflow.status_ids():
            use = store.log_use("A", answers("approval"), ENGINE, actor="ana")
            for step in status_path(current, "approval"):
                ref = "WA-7" if step == "approved" else None
                store.set_status(use.id, step, actor="ana", approval_ref=ref)
            before = store.get_use(use.id)
            assert before.status == current
            history = store.history(use.id)
            allowed = target in workflow.TRANSITIONS[current] and not (
                target == "approved" and not before.approval_ref
            )
            if allowed:
                after = store.set_status(use.id, target, actor="bob", note=f"to {target}")
                assert after.status == target
                last = store.history(use.id)[-1]
                assert (last.field, last.old, last.new, last.note, last.actor) == (
                    "status",
                    current,
                    target,
                    f"to {target}",
                    "bob",
                )
            else:
                with pytest.raises(TransitionError):
                    store.set_status(use.id, target, actor="bob")
                assert store.get_use(use.id) == before
                assert store.history(use.id) == history


def test_approval_reference_is_required_and_recorded(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("approval"), ENGINE, actor="ana", status="submitted")
    with pytest.raises(TransitionError, match="enter the studio's approval reference"):
        store.set_status(use.id, "approved", actor="bob", approval_ref="   ")
    approved = store.set_status(use.id, "approved", actor="bob", approval_ref=" WA-2026-01 ")
    assert (approved.status, approved.approval_ref) == ("approved", "WA-2026-01")
    with pytest.raises(TransitionError, match="needs written approval"):
        store.set_approval_ref(use.id, "", actor="bob")
    fixed = store.set_approval_ref(use.id, "WA-2026-02", actor="bob", note="typo")
    assert fixed.approval_ref == "WA-2026-02"
    changes = [(h.field, h.old, h.new, h.note) for h in store.history(use.id)]
    assert changes == [
        ("created", None, "submitted", ""),
        ("status", "submitted", "approved", ""),
        ("approval_ref", "", "WA-2026-01", ""),
        ("approval_ref", "WA-2026-01", "WA-2026-02", "typo"),
    ]


def test_concurrent_status_changes_of_one_use_apply_once(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("low"), ENGINE, actor="ana")
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def submit(n: int) -> None:
        barrier.wait()
        try:
            store.set_status(use.id, "submitted", actor=f"user {n}")
            outcomes.append("ok")
        except TransitionError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["the use is already Submitted"] * 3
    assert [h.field for h in store.history(use.id)] == ["created", "status"]


def test_concurrent_writers_all_land(store):
    store.create_production("A", "Alpha", actor="lead")
    errors: list[BaseException] = []

    def log_many(n: int) -> None:
        try:
            for i in range(15):
                store.log_use("A", answers("escalate", f"use {n}-{i}"), ENGINE, actor=f"user {n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=log_many, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count_uses() == 60
    assert store.data_version() == 1 + 60  # one bump for the production, one per use


def test_archive_and_restore(store):
    store.create_production("A", "Alpha", actor="lead")
    use = store.log_use("A", answers("low", "Old idea"), ENGINE, actor="ana")
    archived = store.archive_use(use.id, actor="bob", note="not needed")
    assert archived.archived and store.count_uses() == 0
    assert [r.id for r in store.list_uses(UseFilter(archived=True)).rows] == [use.id]
    with pytest.raises(StoreError, match="already archived"):
        store.archive_use(use.id, actor="bob")
    restored = store.restore_use(use.id, actor="carl")
    assert not restored.archived and store.count_uses() == 1
    with pytest.raises(StoreError, match="already in the log"):
        store.restore_use(use.id, actor="carl")
    assert [(h.field, h.old, h.new, h.note, h.actor) for h in store.history(use.id)[1:]] == [
        ("archived", "false", "true", "not needed", "bob"),
        ("archived", "true", "false", "", "carl"),
    ]


def test_reassess_under_newer_guidance_keeps_the_old_level(store, newer_engine):
    store.create_production("A", "Alpha", actor="lead")
    unknown_tool = {**KINDS["low"], "context": {"tool_tier": "unknown"}}
    doc = {"title": "Chat summaries", **unknown_tool}
    risky = store.log_use("A", parse_answers(doc, GUIDANCE), ENGINE, actor="ana")
    assert risky.level == "escalate"
    store.set_status(risky.id, "submitted", actor="ana")
    store.set_status(risky.id, "approved", actor="studio")
    calm = store.log_use("A", answers("low", "Moodboard"), ENGINE, actor="ana")
    progress: list[tuple[int, int]] = []
    result = store.reassess(
        newer_engine, actor="admin", progress=lambda d, t: progress.append((d, t))
    )
    assert (result.checked, result.level_changed, result.reopened, result.problems) == (2, 1, 1, ())
    assert progress[-1] == (2, 2)
    after = store.get_use(risky.id)
    assert (after.level, after.previous_level) == ("approval", "escalate")
    assert (after.guidance_version, after.previous_guidance_version) == ("2099.1", "2026.11")
    assert after.status == "submitted"
    note = "re-assessed under guidance netflix-genai-production 2099.1"
    assert [(h.field, h.old, h.new, h.note) for h in store.history(risky.id)[3:]] == [
        ("level", "escalate", "approval", note),
        ("guidance_version", "2026.11", "2099.1", note),
        (
            "status",
            "approved",
            "submitted",
            StartsWith("the level rose from Escalate to Written approval"),
        ),
    ]
    same = store.get_use(calm.id)
    assert (same.level, same.previous_level, same.previous_guidance_version) == (
        "low",
        "low",
        "2026.11",
    )
    assert store.reassess(newer_engine, actor="admin").checked == 0


# --- overview queries ------------------------------------------------------------------------


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
        ("matrix-key-visual", "approval", "use-case-matrix", 3),
        ("principle-3-enterprise", "escalate", "guiding-principles", 2),
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
