"""The import's column-by-column reading gives exactly what its row-by-row checks give.

read_csv takes the fast path (columns.plain_uses) when every cell of a file passes as it is,
and the row-by-row checks (row_checks.checked_uses) otherwise. Hypothesis writes files that are valid (any
subset of the columns, free text with escapes, quotes and spaces around values, ids, times,
statuses, approval references, levels that differ from the assessment), some with one defect
put in; for each, the fast path either declines (None) or gives the very uses, in the same
columns, that the row checks give, and it never declines a valid file. (An import reads a
file's status and approval reference but keeps neither: a status no use may rest in is no
defect of the file.)
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from greenlight.csvio import ESCAPE, neutralise
from greenlight.csvio.columns import plain_uses
from greenlight.csvio.row_checks import KnownAnswers, Start, check_header, checked_uses
from greenlight.policy import load_guidance
from greenlight.policy.answers import FIELDS
from greenlight.policy.engine import Engine
from greenlight.store.records import NewUses
from greenlight.workflow import status_ids

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
PRODUCTION = "SM"
NOTE = "imported from test.csv"
START = Start(PRODUCTION, "draft", NOTE)
LIMITS = {f.name: f.max_length for f in FIELDS}
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
# Statuses a use may rest in at any level without an approval reference.
RESTING = [s for s in status_ids() if s != "approved"]
DEFECTS = [
    "none", "empty_title", "bad_status", "bad_time", "bad_answer", "long_text", "same_id",
    "other_production", "nul_in_text", "short_row", "approved_without_ref",
]  # fmt: skip


@st.composite
def files(draw):
    questions = draw(st.lists(st.sampled_from(GUIDANCE.questions), unique=True, max_size=12))
    extras = draw(
        st.lists(
            st.sampled_from(
                ["id", "production", "description", "department", "tool", "vendor", "scene",
                 "status", "approval_ref", "created_at", "updated_at", "level"]
            ),
            unique=True,
        )
    )  # fmt: skip
    names = ["title", *extras, *(q.id for q in questions)]
    names = draw(st.permutations(names))
    rows = []
    for n in range(draw(st.integers(1, 12))):
        row = {}
        for name in names:
            if name == "title":
                value = draw(TEXT.filter(str.strip))
            elif name == "id":
                value = draw(st.sampled_from(["", f"use-{n}", f" use-{n} "]))
            elif name == "production":
                value = draw(st.sampled_from(["", PRODUCTION, f" {PRODUCTION}"]))
            elif name == "status":
                value = draw(st.sampled_from(["", *RESTING, " draft "]))
            elif name in ("created_at", "updated_at"):
                at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 9)))
                value = draw(st.sampled_from(["", at.isoformat(), at.strftime("%Y-%m-%dT%H:%MZ")]))
            elif name == "level":
                value = draw(st.sampled_from(["", *(lv.id for lv in GUIDANCE.levels)]))
            elif name in LIMITS or name == "approval_ref":
                value = draw(TEXT)
            else:
                q = next(q for q in questions if q.id == name)
                choices = ["", *map(str, q.values)]
                if q.kind == "boolean":
                    choices = ["", "true", "false", "TRUE", " false"]
                value = draw(st.sampled_from(choices))
            row[name] = neutralise(value) if draw(st.booleans()) else value
        rows.append(row)
    defect = draw(st.sampled_from(DEFECTS))
    victim = rows[draw(st.integers(0, len(rows) - 1))]
    if defect == "empty_title":
        victim["title"] = " "
    elif defect == "bad_status" and "status" in names:
        victim["status"] = "finished"
        defect = "none"  # read, not kept
    elif defect == "bad_time" and "created_at" in names:
        victim["created_at"] = "yesterday"
    elif defect == "bad_answer" and questions:
        victim[questions[0].id] = "maybe"
    elif defect == "long_text" and "description" in names:
        victim["description"] = "x" * (LIMITS["description"] + 1)
    elif defect == "nul_in_text":
        victim["title"] += "\x00"
    elif defect == "same_id" and "id" in names and len(rows) > 1:
        rows[0]["id"] = rows[1]["id"] = "twin"
    elif defect == "other_production" and "production" in names:
        victim["production"] = "OTHER"
    elif defect == "approved_without_ref" and "status" in names:
        victim["status"] = "approved"
        victim["approval_ref"] = ""
        defect = "none"  # read, not kept
    else:
        defect = "none" if defect != "short_row" else defect
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([row[name] for name in names])
    records = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    if defect == "short_row":
        records[-1] = records[-1][:-1]
    return records, defect


@settings(max_examples=300)
@given(files())
def test_the_columns_read_are_the_rows_checked(case):
    records, defect = case
    names = check_header(records[0], GUIDANCE, [])
    rows, numbers = records[1:], list(range(2, len(records) + 1))
    plain = plain_uses(rows, names, KnownAnswers(ENGINE, names), START)
    found = checked_uses(rows, numbers, names, KnownAnswers(ENGINE, names), START, False, None)
    if found.problems:
        assert plain is None
        return
    if defect == "none":
        assert plain is not None  # a valid file is read column by column
    if plain is not None:
        assert plain == (NewUses.of(found.items), found.relevelled)


def test_cells_that_restore_to_the_same_answers_are_one_set_of_answers():
    """An escaped cell ('no) and a plain one (no) are the same answer once restored: the
    columns read hold one set of answers for both, as the row checks do."""
    names = ["title", "principles.outputs_original"]
    records = [["A", "no"], ["B", ESCAPE + "no"]]
    plain, _ = plain_uses(records, names, KnownAnswers(ENGINE, names), START)
    assert plain.assessed_of == [0, 0] and len(plain.assessed) == 1
    assert plain.text["title"] == ["A", "B"]
