"""Who may see and change a performer's ledger: the lead or a reviewer of any production the
performer works on, or a studio admin (access.ACTIONS["talent"]). Read in the transaction of
the call, like every other check."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.store import access
from greenlight.store.records import NotFound
from greenlight.store.tables import productions
from greenlight.store.talent.tables import consents, performer_productions, performers

PERFORMER_PREFIX, CONSENT_PREFIX = "P-", "C-"


def performer_key(performer_id: int) -> str:
    """A performer's id as people and answers documents write it: "P-12"."""
    return f"{PERFORMER_PREFIX}{performer_id}"


def consent_key(consent_id: int) -> str:
    """A consent's id as people write it: "C-3"."""
    return f"{CONSENT_PREFIX}{consent_id}"


def number_of(key: str | int, prefix: str, what: str) -> int:
    """The number in "P-12" (or "12", or 12); NotFound naming `what` for anything else."""
    text = str(key).strip().upper()
    digits = text[len(prefix) :] if text.startswith(prefix) else text
    if not digits.isdigit() or len(digits) > 12:
        raise NotFound(f"no {what} with id {str(key)[:60]!r}: give an id like {prefix}12")
    return int(digits)


def performer_production_ids(conn: Connection, performer_id: int) -> list[int]:
    """The productions the performer works on; NotFound for no such performer."""
    found = conn.execute(sa.select(performers.c.id).where(performers.c.id == performer_id)).first()
    if found is None:
        raise NotFound(f"no performer with id {performer_key(performer_id)}")
    query = sa.select(performer_productions.c.production_id).where(
        performer_productions.c.performer_id == performer_id
    )
    return sorted(conn.execute(query).scalars())


def consent_performer(conn: Connection, consent_id: int) -> int:
    """The performer a consent is of; NotFound for no such consent."""
    found = conn.execute(
        sa.select(consents.c.performer_id).where(consents.c.id == consent_id)
    ).scalar()
    if found is None:
        raise NotFound(f"no consent with id {consent_key(consent_id)}")
    return found


def require_ledger(
    conn: Connection, who: access.Acting, production_ids: Collection[int], what: str
) -> None:
    """NotPermitted unless `who` may see and change the ledger of one of these productions
    (`what`: the performer or consent, as the refusal names it)."""
    if any(who.may("talent", pid) for pid in production_ids) or who.sees_all:
        return
    codes = _codes(conn, production_ids)
    where = ", ".join(codes) if codes else "its productions"
    raise access.NotPermitted(
        f"{who.name} may not see or change {what}: only a production lead or studio reviewer of "
        f"{where}, or a studio admin, may (consents are personal data)"
    )


def require_performer(conn: Connection, who: access.Acting, performer_id: int) -> list[int]:
    """The performer's productions, once `who` is found to hold the ledger of one of them."""
    ids = performer_production_ids(conn, performer_id)
    require_ledger(conn, who, ids, f"the ledger of performer {performer_key(performer_id)}")
    return ids


def require_consent(conn: Connection, who: access.Acting, consent_id: int) -> int:
    """The consent's performer, once `who` is found to hold the ledger of one of their
    productions."""
    performer_id = consent_performer(conn, consent_id)
    ids = performer_production_ids(conn, performer_id)
    require_ledger(conn, who, ids, f"consent {consent_key(consent_id)}")
    return performer_id


def _codes(conn: Connection, production_ids: Collection[int]) -> list[str]:
    if not production_ids:
        return []
    query = sa.select(productions.c.code).where(productions.c.id.in_(sorted(production_ids)))
    return sorted(conn.execute(query).scalars())
