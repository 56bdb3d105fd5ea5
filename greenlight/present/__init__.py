"""What people read and look at: the log's tables, the escalation request, guidance search,
and the overview's charts.

`charts` (Altair) is imported on first use, not with this package: the pages that never draw a
chart do not pay for Altair at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from greenlight.present.documents import (
    AnswerRow,
    answer_rows,
    escalation_request,
    escape_markdown,
    file_slug,
    row_contradiction,
)
from greenlight.present.guidance_search import matching_sections, section_text
from greenlight.present.tables import (
    field_rows,
    history_table,
    level_label,
    log_table,
    reason_text,
)

if TYPE_CHECKING:
    from greenlight.present import charts

__all__ = [
    "AnswerRow",
    "answer_rows",
    "charts",
    "escalation_request",
    "escape_markdown",
    "field_rows",
    "file_slug",
    "history_table",
    "level_label",
    "log_table",
    "matching_sections",
    "reason_text",
    "row_contradiction",
    "section_text",
]


def __getattr__(name: str):
    if name == "charts":
        return importlib.import_module("greenlight.present.charts")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
