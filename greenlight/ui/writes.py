"""The pages' writes, with what lets the store refuse a stale or repeated one.

A status change, an archive or restore and a re-assessment pass the version of the use the
person was shown (`expected_version`), and "Log this use" the token drawn with its form
(`submission`). Each is passed only when the store's method takes it (read once from its
signature), so the pages work with a store that does not check them yet and check them as
soon as it does.
"""

from __future__ import annotations

import inspect
import uuid
from functools import cache
from typing import Any


@cache
def accepts(cls: type, method: str, keyword: str) -> bool:
    """Whether `cls.method` takes the keyword argument `keyword`."""
    return keyword in inspect.signature(getattr(cls, method)).parameters


def _checks(log: Any, method: str, **values: Any) -> dict[str, Any]:
    return {
        name: value
        for name, value in values.items()
        if value is not None and accepts(type(log), method, name)
    }


def shown_version(record: Any) -> int | None:
    """The version of a use as the page showed it (None while the store keeps none)."""
    return getattr(record, "version", None)


def new_token() -> str:
    """A fresh submission token for a form."""
    return uuid.uuid4().hex


def set_status(log, record, status: str, *, actor: str, approval_ref: str, note: str):
    """Move the use shown in `record` to `status`, unless it changed since it was shown."""
    checks = _checks(log, "set_status", expected_version=shown_version(record))
    return log.set_status(
        record.id, status, actor=actor, approval_ref=approval_ref, note=note, **checks
    )


def archive_or_restore(log, record, *, actor: str):
    """Archive the use shown in `record`, or restore it if it is archived."""
    method = "restore_use" if record.archived else "archive_use"
    checks = _checks(log, method, expected_version=shown_version(record))
    return getattr(log, method)(record.id, actor=actor, **checks)


def update_use(log, use_id: str, answers, engine, *, actor: str, note: str, version):
    """Save a re-assessment of the use as it was when the form was filled (`version`)."""
    checks = _checks(log, "update_use", expected_version=version)
    return log.update_use(use_id, answers, engine, actor=actor, note=note, **checks)


def log_use(log, code: str, answers, engine, *, actor: str, status: str, token: str):
    """Log a new use, once per form submission (`token`) where the store can tell."""
    checks = _checks(log, "log_use", submission=token)
    return log.log_use(code, answers, engine, actor=actor, status=status, **checks)
