"""What a change in the talent ledger does to the log: a consent revoked, suspended,
reactivated, expired or come into force re-assesses every use that names its performer, in
short transactions; an approved use whose level rises reopens, its history naming the
consent. Also the desk's list of consents about to expire, the uses relying on a consent,
and a use's consent state for whoever sees the use (a mixin of UseCaseStore)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.ledger import ACTIVE, Consent
from greenlight.policy import Fact, document_of, parse_answers
from greenlight.store import access
from greenlight.store import tally as tally
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.history import Change, write_history
from greenlight.store.records import ReassessResult, StoreConfigError
from greenlight.store.registry_facts import (
    assess_linked,
    facts_for,
    has_links,
    record_links,
    talent_facts,
)
from greenlight.store.rows import apply_assessment, now_utc
from greenlight.store.studio_tables import log_settings
from greenlight.store.tables import productions, uses
from greenlight.store.talent import access as talent_access
from greenlight.store.talent.rows import consents_where, performers_by_id
from greenlight.store.talent.tables import (
    consents,
    performer_productions,
    use_facts,
    use_performers,
)
from greenlight.store.use_reads import ONE_USE

EXPIRY_DAYS_ENV = "GREENLIGHT_CONSENT_EXPIRY_DAYS"
DEFAULT_EXPIRY_DAYS = 30
SWEPT_SETTING = "consents_swept_on"
# A first sweep looks back this far for consents that expired or came into force.
_FIRST_SWEEP_DAYS = 366
BATCH = 200
SWEEP_ACTOR = "Greenlight (consent expiry sweep)"


def expiry_days() -> int:
    """How many days ahead the desk lists expiring consents: $GREENLIGHT_CONSENT_EXPIRY_DAYS
    (a whole number from 1 to 3650; 30 by default)."""
    text = os.environ.get(EXPIRY_DAYS_ENV, "").strip()
    if not text:
        return DEFAULT_EXPIRY_DAYS
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise StoreConfigError(f"{EXPIRY_DAYS_ENV} is {text[:40]!r}: give 1 to 3650 (days)")
    return int(text)


@dataclass(frozen=True)
class ExpiringConsent:
    """A consent that expires soon, for the review desk."""

    consent: Consent
    performer_name: str
    productions: tuple[str, ...]  # the performer's productions
    days_left: int


@dataclass(frozen=True)
class RelyingUse:
    """A use whose last assessment read a consent: `holds` when the consent answered yes
    (the use relies on it), not when it was named as falling short."""

    id: str
    title: str
    production_code: str
    level: str
    status: str
    holds: bool


@dataclass(frozen=True)
class SweepResult:
    """What a sweep did: the day, the consents whose dates moved past, the re-assessment."""

    day: date
    consents: tuple[str, ...]
    reassessed: ReassessResult


class TalentChangesMixin:
    """Re-assessment on a ledger change, the sweep, and the ledger's reads of the log."""

    engine: Any

    def _consent_changed(
        self, performer_ids: Sequence[int], consent: str, actor: Any, engine: Any,
        words: str = "", day: date | None = None,
    ) -> ReassessResult:  # fmt: skip
        """Re-assess every use naming these performers as on `day` (today), in batches (see
        the module's docstring)."""
        with read_transaction(self.engine) as conn:
            ids = list(
                conn.execute(
                    sa.select(use_performers.c.use_id)
                    .where(use_performers.c.performer_id.in_(sorted(set(performer_ids))))
                    .distinct()
                    .order_by(use_performers.c.use_id)
                ).scalars()
            )
            if not words:
                words = _state_words(conn, consent)
        totals = [0, 0, 0, 0]
        day = day or now_utc().date()
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with write_transaction(self.engine) as conn:
                who = actor if isinstance(actor, access.Acting) else access.acting(conn, actor)
                codes = set()
                with tally.recounting(conn, uses.c.id.in_(batch)):
                    for use_id in batch:
                        moved = _reassess_one(conn, use_id, engine, who, day, words)
                        if moved is not None:
                            codes.add(moved[0])
                            totals[0] += 1
                            totals[1] += moved[1]
                            totals[2] += moved[2]
                            totals[3] += moved[3]
                if codes:
                    self._bump(conn, codes)
        return ReassessResult(len(ids), totals[1], totals[2], raised=totals[3])

    def sweep_consents(self, engine: Any, *, today: date | None = None) -> SweepResult:
        """Re-assess the uses of every consent that expired, or came into force, since the
        last sweep (a day already swept costs one query); history names Greenlight itself."""
        day = today or now_utc().date()
        with read_transaction(self.engine) as conn:
            last = conn.execute(
                sa.select(log_settings.c.value).where(log_settings.c.name == SWEPT_SETTING)
            ).scalar()
            if last == day.isoformat():
                return SweepResult(day, (), ReassessResult(0, 0, 0))
            since = date.fromisoformat(last) if last else day - timedelta(_FIRST_SWEEP_DAYS)
            moved = conn.execute(
                sa.select(consents.c.id, consents.c.performer_id).where(
                    consents.c.state == ACTIVE,
                    sa.or_(
                        sa.and_(consents.c.expires_on >= since, consents.c.expires_on < day),
                        sa.and_(consents.c.valid_from > since, consents.c.valid_from <= day),
                    ),
                )
            ).all()
        keys = tuple(talent_access.consent_key(row.id) for row in moved)
        system = access.Acting(access.SYSTEM, SWEEP_ACTOR)
        result = self._consent_changed(
            [row.performer_id for row in moved], ", ".join(keys), system, engine,
            words=f"consent {', '.join(keys)} reached an expiry or start date", day=day,
        ) if moved else ReassessResult(0, 0, 0)  # fmt: skip
        with write_transaction(self.engine) as conn:
            values = {"value": day.isoformat(), "changed_at": now_utc(), "changed_by": SWEEP_ACTOR}
            done = conn.execute(
                sa.update(log_settings).where(log_settings.c.name == SWEPT_SETTING).values(values)
            )
            if done.rowcount == 0:
                conn.execute(sa.insert(log_settings).values(name=SWEPT_SETTING, **values))
        return SweepResult(day, keys, result)

    def consents_expiring(
        self, *, viewer: access.Actor, within_days: int | None = None, today: date | None = None
    ) -> list[ExpiringConsent]:
        """Active consents expiring within `within_days` (GREENLIGHT_CONSENT_EXPIRY_DAYS)
        of the performers of the productions whose ledger `viewer` holds, soonest first."""
        day = today or now_utc().date()
        days = expiry_days() if within_days is None else within_days
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            conditions = [
                consents.c.state == ACTIVE,
                consents.c.expires_on >= day,
                consents.c.expires_on <= day + timedelta(days),
            ]
            if not who.sees_all:
                held = sorted(pid for pid in who.productions() if who.may("talent", pid))
                conditions.append(
                    consents.c.performer_id.in_(
                        sa.select(performer_productions.c.performer_id).where(
                            performer_productions.c.production_id.in_(held)
                        )
                    )
                )
            found = consents_where(conn, *conditions)
            numbers = [int(c.performer_id[2:]) for c in found]
            people = performers_by_id(conn, numbers)
        expiring = [
            ExpiringConsent(c, people[n].name, people[n].productions, (c.expires_on - day).days)
            for c, n in zip(found, numbers, strict=True)
        ]
        return sorted(expiring, key=lambda e: (e.days_left, e.consent.id))

    def consent_uses(self, consent_id: str | int, *, viewer: access.Actor) -> list[RelyingUse]:
        """The uses whose last assessment read this consent (relying on it, or finding it
        short), newest first; for those who hold the ledger of one of its performer's
        productions."""
        number = talent_access.number_of(consent_id, talent_access.CONSENT_PREFIX, "consent")
        subject = f"consent:{talent_access.consent_key(number)}"
        with read_transaction(self.engine) as conn:
            talent_access.require_consent(conn, access.acting(conn, viewer, reading=True), number)
            holds = (
                sa.select(sa.func.max(sa.case((use_facts.c.answer == "true", 1), else_=0)))
                .where(use_facts.c.use_id == uses.c.id, use_facts.c.subject == subject)
                .scalar_subquery()
            )
            rows = conn.execute(
                sa.select(
                    uses.c.id,
                    uses.c.title,
                    productions.c.code,
                    uses.c.level,
                    uses.c.status,
                    holds,
                )
                .select_from(uses.join(productions))
                .where(
                    uses.c.id.in_(
                        sa.select(use_facts.c.use_id).where(use_facts.c.subject == subject)
                    )
                )
                .order_by(uses.c.created_at.desc(), uses.c.id)
            ).all()
        return [RelyingUse(*row[:5], holds=bool(row[5])) for row in rows]

    def ledger_facts(
        self, production: str, answers: Any, *, viewer: access.Actor, day: date | None = None
    ) -> tuple[Fact, ...]:
        """Every registry's facts for a use of `production` with these answers (what the
        store would fold in when logging it), for anyone who sees the production's uses."""
        with read_transaction(self.engine) as conn:
            production_id = self._production_id(conn, production)
            access.require(access.acting(conn, viewer, reading=True), "see", production_id,
                           production)  # fmt: skip
            if not has_links(answers):
                return ()
            return facts_for(conn, production_id, answers, day or now_utc().date())

    def consent_state(
        self, production: str, answers: Any, *, viewer: access.Actor, day: date | None = None
    ) -> tuple[Fact, ...]:
        """What the ledger answers for a use of `production` with these answers (its
        `performers:`), for anyone who sees the production's uses: the consent state beside
        the question, with no personal data beyond the performers' names."""
        with read_transaction(self.engine) as conn:
            production_id = self._production_id(conn, production)
            access.require(access.acting(conn, viewer, reading=True), "see", production_id,
                           production)  # fmt: skip
            return talent_facts(conn, production_id, answers, day or now_utc().date())


