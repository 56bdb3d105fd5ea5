"""The review desk (issue 17): its first screen on the large log, as the page draws it
(AppTest, a local log: every production's waiting uses, as a studio admin sees them) and
as the store answers it for a studio admin and for a reviewer of the largest production.

`python -m bench.desk` measures only this part (BENCH_USES as for make bench).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench import pages, synth
from bench.report import Figure, Run
from greenlight.store import LocalAdministrator, Person, UseCaseStore
from greenlight.store.tables import productions, uses

ROUNDS = 7
REVIEWER = Person("https://idp.bench", "reviewer", "reviewer@bench.example", "Reviewer")
ADMIN = Person("https://idp.bench", "admin", "admin@bench.example", "Admin")


def page_first_screen(url: str, production: str) -> float:
    """Seconds to the desk's first screen in a new session (median of 3)."""
    times = []
    for _ in range(3):
        at = pages._app(url, production)
        at.run()
        at.switch_page("app_pages/review.py")
        times.append(pages._timed(at))
        if not at.dataframe:
            raise RuntimeError("the review desk showed no table")
    return statistics.median(times)


def _median(store: UseCaseStore, viewer) -> float:
    cutoff = datetime.now(UTC) - timedelta(days=5)
    store.review_desk(viewer, overdue_before=cutoff)  # warm
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        store.review_desk(viewer, overdue_before=cutoff)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def desk_figures(run: Run, path: Path, folder: Path, size: int) -> None:
    """The desk's figures on the log at `path` (a working copy: roles turn studio mode on)."""
    url = f"sqlite:///{path}"
    with UseCaseStore(url).engine.connect() as conn:
        waiting = conn.execute(
            sa.select(sa.func.count()).where(
                uses.c.awaiting_since.is_not(None), uses.c.archived == sa.false()
            )
        ).scalar_one()
        n = sa.func.count()
        code, in_code = conn.execute(
            sa.select(productions.c.code, n)
            .select_from(uses.join(productions, productions.c.id == uses.c.production_id))
            .where(uses.c.awaiting_since.is_not(None))
            .group_by(productions.c.code)
            .order_by(n.desc(), productions.c.code)
            .limit(1)
        ).one()
    seconds = page_first_screen(url, code)
    run.add(
        Figure(
            f"review desk, first screen, {size:,} uses",
            f"{seconds:.3f} s",
            "≤ 0.5 s",
            seconds <= 0.5,
            f"{waiting:,} awaiting a decision; every production's (local mode, as a studio "
            "admin sees it), in a new session (AppTest)",
        )
    )
    store = UseCaseStore(synth.working_copy(path, folder))
    cli = LocalAdministrator("bench")
    store.grant(ADMIN.email, "admin", actor=cli)
    store.grant(REVIEWER.email, "reviewer", code, actor=cli)
    store.sign_in(ADMIN)
    store.sign_in(REVIEWER)
    admin, reviewer = _median(store, ADMIN), _median(store, REVIEWER)
    run.add(
        Figure(
            f"review desk query, reviewer of one production, {size:,} uses",
            f"{reviewer:.4f} s",
            note=f"{code} ({in_code:,} awaiting); a studio admin's, every production, "
            f"{admin:.4f} s (store, uncached)",
        )
    )


def main() -> None:
    from bench.__main__ import BIG
    from greenlight.policy import load_guidance
    from greenlight.policy.engine import Engine

    run = Run()
    path, seconds = synth.cached_sqlite(Engine(load_guidance()), BIG)
    made = "cached" if seconds is None else f"generated in {seconds:.0f} s"
    print(f"bench.desk: synthetic log of {BIG:,} uses, {made}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="greenlight-desk-") as folder:
        desk_figures(run, path, Path(folder), BIG)
    print(run.table())
    for figure in run.figures:
        print(f"- {figure.name}: {figure.note}")


if __name__ == "__main__":
    main()
