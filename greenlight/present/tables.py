"""Tables the pages show, built from store records: plain pandas, no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pandas as pd

from greenlight import workflow
from greenlight.policy import FIELDS, Guidance
from greenlight.store import ACTOR_KINDS

LOG_COLUMNS = {
    "title": "Title",
    "level": "Level",
    "status": "Status",
    "department": "Department",
    "use_case_type": "Type",
    "tool": "Tool",
    "vendor": "Vendor",
    "requested_by": "Requested by",
    "approval_ref": "Approval reference",
    "updated_at": "Updated",
    "id": "id",
}


def level_label(guidance: Guidance, level_id: str) -> str:
    """A level as the app writes it: its emoji and label (a level another guidance set
    gave a use, which this one does not have, as its id and a word on where it is from)."""
    try:
        level = guidance.level(level_id)
    except KeyError:
        return f"{level_id} (from another guidance version)"
    return f"{level.emoji} {level.label}"


def log_table(
    guidance: Guidance, frame: pd.DataFrame, *, with_production: bool = False
) -> pd.DataFrame:
    """The log listing (UsePage.to_frame()) with labels instead of ids, for display; with
    the production's code first when it lists several productions."""
    types = guidance.matrix_kind
    columns = {"production_code": "Production", **LOG_COLUMNS} if with_production else LOG_COLUMNS
    table = frame.reindex(columns=list(columns)).copy()
    table["level"] = [level_label(guidance, value) for value in table["level"]]
    table["status"] = [workflow.status(value).label for value in table["status"]]
    table["use_case_type"] = [
        types.label_of(value) if types else value for value in table["use_case_type"]
    ]
    table["updated_at"] = [shown_time(value) for value in table["updated_at"]]
    return table.rename(columns=columns)


def shown_time(value) -> str:
    """A use's time as every table of it shows it: to the second, in UTC, with the zone."""
    if value is None or pd.isna(value):
        return ""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return f"{stamp:%Y-%m-%d %H:%M:%S} UTC"


def history_table(entries: Iterable, guidance: Guidance) -> pd.DataFrame:
    """A use's history (HistoryEntry records), newest first, in words rather than ids; each
    row says how its author was known (a typed, unverified name in local mode, a signed-in
    person, the command line)."""
    rows = [
        (
            shown_time(e.at),
            e.actor,
            *_change(guidance, e),
            e.note,
            ACTOR_KINDS.get(e.actor_kind, e.actor_kind),
        )
        for e in sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
    ]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


# How the author was known comes last: what changed matters more, and a phone shows the
# first columns.
HISTORY_COLUMNS = ["When", "Who", "What", "From", "To", "Note", "Recorded as"]


def _change(guidance: Guidance, e) -> tuple[str, str, str]:
    """(what, from, to) of a history row; archiving and restoring are said as such."""
    if e.field == "archived" and e.new in ("true", "false"):
        return ("Archived" if e.new == "true" else "Restored"), "", ""
    return (
        change_label(guidance, e.field),
        value_label(guidance, e.field, e.old),
        value_label(guidance, e.field, e.new),
    )


_CHANGES = {
    "created": "Logged",
    "status": "Status",
    "level": "Level",
    "approval_ref": "Approval reference",
    "archived": "Archived",
    "guidance_version": "Guidance version",
}


def change_label(guidance: Guidance, field: str) -> str:
    """What a history row changed, as a person reads it."""
    if field in _CHANGES:
        return _CHANGES[field]
    for spec in FIELDS:
        if spec.name == field:
            return spec.label
    for q in guidance.questions:
        if q.id == field:
            return q.label
    return field


def value_label(guidance: Guidance, field: str, value: str | None) -> str:
    """A value from a history row in words: status and level labels, answers as offered."""
    if value is None:
        return ""
    # A "created" row's value is the status the use was logged at.
    if field in ("status", "created") and value in workflow.status_ids():
        return workflow.status(value).label
    if field == "level" and value in {level.id for level in guidance.levels}:
        return guidance.level(value).label
    if field == "archived" and value in ("true", "false"):
        return "Yes" if value == "true" else "No"
    for q in guidance.questions:
        if q.id == field:
            answer: str | bool = value == "true" if q.kind == "boolean" else value
            return q.label_of(answer)
    return value


def field_rows(record) -> list[tuple[str, str]]:
    """The free text and workflow facts of a logged use, labelled, in form order."""
    rows = [(spec.label, getattr(record, spec.name)) for spec in FIELDS]
    rows += [
        ("Production", f"{record.production_name} ({record.production_code})"),
        ("Approval reference", record.approval_ref),
        ("Logged", f"{shown_time(record.created_at)} by {record.created_by}"),
        ("Last change", f"{shown_time(record.updated_at)} by {record.updated_by}"),
        ("Guidance", f"{record.guidance_id} {record.guidance_version}"),
    ]
    return rows


def reason_text(guidance: Guidance, rule_id: str) -> str:
    """The plain-language reason of a logged rule, even if the guidance no longer has it."""
    for rule in guidance.rules:
        if rule.id == rule_id:
            return rule.text
    return f"Rule {rule_id} (from an earlier guidance version; re-assess the use to update it)."


def reasons_in_short(guidance: Guidance, rule_ids: tuple[str, ...]) -> str:
    """What raised a use, in a few words: its reasons' short labels as the guidance declares
    them (each rule's `short`), each once, in firing order ("" for none; a rule this
    guidance lacks by its id)."""
    said: list[str] = []
    for rule_id in rule_ids:
        rule = guidance.rules_by_id.get(rule_id)
        words = (rule.short or rule.id) if rule is not None else rule_id
        if words not in said:
            said.append(words)
    return "; ".join(said)


def waiting_days(since: datetime, now: datetime) -> int:
    """Whole days between when a use began to wait and now (0 on its first day)."""
    return max((now - since).days, 0)


# In the order the table is sorted, so a narrow screen shows what needs attention first.
PRODUCTION_TABLE_COLUMNS = [
    "Production",
    "Awaiting a decision",
    "Oldest wait (days)",
    "Written approval",
    "Uses",
]


def production_table(frame: pd.DataFrame, now: datetime, top: int = 50) -> pd.DataFrame:
    """The table by production (store PRODUCTION_COLUMNS) as people read it, what needs
    attention first: the longest wait, then the most awaiting, then the most uses that need
    written approval; at most `top` rows."""
    rows = []
    for p in frame.itertuples(index=False):
        wait = waiting_days(p.oldest_wait, now) if p.oldest_wait is not None else None
        name = f"{p.name} · {p.production}" + (" (demo)" if p.is_demo else "")
        rows.append((name, int(p.awaiting), wait, int(p.approval), int(p.uses)))
    rows.sort(key=lambda r: (r[1] == 0, -(r[2] or 0), -r[1], -r[3], -r[4], r[0]))
    table = pd.DataFrame(rows[:top], columns=PRODUCTION_TABLE_COLUMNS)
    table["Oldest wait (days)"] = table["Oldest wait (days)"].astype("Int64")
    return table
