"""The evidence store: files attached to a consent, a use or a tool (a signed rider, a
licence, an approval letter), kept in the database by their SHA-256, never deleted or
replaced (a new version is a new file), each read of their bytes recorded.

Who may attach and read is who may see what the file belongs to (OWNER_CHECKS, one check per
kind of owner); the file's name is display text only (evidence_files.display_name).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.store import access
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.evidence_files import Received, display_name, receive
from greenlight.store.records import NotFound, StoreError, utc
from greenlight.store.rows import now_utc
from greenlight.store.tables import productions, uses
from greenlight.store.talent import access as talent_access
from greenlight.store.talent.tables import evidence_files, evidence_links, evidence_views
from greenlight.store.tools.records import tool_owner


@dataclass(frozen=True)
class Evidence:
    """One file attached to its owner; `name` is display text, never a path."""

    id: int
    owner_kind: str  # OWNER_CHECKS
    owner_id: str
    name: str
    sha256: str
    media_type: str
    size: int
    added_at: datetime
    added_by: str


@dataclass(frozen=True)
class EvidenceView:
    """One read of an evidence file's bytes."""

    link_id: int
    viewer: str
    at: datetime


# check(conn, who, owner_id) -> the owner's id as stored; NotFound for no such owner,
# NotPermitted unless `who` may see it (and so attach to it and read its files).
OwnerCheck = Callable[[Connection, access.Acting, str], str]


def _consent(conn: Connection, who: access.Acting, owner_id: str) -> str:
    number = talent_access.number_of(owner_id, talent_access.CONSENT_PREFIX, "consent")
    talent_access.require_consent(conn, who, number)
    return talent_access.consent_key(number)


def _use(conn: Connection, who: access.Acting, owner_id: str) -> str:
    found = conn.execute(
        sa.select(uses.c.production_id, productions.c.code)
        .select_from(uses.join(productions, productions.c.id == uses.c.production_id))
        .where(uses.c.id == str(owner_id))
    ).first()
    if found is None:
        raise NotFound(f"no logged use with id {str(owner_id)[:60]!r}")
    access.require(who, "see", found.production_id, found.code)
    return str(owner_id)


# Each kind of owner and who may see its evidence.
OWNER_CHECKS: dict[str, OwnerCheck] = {"consent": _consent, "use": _use, "tool": tool_owner}

_LINK = sa.select(
    evidence_links.c.id,
    evidence_links.c.owner_kind,
    evidence_links.c.owner_id,
    evidence_links.c.name,
    evidence_links.c.sha256,
    evidence_files.c.media_type,
    evidence_files.c.size,
    evidence_links.c.added_at,
    evidence_links.c.added_by,
).select_from(evidence_links.join(evidence_files))


def _evidence(row: Any) -> Evidence:
    return Evidence(*row[:7], utc(row.added_at), row.added_by)


def owner(conn: Connection, who: access.Acting, owner_kind: str, owner_id: str) -> str:
    """The owner's stored id, once `who` is found to see it; StoreError for an unknown kind."""
    check = OWNER_CHECKS.get(owner_kind)
    if check is None:
        raise StoreError(
            f"evidence is kept for {', '.join(sorted(OWNER_CHECKS))}, not {owner_kind!r}"
        )
    return check(conn, who, owner_id)


def attach(
    conn: Connection, who: access.Acting, owner_kind: str, owner_id: str, name: str,
    received: Received,
) -> int:  # fmt: skip
    """Store the file unless its bytes are stored already, link it to its (checked) owner
    in this transaction; return the link's id."""
    key = owner(conn, who, owner_kind, owner_id)
    now = now_utc()
    known = conn.execute(
        sa.select(evidence_files.c.sha256).where(evidence_files.c.sha256 == received.sha256)
    ).first()
    if known is None:  # stored bytes are never replaced, so a file is written once
        conn.execute(
            sa.insert(evidence_files).values(
                sha256=received.sha256, media_type=received.media_type, size=received.size,
                content=received.content, first_stored_at=now, first_stored_by=who.name,
            )
        )  # fmt: skip
    return conn.execute(
        sa.insert(evidence_links)
        .values(
            sha256=received.sha256, owner_kind=owner_kind, owner_id=key,
            name=display_name(name), added_at=now, added_by=who.name,
        )
        .returning(evidence_links.c.id)
    ).scalar_one()  # fmt: skip


