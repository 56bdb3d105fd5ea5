"""Who may do what in the log: its two modes, the roles, who acts, and the checks every read
and write of UseCaseStore makes inside its own transaction.

*Local mode* (a log where no studio admin was ever named; the default): one person on one
machine. A write carries a name typed by whoever makes it, and its history rows are marked as
local, unverified entries; reads are not scoped.

*Studio mode* (on from the moment a studio admin is named, from the command line or by
GREENLIGHT_FIRST_ADMIN at their first sign-in; recorded in the log itself and never turned
off by the app): every write is made by a signed-in `Person` or by the command line as the
`LocalAdministrator`, and a typed name is refused; every read names its viewer and sees only
the productions the viewer has a role in. The mode lives in the database rather than in one
app server's configuration, so every process that opens the log (each app server, the CLI,
a script) is held to the same rules, and a server started without sign-in cannot open a
studio's log to anonymous visitors.

A person's roles are read in the transaction of the call that needs them, so a grant or a
revocation takes effect at that person's next call. Roles and what each allows are
declared once, in ROLES and ACTIONS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight import workflow
from greenlight.store.records import StoreError, UseFilter
from greenlight.store.rows import clean_actor
from greenlight.store.studio_tables import log_settings, people, role_grants
from greenlight.store.tables import productions, use_history

LOCAL, PERSON, ADMINISTRATOR, SYSTEM = "local", "person", "administrator", "system"
# What each kind of history row says of its actor, for history views.
ACTOR_KINDS: dict[str, str] = {
    LOCAL: "typed name, not verified (local mode)",
    PERSON: "signed-in person",
    ADMINISTRATOR: "command line, as the local administrator",
    SYSTEM: "Greenlight itself",
}
MODE_SETTING, STUDIO = "mode", "studio"


@dataclass(frozen=True)
class Role:
    """One role a person may hold: studio-wide, or for one production."""

    id: str
    label: str
    studio_wide: bool
    meaning: str


ROLES: tuple[Role, ...] = (
    Role(
        "admin",
        "Studio admin",
        True,
        "Manages productions, people and roles and the guidance version in use; sees every "
        "production and may decide on any use but their own.",
    ),
    Role(
        "reviewer",
        "Studio reviewer",
        False,
        "Decides (escalates, approves, declines) the production's uses, never one they wrote.",
    ),
    Role(
        "lead",
        "Production lead",
        False,
        "Manages the production's members; assesses, logs and submits its uses.",
    ),
    Role("member", "Production member", False, "Assesses, logs and submits the production's uses."),
)
ROLES_BY_ID = {role.id: role for role in ROLES}
ADMIN = "admin"


@dataclass(frozen=True)
class Action:
    """Something done to a production's uses, and the per-production roles that allow it
    (a studio admin may do every action)."""

    words: str  # "<name> may not <words> <production>"
    roles: tuple[str, ...]


ACTIONS: dict[str, Action] = {
    "see": Action("see the uses of", ("reviewer", "lead", "member")),
    "work": Action("log, change, submit or archive uses of", ("lead", "member")),
    "decide": Action("escalate, approve or decline uses of", ("reviewer",)),
    "members": Action("manage the members of", ("lead",)),
    # Consents and their evidence are personal data: members see performers' names and ids
    # and a use's consent state only (UseCaseStore's performer_picker, consent_state).
    "talent": Action(
        "see or change the talent ledger (performers, consents, evidence) of", ("lead", "reviewer")
    ),
    "admin": Action("manage productions, people, roles and the guidance version of", ()),
    "tools": Action("register or review the tools of", ("lead", "reviewer")),
}


class NotPermitted(StoreError):
    """A read or a write the person's roles (or the log's mode) do not allow; nothing was
    written, and str() says who may do it instead."""


@dataclass(frozen=True)
class Person:
    """A signed-in person as their identity provider names them. Only the sign-in step
    makes one, from the provider's verified claims; the store trusts it as given."""

    issuer: str
    subject: str
    email: str = ""
    name: str = ""


@dataclass(frozen=True)
class LocalAdministrator:
    """The command line, run by `login` on a machine that holds the log: it may do what a
    studio admin may, but never take a decision in studio mode (a decision names a person)."""

    login: str

    @property
    def label(self) -> str:
        """How history and the record of role changes name it."""
        return f"cli:{self.login} (local administrator)"


# Who makes a call: a typed name (local mode), a signed-in Person, or the command line.
Actor = str | Person | LocalAdministrator


