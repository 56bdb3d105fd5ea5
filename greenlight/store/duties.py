"""The segregation of duties on the writes that could pass for a decision or rewrite when
something happened: new uses that arrive already decided or with the studio's reference,
and history dated by the caller. (Who may decide on a logged use: access.check_decision.)"""

from __future__ import annotations

from datetime import datetime

from greenlight import workflow
from greenlight.store.access import ADMINISTRATOR, PERSON, Acting, NotPermitted, is_decision
from greenlight.store.records import NewUses
from greenlight.workflow import TransitionError


def _words(status: str) -> str:
    """A status as a person reads it (its label; an unknown id quoted)."""
    return workflow.status(status).label if status in workflow.status_ids() else repr(status)


def _decision_steps(steps) -> list[str]:
    """The labels of the decisions among a new use's steps (its path from draft)."""
    found, status = [], workflow.DEFAULT_STATUS
    for _, target, _ in steps:
        if is_decision(status, target):
            found.append(_words(target))
        status = target
    return found


def _beyond_work(batch: NewUses) -> list[str]:
    """What in these new uses only the studio's decision could bring about, in words: a
    status past draft or submitted with no steps, decisions among the steps, approval
    references. Empty when each could have been logged and submitted by its author."""
    found: list[str] = []
    statuses = set(batch.status)
    if not statuses <= set(workflow.INITIAL_STATUSES):
        bare = sorted(
            {
                status
                for status, steps in zip(batch.status, batch.steps, strict=True)
                if status not in workflow.INITIAL_STATUSES and not steps
            }
        )
        if bare:
            found.append(f"as {' or '.join(map(_words, bare))}")
    if any(batch.steps):
        decided = sorted({label for steps in batch.steps for label in _decision_steps(steps)})
        if decided:
            found.append(f"with a decision in its history ({', '.join(decided)})")
    if any(ref.strip() for ref in batch.approval_ref):
        found.append("with an approval reference")
    return found


def check_new_uses(who: Acting, production_id: int, code: str, batch: NewUses) -> None:
    """NotPermitted unless `who` may log these uses as they come: anyone who may work on the
    production logs a use as draft or submitted (its path there in steps, if any); a status
    past that, a decision among its steps or the studio's reference is the studio's decision,
    which only one who may decide on the production and is not the use's author takes (on a
    local log, the typed name or the command line; in studio mode no one, since whoever logs
    a use is its author). TransitionError for an approval step without the studio's
    reference or a note. Nothing is written on any of these."""
    beyond = _beyond_work(batch)
    if not beyond:
        return
    if who.kind == PERSON or not who.may("decide", production_id):
        raise NotPermitted(
            f"{who.name} may not log a use of {code} {' and '.join(beyond)}: a new use starts "
            "as Draft or Submitted, and escalating, approving or declining it (with the "
            "studio's reference) is for a studio reviewer of the production who did not write "
            "it; nothing was written"
        )
    for ref, steps in zip(batch.approval_ref, batch.steps, strict=True):
        for _, target, note in steps:
            if target == workflow.APPROVED_STATUS:
                workflow.check_approval(ref, note)


def check_dated(who: Acting, at: datetime | None) -> None:
    """NotPermitted for a change dated by its caller (`at`) unless the command line makes it,
    as the local administrator: anyone else's change is dated when it is made."""
    if at is not None and who.kind != ADMINISTRATOR:
        raise NotPermitted(
            f"{who.name} may not date a change ({at:%Y-%m-%d %H:%M}): a change is recorded "
            "when it is made; only the command line, as the local administrator, records one "
            "at another time; nothing was saved"
        )


def check_move(
    who: Acting, use: dict, status: str, ref: str, note: str, at: datetime | None
) -> None:
    """What a status change by `who` (allowed to make it) must carry: no date of its own
    but the command line's (check_dated), the studio's reference and a note for an approval
    (workflow.check_approval), and what the status needs at the use's level (check_state)."""
    check_dated(who, at)
    if status == workflow.APPROVED_STATUS:
        workflow.check_approval(ref, note)
    workflow.check_state(status, use["level"], ref)


def check_reference(use: dict, ref: str) -> None:
    """TransitionError unless the use (its locked row) may rest with this approval reference:
    an Approved use keeps one, whatever its level."""
    workflow.check_state(use["status"], use["level"], ref)
    if use["status"] == workflow.APPROVED_STATUS and not ref:
        raise TransitionError(
            "an Approved use keeps the studio's approval reference: give the corrected one "
            "(to take the approval back, reopen the use); nothing was saved"
        )
