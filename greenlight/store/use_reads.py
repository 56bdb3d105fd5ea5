"""Reading single uses (the use itself, its history, whether ids are taken, the files
imported into a production) and the whole log's backup and restore, for UseCaseStore."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

import sqlalchemy as sa

from greenlight.policy import document_of
from greenlight.store import access, tally
from greenlight.store.backup import restore_backup, write_backup
from greenlight.store.database import read_transaction
from greenlight.store.imports import find_import
from greenlight.store.records import (
    HistoryEntry,
    ImportedFile,
    LoggedReason,
    NotFound,
    UseRecord,
    utc,
)
from greenlight.store.registry_facts import facts_of_use
from greenlight.store.tables import (
    ANSWERS_OF_USES,
    answer_sets,
    outcome_reasons,
    productions,
    use_history,
    uses,
)

# One use's row with its answer set and its production, for get_use and the writers' row lock.
ONE_USE = sa.select(
    uses,
    answer_sets.c.answers,
    productions.c.code.label("production_code"),
    productions.c.name.label("production_name"),
).select_from(ANSWERS_OF_USES.join(productions, productions.c.id == uses.c.production_id))


class UseReads:
    """UseCaseStore's reads of single uses; mixed in, so `self.engine` is the store's."""

    engine: Any

    def get_use(self, use_id: str, viewer: access.Actor | None = None) -> UseRecord:
        """One logged use (archived or not); NotFound if the id is unknown, NotPermitted if
        `viewer` may not see its production."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            row = conn.execute(ONE_USE.where(uses.c.id == use_id)).mappings().first()
            if row is None:
                raise NotFound(f"no logged use with id {use_id!r}")
            _may_see(who, use_id, row["production_id"])
            reasons = conn.execute(
                sa.select(
                    outcome_reasons.c.rule, outcome_reasons.c.level, outcome_reasons.c.section
                )
                .where(outcome_reasons.c.outcome_id == row["outcome_id"])
                .order_by(outcome_reasons.c.position)
            ).all()
            facts = facts_of_use(conn, use_id)
        m = dict(row)
        for name in (
            "production_id",
            "level_rank",
            "reason_rules",
            "answer_set_id",
            "outcome_id",
            "created_week",
            "created_month",
            "submission",
        ):
            del m[name]
        m["answers"] = document_of(m, m["answers"])
        m["reasons"] = tuple(LoggedReason(*r) for r in reasons)
        m["created_at"], m["updated_at"] = utc(m["created_at"]), utc(m["updated_at"])
        m["awaiting_since"] = utc(m["awaiting_since"]) if m["awaiting_since"] else None
        m["archived"] = bool(m["archived"])
        return UseRecord(**m, facts=facts)

    def existing_use_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of these use ids are already in the database."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        # Through a temporary table (one bulk insert, one query) in a transaction that is
        # rolled back: an import asks about every id of its file at once.
        with self.engine.connect() as conn, conn.begin():
            return set(
                conn.execute(sa.select(uses.c.id).where(tally.id_set(conn, wanted))).scalars()
            )

    def backup(self, out: IO[bytes]) -> int:
        """Write the whole log to a binary file (store.backup); return the rows written."""
        return write_backup(self.engine, out)

    def restore(self, source: IO[bytes]) -> int:
        """Restore a backup into this log, which must be empty; return the rows restored."""
        return restore_backup(self.engine, source)

    def imported_file(self, production: str, sha256: str) -> ImportedFile | None:
        """The first import into `production` of the file with this SHA-256, if any."""
        with read_transaction(self.engine) as conn:
            return find_import(conn, production, sha256)

    def history(self, use_id: str, viewer: access.Actor | None = None) -> list[HistoryEntry]:
        """Every recorded change of a use, oldest first; NotFound if the id is unknown,
        NotPermitted if `viewer` may not see its production."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            query = sa.select(uses.c.production_id).where(uses.c.id == use_id)
            production_id = conn.execute(query).scalar()
            if production_id is None:
                raise NotFound(f"no logged use with id {use_id!r}")
            _may_see(who, use_id, production_id)
            rows = conn.execute(
                sa.select(use_history)
                .where(use_history.c.use_id == use_id)
                .order_by(use_history.c.id)
            ).all()
        return [
            HistoryEntry(
                id=r.id,
                use_id=r.use_id,
                at=utc(r.at),
                actor=r.actor,
                field=r.field,
                old=r.old_value,
                new=r.new_value,
                note=r.note,
                version=r.use_version,
                actor_kind=r.actor_kind,
                person_id=r.person_id,
            )
            for r in rows
        ]


def _may_see(who: access.Acting, use_id: str, production_id: int) -> None:
    # Said without the production's code: the viewer may not know that it exists.
    if not who.may("see", production_id):
        raise access.NotPermitted(
            f"{who.name} may not see use {use_id}: it belongs to a production they have no "
            "role in; ask a studio admin or that production's lead for a role"
        )
