"""The ledger's rows as greenlight.ledger records, and the set-based loads the consent
check runs: only the performers a use names and their consents, by index."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.ledger import Consent, Performer
from greenlight.store.tables import productions
from greenlight.store.talent.access import consent_key, performer_key
from greenlight.store.talent.tables import (
    consent_productions,
    consents,
    performer_productions,
    performers,
)

SEPARATOR = ";"
_DATES = ("signed_on", "valid_from", "expires_on", "state_on")

PERFORMER_COLUMNS = (
    performers.c.id,
    performers.c.name,
    performers.c.category,
    performers.c.union_name,
    performers.c.minor,
    performers.c.deceased,
    performers.c.estate,
    performers.c.representative,
)
CONSENT_COLUMNS = tuple(
    consents.c[name]
    for name in (
        "id", "performer_id", "covers", "kind", "description", "media", "signed_on",
        "valid_from", "expires_on", "signed_by", "counsel", "scan_notice_on", "compensation",
        "compensation_note", "state", "state_on", "state_note",
    )
)  # fmt: skip


def joined(items: Iterable[str]) -> str:
    """A vocabulary list as stored."""
    return SEPARATOR.join(items)


@functools.lru_cache(maxsize=256)
def split(text: str) -> tuple[str, ...]:
    """A vocabulary list as stored, read back (the few lists there are, remembered)."""
    return tuple(item for item in (text or "").split(SEPARATOR) if item)


def performers_by_id(conn: Connection, ids: Collection[int]) -> dict[int, Performer]:
    """The performers with these ids (those that exist), with their productions' codes."""
    if not ids:
        return {}
    wanted = sorted(set(ids))
    rows = conn.execute(sa.select(*PERFORMER_COLUMNS).where(performers.c.id.in_(wanted))).all()
    codes: dict[int, list[str]] = {}
    query = (
        sa.select(performer_productions.c.performer_id, productions.c.code)
        .select_from(performer_productions.join(productions))
        .where(performer_productions.c.performer_id.in_(wanted))
        .order_by(productions.c.code)
    )
    for performer_id, code in conn.execute(query):
        codes.setdefault(performer_id, []).append(code)
    return {row.id: performer_of(row, codes.get(row.id, ())) for row in rows}


def performer_of(row: Any, codes: Iterable[str]) -> Performer:
    """A performer record from a row of PERFORMER_COLUMNS."""
    return Performer(
        id=performer_key(row.id),
        name=row.name,
        category=row.category,
        union=row.union_name,
        minor=bool(row.minor),
        deceased=bool(row.deceased),
        estate=row.estate,
        representative=row.representative,
        productions=tuple(codes),
    )


def consents_of(conn: Connection, performer_ids: Collection[int]) -> list[Consent]:
    """Every consent of these performers (by the performer index), oldest first."""
    if not performer_ids:
        return []
    return consents_where(conn, consents.c.performer_id.in_(sorted(set(performer_ids))))


def consents_where(conn: Connection, *conditions: Any) -> list[Consent]:
    """The consents matching `conditions`, oldest first, with the productions they cover."""
    rows = conn.execute(sa.select(*CONSENT_COLUMNS).where(*conditions).order_by(consents.c.id))
    rows = rows.all()
    if not rows:
        return []
    codes: dict[int, list[str]] = {}
    query = (
        sa.select(consent_productions.c.consent_id, consent_productions.c.production_code)
        .where(consent_productions.c.consent_id.in_([row.id for row in rows]))
        .order_by(consent_productions.c.production_code)
    )
    for consent_id, code in conn.execute(query):
        codes.setdefault(consent_id, []).append(code)
    return [consent_of(row, codes.get(row.id, ())) for row in rows]


def consent_of(row: Any, codes: Iterable[str]) -> Consent:
    """A consent record from a row of CONSENT_COLUMNS."""
    return Consent(
        id=consent_key(row.id),
        performer_id=performer_key(row.performer_id),
        covers=split(row.covers),
        kind=row.kind,
        description=row.description,
        productions=tuple(codes),
        media=split(row.media),
        signed_on=row.signed_on,
        valid_from=row.valid_from,
        expires_on=row.expires_on,
        signed_by=row.signed_by,
        counsel=bool(row.counsel),
        scan_notice_on=row.scan_notice_on,
        compensation=bool(row.compensation),
        compensation_note=row.compensation_note,
        state=row.state,
        state_on=row.state_on,
        state_note=row.state_note,
    )


# The consent check's two statements, built once: the named performers (their productions
# play no part in it), and the columns of their consents the rules read, joined to the
# productions each covers. Dates come as the driver gives them (text on SQLite, parsed
# below): SQLAlchemy's per-value date processing was a third of the check's time.
_CHECK_PERFORMERS = sa.select(*PERFORMER_COLUMNS).where(
    performers.c.id.in_(sa.bindparam("ids", expanding=True))
)
_RAW = sa.String()
_CHECK_CONSENTS = (
    sa.select(
        consents.c.id,
        consents.c.performer_id,
        consents.c.covers,
        consents.c.kind,
        consents.c.description,
        consents.c.media,
        *(sa.type_coerce(consents.c[name], _RAW) for name in _DATES),
        consents.c.signed_by,
        consents.c.state,
        consents.c.state_note,
        consent_productions.c.production_code,
    )
    .select_from(consents.outerjoin(consent_productions))
    .where(consents.c.performer_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(consents.c.id, consent_productions.c.production_code)
)


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def ledger_for_check(
    conn: Connection, ids: Collection[int]
) -> tuple[dict[int, Performer], list[Consent]]:
    """The named performers (without their productions) and all their consents (the parts
    the rules read), in two indexed queries: what the consent check reads for one use."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}, []
    found = {
        row.id: performer_of(row, ()) for row in conn.execute(_CHECK_PERFORMERS, {"ids": wanted})
    }
    if not found:
        return found, []
    rows: dict[int, Any] = {}
    codes: dict[int, list[str]] = {}
    for row in conn.execute(_CHECK_CONSENTS, {"ids": sorted(found)}):
        rows.setdefault(row[0], row)
        if row[-1] is not None:
            codes.setdefault(row[0], []).append(row[-1])
    made = []
    for cid, r in rows.items():
        made.append(
            Consent(
                id=consent_key(cid), performer_id=performer_key(r[1]), covers=split(r[2]),
                kind=r[3], description=r[4], productions=tuple(codes.get(cid, ())),
                media=split(r[5]), signed_on=_date(r[6]), valid_from=_date(r[7]),
                expires_on=_date(r[8]), state_on=_date(r[9]), signed_by=r[10], state=r[11],
                state_note=r[12],
            )
        )  # fmt: skip
    return found, made