@dataclass(frozen=True)
class Acting:
    """Who a call is made by, as read in its transaction: kind, recorded name, person, the
    log's mode and their roles ((role, production_id) pairs; the admin flag apart)."""

    kind: str
    name: str
    person_id: int | None = None
    studio: bool = False
    admin: bool = False
    roles: frozenset[tuple[str, int]] = frozenset()

    @property
    def sees_all(self) -> bool:
        """Whether every production is visible to it (no scope on its reads)."""
        return self.admin or self.kind != PERSON

    def may(self, action: str, production_id: int) -> bool:
        """Whether it may take `action` (ACTIONS) on the production with this id."""
        if action == "decide" and self.studio and self.kind != PERSON:
            return False  # a decision in studio mode names the person who took it
        if self.sees_all:
            return True
        return any((role, production_id) in self.roles for role in ACTIONS[action].roles)

    def productions(self) -> frozenset[int]:
        """The ids of the productions it has any role in."""
        return frozenset(production_id for _, production_id in self.roles)


# Built once: every read and write of the log runs one or both.
_MODE = sa.select(log_settings.c.value).where(log_settings.c.name == MODE_SETTING)
_PERSON_GRANTS = (
    sa.select(
        people.c.id, people.c.name, people.c.email, role_grants.c.role, role_grants.c.production_id
    )
    .select_from(people.outerjoin(role_grants, role_grants.c.person_id == people.c.id))
    .where(people.c.issuer == sa.bindparam("issuer"), people.c.subject == sa.bindparam("subject"))
)


def studio_mode(conn: Connection) -> bool:
    """Whether the log is in studio mode (a studio admin was named once)."""
    return conn.execute(_MODE).scalar() == STUDIO


def _refuse_typed_name(reading: bool) -> NotPermitted:
    if reading:
        return NotPermitted("this log is in studio mode: sign in to see its productions and uses")
    return NotPermitted(
        "this log is in studio mode: every change is made by a signed-in person, and a typed "
        "name is not accepted; sign in (the command line acts as the local administrator)"
    )


def acting(conn: Connection, actor: Actor | None, *, reading: bool = False) -> Acting:
    """Who `actor` is in this transaction; NotPermitted for a typed name (or no one, for a
    read) in studio mode. A person unknown to the log acts with no roles."""
    studio = studio_mode(conn)
    if isinstance(actor, Person):
        return _person(conn, actor, studio)
    if isinstance(actor, LocalAdministrator):
        return Acting(ADMINISTRATOR, clean_actor(actor.label), studio=studio)
    if studio:
        raise _refuse_typed_name(reading)
    return Acting(LOCAL, (actor or "") if reading else clean_actor(actor or ""))


def _person(conn: Connection, person: Person, studio: bool) -> Acting:
    rows = conn.execute(_PERSON_GRANTS, {"issuer": person.issuer, "subject": person.subject})
    rows = rows.all()
    if not rows:
        return Acting(PERSON, clean_actor(person.name or person.email or person.subject))
    found = rows[0]
    grants = [(row.role, row.production_id) for row in rows if row.role is not None]
    return Acting(
        PERSON,
        clean_actor(found.name or found.email),
        person_id=found.id,
        studio=studio,
        admin=any(role == ADMIN for role, _ in grants),
        roles=frozenset((role, pid) for role, pid in grants if pid is not None),
    )


def _who_may(action: str, code: str) -> str:
    roles = [ROLES_BY_ID[role].label.lower() for role in ACTIONS[action].roles]
    holders = " or ".join([*(f"a {label} of {code}" for label in roles), "a studio admin"])
    return f"only {holders} may"


def require(who: Acting, action: str, production_id: int, code: str) -> None:
    """NotPermitted unless `who` may take `action` on the production (id and code)."""
    if who.may(action, production_id):
        return
    if action == "decide" and who.kind != PERSON:
        raise NotPermitted(
            f"{who.name} may not {ACTIONS[action].words} {code}: in studio mode a decision is "
            "taken by a signed-in studio reviewer (or studio admin), so that it names them"
        )
    raise NotPermitted(
        f"{who.name} may not {ACTIONS[action].words} {code}: {_who_may(action, code)}; "
        "ask a studio admin for the role"
    )


def require_admin(who: Acting, doing: str) -> None:
    """NotPermitted unless `who` may act as a studio admin (`doing`: what it tried)."""
    if who.kind == PERSON and not who.admin:
        raise NotPermitted(f"{who.name} may not {doing}: only a studio admin may")


