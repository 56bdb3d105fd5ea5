"""Schema 11: the talent consent ledger (performers, their consents, the uses that name them
and the facts an assessment took from the ledger) and the evidence store, in `tables.metadata`
beside the log's own tables.

Evidence lives in the database rather than in a folder beside it: one backup (the existing
backup command) covers it, the same access checks hold on SQLite and PostgreSQL, and no file
name ever becomes a path. A file is stored once by its SHA-256 however many links name it.
"""

from __future__ import annotations

import sqlalchemy as sa

from greenlight.store.tables import CODE_LENGTH, ID_LENGTH, NAME_LENGTH, _BigId, metadata

SHA256_LENGTH = 64
_LIST = 200  # a vocabulary list joined by ";" (covers, media)

# A performer, working on one or more productions (performer_productions).
performers = sa.Table(
    "performers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("category", sa.String(32), nullable=False),  # ledger.CATEGORIES
    sa.Column("union_name", sa.String(NAME_LENGTH), nullable=False),  # "" for none
    sa.Column("minor", sa.Boolean, nullable=False),
    sa.Column("deceased", sa.Boolean, nullable=False),
    # The estate or authorised representative of a deceased performer, and their contact.
    sa.Column("estate", sa.Text, nullable=False),
    sa.Column("representative", sa.Text, nullable=False),  # agent or representative
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME_LENGTH), nullable=False),
)

performer_productions = sa.Table(
    "performer_productions",
    metadata,
    sa.Column(
        "performer_id",
        sa.Integer,
        sa.ForeignKey("performers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "production_id",
        sa.Integer,
        sa.ForeignKey("productions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Index("ix_performer_productions_production", "production_id", "performer_id"),
)

# One consent of one performer. The productions it covers are codes (consent_productions):
# a consent may name a season not yet in the log.
consents = sa.Table(
    "consents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "performer_id",
        sa.Integer,
        sa.ForeignKey("performers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("covers", sa.String(_LIST), nullable=False),  # ledger.COVERS joined by ";"
    sa.Column("kind", sa.String(32), nullable=False),  # ledger.KINDS
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("media", sa.String(_LIST), nullable=False),  # ledger.MEDIA joined by ";"
    sa.Column("signed_on", sa.Date, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("expires_on", sa.Date, nullable=True),
    sa.Column("signed_by", sa.String(32), nullable=False),  # ledger.SIGNERS
    sa.Column("counsel", sa.Boolean, nullable=False),  # represented by counsel or a union
    sa.Column("scan_notice_on", sa.Date, nullable=True),
    sa.Column("compensation", sa.Boolean, nullable=False),
    sa.Column("compensation_note", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # ledger.STATES (expired is derived)
    sa.Column("state_on", sa.Date, nullable=True),  # when it was suspended or revoked
    sa.Column("state_note", sa.Text, nullable=False),
    sa.Column("state_by", sa.String(NAME_LENGTH), nullable=True),  # who last changed it
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME_LENGTH), nullable=False),
    # The consent check reads a use's performers' consents, and the sweep those expiring.
    sa.Index("ix_consents_performer", "performer_id"),
    sa.Index("ix_consents_expires_on", "expires_on"),
)

consent_productions = sa.Table(
    "consent_productions",
    metadata,
    sa.Column(
        "consent_id",
        sa.Integer,
        sa.ForeignKey("consents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("production_code", sa.String(CODE_LENGTH), primary_key=True),
)

# The performers a use names (its answers' `performers:` list), kept on each write.
use_performers = sa.Table(
    "use_performers",
    metadata,
    sa.Column(
        "use_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("uses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "performer_id",
        sa.Integer,
        sa.ForeignKey("performers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Index("ix_use_performers_performer", "performer_id", "use_id"),
)

# The facts a registry gave the use's last assessment, in order ("answered from the ledger").
use_facts = sa.Table(
    "use_facts",
    metadata,
    sa.Column(
        "use_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("uses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("question_id", sa.String(100), nullable=False),
    sa.Column("answer", sa.Text, nullable=False),  # JSON: true, false or a string
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("subject", sa.String(100), nullable=False),
)

# --- the evidence store ---------------------------------------------------------------------

# A file's bytes, once, by their SHA-256; never deleted or replaced.
evidence_files = sa.Table(
    "evidence_files",
    metadata,
    sa.Column("sha256", sa.String(SHA256_LENGTH), primary_key=True),
    sa.Column("media_type", sa.String(64), nullable=False),  # from the content, not the name
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("first_stored_at", sa.DateTime, nullable=False),
    sa.Column("first_stored_by", sa.String(NAME_LENGTH), nullable=False),
)

# A file attached to what it proves: a consent, a use or a tool. The name is display text.
evidence_links = sa.Table(
    "evidence_links",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column(
        "sha256", sa.String(SHA256_LENGTH), sa.ForeignKey("evidence_files.sha256"), nullable=False
    ),  # fmt: skip
    sa.Column("owner_kind", sa.String(16), nullable=False),
    sa.Column("owner_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("added_at", sa.DateTime, nullable=False),
    sa.Column("added_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Index("ix_evidence_links_owner", "owner_kind", "owner_id"),
)

# Every read of a file's bytes: who, when, which link.
evidence_views = sa.Table(
    "evidence_views",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column("link_id", _BigId, sa.ForeignKey("evidence_links.id"), nullable=False),
    sa.Column("viewer", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Index("ix_evidence_views_link", "link_id", "at"),
)

TALENT_TABLES = (
    performers,
    performer_productions,
    consents,
    consent_productions,
    use_performers,
    use_facts,
    evidence_files,
    evidence_links,
    evidence_views,
)
