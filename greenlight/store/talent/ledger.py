"""The talent consent ledger in the store: performers, the productions they work on, their
consents and the changes to a consent's state (a mixin of UseCaseStore).

Who may read and change it is checked here (talent_access): the lead or a reviewer of one of
the performer's productions, or a studio admin. A member sees only performers' names and ids
(performer_picker) and a use's consent state (consent_state, in registry_facts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.ledger import ACTIVE, REVOKED, SUSPENDED, Consent, Performer
from greenlight.store import access
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.evidence import attach
from greenlight.store.evidence_files import receive
from greenlight.store.records import StoreError
from greenlight.store.rows import now_utc
from greenlight.store.tables import productions
from greenlight.store.talent import access as talent_access
from greenlight.store.talent.access import (
    CONSENT_PREFIX,
    PERFORMER_PREFIX,
    consent_key,
    number_of,
    performer_key,
)
from greenlight.store.talent.checks import consent_values, performer_values, state_note
from greenlight.store.talent.rows import (
    consents_of,
    consents_where,
    performers_by_id,
)
from greenlight.store.talent.tables import (
    consent_productions,
    consents,
    performer_productions,
    performers,
)


@dataclass(frozen=True)
class PerformerName:
    """What a production member may see of a performer: the id and the name."""

    id: str
    name: str


@dataclass(frozen=True)
class NewEvidence:
    """A file to attach as it is read: its name (display text) and its bytes or stream."""

    name: str
    stream: IO[bytes] | bytes


def _performer_number(performer_id: str | int) -> int:
    return number_of(performer_id, PERFORMER_PREFIX, "performer")


def _consent_number(consent_id: str | int) -> int:
    return number_of(consent_id, CONSENT_PREFIX, "consent")


class TalentMixin:
    """UseCaseStore's talent ledger (a mixin: needs `self.engine`, `_production_id` and
    `_bump`, and, for a change of a consent's state, `_consent_changed`)."""

    engine: Any

    # --- performers ----------------------------------------------------------------------

    def add_performer(
        self, production: str, name: str, *, actor: access.Actor, category: str = "principal",
        union: str = "", minor: bool = False, deceased: bool = False, estate: str = "",
        representative: str = "",
    ) -> Performer:  # fmt: skip
        """Add a performer working on `production`; return them (their id: "P-12").
        StoreError naming every problem (a deceased performer needs `estate`: their estate
        or authorised representative and contact); NotPermitted unless `actor` holds the
        production's ledger (its lead, a reviewer of it, or a studio admin)."""
        values = performer_values(name, category, union, minor, deceased, estate, representative)
        with write_transaction(self.engine) as conn:
            production_id = self._production_id(conn, production)
            who = access.acting(conn, actor)
            talent_access.require_ledger(conn, who, [production_id], f"the ledger of {production}")
            performer_id = conn.execute(
                sa.insert(performers)
                .values(**values, created_at=now_utc(), created_by=who.name)
                .returning(performers.c.id)
            ).scalar_one()
            conn.execute(
                sa.insert(performer_productions).values(
                    performer_id=performer_id, production_id=production_id
                )
            )
            self._bump(conn, [production])
            return performers_by_id(conn, [performer_id])[performer_id]

    def link_performer(
        self, performer_id: str | int, production: str, *, actor: access.Actor
    ) -> Performer:
        """Record that the performer works on `production` too (nothing changes if they do
        already); NotPermitted unless `actor` holds the ledger of that production and of
        one the performer works on."""
        number = _performer_number(performer_id)
        with write_transaction(self.engine) as conn:
            production_id = self._production_id(conn, production)
            who = access.acting(conn, actor)
            known = talent_access.require_performer(conn, who, number)
            talent_access.require_ledger(conn, who, [production_id], f"the ledger of {production}")
            if production_id not in known:
                conn.execute(
                    sa.insert(performer_productions).values(
                        performer_id=number, production_id=production_id
                    )
                )
                self._bump(conn, [production])
            return performers_by_id(conn, [number])[number]

    def get_performer(self, performer_id: str | int, *, viewer: access.Actor) -> Performer:
        """One performer with everything recorded; NotFound, or NotPermitted unless `viewer`
        holds the ledger of one of their productions."""
        number = _performer_number(performer_id)
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            talent_access.require_performer(conn, who, number)
            return performers_by_id(conn, [number])[number]

    def performers(self, production: str, *, viewer: access.Actor) -> list[Performer]:
        """The performers working on `production`, by name, with everything recorded;
        NotPermitted unless `viewer` holds its ledger (members: performer_picker)."""
        with read_transaction(self.engine) as conn:
            production_id = self._production_id(conn, production)
            who = access.acting(conn, viewer, reading=True)
            talent_access.require_ledger(conn, who, [production_id], f"the ledger of {production}")
            ids = self._performer_ids(conn, production_id)
            found = performers_by_id(conn, ids)
        return sorted(found.values(), key=lambda p: (p.name.casefold(), _order(p.id)))

    def performer_picker(self, production: str, *, viewer: access.Actor) -> list[PerformerName]:
        """The ids and names of the performers working on `production`, by name: what a
        member picks from when a use names its performers; NotPermitted unless `viewer`
        sees the production's uses."""
        with read_transaction(self.engine) as conn:
            production_id = self._production_id(conn, production)
            who = access.acting(conn, viewer, reading=True)
            access.require(who, "see", production_id, production)
            rows = conn.execute(
                sa.select(performers.c.id, performers.c.name)
                .select_from(performers.join(performer_productions))
                .where(performer_productions.c.production_id == production_id)
            ).all()
        rows = sorted(rows, key=lambda r: (r.name.casefold(), r.id))
        return [PerformerName(performer_key(r.id), r.name) for r in rows]

    def _performer_ids(self, conn: Connection, production_id: int) -> list[int]:
        query = sa.select(performer_productions.c.performer_id).where(
            performer_productions.c.production_id == production_id
        )
        return list(conn.execute(query).scalars())

    # --- consents ------------------------------------------------------------------------

    def add_consent(
        self, performer_id: str | int, *, actor: access.Actor, covers: Sequence[str] | str,
        kind: str, description: str, productions: Sequence[str] | str,
        media: Sequence[str] | str, signed_on: date | str, valid_from: date | str | None = None,
        expires_on: date | str | None = None, signed_by: str = "performer",
        counsel: bool = False, scan_notice_on: date | str | None = None,
        compensation: bool = False, compensation_note: str = "",
        evidence: Sequence[NewEvidence] = (),
    ) -> Consent:  # fmt: skip
        """Record a consent of the performer, with its evidence files, all or nothing;
        return it (its id: "C-3"). StoreError naming every problem (a description of the
        intended use is required; dates as YYYY-MM-DD; valid_from defaults to signed_on);
        NotPermitted unless `actor` holds the ledger of one of the performer's productions."""
        number = _performer_number(performer_id)
        with read_transaction(self.engine) as conn:  # refused before any file is read
            talent_access.require_performer(conn, access.acting(conn, actor), number)
        values, codes = consent_values(
            covers=covers, kind=kind, description=description, productions=productions,
            media=media, signed_on=signed_on, valid_from=valid_from, expires_on=expires_on,
            signed_by=signed_by, counsel=counsel, scan_notice_on=scan_notice_on,
            compensation=compensation, compensation_note=compensation_note,
        )  # fmt: skip
        files = [(item.name, receive(item.stream, item.name)) for item in evidence]
        with write_transaction(self.engine) as conn:
            who = access.acting(conn, actor)
            production_ids = talent_access.require_performer(conn, who, number)
            consent_id = conn.execute(
                sa.insert(consents)
                .values(
                    performer_id=number, **values, state=ACTIVE, state_on=None, state_note="",
                    created_at=now_utc(), created_by=who.name,
                )
                .returning(consents.c.id)
            ).scalar_one()  # fmt: skip
            conn.execute(
                sa.insert(consent_productions),
                [{"consent_id": consent_id, "production_code": code} for code in codes],
            )
            for name, received in files:
                attach(conn, who, "consent", consent_key(consent_id), name, received)
            self._bump(conn, self._codes(conn, production_ids))
            (consent,) = consents_where(conn, consents.c.id == consent_id)
        return consent

    def get_consent(self, consent_id: str | int, *, viewer: access.Actor) -> Consent:
        """One consent; NotFound, or NotPermitted unless `viewer` holds the ledger of one of
        its performer's productions."""
        number = _consent_number(consent_id)
        with read_transaction(self.engine) as conn:
            talent_access.require_consent(conn, access.acting(conn, viewer, reading=True), number)
            (consent,) = consents_where(conn, consents.c.id == number)
        return consent

    def consents(
        self, *, viewer: access.Actor, performer_id: str | int | None = None,
        production: str | None = None,
    ) -> list[Consent]:  # fmt: skip
        """The consents of one performer, or of every performer of `production`, or every
        consent `viewer` may see (those of the performers of the productions whose ledger
        they hold), oldest first; NotPermitted for a performer or production not theirs."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            if performer_id is not None:
                number = _performer_number(performer_id)
                talent_access.require_performer(conn, who, number)
                return consents_of(conn, [number])
            if production is not None:
                pid = self._production_id(conn, production)
                talent_access.require_ledger(conn, who, [pid], f"the ledger of {production}")
                return consents_of(conn, self._performer_ids(conn, pid))
            if who.sees_all:
                return consents_where(conn)
            held = sorted(pid for pid in who.productions() if who.may("talent", pid))
            ids = sa.select(performer_productions.c.performer_id).where(
                performer_productions.c.production_id.in_(held)
            )
            return consents_where(conn, consents.c.performer_id.in_(ids))

    def suspend_consent(
        self, consent_id: str | int, *, note: str, actor: access.Actor, engine: Any
    ) -> Consent:
        """Suspend an active consent (a note says why): every use that names its performer
        is re-assessed, and an approved one whose level rises reopens."""
        return self._change_state(consent_id, SUSPENDED, note, None, actor, engine)

    def reactivate_consent(
        self, consent_id: str | int, *, note: str, actor: access.Actor, engine: Any
    ) -> Consent:
        """Make a suspended consent active again; its performer's uses are re-assessed. A
        revoked consent stays revoked: a new consent is recorded instead."""
        return self._change_state(consent_id, ACTIVE, note, None, actor, engine)

    def revoke_consent(
        self, consent_id: str | int, *, note: str, actor: access.Actor, engine: Any,
        on: date | None = None,
    ) -> Consent:  # fmt: skip
        """Revoke a consent for good, on `on` (today by default) with a note (required);
        every use that names its performer is re-assessed, and an approved one whose level
        rises reopens, its history naming the consent."""
        return self._change_state(consent_id, REVOKED, note, on, actor, engine)

    def _change_state(self, consent_id, state, note, on, actor, engine) -> Consent:
        number = _consent_number(consent_id)
        doing = {SUSPENDED: "suspended", ACTIVE: "reactivated", REVOKED: "revoked"}[state]
        text = state_note(note, required=state != ACTIVE, doing=doing)
        day = on or now_utc().date()
        with write_transaction(self.engine) as conn:
            who = access.acting(conn, actor)
            performer = talent_access.require_consent(conn, who, number)
            current = conn.execute(
                sa.select(consents.c.state).where(consents.c.id == number).with_for_update()
            ).scalar_one()
            _check_move(current, state, consent_key(number))
            conn.execute(
                sa.update(consents)
                .where(consents.c.id == number)
                .values(
                    state=state,
                    state_on=None if state == ACTIVE else day,
                    state_note=text,
                    state_by=who.name,
                )
            )
            codes = self._codes(conn, talent_access.performer_production_ids(conn, performer))
            self._bump(conn, codes)
        self._consent_changed([performer], consent_key(number), actor, engine)
        return self.get_consent(number, viewer=actor)

    def _codes(self, conn: Connection, production_ids: Sequence[int]) -> list[str]:
        if not production_ids:
            return []
        query = sa.select(productions.c.code).where(productions.c.id.in_(list(production_ids)))
        return list(conn.execute(query).scalars())


# The moves of a consent's state: (from, to).
_MOVES = {(ACTIVE, SUSPENDED), (SUSPENDED, ACTIVE), (ACTIVE, REVOKED), (SUSPENDED, REVOKED)}


def _check_move(current: str, target: str, key: str) -> None:
    if (current, target) in _MOVES:
        return
    if current == REVOKED:
        raise StoreError(
            f"consent {key} was revoked, which is for good: record a new consent instead; "
            "nothing was changed"
        )
    raise StoreError(f"consent {key} is {current} already: nothing was changed")


def _order(key: str) -> int:
    digits = key.rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0
