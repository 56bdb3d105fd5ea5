"""Productions and data versions: the part of UseCaseStore that is not about single uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from greenlight.store import access
from greenlight.store import tally as tally
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.records import NotFound, Production, StoreError, utc
from greenlight.store.rows import CODE_PATTERN, now_utc
from greenlight.store.tables import (
    CODE_LENGTH,
    DATA_COUNTER,
    NAME_LENGTH,
    counters,
    next_data_version,
    production_counter,
    productions,
)

# A production's columns, in the order _production unpacks them.
_PRODUCTION = sa.select(
    productions.c.id,
    productions.c.code,
    productions.c.name,
    productions.c.created_at,
    productions.c.created_by,
    productions.c.is_demo,
)


def _production(row) -> Production:
    id_, code, name, created_at, created_by, is_demo = row
    return Production(id_, code, name, utc(created_at), created_by, bool(is_demo))


class ProductionsMixin:
    """Productions and the data version (a mixin of UseCaseStore: needs `self.engine`)."""

    engine: Engine

    # --- versions ------------------------------------------------------------------------

    def data_version(self, codes: Sequence[str] | None = None) -> int:
        """A number that grows with every write (to the given productions, or to any)."""
        with self.engine.connect() as conn:
            if not codes:
                query = sa.select(counters.c.value).where(counters.c.name == DATA_COUNTER)
                return int(conn.execute(query).scalar_one())
            names = [production_counter(code) for code in codes]
            query = sa.select(sa.func.max(counters.c.value)).where(counters.c.name.in_(names))
            return int(conn.execute(query).scalar() or 0)

    def _bump(self, conn: Connection, codes: Iterable[str]) -> int:
        value = next_data_version(conn)
        for code in sorted(set(codes)):
            name = production_counter(code)
            done = conn.execute(
                sa.update(counters).where(counters.c.name == name).values(value=value)
            )
            if done.rowcount == 0:
                conn.execute(sa.insert(counters).values(name=name, value=value))
        return value

    # --- productions ---------------------------------------------------------------------

    def create_production(
        self, code: str, name: str, *, actor: access.Actor, is_demo: bool = False
    ) -> Production:
        """Add a production; its code (letters, digits, - and _) must be new. In studio
        mode, a studio admin's act (NotPermitted for anyone else)."""
        code = (code or "").strip()
        name = " ".join((name or "").split())
        # Every problem at once, name first as the form asks: an empty form is told that
        # both are missing, not only the code.
        problems = []
        if not name:
            problems.append(f"production name is missing: give 1 to {NAME_LENGTH} characters")
        elif len(name) > NAME_LENGTH:
            problems.append(f"production name is {len(name)} characters: give 1 to {NAME_LENGTH}")
        spelled = f"1 to {CODE_LENGTH} letters, digits, - or _, starting with a letter or digit"
        if not code:
            problems.append(f"production code is missing: give {spelled}")
        elif not CODE_PATTERN.fullmatch(code) or len(code) > CODE_LENGTH:
            problems.append(f"production code {code!r}: use {spelled}")
        if problems:
            raise StoreError("; ".join(problems))
        with write_transaction(self.engine) as conn:
            who = access.acting(conn, actor)
            access.require_admin(who, "add a production")
            exists = conn.execute(
                sa.select(productions.c.id).where(productions.c.code == code)
            ).first()
            if exists:
                raise StoreError(f"a production with code {code!r} already exists: pick another")
            conn.execute(
                sa.insert(productions).values(
                    code=code, name=name, created_at=now_utc(), created_by=who.name, is_demo=is_demo
                )
            )
            self._bump(conn, [code])
        return self.get_production(code, viewer=actor)

    def get_production(self, code: str, viewer: access.Actor | None = None) -> Production:
        """The production with this code; NotFound if there is none, NotPermitted if
        `viewer` has no role in it."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            row = conn.execute(_PRODUCTION.where(productions.c.code == code)).first()
        if row is None:
            raise NotFound(f"no production with code {code!r}")
        access.require(who, "see", row.id, row.code)
        return _production(row)

    def has_productions(self) -> bool:
        """Whether any production exists, without reading them all (a first start with none
        seeds the demo)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(productions.c.id).limit(1)).first() is not None

    def list_productions(self, viewer: access.Actor | None = None) -> list[Production]:
        """Every production `viewer` may see (every one on a local log), real ones first,
        then by name."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            query = _PRODUCTION.order_by(productions.c.is_demo, productions.c.name)
            if not who.sees_all:
                query = query.where(productions.c.id.in_(sorted(who.productions())))
            rows = conn.execute(query).all()
        # Every session's sidebar lists them again after each write: rows are unpacked
        # positionally, which is cheaper than going through row._mapping.
        return [_production(row) for row in rows]

    def _production_id(self, conn: Connection, code: str, *, for_work: bool = False) -> int:
        """The production's id; NotFound if there is none, and StoreError `for_work` (a new
        use by any path) in a demo production, whose uses are removed with it."""
        query = sa.select(productions.c.id, productions.c.is_demo).where(productions.c.code == code)
        found = conn.execute(query).first()
        if found is None:
            raise NotFound(f"no production with code {code!r}: create it first")
        if for_work and found.is_demo:
            raise StoreError(
                f"{code} is the demo production: its sample uses can be removed at any time, so "
                "it takes no real work and nothing was logged; create your production with "
                '"New production" in the sidebar (or python -m greenlight productions add CODE '
                "NAME) and log the use there"
            )
        return found.id
