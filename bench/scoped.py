"""The overview under a member's scope (issue 17): the store's overview queries as a member
of the log's largest production reads them, beside the same queries unscoped, at both sizes.

Measured at the store, not through the page: the pages do not sign people in yet. Each log
is a working copy of the cached one, since naming a studio admin turns studio mode on.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import sqlalchemy as sa

from bench import synth
from greenlight.store import LocalAdministrator, Person, UseCaseStore, UseFilter
from greenlight.store.tables import productions, uses

ROUNDS = 7
_ALL = UseFilter()
# What the overview page reads: the headline count and its charts' groupings.
_GROUPINGS = (
    ("level",),
    ("status", "level"),
    ("department", "level"),
    ("use_case_type", "level"),
    ("week", "level"),
)
MEMBER = Person("https://idp.bench", "member", "member@bench.example", "Member")
ADMIN = Person("https://idp.bench", "admin", "admin@bench.example", "Admin")


def _overview(store: UseCaseStore, viewer) -> None:
    store.count_uses(_ALL, viewer=viewer)
    for by in _GROUPINGS:
        store.count_by(_ALL, by, viewer=viewer)
    store.counts_by_reason(_ALL, viewer=viewer)
    store.principle_concerns(_ALL, viewer=viewer)


def _median(store: UseCaseStore, viewer) -> float:
    _overview(store, viewer)  # warm: connections, compiled statements, the page cache
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        _overview(store, viewer)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def scoped_overview(path: Path, folder: Path) -> dict:
    """Median seconds of the overview's queries for the studio admin (unscoped) and for a
    member of the largest production, on a working copy of the log at `path`."""
    store = UseCaseStore(synth.working_copy(path, folder))
    count = sa.func.count()
    with store.engine.connect() as conn:
        code, size = conn.execute(
            sa.select(productions.c.code, count)
            .select_from(uses.join(productions, productions.c.id == uses.c.production_id))
            .group_by(productions.c.code)
            .order_by(count.desc(), productions.c.code)
            .limit(1)
        ).one()
    cli = LocalAdministrator("bench")
    store.grant(ADMIN.email, "admin", actor=cli)
    store.grant(MEMBER.email, "member", code, actor=cli)
    store.sign_in(ADMIN)
    store.sign_in(MEMBER)
    assert store.count_uses(UseFilter(archived=None), viewer=MEMBER) == size
    return {
        "admin": _median(store, ADMIN),
        "member": _median(store, MEMBER),
        "production": code,
        "size": size,
    }