def _state_words(conn: Connection, key: str) -> str:
    number = talent_access.number_of(key, talent_access.CONSENT_PREFIX, "consent")
    (consent,) = consents_where(conn, consents.c.id == number)
    if consent.state == ACTIVE:
        return f"consent {key} is active again"
    when = f" on {consent.state_on.isoformat()}" if consent.state_on else ""
    note = f" ({consent.state_note})" if consent.state_note else ""
    return f"consent {key} was {consent.state}{when}{note}"


def _reassess_one(conn: Connection, use_id: str, engine: Any, who: Any, day: date, words: str):
    """Re-assess one use with the ledger as it is now, in the caller's transaction; return
    (production code, level changed, reopened, raised), or None when nothing moved."""
    row = conn.execute(ONE_USE.where(uses.c.id == use_id).with_for_update(of=uses))
    current = row.mappings().first()
    if current is None:
        return None
    current = dict(current)
    answers = parse_answers(document_of(current, current["answers"]), engine.guidance)
    assessment, facts = assess_linked(
        conn, current["production_id"], answers, engine, day, current["production_code"]
    )
    values, changes = apply_assessment(conn, current, answers, assessment, engine)
    record_links(conn, [use_id], [answers], [facts], replace=True)
    _reopen_on_new_reasons(current, values, changes, assessment, engine)
    if not changes:
        return None
    changes = [
        Change(c.field, c.old, c.new, f"{words}; {c.note}") if c.field == "status" else c
        for c in changes
    ]
    now = now_utc()
    version = current["version"]
    values.update(updated_at=now, updated_by=who.name, version=version + 1)
    conn.execute(sa.update(uses).where(uses.c.id == use_id).values(**values))
    write_history(conn, use_id, now, who, changes, f"re-assessed: {words}", version)
    rank = values["level_rank"]
    return (
        current["production_code"],
        int(values["level"] != current["level"]),
        int("status" in values),
        int(rank > current["level_rank"]),
    )


def _reopen_on_new_reasons(current, values, changes, assessment, engine) -> None:
    """An approval given while the ledger held goes back to the studio when the change makes
    new reasons fire (a replica without consent), even at the same level: talent uses are
    at the most serious level already, so a rise alone would never reopen one."""
    if current["status"] != "approved" or "status" in values:
        return
    before = set(filter(None, current["reason_rules"].split(";")))
    new = [rule for rule in assessment.rule_ids if rule not in before]
    if not new:
        return
    labels = {rule.id: rule.short or rule.id for rule in engine.guidance.rules}
    values["status"] = workflow.REOPENED_STATUS
    values["awaiting_since"] = workflow.awaiting_since(
        current["status"], workflow.REOPENED_STATUS, current["awaiting_since"], now_utc()
    )
    values["decided_version"] = None
    note = (
        f"new reasons since the approval: {', '.join(labels.get(r, r) for r in new)}: the "
        "approval covered the use as it was, so the studio has to decide again"
    )
    changes.append(Change("status", current["status"], workflow.REOPENED_STATUS, note))