class EvidenceMixin:
    """UseCaseStore's evidence store (a mixin: needs `self.engine` and `_bump`)."""

    engine: Any

    def add_evidence(
        self, owner_kind: str, owner_id: str, name: str, stream: IO[bytes] | bytes, *,
        actor: access.Actor,
    ) -> Evidence:  # fmt: skip
        """Attach a file (read from `stream` in chunks) to a consent, a use or a tool, and
        return it. StoreError (nothing stored) for a file that is empty, too large
        (GREENLIGHT_EVIDENCE_MAX_MB) or not a PDF, PNG, JPEG or plain text by its content;
        NotPermitted unless `actor` may see the owner. The same bytes are stored once."""
        with read_transaction(self.engine) as conn:  # refused before the file is read
            owner(conn, access.acting(conn, actor), owner_kind, owner_id)
        received = receive(stream, name)
        with write_transaction(self.engine) as conn:
            link_id = attach(conn, access.acting(conn, actor), owner_kind, owner_id, name,
                             received)  # fmt: skip
            row = conn.execute(_LINK.where(evidence_links.c.id == link_id)).one()
        return _evidence(row)

    # For a write that attaches a file in its own transaction (a tool registered with its
    # terms): the file read and checked before it, then linked inside it.
    _receive_evidence = staticmethod(receive)
    _attach_evidence = staticmethod(attach)

    def evidence_of(
        self, owner_kind: str, owner_id: str, *, viewer: access.Actor
    ) -> list[Evidence]:
        """The files attached to one owner, oldest first (no bytes: read_evidence reads
        them); NotPermitted unless `viewer` may see the owner."""
        with read_transaction(self.engine) as conn:
            key = owner(conn, access.acting(conn, viewer, reading=True), owner_kind, owner_id)
            rows = conn.execute(
                _LINK.where(
                    evidence_links.c.owner_kind == owner_kind, evidence_links.c.owner_id == key
                ).order_by(evidence_links.c.id)
            ).all()
        return [_evidence(row) for row in rows]

    def read_evidence(self, link_id: int, *, viewer: access.Actor) -> tuple[Evidence, bytes]:
        """One file and its bytes, the read recorded (who, when); NotFound for no such
        file, NotPermitted unless `viewer` may see what it belongs to."""
        with write_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            row = conn.execute(_LINK.where(evidence_links.c.id == _link_number(link_id))).first()
            if row is None:
                raise NotFound(f"no evidence file with id {link_id!r}")
            owner(conn, who, row.owner_kind, row.owner_id)
            content = conn.execute(
                sa.select(evidence_files.c.content).where(evidence_files.c.sha256 == row.sha256)
            ).scalar_one()
            conn.execute(
                sa.insert(evidence_views).values(
                    link_id=row.id, viewer=who.name or "(unnamed)", person_id=who.person_id,
                    at=now_utc(),
                )
            )  # fmt: skip
        return _evidence(row), bytes(content)

    def evidence_views(self, link_id: int, *, viewer: access.Actor) -> list[EvidenceView]:
        """Every recorded read of one file, oldest first (for those who may see it)."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            row = conn.execute(_LINK.where(evidence_links.c.id == _link_number(link_id))).first()
            if row is None:
                raise NotFound(f"no evidence file with id {link_id!r}")
            owner(conn, who, row.owner_kind, row.owner_id)
            rows = conn.execute(
                sa.select(evidence_views.c.link_id, evidence_views.c.viewer, evidence_views.c.at)
                .where(evidence_views.c.link_id == row.id)
                .order_by(evidence_views.c.id)
            ).all()
        return [EvidenceView(r.link_id, r.viewer, utc(r.at)) for r in rows]


def _link_number(link_id: object) -> int:
    if isinstance(link_id, bool) or not isinstance(link_id, int | str):
        raise NotFound(f"no evidence file with id {link_id!r}")
    text = str(link_id).strip()
    if not text.isdigit() or len(text) > 18:
        raise NotFound(f"no evidence file with id {text[:40]!r}")
    return int(text)
