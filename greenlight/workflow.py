"""The approval workflow of a logged use: statuses, allowed transitions and their guards.

Declared once here; the store enforces it, the pages draw their labels and colours from it,
and the tests are generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_APPROVAL_REF = 500
MAX_NOTE = 2000


@dataclass(frozen=True)
class Status:
    """One status of a logged use, with how the app shows it."""

    id: str
    label: str
    colour: str
    icon: str  # a Material Symbols name, as Streamlit's ":material/NAME:" takes it
    meaning: str


STATUSES: tuple[Status, ...] = (
    Status(
        "draft",
        "Draft",
        "#64748b",
        "edit_note",
        "Being written; not yet shared with the studio contact.",
    ),
    Status(
        "submitted",
        "Submitted",
        "#2563eb",
        "send",
        "Shared with the studio contact; waiting for their answer.",
    ),
    Status(
        "escalated",
        "Escalated",
        "#b45309",
        "priority_high",
        "Escalated to the studio contact, who is reviewing it; written approval may be needed.",
    ),
    Status(
        "approved",
        "Approved",
        "#15803d",
        "task_alt",
        "The studio agreed; the production may go ahead as assessed.",
    ),
    Status(
        "declined",
        "Declined",
        "#b91c1c",
        "block",
        "The studio said no; do not go ahead.",
    ),
    Status(
        "withdrawn",
        "Withdrawn",
        "#6b7280",
        "undo",
        "The production dropped the idea.",
    ),
)

# Where a new use may start (logged by hand or imported without a status).
INITIAL_STATUSES: tuple[str, ...] = ("draft", "submitted")
DEFAULT_STATUS = "draft"

# Every allowed move, from -> to. Anything not listed is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("submitted", "withdrawn"),
    "submitted": ("escalated", "approved", "declined", "withdrawn", "draft"),
    "escalated": ("approved", "declined", "withdrawn"),
    # Back to submitted: the studio re-opens its decision (or the use changed, see reopen_status).
    "approved": ("submitted", "withdrawn"),
    "declined": ("draft", "withdrawn"),
    "withdrawn": ("draft",),
}

# The studio's decisions: each covers the use as it was when decided (its version), so any
# later change of its answers or free text reopens it (see reopen_status).
DECIDED_STATUSES: tuple[str, ...] = ("approved", "declined")
# The statuses only the studio's reviewer may move a use to (the store checks who: see
# greenlight.store.access.is_decision, which also counts reopening a decision).
REVIEW_STATUSES: tuple[str, ...] = ("escalated", "approved", "declined")
# Where a decision goes back to when the use it covered changes.
REOPENED_STATUS = "submitted"
# Putting a use to the studio: the author's act, so whoever does it may not decide on it
# (unless they reopened a decision, which is itself a decision: see store.access.authored).
SUBMITTED_STATUS = "submitted"
# The decision that lets the production go ahead: it needs the studio's reference and a note.
APPROVED_STATUS = "approved"

# A use at one of these levels needs the studio's written approval reference to be approved.
APPROVAL_REF_LEVELS: tuple[str, ...] = ("approval",)

# Statuses a person still has to act on (the overview's "awaiting a decision").
OPEN_STATUSES: tuple[str, ...] = ("submitted", "escalated")

_BY_ID = {s.id: s for s in STATUSES}
_IDS = tuple(_BY_ID)


class TransitionError(ValueError):
    """A status change the workflow does not allow; str() says why and what to do instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def status(status_id: str) -> Status:
    """The declared status with this id; KeyError for an unknown one."""
    return _BY_ID[status_id]


def status_ids() -> tuple[str, ...]:
    """Every status id, in workflow order."""
    return _IDS


def _label(status_id: str) -> str:
    found = _BY_ID.get(status_id)
    return found.label if found else repr(status_id)


def _choices(ids: tuple[str, ...]) -> str:
    labels = [_label(i) for i in ids]
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def check_state(status_id: str, level: str, approval_ref: str) -> None:
    """Raise TransitionError if a use could not rest in this status at this level."""
    if status_id not in _BY_ID:
        raise TransitionError(f"unknown status {status_id!r}: use one of {', '.join(status_ids())}")
    if status_id == "approved" and level in APPROVAL_REF_LEVELS and not approval_ref.strip():
        # In words, not ids: the person reads this beside the status form.
        raise TransitionError(
            "a written-approval use needs written approval from the studio: enter the "
            "studio's approval reference before marking it Approved"
        )
    if len(approval_ref) > MAX_APPROVAL_REF:
        raise TransitionError(
            f"the approval reference is {len(approval_ref)} characters long; "
            f"keep it to {MAX_APPROVAL_REF}"
        )


def check_approval(approval_ref: str, note: str) -> None:
    """Raise TransitionError unless an approval carries the studio's reference and a note."""
    missing = []
    if not (approval_ref or "").strip():
        missing.append("the studio's approval reference")
    if not (note or "").strip():
        missing.append("a note saying what was approved")
    if missing:
        # In words, not ids: the person reads this beside the form they filled in.
        raise TransitionError(
            "Approval needs the studio's reference (the number or name of its answer) and a "
            f"note saying what was approved: enter {' and '.join(missing)}; nothing was saved"
        )


def check_move(current: str, target: str) -> None:
    """Raise TransitionError unless the workflow has a move from `current` to `target` (the
    guards of the status reached apart: see check_state)."""
    if target not in _BY_ID:
        raise TransitionError(f"unknown status {target!r}: use one of {', '.join(status_ids())}")
    if current == target:
        raise TransitionError(f"the use is already {_label(current)}")
    allowed = TRANSITIONS.get(current, ())
    if target not in allowed:
        raise TransitionError(
            f"a {_label(current)} use cannot become {_label(target)}; "
            f"from {_label(current)} it can become {_choices(allowed)}"
        )


def check_transition(current: str, target: str, *, level: str, approval_ref: str = "") -> None:
    """Raise TransitionError unless a use at `level` may move from `current` to `target`."""
    check_move(current, target)
    check_state(target, level, approval_ref)


def allowed_targets(current: str, *, level: str, approval_ref: str = "") -> tuple[str, ...]:
    """The statuses a use may move to now (guards included), in workflow order."""
    result = []
    for target in TRANSITIONS.get(current, ()):
        try:
            check_transition(current, target, level=level, approval_ref=approval_ref)
        except TransitionError:
            continue
        result.append(target)
    return tuple(result)


def reopen_status(
    current: str, old_rank: int, new_rank: int, *, content_changed: bool = False
) -> str | None:
    """The status a decided use falls back to when it changes, else None.

    A decision covers the use as it was decided: if its answers or free text change, the
    studio has to decide again, whatever the level; so it has if newer guidance makes an
    approved use riskier.
    """
    if current in DECIDED_STATUSES and content_changed:
        return REOPENED_STATUS
    if current == "approved" and new_rank > old_rank:
        return REOPENED_STATUS
    return None


def awaiting_since(
    old: str | None, new: str, since: datetime | None, now: datetime
) -> datetime | None:
    """When a use moving from status `old` (None: a new use) to `new` began to await the
    studio's decision: now if it enters an open status, `since` if it moves between open
    ones (an escalation does not restart the wait), None once it awaits nothing."""
    if new not in OPEN_STATUSES:
        return None
    if old in OPEN_STATUSES and since is not None:
        return since
    return now
