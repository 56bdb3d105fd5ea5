"""What the store hands out: frozen records, the filter of the overview, and the store's errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from greenlight.policy import FIELD_NAMES


class StoreConfigError(RuntimeError):
    """The database location is misconfigured; str() says where and how to fix it."""


class StoreError(ValueError):
    """A request the store refuses; str() says what is wrong and what to do."""


class NotFound(StoreError, LookupError):
    """No production or use with that code or id."""


class StaleUse(StoreError):
    """A write that named a version of a use it has since moved past: nothing was written.

    Carries who changed the use last and when, and the version it is at now."""

    def __init__(self, use_id: str, expected: int, version: int, by: str, at: datetime):
        self.use_id, self.expected, self.version, self.by, self.at = (
            use_id,
            expected,
            version,
            by,
            utc(at),
        )
        when = self.at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"this use was changed by {by} at {when} since you opened it: nothing was saved; "
            "look at it again"
        )


class AlreadyLogged(StoreError):
    """A form submission that was logged before: `use_id` is the use it made."""

    def __init__(self, use_id: str):
        self.use_id = use_id
        super().__init__(f"this form was already logged as use {use_id}")


class StoreBusy(StoreError):
    """Another change held the log for longer than a writer waits (WRITE_WAIT_ENV)."""


@dataclass(frozen=True)
class ImportedFile:
    """A file imported into a production, known by the SHA-256 of its bytes."""

    production: str
    sha256: str
    source_name: str
    imported_at: datetime
    imported_by: str
    uses: int


@dataclass(frozen=True)
class FileImport:
    """The file an insert_uses call takes its uses from: its SHA-256 and name, and whether
    the importer confirmed logging it again (allow_repeat)."""

    sha256: str
    source_name: str
    allow_repeat: bool = False


class RepeatedImport(StoreError):
    """The same file (the same bytes) was imported into this production before."""

    def __init__(self, previous: ImportedFile):
        when = previous.imported_at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"this file was imported into {previous.production} before, on {when} by "
            f"{previous.imported_by} ({previous.uses} uses): nothing was written; import it "
            "again only if you mean to log its uses twice"
        )
        self.previous = previous


def utc(value: datetime) -> datetime:
    """An aware UTC datetime from the naive UTC one the database stores."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def week_of(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def to_db_time(value: datetime) -> datetime:
    """The naive UTC datetime the database stores (a naive input is taken as UTC)."""
    if value.tzinfo is None:
        return value
    if value.tzinfo is UTC:  # the usual case (parsed or made by us): no conversion needed
        return value.replace(tzinfo=None)
    return value.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Production:
    """A film or series whose uses are logged together."""

    id: int
    code: str
    name: str
    created_at: datetime
    created_by: str
    is_demo: bool


@dataclass(frozen=True)
class LoggedReason:
    """A rule that fired when the use was last assessed (its text lives in the guidance)."""

    rule: str
    level: str
    section: str


@dataclass(frozen=True)
class UseRecord:
    """One logged use, as stored."""

    id: str
    production_code: str
    production_name: str
    title: str
    description: str
    department: str
    tool: str
    vendor: str
    requested_by: str
    scene: str
    use_case_type: str
    answers: Mapping[str, Any]  # the answers document; parse_answers(record.answers, guidance)
    level: str
    reasons: tuple[LoggedReason, ...]
    matrix_row: str | None
    guidance_id: str
    guidance_version: str
    previous_level: str | None
    previous_guidance_version: str | None
    status: str
    approval_ref: str
    created_at: datetime
    updated_at: datetime
    created_by: str
    updated_by: str
    archived: bool
    version: int  # grows by one with every change; name it as expected_version to write
    decided_version: int | None  # the version the standing approval or decline covers
    # When it began to await the studio's decision; None while it awaits none (schema 9).
    awaiting_since: datetime | None = None
    # What its last assessment took from the registries (the talent ledger, the tool
    # registry), in order: greenlight.policy.Fact; empty for a use that links nothing.
    facts: tuple[Any, ...] = ()

    @property
    def fields(self) -> dict[str, str]:
        """The free-text fields by name, title first (the order of answers.FIELDS)."""
        return {name: getattr(self, name) for name in FIELD_NAMES}

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(reason.rule for reason in self.reasons)


@dataclass(frozen=True)
class UseSummary:
    """One row of the log table: what a listing shows, without the answers."""

    id: str
    production_code: str
    title: str
    department: str
    tool: str
    vendor: str
    requested_by: str
    scene: str
    use_case_type: str
    level: str
    matrix_row: str | None
    status: str
    approval_ref: str
    created_at: datetime
    updated_at: datetime
    archived: bool


SUMMARY_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(UseSummary))


