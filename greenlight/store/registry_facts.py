"""The registries' answers to a use's questions, as the store records them: the talent
ledger's facts (and the tool registry's), loaded with set-based queries for the ids the use
links only, resolved into its answers before the Engine assesses them.

Every assessment the store records goes through `assess_linked`: log_use, update_use,
insert_uses (the import), the guidance re-assessment and a registry change's. A use that
links nothing takes the plain path, `engine.assess(answers)`, unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.ledger import CONSENT_QUESTION, consent_facts, need_of
from greenlight.policy import Fact, resolve
from greenlight.store.records import StoreError
from greenlight.store.rows import now_utc
from greenlight.store.tables import productions
from greenlight.store.talent.access import PERFORMER_PREFIX, performer_key
from greenlight.store.talent.rows import ledger_for_check
from greenlight.store.talent.tables import performer_productions, use_facts, use_performers
from greenlight.store.tools.facts import tool_facts_for, use_tool_rows
from greenlight.store.tools.tables import use_tools

PERFORMERS = "performers"

# The statements every linked write runs, built once (building one costs more than running it).
_pp = performer_productions
_WORKING_ON = sa.select(_pp.c.performer_id).where(
    _pp.c.production_id == sa.bindparam("pid"),
    _pp.c.performer_id.in_(sa.bindparam("ids", expanding=True)),
)
_FORGET = tuple(
    sa.delete(table).where(table.c.use_id.in_(sa.bindparam("ids", expanding=True)))
    for table in (use_performers, use_facts, use_tools)
)
_LINK = sa.insert(use_performers)
_KEEP = sa.insert(use_facts)
_FACTS_OF_USE = (
    sa.select(use_facts)
    .where(use_facts.c.use_id == sa.bindparam("use_id"))
    .order_by(use_facts.c.position)
)


def today() -> date:
    """The day of an assessment, for the registries' dates (UTC)."""
    return now_utc().date()


def has_links(answers: Any) -> bool:
    """Whether the answers link any registry entry (a use that does not takes the fast path)."""
    return any(answers.links.values())


def _number(key: str) -> int | None:
    text = str(key).strip().upper()
    digits = text[len(PERFORMER_PREFIX) :] if text.startswith(PERFORMER_PREFIX) else ""
    return int(digits) if digits.isdigit() and len(digits) <= 12 else None


def check_links(conn: Connection, production_id: int, code: str, answers: Any) -> None:
    """StoreError (nothing written) naming each performer the answers link that is not in
    the ledger of the production `code` (pick them from its performers, or link them first)."""
    keys = answers.linked(PERFORMERS)
    if not keys:
        return
    numbers = {key: _number(key) for key in keys}
    ids = [n for n in numbers.values() if n is not None]
    known = set(conn.execute(_WORKING_ON, {"pid": production_id, "ids": ids}).scalars())
    missing = [key for key, n in numbers.items() if n is None or n not in known]
    if missing:
        raise StoreError(
            f"performer {', '.join(missing)} is not among the performers of {code}: pick the "
            f"use's performers from them (a lead links a performer to {code} first); nothing "
            "was saved"
        )


def talent_facts(
    conn: Connection, production_id: int, answers: Any, day: date, code: str | None = None
) -> tuple[Fact, ...]:
    """The ledger's facts for a use of this production (`code`, read when not given) naming
    performers (none when its answers involve no replica or alteration): two indexed
    queries, for the named performers and their consents only."""
    keys = answers.linked(PERFORMERS)
    if not keys or need_of(answers.values) is None:
        return ()
    numbers = [n for n in map(_number, keys) if n is not None]
    found, their_consents = ledger_for_check(conn, numbers)
    if code is None:
        code = conn.execute(
            sa.select(productions.c.code).where(productions.c.id == production_id)
        ).scalar_one()
    named = [found[n] for n in dict.fromkeys(numbers) if n in found]
    facts = list(consent_facts(answers.values, code, day, named, their_consents))
    known = {performer_key(n) for n in found}
    for key in keys:  # an id the ledger no longer knows counts as no consent
        if performer_key(_number(key) or 0) not in known:
            facts.append(
                Fact(
                    CONSENT_QUESTION,
                    False,
                    f"{key}: no such performer in the ledger",
                    f"performer:{key}",
                )  # fmt: skip
            )
    return tuple(facts)


def facts_for(
    conn: Connection, production_id: int, answers: Any, day: date, code: str | None = None
) -> tuple[Fact, ...]:
    """Every registry's facts for a use of this production (its `code`, when the caller
    knows it, saves a query) with these answers on `day`: the talent ledger's, then the
    tool registry's."""
    return talent_facts(conn, production_id, answers, day, code) + tool_facts_for(
        conn, production_id, answers.links, day
    )