# The history fields whose change is not authorship: the workflow, the studio's reference,
# archiving and what a re-assessment under new guidance moves. Any other field (created,
# the free text, an answer) is the use's content.
NOT_AUTHORSHIP = ("status", "approval_ref", "archived", "level", "guidance_id", "guidance_version")


def check_decision(conn: Connection, who: Acting, use: dict, expected_version: int | None) -> None:
    """NotPermitted unless `who` may decide on this use (its locked row, with its
    production's code): a reviewer of its production (or a studio admin) who never wrote
    any of its content nor submitted it (see authored); in studio mode the decision must name the version it was taken on."""
    require(who, "decide", use["production_id"], use["production_code"])
    if who.person_id is not None and authored(conn, use["id"], who.person_id):
        raise NotPermitted(
            f"{who.name} created, changed or submitted this use, so may not escalate, approve "
            "or decline it: another reviewer of its production decides"
        )
    if who.studio and expected_version is None:
        raise StoreError(
            "a decision names the version of the use it was taken on (expected_version): "
            "nothing was saved"
        )


# Submitting (or re-submitting) a use puts it to the studio: the author's act, so it counts
# as authorship; reopening a decision (approved or declined back to submitted) is itself a
# decision, and a reviewer's own decisions never keep them from the next one.
_SUBMITTED = (
    (use_history.c.field == "status")
    & (use_history.c.new_value == workflow.SUBMITTED_STATUS)
    & sa.func.coalesce(use_history.c.old_value, "").not_in(workflow.DECIDED_STATUSES)
)


def authored(conn: Connection, use_id: str, person_id: int) -> bool:
    """Whether this person created the use, changed any of its content, or submitted it."""
    query = (
        sa.select(use_history.c.id)
        .where(
            use_history.c.use_id == use_id,
            use_history.c.person_id == person_id,
            use_history.c.field.not_in(NOT_AUTHORSHIP) | _SUBMITTED,
        )
        .limit(1)
    )
    return conn.execute(query).first() is not None


def is_decision(current: str, target: str) -> bool:
    """Whether moving a use from `current` to `target` is the studio's decision: escalating,
    approving, declining, or reopening a decision (approved or declined back to submitted)."""
    reopening = current in workflow.DECIDED_STATUSES and target == workflow.REOPENED_STATUS
    return target in workflow.REVIEW_STATUSES or reopening


# A production code no production has (codes start with a letter or digit): a filter on it
# matches nothing, with the shape of any other result.
_NO_PRODUCTION = ""


def scoped(conn: Connection, who: Acting, f: UseFilter) -> UseFilter:
    """The filter narrowed to the productions `who` may see (unchanged for one who sees all)."""
    if who.sees_all:
        return f
    visible = visible_codes(conn, who)
    wanted = [code for code in f.productions if code in visible] if f.productions else visible
    return replace(f, productions=tuple(wanted) or (_NO_PRODUCTION,))


def visible_codes(conn: Connection, who: Acting) -> list[str]:
    """The codes of the productions `who` has a role in, in code order."""
    ids = sorted(who.productions())
    if not ids:
        return []
    query = sa.select(productions.c.code).where(productions.c.id.in_(ids))
    return list(conn.execute(query.order_by(productions.c.code)).scalars())


# The roles a production lead may grant and revoke in the productions they lead.
LEAD_MANAGES = ("member",)


def lead_may_manage(role: str, production, led) -> bool:
    """Whether a production lead of the productions `led` may grant or revoke `role` in
    `production` (ids or codes, the same in both); a studio admin may manage every role."""
    return role in LEAD_MANAGES and production is not None and production in led


def role_words(role: str, code: str | None) -> str:
    """A role as a sentence names it: "Studio admin", "Production member of LHK-S1"."""
    label = ROLES_BY_ID[role].label if role in ROLES_BY_ID else role
    return label if code is None else f"{label} of {code}"


def known_role(role: str, code: str | None) -> Role:
    """The declared role `role`; StoreError for an unknown one, or a production given to a
    studio-wide role or missing from another."""
    found = ROLES_BY_ID.get(role)
    if found is None:
        raise StoreError(f"unknown role {role!r}: use one of {', '.join(ROLES_BY_ID)}")
    if found.studio_wide and code:
        raise StoreError(f"{found.label} is studio-wide: give no production")
    if not found.studio_wide and not code:
        raise StoreError(f"{found.label} is a role in one production: name the production")
    return found


def role_ids() -> Sequence[str]:
    """Every role id, the studio-wide one first."""
    return tuple(ROLES_BY_ID)
