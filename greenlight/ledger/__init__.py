"""The registries a use's answers are read against, as pure rules: the talent consent
ledger (talent). The store loads their rows and records the facts they give.

    facts = consent_facts(answers.values, "HBL-S2", day, performers, consents)
"""

from greenlight.ledger.talent import (
    ACTIVE,
    CATEGORIES,
    CONSENT_QUESTION,
    COVERS,
    EXPIRED,
    KINDS,
    MEDIA,
    MODEL_REUSE_QUESTION,
    REVOKED,
    SIGNERS,
    STATES,
    SUSPENDED,
    Consent,
    Finding,
    Need,
    Performer,
    consent_facts,
    finding,
    need_of,
)

__all__ = [
    "ACTIVE",
    "CATEGORIES",
    "CONSENT_QUESTION",
    "COVERS",
    "EXPIRED",
    "KINDS",
    "MEDIA",
    "MODEL_REUSE_QUESTION",
    "REVOKED",
    "SIGNERS",
    "STATES",
    "SUSPENDED",
    "Consent",
    "Finding",
    "Need",
    "Performer",
    "consent_facts",
    "finding",
    "need_of",
]
