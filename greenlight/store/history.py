"""A use's history: the Change of one field, the rows that record changes, and the notes
that say why a decision reopened."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.policy import FIELDS, LINK_NAMES
from greenlight.store.tables import use_history

if TYPE_CHECKING:
    from greenlight.policy import Guidance


class Acting(Protocol):
    """Who made a change, as history records it (store.access.Acting is one)."""

    name: str
    kind: str
    person_id: int | None


@dataclass(frozen=True)
class Change:
    """One history row: a field of a use went from `old` to `new`. A note of its own
    replaces the note of the change it is part of (a reopened approval says why)."""

    field: str
    old: Any
    new: Any
    note: str | None = None


def history_text(value: Any) -> str | None:
    """How a value is written in a history row."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def history_rows(
    use_id: str, at: datetime, who: Acting, changes: Sequence[Change], note: str, version: int
) -> list[dict[str, Any]]:
    """The use_history rows of a use's changes by `who`, made on `version` of the use, each
    with its own note or the change's."""
    return [
        {
            "use_id": use_id,
            "at": at,
            "actor": who.name,
            "actor_kind": who.kind,
            "person_id": who.person_id,
            "field": change.field,
            "old_value": history_text(change.old),
            "new_value": history_text(change.new),
            "note": note if change.note is None else change.note,
            "use_version": version,
        }
        for change in changes
    ]


def stamp(history: dict[str, list], who: Acting) -> None:
    """Mark history rows given column by column (new uses') with who made them."""
    n = len(history.get("use_id", ()))
    history["actor_kind"] = [who.kind] * n
    history["person_id"] = [who.person_id] * n


def write_history(
    conn: Connection,
    use_id: str,
    at: datetime,
    who: Acting,
    changes: list[Change],
    note: str,
    version: int,
) -> None:
    """One history row per change of a use by `who`, made on `version` of it, in one
    statement."""
    if changes:
        rows = history_rows(use_id, at, who, changes, note, version)
        conn.execute(sa.insert(use_history), rows)


def reopen_note(
    guidance: Guidance, status: str, old_level: str, new_level: str, changed: Sequence[str] = ()
) -> str:
    """The history note of a decision (`status`) reopened because the use changed
    (`changed`: the labels of the fields and questions answered differently) or its level
    rose, in the levels' labels (an id this guidance does not know, from an older version,
    as it is)."""
    labels = {level.id: level.label for level in guidance.levels}
    decision = "approval" if status == "approved" else "decline"
    said = []
    if changed:
        said.append(f"changed since the {decision}: {', '.join(changed)}")
    if _rank(guidance, new_level) > _rank(guidance, old_level):
        said.append(
            f"the level rose from {labels.get(old_level, old_level)} to "
            f"{labels.get(new_level, new_level)}"
        )
    return (
        f"{'; '.join(said)}: the {decision} covered the use as it was, so the studio has to "
        "decide again"
    )


def _rank(guidance: Guidance, level_id: str) -> int:
    level = guidance.levels_by_id.get(level_id)
    return -1 if level is None else level.rank  # a level of an older guidance: the lowest


def changed_labels(changes: Sequence[Change], guidance: Guidance) -> list[str]:
    """The labels of the free-text fields and questions among these changes, in order."""
    fields = {field.name: field.label for field in FIELDS}
    labels = []
    for change in changes:
        question = guidance.questions_by_id.get(change.field)
        if change.field in fields:
            labels.append(fields[change.field])
        elif change.field in LINK_NAMES:  # the performers or tools the use names
            labels.append(change.field.capitalize())
        elif question is not None:
            labels.append(question.label)
    return labels
