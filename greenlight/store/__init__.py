"""The use-case log in a database (SQLite by default, PostgreSQL for a studio).

`UseCaseStore` is the one way in: every write assesses its answers with the Engine it is
given, checks the workflow, writes history and keeps the tallies, in one transaction.

    store = UseCaseStore(url)   # None: $GREENLIGHT_DATABASE_URL, secrets.toml, data/greenlight.db
    store.log_use(code, answers, engine, actor="Sam Rivera", submission=form_token)
    store.set_status(use_id, "approved", actor="Ana Ortiz", expected_version=record.version)

Who acts and who reads is checked here too (store.access): on a local log, a typed name;
on a studio log, a signed-in Person (or the command line's LocalAdministrator), whose roles
decide what they see and may change (NotPermitted otherwise):

    store.grant("ana@studio.example", "reviewer", "LHK-S1", actor=LocalAdministrator("sam"))
    store.set_status(use_id, "approved", actor=ana, approval_ref="WA-1", expected_version=3)
    store.counts_by_level(f, viewer=ana)   # only the productions Ana has a role in
    store.review_desk(ana, overdue_before=cutoff)   # what waits for Ana's decision

A change that someone should hear of (a use submitted or escalated, a decision taken) writes
its notification e-mails to the outbox in the same transaction; whoever sends them takes them
with claim_notices and records each one sent or failed with mark_notices.

The talent consent ledger (performers, consents, their evidence) is kept here too, seen and
changed by a production's lead and reviewers and studio admins; a use naming performers is
assessed with what the ledger says (greenlight.ledger's rules, registry_facts):

    jane = store.add_performer("HBL-S1", "Jane Roe", actor=lee)          # P-1
    store.add_consent(jane.id, actor=lee, covers="likeness", kind="employment_based",
                      description="...", productions="HBL-S1", media="final",
                      signed_on="2026-06-01", evidence=[NewEvidence("rider.pdf", stream)])
    store.revoke_consent("C-1", note="withdrawn", actor=ada, engine=engine)  # reopens uses
The tool and vendor registry (store.tools) registers tools and vendors' workflows; a use
naming them in its answers' `tools:` is assessed with their facts, and a review re-assesses
exactly the uses of the tool:

    tool = store.add_tool("Studio Firefly", "enterprise", actor=ana, vendor="Adobe")
    store.review_tool(tool.id, engine, actor=ana, state="not_allowed", state_note="terms")
    store.tools_due(viewer=ana)        # reviews due within GREENLIGHT_TOOL_REVIEW_DUE_DAYS

A write that names the version its person was shown is refused with StaleUse when the use
has moved on; a form token logged before is refused with AlreadyLogged.
"""

from greenlight.store.access import (
    ACTOR_KINDS,
    ROLES,
    Actor,
    LocalAdministrator,
    NotPermitted,
    Person,
    Role,
    is_decision,
)
from greenlight.store.attention import PRODUCTION_COLUMNS, AwaitingUse
from greenlight.store.database import (
    URL_ENV,
    StoreConfigError,
    get_engine,
    paused_gc,
    resolve_database_url,
)
from greenlight.store.db_errors import DatabaseTrouble, explain
from greenlight.store.desk import DESK_PAGE, Desk, DeskItem
from greenlight.store.events import DEMO_REMOVED, DEMO_SEEDED
from greenlight.store.evidence import OWNER_CHECKS, Evidence, EvidenceView
from greenlight.store.evidence_files import MAX_MB_ENV as EVIDENCE_MAX_MB_ENV
from greenlight.store.evidence_files import max_bytes as evidence_max_bytes
from greenlight.store.history import Change
from greenlight.store.migrations import SCHEMA_VERSION, SchemaError, ensure_schema, schema_version
from greenlight.store.outbox import OutboxNotice, OutboxState
from greenlight.store.people import FIRST_ADMIN_ENV, Grant, PersonRecord
from greenlight.store.queries import ALL_USES, EXPORT_EXTRAS
from greenlight.store.records import (
    AlreadyLogged,
    FileImport,
    HistoryEntry,
    ImportedFile,
    LogEvent,
    LoggedReason,
    NewUse,
    NewUses,
    NotFound,
    Production,
    ReassessResult,
    RepeatedImport,
    StaleUse,
    StoreBusy,
    StoreError,
    UseFilter,
    UsePage,
    UseRecord,
    UseSummary,
)
from greenlight.store.rows import USE_ID_PATTERN, Progress, now_utc
from greenlight.store.talent.changes import (
    EXPIRY_DAYS_ENV as CONSENT_EXPIRY_DAYS_ENV,
)
from greenlight.store.talent.changes import (
    ExpiringConsent,
    RelyingUse,
    SweepResult,
)
from greenlight.store.talent.ledger import NewEvidence, PerformerName
from greenlight.store.tools import (
    REVIEW_DUE_DAYS_ENV,
    REVIEW_MONTHS_ENV,
    RegistryChoice,
    ToolChange,
    ToolRecord,
    ToolReview,
    ToolUses,
    review_due_days,
    review_months,
)
from greenlight.store.use_case_store import UseCaseStore
from greenlight.workflow import TransitionError

__all__ = [
    "ACTOR_KINDS",
    "CONSENT_EXPIRY_DAYS_ENV",
    "ExpiringConsent",
    "PerformerName",
    "RelyingUse",
    "SweepResult",
    "DESK_PAGE",
    "Desk",
    "DeskItem",
    "OutboxNotice",
    "OutboxState",
    "ALL_USES",
    "FIRST_ADMIN_ENV",
    "ROLES",
    "Actor",
    "Grant",
    "LocalAdministrator",
    "NotPermitted",
    "Person",
    "PersonRecord",
    "Role",
    "DEMO_REMOVED",
    "DEMO_SEEDED",
    "EVIDENCE_MAX_MB_ENV",
    "Evidence",
    "EvidenceView",
    "OWNER_CHECKS",
    "EXPORT_EXTRAS",
    "PRODUCTION_COLUMNS",
    "SCHEMA_VERSION",
    "URL_ENV",
    "USE_ID_PATTERN",
    "AlreadyLogged",
    "AwaitingUse",
    "Change",
    "FileImport",
    "ImportedFile",
    "HistoryEntry",
    "LogEvent",
    "LoggedReason",
    "NewUse",
    "NewUses",
    "NewEvidence",
    "NotFound",
    "Production",
    "Progress",
    "ReassessResult",
    "RepeatedImport",
    "SchemaError",
    "StaleUse",
    "StoreBusy",
    "StoreConfigError",
    "StoreError",
    "TransitionError",
    "DatabaseTrouble",
    "UseCaseStore",
    "REVIEW_DUE_DAYS_ENV",
    "REVIEW_MONTHS_ENV",
    "RegistryChoice",
    "ToolChange",
    "ToolRecord",
    "ToolReview",
    "ToolUses",
    "UseFilter",
    "UsePage",
    "UseRecord",
    "UseSummary",
    "ensure_schema",
    "evidence_max_bytes",
    "is_decision",
    "explain",
    "get_engine",
    "now_utc",
    "paused_gc",
    "resolve_database_url",
    "review_due_days",
    "review_months",
    "schema_version",
]
