"""People and their roles in the log: signing in, granting and revoking, and who they are.

A person is who their identity provider says ((issuer, subject)); a studio admin names them
by e-mail before their first sign-in, and that sign-in binds the e-mail to the identity.
Naming the first studio admin (from the command line, or GREENLIGHT_FIRST_ADMIN matched at
a sign-in while the log has no admin) turns the log's studio mode on (store.access). Every
grant and revocation is recorded in the log's events (python -m greenlight events), and is
serialised with every other (SQLite's write lock, a PostgreSQL advisory lock), so two admins
revoking each other at once cannot leave the log without one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from greenlight.store import access
from greenlight.store.database import read_transaction, write_transaction
from greenlight.store.events import record_event
from greenlight.store.records import NotFound, StoreError, utc
from greenlight.store.rows import now_utc
from greenlight.store.studio_tables import EMAIL_LENGTH, log_settings, people, role_grants
from greenlight.store.tables import NAME_LENGTH, productions

FIRST_ADMIN_ENV = "GREENLIGHT_FIRST_ADMIN"
ROLE_GRANTED, ROLE_REVOKED, STUDIO_MODE_ON = "role granted", "role revoked", "studio mode on"
# An arbitrary constant: the PostgreSQL advisory lock that makes changes of people one at a time.
_PG_PEOPLE_LOCK = 0x6772_6E70


@dataclass(frozen=True)
class Grant:
    """One role of a person: `production` is None for a studio-wide role."""

    role: str
    production: str | None
    granted_at: datetime
    granted_by: str


@dataclass(frozen=True)
class PersonRecord:
    """A person known to the log, with their roles. `issuer` and `subject` are None until
    their first sign-in."""

    id: int
    email: str
    name: str
    issuer: str | None
    subject: str | None
    signed_in_at: datetime | None
    grants: tuple[Grant, ...]

    @property
    def is_admin(self) -> bool:
        """Whether they are a studio admin."""
        return any(g.role == access.ADMIN for g in self.grants)

    @property
    def manages_people(self) -> bool:
        """Whether they may manage anyone's roles: a studio admin, or a production lead."""
        return self.is_admin or any(g.role == "lead" for g in self.grants)

    @property
    def reviews(self) -> bool:
        """Whether they take the studio's decisions anywhere: a studio admin, or a reviewer
        of some production (what the review desk lists for them)."""
        allowed = access.ACTIONS["decide"].roles
        return self.is_admin or any(g.role in allowed for g in self.grants)

    def may_manage(self, role: str, production: str | None) -> bool:
        """Whether they may grant or revoke `role` in the production with this code (None:
        a studio-wide role), for a page deciding what to offer; the store checks again."""
        led = {g.production for g in self.grants if g.role == "lead"}
        return self.is_admin or access.lead_may_manage(role, production, led)

    def may(self, action: str, production: str) -> bool:
        """Whether their roles allow `action` (access.ACTIONS) on the production with this
        code, for a page deciding what to offer; the store checks again at every write."""
        if self.is_admin:
            return True
        allowed = access.ACTIONS[action].roles
        return any(g.production == production and g.role in allowed for g in self.grants)


def clean_email(email: str) -> str:
    """An e-mail address as the log keys it (trimmed, lower-cased); StoreError if it is not
    one."""
    found = (email or "").strip().lower()
    local, at, domain = found.partition("@")
    if (
        not (local and at and domain)
        or len(found) > EMAIL_LENGTH
        or any(c.isspace() for c in found)
    ):
        raise StoreError(f"{email!r} is not an e-mail address: give one like name@studio.example")
    return found


