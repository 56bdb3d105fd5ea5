"""Display tables: the log listing and the history in words, not ids."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pandas as pd
import pytest

from greenlight.policy import FIELDS, load_guidance
from greenlight.present.tables import (
    field_rows,
    history_table,
    log_table,
    reasons_in_short,
    shown_time,
)
from greenlight.store import HistoryEntry

G = load_guidance()
AT = datetime(2026, 1, 5, 9, 30, 15, 489970, tzinfo=UTC)


def entry(n, field, old, new, note=""):
    return HistoryEntry(
        id=n, use_id="u1", at=AT, actor="Sam", field=field, old=old, new=new, note=note
    )


def test_history_is_newest_first_and_in_words():
    table = history_table(
        [
            entry(1, "created", None, "draft"),
            entry(2, "status", "draft", "submitted", "sent to the studio"),
            entry(3, "involves.digital_replica", "false", "true"),
            entry(4, "level", "escalate", "approval"),
            entry(5, "approval_ref", "", "WA-1"),
            entry(6, "archived", "false", "true"),
            entry(7, "principles.outputs_original", "yes", "unsure"),
            entry(8, "department", "Art", "VFX"),
            entry(9, "archived", "true", "false"),
        ],
        G,
    )
    assert table[["What", "From", "To"]].values.tolist() == [
        ["Restored", "", ""],
        ["Department", "Art", "VFX"],
        [
            "Will the output avoid copying or closely recreating material we do not own?",
            "Yes",
            "Unsure",
        ],
        ["Archived", "", ""],
        ["Approval reference", "", "WA-1"],
        ["Level", "Escalate", "Written approval"],
        ["It creates or uses a digital replica of real talent", "No", "Yes"],
        ["Status", "Draft", "Submitted"],
        ["Logged", "", "Draft"],
    ]
    assert table["Note"].tolist()[-2] == "sent to the studio"
    assert set(table["Recorded as"]) == {"typed name, not verified (local mode)"}
    assert set(table["When"]) == {"2026-01-05 09:30:15 UTC"}  # to the second, as everywhere


def test_history_says_how_each_author_was_known():
    signed_in = replace(entry(2, "status", "submitted", "approved"), actor_kind="person")
    cli = replace(entry(3, "archived", "false", "true"), actor_kind="administrator")
    table = history_table([entry(1, "created", None, "draft"), signed_in, cli], G)
    assert table["Recorded as"].tolist() == [
        "command line, as the local administrator",
        "signed-in person",
        "typed name, not verified (local mode)",
    ]


def test_log_table_puts_title_level_and_status_first_with_labels():
    frame = pd.DataFrame(
        [
            {
                "id": "u1",
                "title": "Moodboard",
                "level": "approval",
                "status": "escalated",
                "department": "Art",
                "use_case_type": "key_visual",
                "tool": "",
                "vendor": "",
                "requested_by": "",
                "approval_ref": "",
                "updated_at": AT,
            }
        ]
    )
    table = log_table(G, frame)
    assert list(table.columns[:3]) == ["Title", "Level", "Status"]
    assert table.columns[-1] == "id"
    assert table.iloc[0][["Level", "Status", "Type", "Updated"]].tolist() == [
        "🔴 Written approval",
        "Escalated",
        "Final character designs or key visuals",
        "2026-01-05 09:30:15 UTC",
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (AT, "2026-01-05 09:30:15 UTC"),
        (
            datetime(2026, 1, 5, 10, 30, 15, 999999, tzinfo=timezone(timedelta(hours=1))),
            "2026-01-05 09:30:15 UTC",
        ),
        (datetime(2026, 1, 5, 9, 30, 15), "2026-01-05 09:30:15 UTC"),  # naive: stored as UTC
        (pd.Timestamp("2026-01-05 09:30:15.489970+00:00"), "2026-01-05 09:30:15 UTC"),
        (None, ""),
        (pd.NaT, ""),
    ],
)
def test_times_are_shown_to_the_second_in_utc_with_the_zone(value, shown):
    assert shown_time(value) == shown


def test_field_rows_show_the_uses_times_as_the_tables_do():
    record = SimpleNamespace(
        **{spec.name: "" for spec in FIELDS},
        production_name="Saltmarsh",
        production_code="S1",
        approval_ref="",
        created_at=AT,
        created_by="Sam",
        updated_at=AT,
        updated_by="Ali",
        guidance_id="g",
        guidance_version="1",
    )
    rows = dict(field_rows(record))
    assert rows["Logged"] == "2026-01-05 09:30:15 UTC by Sam"
    assert rows["Last change"] == "2026-01-05 09:30:15 UTC by Ali"


def test_reasons_in_short_are_the_rules_short_labels_each_once():
    """The review desk's Why column: the guidance's short labels in firing order, a label
    two rules share said once, an unknown rule by its id."""
    g = load_guidance()
    rules = ("principle-1-no", "principle-2-no", "principle-2-unsure", "retired-rule")
    shorts = [g.rules_by_id[r].short for r in rules[:3]]
    assert reasons_in_short(g, rules) == "; ".join(dict.fromkeys([*shorts, "retired-rule"]))
    assert reasons_in_short(g, ()) == ""
    assert "Recreates others' work (P1)" in reasons_in_short(g, ("principle-1-no",))
