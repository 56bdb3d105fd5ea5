"""The consent check (issue 18): what it adds to an assessment of a use naming performers,
with 10,000 performers and 50,000 consents in the production's ledger.

The check is the ledger's part of an assessment: loading the named performers and their
consents (indexed queries), the rules, and folding the facts into the answers. It is timed
alone, in a read transaction as the store runs it, and end to end as log_use with and
without `performers:` (the difference, which also holds writing the links and facts).

`python -m bench.consent` measures only this part.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.report import Figure, Run
from greenlight.policy import Engine, load_guidance, parse_answers, resolve
from greenlight.store import UseCaseStore
from greenlight.store.database import insert_columns, read_transaction, write_transaction
from greenlight.store.registry_facts import facts_for
from greenlight.store.rows import now_utc
from greenlight.store.tables import productions
from greenlight.store.talent.tables import (
    consent_productions,
    consents,
    performer_productions,
    performers,
)

PERFORMERS = 10_000
CONSENTS = 50_000
CAST = 5  # performers a use names
ROUNDS = 301
LOG_ROUNDS = 101  # writes on each side
CODE = "BENCH-TALENT"
DAY = date(2026, 12, 5)
PRINCIPLES = {
    "outputs_original": "yes", "no_training_on_inputs": "yes", "enterprise_environment": "yes",
    "temporary_only": "no", "no_performance_replacement": "yes",
}  # fmt: skip


def build_ledger(url: str) -> UseCaseStore:
    """A store whose production CODE has PERFORMERS performers and CONSENTS consents."""
    store = UseCaseStore(url)
    store.create_production(CODE, "Benchmark talent", actor="bench")
    store.create_production("OTHER", "Another production", actor="bench")
    now = now_utc()
    per = CONSENTS // PERFORMERS
    with write_transaction(store.engine) as conn:
        pid = conn.execute(sa.select(productions.c.id).where(productions.c.code == CODE)).scalar()
        ids = list(range(1, PERFORMERS + 1))
        insert_columns(conn, performers, {
            "id": ids, "name": [f"Performer {i}" for i in ids],
            "category": ["principal"] * PERFORMERS, "union_name": ["SAG-AFTRA"] * PERFORMERS,
            "minor": [False] * PERFORMERS, "deceased": [False] * PERFORMERS,
            "estate": [""] * PERFORMERS, "representative": [""] * PERFORMERS,
            "created_at": [now] * PERFORMERS, "created_by": ["bench"] * PERFORMERS,
        })  # fmt: skip
        insert_columns(conn, performer_productions, {
            "performer_id": ids, "production_id": [pid] * PERFORMERS,
        })  # fmt: skip
        cids = list(range(1, CONSENTS + 1))
        # Per performer: an old expired one, one for another production, one temporary-only,
        # a revoked one, and (for most) the good one: the check reads them all.
        shapes = [
            ("temporary;final", DAY - timedelta(400), DAY - timedelta(30), "active", CODE),
            ("temporary;final", DAY - timedelta(100), None, "active", "OTHER"),
            ("temporary", DAY - timedelta(100), None, "active", CODE),
            ("temporary;final", DAY - timedelta(100), None, "revoked", CODE),
            ("temporary;final", DAY - timedelta(100), DAY + timedelta(200), "active", CODE),
        ]
        rows = [shapes[i % per] for i in range(CONSENTS)]
        insert_columns(conn, consents, {
            "id": cids, "performer_id": [1 + i // per for i in range(CONSENTS)],
            "covers": ["likeness;voice"] * CONSENTS, "kind": ["employment_based"] * CONSENTS,
            "description": ["Re-ageing in the flashbacks"] * CONSENTS,
            "media": [r[0] for r in rows], "signed_on": [r[1] for r in rows],
            "valid_from": [r[1] for r in rows], "expires_on": [r[2] for r in rows],
            "signed_by": ["performer"] * CONSENTS, "counsel": [True] * CONSENTS,
            "scan_notice_on": [None] * CONSENTS, "compensation": [True] * CONSENTS,
            "compensation_note": [""] * CONSENTS, "state": [r[3] for r in rows],
            "state_on": [DAY - timedelta(5) if r[3] == "revoked" else None for r in rows],
            "state_note": [""] * CONSENTS, "state_by": [None] * CONSENTS,
            "created_at": [now] * CONSENTS, "created_by": ["bench"] * CONSENTS,
        })  # fmt: skip
        insert_columns(conn, consent_productions, {
            "consent_id": cids, "production_code": [r[4] for r in rows],
        })  # fmt: skip
    return store


def _answers(guidance, cast: tuple[str, ...]):
    document = {
        "title": "Re-aged flashback", "use_case_type": "talent_replication",
        "principles": PRINCIPLES, "involves": {"digital_replica": True},
        "context": {"tool_tier": "enterprise", "final_deliverable": True,
                    "vendor_pipeline": False, "replica_exception": "as_scripted"},
    }  # fmt: skip
    if cast:
        document["performers"] = list(cast)
    return parse_answers(document, guidance)


def _median(work) -> float:
    work()
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def consent_figures(run: Run, url: str, label: str = "") -> None:
    """The consent check's figures on a new store at `url` (empty)."""
    started = time.perf_counter()
    store = build_ledger(url)
    built = time.perf_counter() - started
    engine = Engine(load_guidance())
    # Performers spread over the ledger, so no two rounds read the same pages only.
    cast = tuple(f"P-{1 + (k * 1999) % PERFORMERS}" for k in range(CAST))
    linked, plain = _answers(engine.guidance, cast), _answers(engine.guidance, ())
    with read_transaction(store.engine) as conn:
        pid = conn.execute(sa.select(productions.c.id).where(productions.c.code == CODE)).scalar()
        facts = facts_for(conn, pid, linked, DAY, CODE)

        def check() -> None:  # as log_use runs it: the production's code is known
            resolve(linked, facts_for(conn, pid, linked, DAY, CODE), engine.guidance)

        check_s = _median(check)
    assessment_s = _median(lambda: engine.assess(plain))
    # Alternating, so the load of the shared machine weighs on both sides alike.
    sides: dict[int, list[float]] = {0: [], 1: []}
    for k in range(2 * LOG_ROUNDS):
        answers = linked if k % 2 else plain
        started = time.perf_counter()
        store.log_use(CODE, answers, engine, actor="bench")
        sides[k % 2].append(time.perf_counter() - started)
    plain_s, logged_s = (statistics.median(sides[k]) for k in (0, 1))
    suffix = f" [{label}]" if label else ""
    run.add(
        Figure(
            f"consent check, {PERFORMERS:,} performers and {CONSENTS:,} consents{suffix}",
            f"{check_s * 1000:.2f} ms",
            "≤ 1 ms",
            check_s <= 0.001,
            f"{CAST} performers named, {len(facts)} facts; loading them and their consents, the "
            f"rules and folding the facts in, median of {ROUNDS}; an assessment of the same "
            f"answers alone (engine memo warm) {assessment_s * 1000:.3f} ms; ledger built in "
            f"{built:.1f} s",
        )
    )
    run.add(
        Figure(
            f"log_use naming {CAST} performers, against none{suffix}",
            f"+{(logged_s - plain_s) * 1000:.2f} ms",
            note=f"{logged_s * 1000:.1f} ms against {plain_s * 1000:.1f} ms, medians of "
            f"{LOG_ROUNDS} alternating writes; the difference also holds checking the named "
            "performers and writing the use's links and facts",
        )
    )


def main() -> None:
    run = Run()
    with tempfile.TemporaryDirectory(prefix="greenlight-consent-") as folder:
        consent_figures(run, f"sqlite:///{Path(folder) / 'talent.db'}")
    print(run.table())
    for figure in run.figures:
        print(f"- {figure.name}: {figure.note}", file=sys.stdout)


if __name__ == "__main__":
    main()