class PeopleMixin:
    """UseCaseStore's people and roles (a mixin: needs `self.engine` and `self._bump`)."""

    engine: Engine
    _bump: Callable[[Connection, Iterable[str]], int]

    def studio_mode(self) -> bool:
        """Whether the log is in studio mode (store.access): a studio admin was named."""
        with read_transaction(self.engine) as conn:
            return access.studio_mode(conn)

    def whoami(self, person: access.Person) -> PersonRecord | None:
        """The signed-in person as the log knows them, with their roles (None: unknown)."""
        with read_transaction(self.engine) as conn:
            found = conn.execute(
                sa.select(people.c.id).where(
                    people.c.issuer == person.issuer, people.c.subject == person.subject
                )
            ).scalar()
            return None if found is None else _records(conn, [found])[0]

    def sign_in(self, person: access.Person, *, first_admin: str | None = None) -> PersonRecord:
        """Record a sign-in and return the person with their roles.

        The first sign-in of an identity binds it to the person an admin named by its
        e-mail, or adds a person with no role. While the log has no studio admin, the
        person whose e-mail is `first_admin` (default: $GREENLIGHT_FIRST_ADMIN) becomes one,
        and the log's studio mode is on. The caller passes only an e-mail its provider has
        verified. NotPermitted if the e-mail belongs to another identity.
        """
        if not person.issuer or not person.subject:
            raise StoreError("a sign-in names its identity provider (issuer) and subject")
        email = clean_email(person.email)
        name = " ".join((person.name or "").split())[:NAME_LENGTH]
        wanted = first_admin if first_admin is not None else os.environ.get(FIRST_ADMIN_ENV, "")
        now = now_utc()
        with write_transaction(self.engine) as conn:
            _lock(conn)
            person_id = _bind(conn, person, email, name, now)
            if wanted and email == wanted.strip().lower() and not _admins(conn):
                by = f"configuration ({FIRST_ADMIN_ENV})"
                _insert_grant(conn, person_id, access.ADMIN, None, now, by)
                record_event(conn, now, by, ROLE_GRANTED, f"{email}: Studio admin", 0)
                _studio_on(conn, now, by)
                self._bump(conn, ())
            return _records(conn, [person_id])[0]

    def list_people(self, viewer: access.Actor) -> list[PersonRecord]:
        """Everyone known to the log with their roles, by e-mail: for a studio admin (and the
        command line) every person, for a production lead the people of their productions."""
        with read_transaction(self.engine) as conn:
            who = access.acting(conn, viewer, reading=True)
            _may_manage_someone(who)
            query = sa.select(people.c.id).order_by(people.c.email)
            if not _manages_all(who):
                led = [pid for role, pid in who.roles if role == "lead"]
                holders = sa.select(role_grants.c.person_id).where(
                    role_grants.c.production_id.in_(led)
                )
                query = query.where(people.c.id.in_(holders))
            return _records(conn, list(conn.execute(query).scalars()))

    def grant(
        self,
        email: str,
        role: str,
        production: str | None = None,
        *,
        actor: access.Actor,
        name: str = "",
    ) -> PersonRecord:
        """Give the person with this e-mail (added, named `name`, if the log does not know
        them yet) `role` (access.ROLES), in `production` for a per-production role.

        A studio admin (or the command line) grants any role, a production lead the member
        role of their production; NotPermitted for anyone else, and for a typed name.
        Naming a studio admin turns the log's studio mode on.
        """
        email = clean_email(email)
        known = access.known_role(role, production)
        name = " ".join((name or "").split())
        if len(name) > NAME_LENGTH:
            raise StoreError(f"the name is {len(name)} characters; keep it to {NAME_LENGTH}")
        now = now_utc()
        with write_transaction(self.engine) as conn:
            _lock(conn)
            who = access.acting(conn, actor)
            production_id = _production(conn, production)
            _may_manage(who, known.id, production_id, production)
            person_id = _person_by_email(conn, email)
            if person_id is None:
                person_id = conn.execute(
                    sa.insert(people)
                    .values(email=email, name=name, created_at=now, created_by=who.name)
                    .returning(people.c.id)
                ).scalar_one()
            elif name:
                conn.execute(
                    sa.update(people).where(people.c.id == person_id, people.c.name == "")
                    .values(name=name)
                )  # fmt: skip
            words = access.role_words(known.id, production)
            if _grant_id(conn, person_id, known.id, production_id) is not None:
                raise StoreError(f"{email} is already {words}: nothing changed")
            _insert_grant(conn, person_id, known.id, production_id, now, who.name)
            record_event(conn, now, who.name, ROLE_GRANTED, f"{email}: {words}", 0)
            if known.id == access.ADMIN:
                _studio_on(conn, now, who.name)
            self._bump(conn, [production] if production else ())
            return _records(conn, [person_id])[0]

    def revoke(
        self, email: str, role: str, production: str | None = None, *, actor: access.Actor
    ) -> PersonRecord:
        """Take `role` (in `production`) from the person with this e-mail, under the rules
        of grant; StoreError if they do not hold it, or it is the log's last studio admin."""
        email = clean_email(email)
        known = access.known_role(role, production)
        now = now_utc()
        with write_transaction(self.engine) as conn:
            _lock(conn)
            who = access.acting(conn, actor)
            production_id = _production(conn, production)
            _may_manage(who, known.id, production_id, production)
            person_id = _person_by_email(conn, email)
            words = access.role_words(known.id, production)
            grant_id = None
            if person_id is not None:
                grant_id = _grant_id(conn, person_id, known.id, production_id)
            if grant_id is None:
                raise StoreError(f"{email} is not {words}: nothing changed")
            if known.id == access.ADMIN and _admins(conn) <= 1:
                raise StoreError(
                    f"{email} is the last studio admin, and the log would have no one to "
                    "manage it: grant another studio admin first (nothing changed)"
                )
            conn.execute(sa.delete(role_grants).where(role_grants.c.id == grant_id))
            record_event(conn, now, who.name, ROLE_REVOKED, f"{email}: {words}", 0)
            self._bump(conn, [production] if production else ())
            return _records(conn, [person_id])[0]


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_PEOPLE_LOCK)))


def _manages_all(who: access.Acting) -> bool:
    return who.admin or who.kind == access.ADMINISTRATOR


def _may_manage_someone(who: access.Acting) -> None:
    if who.kind == access.LOCAL:
        raise access.NotPermitted(
            "people and roles are managed by a signed-in studio admin, or from the command "
            "line: python -m greenlight people"
        )
    if not _manages_all(who) and not any(role == "lead" for role, _ in who.roles):
        raise access.NotPermitted(
            f"{who.name} may not manage people: only a studio admin, or a production lead for "
            "their production's members, may"
        )


