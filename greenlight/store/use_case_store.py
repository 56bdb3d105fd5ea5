"""The use-case log: productions, logged uses, their approval workflow and full history.

`UseCaseStore` is the one entry point the pages, the CLI and the benchmarks use. Levels are
never taken from a caller: every write that touches answers assesses them with the Engine it
is given. Every change writes history rows and bumps the data version in the same
transaction, so a cache keyed on `data_version()` never serves stale results.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.store import access, duties, registry_facts
from greenlight.store import reassess as store_reassess
from greenlight.store import tally as tally
from greenlight.store.access import Actor
from greenlight.store.attention import AttentionQueries
from greenlight.store.database import (
    get_engine,
    insert_columns,
    paused_gc,
    read_transaction,
    resolve_database_url,
    write_transaction,
)
from greenlight.store.demo_data import DemoMixin
from greenlight.store.desk import DeskMixin
from greenlight.store.evidence import EvidenceMixin
from greenlight.store.guards import already_logged, check_version
from greenlight.store.history import Change, stamp, write_history
from greenlight.store.imports import record_import
from greenlight.store.migrations import ensure_schema
from greenlight.store.outbox import OutboxMixin, announce_new, notice_kind, queue_notices
from greenlight.store.people import PeopleMixin
from greenlight.store.productions import ProductionsMixin
from greenlight.store.queries import OverviewQueries
from greenlight.store.records import (
    FileImport,
    NewUse,
    NewUses,
    NotFound,
    ReassessResult,
    StaleUse,
    StoreError,
    UseRecord,
    to_db_time,
)
from greenlight.store.rows import (
    INSERT_BATCH,
    AssessedCache,
    NewRows,
    Progress,
    apply_assessment,
    clean_note,
    new_rows,
    now_utc,
)
from greenlight.store.shared import answer_set_ids, outcome_ids
from greenlight.store.tables import (
    use_history,
    uses,
)
from greenlight.store.talent.mixin import TalentLedgerMixin
from greenlight.store.tools import RegistryMixin
from greenlight.store.use_reads import ONE_USE, UseReads
from greenlight.workflow import TransitionError

if TYPE_CHECKING:
    from greenlight.policy import Answers, Engine, Guidance

# Engines whose schema is known to be current: checked once per engine, not per store.
_checked: weakref.WeakSet = weakref.WeakSet()
_checked_lock = threading.Lock()


class UseCaseStore(
    ProductionsMixin,
    PeopleMixin,
    DemoMixin,
    OverviewQueries,
    AttentionQueries,
    UseReads,
    DeskMixin,
    OutboxMixin,
    EvidenceMixin,
    RegistryMixin,
    TalentLedgerMixin,
):
    """The log of intended GenAI uses, in SQLite or PostgreSQL.

    Every write takes an `actor` and every read of uses a `viewer` (store.access): a typed
    name on a local log, a signed-in Person or the LocalAdministrator; what they may do is
    checked in the write's own transaction (NotPermitted when they may not).
    """

    def __init__(self, url: str | None = None):
        """Open (creating or upgrading the schema of) the database at `url` or the default."""
        self.url = url or resolve_database_url()
        self.engine = get_engine(self.url)
        with _checked_lock:
            if self.engine not in _checked:
                ensure_schema(self.engine)
                _checked.add(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # --- writing uses --------------------------------------------------------------------

    def log_use(
        self,
        production: str,
        answers: Answers,
        engine: Engine,
        *,
        actor: Actor,
        status: str = workflow.DEFAULT_STATUS,
        approval_ref: str = "",
        note: str = "",
        at: datetime | None = None,
        submission: str | None = None,
    ) -> UseRecord:
        """Assess `answers` and log them as a new use of `production`; return the record.

        `submission` is the token of the form that sent them: a second call with the same
        token logs nothing and raises AlreadyLogged, naming the use the first one made.
        """
        if status not in workflow.INITIAL_STATUSES:
            raise TransitionError(
                f"a new use starts as {' or '.join(workflow.INITIAL_STATUSES)}, not {status!r}"
            )
        new = NewUse(
            answers=answers,
            assessment=engine.assess(answers),
            status=status,
            approval_ref=approval_ref,
            created_at=at,
            updated_at=at,
            note=note,
            submission=submission,
        )
        (use_id,) = self.insert_uses(production, [new], engine.guidance, actor=actor, engine=engine)
        return self.get_use(use_id, viewer=actor)

    def insert_uses(
        self,
        production: str,
        items: NewUses | Sequence[NewUse],
        guidance: Guidance,
        *,
        actor: Actor,
        progress: Progress | None = None,
        file: FileImport | None = None,
        engine: Engine | None = None,
    ) -> list[str]:
        """Insert assessed uses in one transaction (all or none); return their ids.

        Each use's assessment must come from an Engine over `guidance` (csvio and log_use do
        that); its status must be valid at its level. History gets a "created" row for each,
        and a "status" row for each of its `steps`. A large batch comes column by column
        (NewUses, as the CSV import reads it); NewUse items are put in columns first.
        A demo production takes no uses but its own seed (seed_demo_production).
        A use whose answers name performers or tools is assessed with the registries'
        facts (with `engine`, an Engine over `guidance`, or one made for the call).
        StoreError for no uses at all. With `file`, the uses come from that file, which is
        recorded: RepeatedImport if it was imported into `production` before, unless
        `file.allow_repeat`; they start the workflow afresh, logged now (see new_rows).
        NotPermitted unless `actor` may work on `production`, and (without `file`) unless
        they may take the studio's decision for any use that comes past submitted, with
        decisions among its steps or with an approval reference (duties.check_new_uses).
        """
        batch = items if isinstance(items, NewUses) else NewUses.of(items)
        if not len(batch):
            raise StoreError("there are no uses to log: nothing was written")
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, actor)  # checked again in the write below
            named = who.name
            pid = self._production_id(conn, production)
            if file is None:  # a file's uses start afresh (new_rows)
                duties.check_new_uses(who, pid, production, batch)
            batch, facts = registry_facts.assess_batch(
                conn, pid, production, batch, guidance, engine, registry_facts.today()
            )
        rows = new_rows(batch, AssessedCache(guidance), named, imported=file is not None)
        # Counted before the transaction, as the rows are built: no lock is held meanwhile.
        counted = tally.count_new(rows.uses, rows.outcomes)
        try:
            with write_transaction(self.engine) as conn:
                production_id = self._production_id(conn, production, for_work=True)
                who = access.acting(conn, actor)
                access.require(who, "work", production_id, production)
                if file is None:
                    duties.check_new_uses(who, production_id, production, batch)
                stamp(rows.history, who)
                already_logged(conn, rows.uses.get("submission", ()))
                if file is not None:
                    record_import(conn, production_id, production, file, named, len(batch))
                self._insert_rows(conn, production_id, rows, progress)
                registry_facts.record_batch(
                    conn, production_id, production, batch, rows.uses["id"], facts
                )
                tally.apply(conn, counted, production_id)
                if file is None:
                    announce_new(conn, production_id, rows.uses, who)
                self._bump(conn, [production])
        except sa.exc.IntegrityError:
            # A writer that committed the same form first (PostgreSQL lets both try).
            with read_transaction(self.engine) as conn:
                already_logged(conn, rows.uses.get("submission", ()))
            raise StoreError(
                "a use with one of these ids is already logged: nothing was written"
            ) from None
        return rows.uses.get("id", [])

    def _insert_rows(self, conn: Connection, production_id: int, rows: NewRows, progress) -> None:
        total = len(rows.outcomes)
        set_ids = answer_set_ids(conn, rows.answer_sets)
        answer_set_id = [set_ids[answer_set.key] for answer_set in rows.answer_sets]
        ids = outcome_ids(conn, rows.outcomes)
        outcome_id = [ids[outcome.key] for outcome in rows.outcomes]
        for start in range(0, total, INSERT_BATCH):
            end = min(start + INSERT_BATCH, total)
            use_columns = {name: values[start:end] for name, values in rows.uses.items()}
            use_columns["production_id"] = [production_id] * (end - start)
            use_columns["answer_set_id"] = answer_set_id[start:end]
            use_columns["outcome_id"] = outcome_id[start:end]
            insert_columns(conn, uses, use_columns)
            if progress:
                progress(end, total)
        if rows.history:
            insert_columns(conn, use_history, rows.history)

    def _lock_use(
        self, conn: Connection, use_id: str, expected_version: int | None = None
    ) -> dict[str, Any]:
        """The use's row, locked for the write; StaleUse if it is not at `expected_version`."""
        check_version(expected_version)
        query = ONE_USE.where(uses.c.id == use_id).with_for_update(of=uses)
        row = conn.execute(query).mappings().first()
        if row is None:
            raise NotFound(f"no logged use with id {use_id!r}")
        if expected_version is not None and row["version"] != expected_version:
            raise StaleUse(
                use_id, expected_version, row["version"], row["updated_by"], row["updated_at"]
            )
        return dict(row)

    def update_use(
        self,
        use_id: str,
        answers: Answers,
        engine: Engine,
        *,
        actor: Actor,
        note: str = "",
        expected_version: int | None = None,
    ) -> UseRecord:
        """Replace a use's answers and free text, re-assess it, and record what changed.

        An approved or declined use whose answers or free text change, or an approved one
        whose level rises, goes back to submitted (workflow.reopen_status). With
        `expected_version`, a use that has moved on since is refused (StaleUse).
        """
        note = clean_note(note)
        with write_transaction(self.engine) as conn:
            current = self._lock_use(conn, use_id, expected_version)
            who = self._may(conn, actor, "work", current)
            pid, code = current["production_id"], current["production_code"]
            registry_facts.check_links(conn, pid, code, answers)
            assessment, facts = registry_facts.assess_linked(
                conn, pid, answers, engine, registry_facts.today(), code
            )
            registry_facts.record_links(conn, [use_id], [answers], [facts], replace=True)
            with tally.recounting(conn, uses.c.id == use_id):
                values, changes = apply_assessment(conn, current, answers, assessment, engine)
                if changes:
                    now = now_utc()
                    version = current["version"]
                    values.update(updated_at=now, updated_by=who.name, version=version + 1)
                    conn.execute(sa.update(uses).where(uses.c.id == use_id).values(**values))
                    write_history(conn, use_id, now, who, changes, note, version)
                    if "status" in values:
                        kind = notice_kind(current["status"], values["status"])
                        queue_notices(conn, {**current, **values}, kind, who)
            if changes:
                self._bump(conn, [current["production_code"]])
        return self.get_use(use_id, viewer=actor)

    def reassess(
        self,
        engine: Engine,
        *,
        actor: Actor,
        codes: Sequence[str] | None = None,
        progress: Progress | None = None,
        batch_size: int = store_reassess.BATCH,
    ) -> ReassessResult:
        """Re-assess every use assessed under another guidance version than `engine`'s.

        The old level and guidance version are kept next to the new ones (previous_level,
        previous_guidance_version). Works in short transactions of `batch_size` uses, so other
        writers are not held up; a use whose answers the new guidance rejects is left as it
        was and reported in `problems`. See store_reassess for how. Moving the log to a
        guidance version is a studio admin's act (NotPermitted for anyone else).
        """
        with read_transaction(self.engine) as conn:  # refused before any work; each batch rechecks
            access.require_admin(access.acting(conn, actor), "re-assess the log")
        with paused_gc():  # rows and documents by the hundred thousand, and no cycles
            return store_reassess.reassess(self, engine, actor, codes or (), progress, batch_size)

    def set_status(
        self,
        use_id: str,
        status: str,
        *,
        actor: Actor,
        approval_ref: str | None = None,
        note: str = "",
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> UseRecord:
        """Move a use to `status` if the workflow allows it (TransitionError says why not).

        `approval_ref`, when given, replaces the stored reference in the same change; an
        approval needs a reference (given or stored) and a `note` (workflow.check_approval).
        An approval or a decline records the version it was decided on (decided_version).
        Only the command line, as the local administrator, may date the change (`at`). With
        `expected_version`, a use that has moved on since is refused (StaleUse). Escalating,
        approving, declining and reopening a decision are the studio's decisions
        (access.check_decision); any other move is the production's work.
        """
        note = clean_note(note)
        with write_transaction(self.engine) as conn:
            current = self._lock_use(conn, use_id, expected_version)
            ref = current["approval_ref"] if approval_ref is None else approval_ref.strip()
            workflow.check_move(current["status"], status)
            if access.is_decision(current["status"], status):
                who = self._may(conn, actor, "see", current)
                access.check_decision(conn, who, current, expected_version)
            else:
                who = self._may(conn, actor, "work", current)
            duties.check_move(who, current, status, ref, note, at)
            changes = [Change("status", current["status"], status)]
            if ref != current["approval_ref"]:
                changes.append(Change("approval_ref", current["approval_ref"], ref))
            decided = current["version"] if status in workflow.DECIDED_STATUSES else None
            self._write(
                conn, current, who, changes, note, at,
                status=status, approval_ref=ref, decided_version=decided,
            )  # fmt: skip
            queue_notices(
                conn, current, notice_kind(current["status"], status), who,
                decision=workflow.status(status).label,
            )  # fmt: skip
        return self.get_use(use_id, viewer=actor)

    def set_approval_ref(
        self,
        use_id: str,
        approval_ref: str,
        *,
        actor: Actor,
        note: str = "",
        expected_version: int | None = None,
    ) -> UseRecord:
        """Record or correct the studio's approval reference without changing the status
        (the studio's reference: a decision, see access.check_decision)."""
        note = clean_note(note)
        ref = (approval_ref or "").strip()
        with write_transaction(self.engine) as conn:
            current = self._lock_use(conn, use_id, expected_version)
            who = self._may(conn, actor, "see", current)
            access.check_decision(conn, who, current, expected_version)
            duties.check_reference(current, ref)
            if ref != current["approval_ref"]:
                changes = [Change("approval_ref", current["approval_ref"], ref)]
                self._write(conn, current, who, changes, note, None, approval_ref=ref)
        return self.get_use(use_id, viewer=actor)

    def archive_use(
        self, use_id: str, *, actor: Actor, note: str = "", expected_version: int | None = None
    ) -> UseRecord:
        """Take a use out of the log (nothing is deleted; restore_use brings it back)."""
        return self._set_archived(use_id, True, actor, note, expected_version)

    def restore_use(
        self, use_id: str, *, actor: Actor, note: str = "", expected_version: int | None = None
    ) -> UseRecord:
        """Bring an archived use back into the log."""
        return self._set_archived(use_id, False, actor, note, expected_version)

    def _set_archived(
        self, use_id: str, archived: bool, actor: Actor, note: str, expected: int | None
    ) -> UseRecord:
        note = clean_note(note)
        with write_transaction(self.engine) as conn:
            current = self._lock_use(conn, use_id, expected)
            who = self._may(conn, actor, "work", current)
            if bool(current["archived"]) == archived:
                state = "archived" if archived else "in the log (not archived)"
                raise StoreError(f"use {use_id} is already {state}")
            changes = [Change("archived", bool(current["archived"]), archived)]
            self._write(conn, current, who, changes, note, None, archived=archived)
        return self.get_use(use_id, viewer=actor)

    def _may(self, conn: Connection, actor: Actor, action: str, use: dict) -> access.Acting:
        """Who `actor` is, in this transaction; NotPermitted unless they may take `action`
        on the production of `use` (its locked row)."""
        who = access.acting(conn, actor)
        access.require(who, action, use["production_id"], use["production_code"])
        return who

    def _write(self, conn, current, who, changes, note, at, **values) -> None:
        when = to_db_time(at) if at else now_utc()
        version = current["version"]
        if "status" in values:
            values["awaiting_since"] = workflow.awaiting_since(
                current["status"], values["status"], current["awaiting_since"], when
            )
        update = (
            sa.update(uses)
            .where(uses.c.id == current["id"])
            .values(**values, updated_at=when, updated_by=who.name, version=version + 1)
        )
        if {"status", "archived"} & set(values):  # the columns the tallies count by
            with tally.recounting(conn, uses.c.id == current["id"]):
                conn.execute(update)
        else:
            conn.execute(update)
        write_history(conn, current["id"], when, who, changes, note, version)
        self._bump(conn, [current["production_code"]])