def assess_linked(
    conn: Connection, production_id: int, answers: Any, engine: Any, day: date,
    code: str | None = None,
) -> tuple[Any, tuple[Fact, ...]]:  # fmt: skip
    """The assessment of `answers` with the registries' facts folded in, and the facts that
    applied; the plain assessment (and no facts) for answers that link nothing."""
    if not has_links(answers):
        return engine.assess(answers), ()
    facts = facts_for(conn, production_id, answers, day, code)
    if not facts:
        return engine.assess(answers), ()
    resolution = resolve(answers, facts, engine.guidance)
    return engine.assess(resolution.answers), tuple(resolution.facts)


def record_links(
    conn: Connection, use_ids: Sequence[str], answers: Sequence[Any],
    facts: Sequence[Sequence[Fact]], *, replace: bool = False,
) -> None:  # fmt: skip
    """Keep each use's performers (use_performers), tools and workflows (use_tools) and the
    facts of its last assessment (use_facts), replacing what was kept before when `replace`."""
    if replace and use_ids:
        for statement in _FORGET:
            conn.execute(statement, {"ids": list(use_ids)})
    linked, kept = [], []
    for use_id, given, applied in zip(use_ids, answers, facts, strict=True):
        numbers = dict.fromkeys(n for n in map(_number, given.linked(PERFORMERS)) if n)
        linked.extend({"use_id": use_id, "performer_id": n} for n in numbers)
        kept.extend(
            {"use_id": use_id, "position": i, "question_id": f.question,
             "answer": fact_answer(f.value), "source": f.source, "subject": f.subject}
            for i, f in enumerate(applied)
        )  # fmt: skip
    if linked:
        conn.execute(_LINK, linked)
    tooled = [
        row
        for use_id, given in zip(use_ids, answers, strict=True)
        for row in use_tool_rows(use_id, given.links)
    ]
    if tooled:
        conn.execute(sa.insert(use_tools), tooled)
    if kept:
        conn.execute(_KEEP, kept)


def fact_answer(value: str | bool) -> str:
    """A fact's answer as use_facts stores it: true, false, or the value's text."""
    return "true" if value is True else "false" if value is False else str(value)


def stored_fact(row: Any) -> Fact:
    """A Fact from a use_facts row."""
    value = {"true": True, "false": False}.get(row.answer, row.answer)
    return Fact(row.question_id, value, row.source, row.subject)


def assess_batch(
    conn: Connection, production_id: int, code: str, batch: Any, guidance: Any,
    engine: Any | None, day: date,
) -> tuple[Any, list[tuple[Fact, ...]]]:  # fmt: skip
    """A batch of new uses (NewUses) with each linked answer set re-assessed with the
    registries' facts, and the facts of each of its answer sets (by `batch.assessed` index);
    the batch as it was when none links anything."""
    linked = [i for i, (answers, _) in enumerate(batch.assessed) if has_links(answers)]
    facts: list[tuple[Fact, ...]] = [()] * len(batch.assessed)
    if not linked:
        return batch, facts
    from dataclasses import replace as replaced

    if engine is None or engine.guidance is not guidance:
        from greenlight.policy import Engine

        engine = Engine(guidance)  # an import's, once per file
    assessed = list(batch.assessed)
    for i in linked:
        answers = assessed[i][0]
        assessment, facts[i] = assess_linked(conn, production_id, answers, engine, day, code)
        assessed[i] = (answers, assessment)
    return replaced(batch, assessed=assessed), facts


def record_batch(
    conn: Connection, production_id: int, code: str, batch: Any, ids: Sequence[str],
    facts: Sequence[tuple[Fact, ...]],
) -> None:  # fmt: skip
    """Check and keep the links and facts of the new uses `ids` (in `batch`'s order)."""
    linked = {i for i, (answers, _) in enumerate(batch.assessed) if has_links(answers)}
    if not linked:
        return
    for i in linked:
        check_links(conn, production_id, code, batch.assessed[i][0])
    chosen = [(use_id, k) for use_id, k in zip(ids, batch.assessed_of, strict=True) if k in linked]
    record_links(
        conn,
        [use_id for use_id, _ in chosen],
        [batch.assessed[k][0] for _, k in chosen],
        [facts[k] for _, k in chosen],
    )


def facts_of_use(conn: Connection, use_id: str) -> tuple[Fact, ...]:
    """The facts the use's last assessment took from the registries, in order."""
    return tuple(stored_fact(row) for row in conn.execute(_FACTS_OF_USE, {"use_id": use_id}))
