"""A synthetic studio log, generated fast and the same way every time (fixed seed).

Uses come from a pool of answer profiles, each parsed and assessed by the real Engine once,
so every row holds what the store itself would write: level, matrix row, the answer set and
the outcome (reasons, principle concerns), each stored once per profile by the store's own
code. Rows are
written in bulk (executemany on SQLite with the indexes built afterwards, COPY on
PostgreSQL), then the roll-ups are recounted from the rows by the store's own code. A generated SQLite file is cached under bench/.cache, keyed by
GENERATOR_VERSION, the schema version and the guidance version.
"""

from __future__ import annotations

import random
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from greenlight import workflow
from greenlight.policy import PRINCIPLES_GROUP
from greenlight.policy.answers import parse_answers, without_text
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore, shared
from greenlight.store import tally as tally
from greenlight.store.database import write_transaction
from greenlight.store.migrations import SCHEMA_VERSION
from greenlight.store.tables import (
    level_tally,
    principle_tally,
    productions,
    reason_tally,
    status_tally,
    type_tally,
    use_history,
    uses,
)

GENERATOR_VERSION = 5
SEED = 20261126
CACHE = Path(__file__).resolve().parent / ".cache"
FIRST_DAY = date(2022, 1, 3)
DAYS = 4 * 365  # four years of logging
USES_PER_PRODUCTION = 400  # on average; sizes are skewed (a few long series log far more)
PROFILES = 3000
CHUNK = 20_000
ACTOR = "bench"

DEPARTMENTS = (
    ("VFX", 20),
    ("Art", 14),
    ("Marketing", 12),
    ("Sound", 9),
    ("Editorial", 8),
    ("Post-production", 7),
    ("Camera", 5),
    ("Costume", 4),
    ("Makeup", 3),
    ("Script", 4),
    ("Locations", 3),
    ("Casting", 2),
    ("Music", 3),
    ("Localisation", 4),
    ("Production office", 2),
)
TOOLS = ("Studio image tool", "Text assistant", "Voice lab", "Upscaler", "Video model", "Roto AI")
VENDORS = ("", "", "North Light VFX", "Harbour Sound", "Pixel Foundry", "Dubbing House")
ROLES = ("Production designer", "VFX supervisor", "Line producer", "Editor", "Marketing lead")
TITLES = ("Moodboards", "Previs", "Temp voice", "Poster concept", "Clean-up", "Subtitles draft")


@dataclass(frozen=True)
class Profile:
    """One assessed set of answers: what every use drawn from it stores besides its free text."""

    answer_set: shared.AnswerSet  # the answers document less its free text
    use_case_type: str
    level: str
    level_rank: int
    reason_rules: str
    matrix_row: str | None
    outcome: shared.Outcome


def _random_answers(rng: random.Random, guidance) -> dict:
    doc: dict = {}
    for q in guidance.questions:
        if rng.random() < 0.15 and q.id != "use_case_type":
            continue  # left unanswered, as real users do
        if q.kind == "boolean":
            value = rng.random() < (0.08 if q.group == "involves" else 0.3)
        elif q.group == PRINCIPLES_GROUP:
            value = rng.choices(q.values, weights=(75, 17, 8)[: len(q.values)])[0]
        else:
            value = rng.choice(q.values)
        target = doc
        for part in q.path[:-1]:
            target = target.setdefault(part, {})
        target[q.path[-1]] = value
    return doc


def profiles(engine: Engine, rng: random.Random, count: int = PROFILES) -> list[Profile]:
    """`count` distinct answer profiles, each parsed and assessed by the engine."""
    guidance = engine.guidance
    found: list[Profile] = []
    for _ in range(count):
        answers = parse_answers({"title": "x", **_random_answers(rng, guidance)}, guidance)
        assessment = engine.assess(answers)
        document = without_text(answers.to_document(guidance))
        found.append(
            Profile(
                answer_set=shared.answer_set_of(document),
                use_case_type=str(answers.values.get(guidance.matrix_question, "")),
                level=assessment.level,
                level_rank=guidance.level(assessment.level).rank,
                reason_rules=";".join(assessment.rule_ids),
                matrix_row=assessment.matrix_row,
                outcome=shared.outcome_of(
                    [(r.rule, r.level, r.section) for r in assessment.reasons], assessment.concerns
                ),
            )
        )
    return found


def _status(rng: random.Random, level: str, age_days: int) -> tuple[str, str]:
    if age_days < 30:
        status = rng.choices(("draft", "submitted", "escalated"), weights=(3, 4, 2))[0]
    else:
        status = rng.choices(
            ("approved", "declined", "withdrawn", "submitted", "draft"), weights=(70, 8, 10, 6, 6)
        )[0]
    if status == "escalated" and level == "low":
        status = "submitted"
    ref = f"WA-{rng.randrange(10**6):06d}" if status == "approved" and level == "approval" else ""
    return status, ref