def _may_manage(who: access.Acting, role: str, production_id: int | None, code: str | None):
    _may_manage_someone(who)
    if _manages_all(who):
        return
    led = {pid for held, pid in who.roles if held == "lead"}
    if not access.lead_may_manage(role, production_id, led):
        raise access.NotPermitted(
            f"{who.name} may not grant or revoke {access.role_words(role, code)}: a production "
            "lead manages the members of their own production; a studio admin, every role"
        )


def _production(conn: Connection, code: str | None) -> int | None:
    if not code:
        return None
    query = sa.select(productions.c.id).where(productions.c.code == code)
    found = conn.execute(query).scalar()
    if found is None:
        raise NotFound(f"no production with code {code!r}")
    return found


def _person_by_email(conn: Connection, email: str) -> int | None:
    return conn.execute(sa.select(people.c.id).where(people.c.email == email)).scalar()


def _grant_id(conn: Connection, person_id: int, role: str, production_id: int | None):
    query = sa.select(role_grants.c.id).where(
        role_grants.c.person_id == person_id,
        role_grants.c.role == role,
        role_grants.c.production_id.is_(None)
        if production_id is None
        else role_grants.c.production_id == production_id,
    )
    return conn.execute(query).scalar()


def _insert_grant(conn, person_id: int, role: str, production_id, at: datetime, by: str) -> None:
    conn.execute(
        sa.insert(role_grants).values(
            person_id=person_id, role=role, production_id=production_id, granted_at=at,
            granted_by=by,
        )
    )  # fmt: skip


def _admins(conn: Connection) -> int:
    query = sa.select(sa.func.count()).where(role_grants.c.role == access.ADMIN)
    return int(conn.execute(query).scalar_one())


def _studio_on(conn: Connection, at: datetime, by: str) -> None:
    if access.studio_mode(conn):
        return
    conn.execute(
        sa.insert(log_settings).values(
            name=access.MODE_SETTING, value=access.STUDIO, changed_at=at, changed_by=by
        )
    )
    record_event(conn, at, by, STUDIO_MODE_ON, "the log", 0)


def _bind(conn: Connection, person: access.Person, email: str, name: str, at: datetime) -> int:
    """The id of the signed-in identity's person, bound or added now; its name, e-mail and
    time of sign-in brought up to date."""
    identity = (people.c.issuer == person.issuer) & (people.c.subject == person.subject)
    found = conn.execute(sa.select(people.c.id, people.c.email).where(identity)).first()
    holder = conn.execute(
        sa.select(people.c.id, people.c.issuer).where(people.c.email == email)
    ).first()
    if found is None and holder is not None and holder.issuer is not None:
        raise access.NotPermitted(
            f"the e-mail {email} belongs to another sign-in known to the log: nothing was "
            "recorded; ask a studio admin"
        )
    values = {"signed_in_at": at, **({"name": name} if name else {})}
    if found is not None:
        if holder is None:  # the provider's e-mail changed, to one no one else has
            values["email"] = email
        conn.execute(sa.update(people).where(people.c.id == found.id).values(**values))
        return found.id
    if holder is not None:  # named by an admin before: this sign-in is theirs
        conn.execute(
            sa.update(people)
            .where(people.c.id == holder.id)
            .values(issuer=person.issuer, subject=person.subject, **values)
        )
        return holder.id
    return conn.execute(
        sa.insert(people)
        .values(
            issuer=person.issuer, subject=person.subject, email=email, name=name,
            created_at=at, created_by="sign-in", signed_in_at=at,
        )
        .returning(people.c.id)
    ).scalar_one()  # fmt: skip


def _records(conn: Connection, ids: list[int]) -> list[PersonRecord]:
    if not ids:
        return []
    rows = conn.execute(sa.select(people).where(people.c.id.in_(ids))).all()
    grants = conn.execute(
        sa.select(
            role_grants.c.person_id,
            role_grants.c.role,
            productions.c.code,
            role_grants.c.granted_at,
            role_grants.c.granted_by,
        )
        .select_from(
            role_grants.outerjoin(productions, productions.c.id == role_grants.c.production_id)
        )
        .where(role_grants.c.person_id.in_(ids))
        .order_by(role_grants.c.role, productions.c.code)
    ).all()
    by_person: dict[int, list[Grant]] = {}
    order = {role: n for n, role in enumerate(access.role_ids())}
    for person_id, role, code, at, by in grants:
        by_person.setdefault(person_id, []).append(Grant(role, code, utc(at), by))
    found = {
        r.id: PersonRecord(
            r.id, r.email, r.name, r.issuer, r.subject,
            utc(r.signed_in_at) if r.signed_in_at else None,
            tuple(sorted(by_person.get(r.id, ()), key=lambda g: (order.get(g.role, 9), g.production or ""))),
        )
        for r in rows
    }  # fmt: skip
    return [found[i] for i in ids]