@dataclass(frozen=True)
class UsePage:
    """One page of a listing and the number of uses that match the filter in all."""

    rows: tuple[UseSummary, ...]
    total: int
    offset: int
    limit: int

    def to_frame(self):
        """The rows as a pandas DataFrame (columns: SUMMARY_COLUMNS)."""
        import pandas as pd

        return pd.DataFrame([r.__dict__ for r in self.rows], columns=list(SUMMARY_COLUMNS))


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of a use: when, who, which field, from what, to what, and why."""

    id: int
    use_id: str
    at: datetime
    actor: str
    field: str
    old: str | None
    new: str | None
    note: str
    version: int | None = None  # the version of the use it was made on (0: the creation)
    # Who made it (store.access.ACTOR_KINDS): "local" (a typed name, not verified),
    # "person" (signed in: person_id), "administrator" (the command line) or "system".
    actor_kind: str = "local"
    person_id: int | None = None


@dataclass(frozen=True)
class LogEvent:
    """Something that happened to the log as a whole (the demo seeded or removed): when,
    who, what, to which productions, and how many uses."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    uses: int
    note: str


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class UseFilter:
    """Which uses a query covers. Empty tuples mean "all"; dates are UTC days, inclusive.

    Hashable, so it can key a cache; lists given for the tuple fields are turned into tuples.
    """

    productions: tuple[str, ...] = ()  # production codes
    date_from: date | None = None
    date_to: date | None = None
    departments: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    use_case_types: tuple[str, ...] = ()
    text: str = ""  # searched in title, description, tool and vendor, ignoring case
    # Uses whose last assessment fired any of these rules (rule ids).
    reasons: tuple[str, ...] = ()
    # Uses with any of these principles not answered clearly, each "question_id:answer"
    # (the answer as counted, defaults applied: what the overview's principles chart counts).
    principles: tuple[str, ...] = ()
    archived: bool | None = False  # False: the live log; True: only archived; None: both
    # With no production chosen, leave the demo productions' sample uses out of "all".
    without_demo: bool = False

    def __post_init__(self) -> None:
        for name in (
            "productions",
            "departments",
            "statuses",
            "levels",
            "use_case_types",
            "reasons",
            "principles",
        ):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if isinstance(value, datetime):
                object.__setattr__(self, name, value.date())
        object.__setattr__(self, "text", (self.text or "").strip())


@dataclass(frozen=True)
class ReassessResult:
    """What re-assessing a log under a guidance version did."""

    checked: int  # uses re-assessed
    level_changed: int  # of those, how many changed level
    reopened: int  # approved uses sent back to submitted because their level rose
    problems: tuple[str, ...] = ()  # uses whose answers the guidance no longer accepts (skipped)
    raised: int = 0  # of those, how many rose to a more serious level
    unreadable: tuple[str, ...] = ()  # the ids of the uses behind `problems`, in id order


@dataclass(frozen=True)
class NewUse:
    """A use ready to insert: parsed answers with their assessment, and its workflow state."""

    answers: Any  # greenlight.answers.Answers
    assessment: Any  # greenlight.engine.Assessment
    id: str | None = None
    status: str = "draft"
    approval_ref: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    note: str = ""  # the note of the "created" history row
    # The path from draft to `status`, as (when, status, note) steps, each one a transition
    # the workflow allows; empty: the use starts in `status` (as an import does).
    steps: tuple[tuple[datetime, str, str], ...] = ()
    submission: str | None = None  # the token of the form that logged it (AlreadyLogged)


@dataclass(frozen=True)
class NewUses:
    """Uses ready to insert, column by column (what UseCaseStore.insert_uses writes): every
    list holds one value per use, in order, as NewUse's fields do for one use.

    `assessed` holds each distinct (answers, assessment) pair once and `assessed_of` names
    each use's; the free text of a use is in `text` (by field name, title included), not in
    its Answers, which stand for the answers alone.
    """

    assessed: list[tuple[Any, Any]]
    assessed_of: list[int]
    text: dict[str, list[str]]
    ids: list[str | None]
    status: list[str]
    approval_ref: list[str]
    created_at: list[datetime | None]
    updated_at: list[datetime | None]
    note: list[str]
    steps: list[tuple[tuple[datetime, str, str], ...]]
    submission: list[str | None] | None = None  # None: no use has a form token

    def __len__(self) -> int:
        return len(self.assessed_of)

    @classmethod
    def of(cls, items: Sequence[NewUse]) -> NewUses:
        """The columns of these uses. Uses whose answers share their values and whose
        assessment is the same object (the engine's memo and the CSV import hand out such)
        stand once in `assessed`."""
        index: dict[tuple[int, ...], int] = {}
        assessed: list[tuple[Any, Any]] = []
        assessed_of = []
        for item in items:
            answers = item.answers
            # The links too: answers.with_links shares the values of the answers it came from.
            links = id(getattr(answers, "links", None))
            key = (id(answers.values), id(answers.provided), id(item.assessment), links)
            if key not in index:
                index[key] = len(assessed)
                assessed.append((item.answers, item.assessment))
            assessed_of.append(index[key])
        submissions = [item.submission for item in items]
        text = {"title": [item.answers.title for item in items]}
        for name in FIELD_NAMES[1:]:
            text[name] = [item.answers.fields.get(name, "") for item in items]
        return cls(
            assessed=assessed,
            assessed_of=assessed_of,
            text=text,
            ids=[item.id for item in items],
            status=[item.status for item in items],
            approval_ref=[item.approval_ref for item in items],
            created_at=[item.created_at for item in items],
            updated_at=[item.updated_at for item in items],
            note=[item.note for item in items],
            steps=[item.steps for item in items],
            submission=None if all(s is None for s in submissions) else submissions,
        )