def _sizes(rng: random.Random, n: int) -> list[int]:
    """Uses per production: log-normal, skewed, adding up to exactly n."""
    # At least 20 productions, so even a small log spans the whole four years.
    count = max(20, n // USES_PER_PRODUCTION)
    weights = [rng.lognormvariate(0, 1.0) for _ in range(count)]
    total = sum(weights)
    sizes = [int(n * w / total) for w in weights]
    sizes[0] += n - sum(sizes)
    return sizes


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass
class Batch:
    """The rows of one chunk of uses, as tuples in table column order."""

    uses: list[tuple]
    history: list[tuple]
    # What the chunk adds to the tallies: uses per (row key as count_new reads it, profile).
    keys: Counter = field(default_factory=Counter)


USE_COLUMNS = [c.name for c in uses.columns]


def batches(
    engine: Engine,
    n: int,
    rng: random.Random,
    pool: list[Profile],
    answer_set_id: dict[str, int],
    outcome_id: dict[str, int],
) -> Iterator[tuple[list[tuple], Batch]]:
    """(new production rows, rows of up to CHUNK uses) until n uses are generated; the pool's
    answer sets and outcomes are stored already, with these ids by key."""
    guidance = engine.guidance
    # A few profiles are common (the everyday safe uses), most are rare.
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(pool))]
    departments = [d for d, _ in DEPARTMENTS]
    department_weights = [w for _, w in DEPARTMENTS]
    end = datetime.combine(FIRST_DAY + timedelta(days=DAYS), datetime.min.time())
    pending: list[tuple] = []
    batch = Batch([], [])
    serial = 0
    for number, size in enumerate(_sizes(rng, n), start=1):
        span = rng.randint(60, 400) if size < 5000 else DAYS
        start = rng.randrange(0, max(1, DAYS - span))
        pending.append(
            (
                number,
                f"P{number:05d}",
                f"Production {number}",
                _stamp(datetime.combine(FIRST_DAY + timedelta(days=start), datetime.min.time())),
                ACTOR,
                False,
            )
        )
        chosen = rng.choices(range(len(pool)), weights=weights, k=size)
        for index in chosen:
            profile = pool[index]
            serial += 1
            created = datetime.combine(
                FIRST_DAY + timedelta(days=start + rng.randrange(span)), datetime.min.time()
            ) + timedelta(seconds=rng.randrange(8 * 3600, 19 * 3600))
            # 16 hex digits like the store's own ids, rising so bulk inserts append.
            use_id = f"{serial:07x}{rng.getrandbits(36):09x}"
            status, ref = _status(rng, profile.level, (end - created).days)
            department = rng.choices(departments, weights=department_weights)[0]
            tool = rng.choice(TOOLS)
            title = f"{rng.choice(TITLES)} {serial}"
            fields = (
                title,
                f"Synthetic use {serial}",
                department,
                tool,
                rng.choice(VENDORS),
                rng.choice(ROLES),
                f"Ep {rng.randint(1, 10)}",
            )
            day = created.date()
            stamp = _stamp(created)
            week = (day - timedelta(days=day.weekday())).isoformat()
            month = day.replace(day=1).isoformat()
            archived = rng.random() < 0.03
            batch.uses.append(
                (
                    use_id,
                    number,
                    *fields,
                    profile.use_case_type,
                    answer_set_id[profile.answer_set.key],
                    profile.level,
                    profile.level_rank,
                    profile.reason_rules,
                    profile.matrix_row,
                    outcome_id[profile.outcome.key],
                    guidance.id,
                    guidance.version,
                    None,
                    None,
                    status,
                    ref,
                    stamp,
                    stamp,
                    week,
                    month,
                    ACTOR,
                    ACTOR,
                    archived,
                    1,  # logged at its status: version 1, the version any decision covers
                    1 if status in workflow.DECIDED_STATUSES else None,
                    None,  # no form token
                    stamp if status in workflow.OPEN_STATUSES else None,  # awaiting since
                )
            )
            level = (profile.level, profile.level_rank)
            kind = (profile.use_case_type, profile.matrix_row)
            batch.keys[(week, month, department, archived, status, *level, *kind, index)] += 1
            batch.history.append((use_id, stamp, ACTOR, "created", None, status, "", 0))
            if len(batch.uses) >= CHUNK:
                yield pending, batch
                pending, batch = [], Batch([], [])
    if batch.uses or pending:
        yield pending, batch


def tally_deltas(pool: list[Profile], keys: Counter) -> tally.Deltas:
    """The tallies of generated uses, as store_tally.count_new would count them, computed per
    (use key, profile) instead of per row: the same counts in a fraction of the time."""
    found = tally.empty_deltas()
    for (week, month, dept, archived, status, level, rank, kind, row, index), n in keys.items():
        prefix = tally.tally_key(week, month, dept, archived)
        found[level_tally][(*prefix, level, rank)] += n
        found[status_tally][(*prefix, status, level, rank)] += n
        found[type_tally][(*prefix, kind, row or "", level, rank)] += n
        outcome = pool[index].outcome
        for r in outcome.reasons:
            found[reason_tally][(*prefix, r["rule"], r["level"], r["section"])] += n
        for p in outcome.principles:
            found[principle_tally][(*prefix, p["question_id"], p["answer"])] += n
    return found


