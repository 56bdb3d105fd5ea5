"""Tables the pages show, built from store records: plain pandas, no Streamlit."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from greenlight import workflow
from greenlight.answers import FIELDS
from greenlight.guidance import Guidance

LOG_COLUMNS = {
    "id": "id",
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
}


def level_label(guidance: Guidance, level_id: str) -> str:
    """A level as the app writes it: its emoji and label."""
    level = guidance.level(level_id)
    return f"{level.emoji} {level.label}"


def log_table(guidance: Guidance, frame: pd.DataFrame) -> pd.DataFrame:
    """The log listing (UsePage.to_frame()) with labels instead of ids, for display."""
    types = guidance.question("use_case_type")
    table = frame.reindex(columns=list(LOG_COLUMNS)).copy()
    table["level"] = [level_label(guidance, value) for value in table["level"]]
    table["status"] = [workflow.status(value).label for value in table["status"]]
    table["use_case_type"] = [types.label_of(value) for value in table["use_case_type"]]
    return table.rename(columns=LOG_COLUMNS)


def history_table(entries: Iterable) -> pd.DataFrame:
    """A use's history (HistoryEntry records), newest first."""
    rows = [
        (e.at, e.actor, e.field, e.old or "", e.new or "", e.note)
        for e in sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
    ]
    return pd.DataFrame(rows, columns=["When", "Who", "What", "From", "To", "Note"])


def field_rows(record) -> list[tuple[str, str]]:
    """The free text and workflow facts of a logged use, labelled, in form order."""
    rows = [(spec.label, getattr(record, spec.name)) for spec in FIELDS]
    rows += [
        ("Production", f"{record.production_name} ({record.production_code})"),
        ("Approval reference", record.approval_ref),
        ("Logged", f"{record.created_at:%Y-%m-%d %H:%M} UTC by {record.created_by}"),
        ("Last change", f"{record.updated_at:%Y-%m-%d %H:%M} UTC by {record.updated_by}"),
        ("Guidance", f"{record.guidance_id} {record.guidance_version}"),
    ]
    return rows


def reason_text(guidance: Guidance, rule_id: str) -> str:
    """The plain-language reason of a logged rule, even if the guidance no longer has it."""
    for rule in guidance.rules:
        if rule.id == rule_id:
            return rule.text
    return f"Rule {rule_id} (from an earlier guidance version; re-assess the use to update it)."
