"""What people read and look at: the log's tables, the escalation request (text and PDF),
guidance search, and the overview's charts.

The tables (pandas) and the charts (Altair) load on first use, not with this package: a page
that shows neither, such as the home page or the self-assessment, does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from greenlight.present.documents import (
    AnswerRow,
    answer_rows,
    escape_markdown,
    file_slug,
    row_contradiction,
)
from greenlight.present.guidance_search import (
    SectionShown,
    count_matches,
    marked_spans,
    matching_sections,
    query_words,
    section_shown,
    section_text,
)
from greenlight.present.log_filters import (
    UNCLEAR_ANSWERS,
    principle_filter_label,
    principle_options,
    principle_value,
    rule_label,
)
from greenlight.present.registry import (
    answer_line,
    fact_line,
    facts_by_question,
    facts_under_reasons,
    source_name,
)
from greenlight.present.request import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    EscalationRequest,
    base_url,
    build_request,
    record_assessment,
    request_for_use,
    request_markdown,
    request_pdf,
    use_link,
)

if TYPE_CHECKING:
    from greenlight.present import charts
    from greenlight.present.tables import (
        field_rows,
        history_table,
        level_label,
        log_table,
        production_table,
        reason_text,
        reasons_in_short,
        waiting_days,
    )

# Names offered here whose modules load on first use: name -> (module, attribute or None).
_ON_FIRST_USE = {
    "charts": ("greenlight.present.charts", None),
    **{
        name: ("greenlight.present.tables", name)
        for name in (
            "field_rows",
            "history_table",
            "level_label",
            "log_table",
            "principle_filter_label",
            "principle_options",
            "principle_value",
            "production_table",
            "reason_text",
            "reasons_in_short",
            "waiting_days",
        )
    },
}

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "AnswerRow",
    "answer_line",
    "EscalationRequest",
    "SectionShown",
    "UNCLEAR_ANSWERS",
    "answer_rows",
    "base_url",
    "build_request",
    "record_assessment",
    "charts",
    "count_matches",
    "escape_markdown",
    "fact_line",
    "facts_by_question",
    "facts_under_reasons",
    "field_rows",
    "file_slug",
    "history_table",
    "level_label",
    "log_table",
    "marked_spans",
    "matching_sections",
    "query_words",
    "principle_filter_label",
    "principle_options",
    "principle_value",
    "production_table",
    "reason_text",
    "reasons_in_short",
    "request_for_use",
    "request_markdown",
    "request_pdf",
    "row_contradiction",
    "rule_label",
    "section_shown",
    "section_text",
    "source_name",
    "use_link",
    "waiting_days",
]


def __getattr__(name: str) -> Any:
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, attribute = _ON_FIRST_USE[name]
    module = importlib.import_module(module_name)
    return module if attribute is None else getattr(module, attribute)