def _insert_sql(table: sa.Table, columns: list[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"


_HISTORY_COLUMNS = [
    "use_id",
    "at",
    "actor",
    "field",
    "old_value",
    "new_value",
    "note",
    "use_version",
]
_PRODUCTION_COLUMNS = ["id", "code", "name", "created_at", "created_by", "is_demo"]


def _fill_sqlite(store: UseCaseStore, rows: Iterator[tuple[list[tuple], Batch]]) -> Counter:
    tables = [productions, uses, use_history]
    indexes = [index for table in tables for index in table.indexes]
    dialect = store.engine.dialect
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        # A file being generated needs no crash safety: no journal, no syncing, a big cache.
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.execute("BEGIN")
        for index in indexes:
            cursor.execute(str(sa.schema.DropIndex(index).compile(dialect=dialect)))
        keys: Counter = Counter()
        for new_productions, batch in rows:
            keys.update(batch.keys)
            cursor.executemany(_insert_sql(productions, _PRODUCTION_COLUMNS), new_productions)
            cursor.executemany(_insert_sql(uses, USE_COLUMNS), batch.uses)
            cursor.executemany(_insert_sql(use_history, _HISTORY_COLUMNS), batch.history)
        for index in indexes:
            cursor.execute(str(sa.schema.CreateIndex(index).compile(dialect=dialect)))
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        raw.close()
    return keys


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value)


def _copy(cursor, table: sa.Table, columns: list[str], rows: list[tuple]) -> None:
    lines = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows)
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(lines)


def _fill_postgres(store: UseCaseStore, rows: Iterator[tuple[list[tuple], Batch]]) -> Counter:
    tables = [productions, uses, use_history]
    indexes = [index for table in tables for index in table.indexes]
    with store.engine.begin() as conn:
        for index in indexes:
            index.drop(conn)
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        keys: Counter = Counter()
        for new_productions, batch in rows:
            keys.update(batch.keys)
            if new_productions:
                _copy(cursor, productions, _PRODUCTION_COLUMNS, new_productions)
            _copy(cursor, uses, USE_COLUMNS, batch.uses)
            _copy(cursor, use_history, _HISTORY_COLUMNS, batch.history)
        cursor.execute("SELECT setval('productions_id_seq', (SELECT max(id) FROM productions))")
        raw.commit()
    finally:
        raw.close()
    with store.engine.begin() as conn:
        for index in indexes:
            index.create(conn)
        conn.exec_driver_sql("ANALYZE")
    return keys


def fill(store: UseCaseStore, engine: Engine, n: int, check: bool = False) -> float:
    """Write n synthetic uses into an empty store; return the seconds it took.

    The tallies are counted from the generated data; `check` recounts them from the rows
    with the store's own code and fails if they differ.
    """
    started = time.perf_counter()
    rng = random.Random(SEED)
    pool = profiles(engine, rng)
    with write_transaction(store.engine) as conn:
        set_ids = shared.answer_set_ids(conn, (profile.answer_set for profile in pool))
        ids = shared.outcome_ids(conn, (profile.outcome for profile in pool))
    rows = batches(engine, n, rng, pool, set_ids, ids)
    keys = (_fill_sqlite if store.dialect == "sqlite" else _fill_postgres)(store, rows)
    with store.engine.begin() as conn:
        tally.apply(conn, tally_deltas(pool, keys))
        tally.rebuild_productions_in(conn)
        if check and tally.read_tallies(conn) != tally.count_uses_of(conn, sa.true()):
            raise RuntimeError("the generated tallies differ from a recount of the rows")
    return time.perf_counter() - started


def cached_sqlite(engine: Engine, n: int) -> tuple[Path, float | None]:
    """A generated SQLite log of n uses (from the cache when present); seconds spent making it."""
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    g = engine.guidance
    name = f"log-{n}-gen{GENERATOR_VERSION}-schema{SCHEMA_VERSION}-{g.id}-{g.version}.db"
    path = CACHE / name
    if path.exists():
        return path, None
    for stale in CACHE.glob(f"log-{n}-*.db*"):
        stale.unlink()
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    store = UseCaseStore(f"sqlite:///{partial}")
    seconds = fill(store, engine, n, check=n <= 10_000)
    store.engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(path)
    return path, seconds


def working_copy(path: Path, folder: Path) -> str:
    """A copy of a cached log that a benchmark may write to; its SQLAlchemy URL."""
    target = folder / path.name
    shutil.copyfile(path, target)
    return f"sqlite:///{target}"


def utc_now() -> datetime:
    """Now, aware, for uses the benchmarks log."""
    return datetime.now(UTC)
