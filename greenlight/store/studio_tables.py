"""The studio's tables: people and their roles, the log's settings (schema 8), and the outbox
of notification e-mails (schema 10), in `tables.metadata` beside the log's own tables.

greenlight.store.access and .people read and write the people and roles; .outbox the outbox.
Whatever creates or copies every table (migrations, backup) imports this module too.
"""

from __future__ import annotations

import sqlalchemy as sa

from greenlight.store.tables import ID_LENGTH, NAME_LENGTH, _BigId, metadata

EMAIL_LENGTH = 320
# A person as their identity provider knows them: (issuer, subject) is who they are; the
# e-mail is how an admin names them before their first sign-in (issuer and subject are
# empty until then) and is unique, lower-cased.
people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("issuer", sa.String(500), nullable=True),
    sa.Column("subject", sa.String(255), nullable=True),
    sa.Column("email", sa.String(EMAIL_LENGTH), nullable=False, unique=True),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("signed_in_at", sa.DateTime, nullable=True),
    sa.UniqueConstraint("issuer", "subject"),
)

# One role of one person: studio-wide (production_id empty) for a studio admin, for one
# production for the others. Removing a production (the demo) removes its grants.
role_grants = sa.Table(
    "role_grants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "person_id", sa.Integer, sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column(
        "production_id",
        sa.Integer,
        sa.ForeignKey("productions.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("granted_at", sa.DateTime, nullable=False),
    sa.Column("granted_by", sa.String(NAME_LENGTH), nullable=False),
)
# A role once per person and production: a unique index treats every empty production_id
# as distinct, so studio-wide roles have a partial index of their own.
ROLE_ONCE = sa.Index(
    "ux_role_grants_once",
    role_grants.c.person_id,
    role_grants.c.role,
    role_grants.c.production_id,
    unique=True,
    info={"where": role_grants.c.production_id.is_not(None)},
)
STUDIO_ROLE_ONCE = sa.Index(
    "ux_role_grants_studio_once",
    role_grants.c.person_id,
    role_grants.c.role,
    unique=True,
    info={"where": role_grants.c.production_id.is_(None)},
)
# A production's people (the scope of a member's reads, a lead's members).
ROLE_BY_PRODUCTION = sa.Index("ix_role_grants_production", role_grants.c.production_id)

# Settings of the log as a whole, by name: "mode" is "studio" once studio mode is on (no
# row: a local, one-person log).
log_settings = sa.Table(
    "log_settings",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("changed_by", sa.String(NAME_LENGTH), nullable=False),
)

# --- schema 10: the outbox ------------------------------------------------------------------

# One notification e-mail: written in the transaction of the change that calls for it, then
# claimed by a sender and marked sent or failed (greenlight.store.outbox).
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),  # notify.NOTICE_KINDS
    sa.Column(
        "use_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("uses.id", ondelete="CASCADE"),
        nullable=False,
    ),  # fmt: skip
    sa.Column("recipient", sa.String(EMAIL_LENGTH), nullable=False),
    # What the e-mail says, as it was when the change was made.
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("level", sa.String(32), nullable=False),
    sa.Column("production", sa.Text, nullable=False),
    sa.Column("decision", sa.String(32), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("tried_at", sa.DateTime, nullable=True),
    sa.Column("error", sa.Text, nullable=False),
    sa.Index("ix_outbox_state", "state", "id"),
)
