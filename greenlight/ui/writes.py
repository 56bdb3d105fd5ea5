"""The pages' writes, each with what lets the store refuse a stale or repeated one.

After a write that may call for notification e-mails, the outbox is sent (ui.notices).
A status change, an archive or restore and a re-assessment pass the version of the use the
person was shown (`expected_version`): the store refuses the write, changing nothing, when the
use moved on since. "Log this use" passes the token drawn with its form (`submission`): the
store logs one use per token, however often the button is pressed.
"""

from __future__ import annotations

import uuid

from greenlight.store import Actor
from greenlight.ui.notices import send_after_write


def new_token() -> str:
    """A fresh submission token for a form."""
    return uuid.uuid4().hex


def set_status(log, record, status: str, *, actor: Actor, approval_ref: str, note: str):
    """Move the use shown in `record` to `status`, unless it changed since it was shown;
    then send the e-mails the change calls for."""
    done = log.set_status(
        record.id,
        status,
        actor=actor,
        approval_ref=approval_ref,
        note=note,
        expected_version=record.version,
    )
    send_after_write(log)
    return done


def archive_or_restore(log, record, *, actor: Actor):
    """Archive the use shown in `record`, or restore it if it is archived."""
    method = log.restore_use if record.archived else log.archive_use
    return method(record.id, actor=actor, expected_version=record.version)


def update_use(log, use_id: str, answers, engine, *, actor: Actor, note: str, version):
    """Save a re-assessment of the use as it was when the form was filled (`version`)."""
    done = log.update_use(use_id, answers, engine, actor=actor, note=note, expected_version=version)
    send_after_write(log)  # a decision it reopened
    return done


def log_use(log, code: str, answers, engine, *, actor: Actor, status: str, token: str):
    """Log a new use, once per form submission (`token`)."""
    done = log.log_use(code, answers, engine, actor=actor, status=status, submission=token)
    send_after_write(log)  # logged as submitted
    return done
