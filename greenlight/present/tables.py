"""Tables the pages show, built from store records: plain pandas, no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from greenlight import workflow
from greenlight.policy import FIELDS, Guidance

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


def log_table(guidance: Guidance, frame: pd.DataFrame) -> pd.DataFrame:
    """The log listing (UsePage.to_frame()) with labels instead of ids, for display."""
    types = guidance.matrix_kind
    table = frame.reindex(columns=list(LOG_COLUMNS)).copy()
    table["level"] = [level_label(guidance, value) for value in table["level"]]
    table["status"] = [workflow.status(value).label for value in table["status"]]
    table["use_case_type"] = [
        types.label_of(value) if types else value for value in table["use_case_type"]
    ]
    return table.rename(columns=LOG_COLUMNS)


TIME_FORMAT = "%Y-%m-%d %H:%M"  # a use's times, as every table of it shows them (UTC)


def history_table(entries: Iterable, guidance: Guidance) -> pd.DataFrame:
    """A use's history (HistoryEntry records), newest first, in words rather than ids."""
    rows = [
        (
            f"{e.at:{TIME_FORMAT}} UTC",
            e.actor,
            change_label(guidance, e.field),
            value_label(guidance, e.field, e.old),
            value_label(guidance, e.field, e.new),
            e.note,
        )
        for e in sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
    ]
    return pd.DataFrame(rows, columns=["When", "Who", "What", "From", "To", "Note"])


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
        ("Logged", f"{record.created_at:{TIME_FORMAT}} UTC by {record.created_by}"),
        ("Last change", f"{record.updated_at:{TIME_FORMAT}} UTC by {record.updated_by}"),
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
    """What raised a use, in a few words: the titles of its reasons' guidance sections, each
    once, in firing order ("" for none; a rule this guidance lacks by its id)."""
    said: list[str] = []
    for rule_id in rule_ids:
        rule = guidance.rules_by_id.get(rule_id)
        if rule is None:
            words = rule_id
        elif rule.section in guidance.sections_by_id:
            words = guidance.section(rule.section).title
        else:
            words = rule.id
        if words not in said:
            said.append(words)
    return "; ".join(said)
