"""The CSV export with hostile text in every text column: each cell neutralised, each round trip exact.

Every free-text field and the approval reference of a use hold, in turn, a formula
(`=cmd|' /C calc'!A0`, `+1`, `-1`, `@SUM(1)`, tab- and carriage-return-prefixed ones), HTML,
a right-to-left override, emoji and the longest text each field takes. The exported bytes are
read back with Python's csv module: no cell of the file may start a formula, each text cell
is its stored value with one apostrophe in front exactly when it needs one, and importing the
file into an empty database gives back every value exactly.
"""

from __future__ import annotations

import csv
import io

from greenlight.csvio import FORMULA_PREFIXES, import_csv, iter_csv
from greenlight.policy import load_guidance
from greenlight.policy.answers import FIELDS, parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import NewUse, UseCaseStore
from greenlight.workflow import MAX_APPROVAL_REF

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
TEXT_COLUMNS = (*(f.name for f in FIELDS), "approval_ref")
LIMITS = {**{f.name: f.max_length for f in FIELDS}, "approval_ref": MAX_APPROVAL_REF}
HOSTILE = (
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "\r\n=2+2",
    '=HYPERLINK("http://evil.example","click")',
    "-2+3+cmd|' /C calc'!A0",
    "'=already quoted",
    "''two apostrophes",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "\u202eexe.txt",
    "\u202e=1+1",
    "🎬 🎥 emoji",
    "=🎬",
    " =leading space",
    'plain, with "quotes" and a\nnewline',
)
# The longest text each field takes, starting with a formula, and with a 100 KB tail where
# a field could hold one (none does: the longest, the description, takes 5,000 characters).
LONGEST = "long"


def value_for(column: str, hostile: str) -> str:
    limit = LIMITS[column]
    if hostile == LONGEST:
        return ("=" + "A" * 100_000)[:limit]
    return hostile[:limit]


def needs_escape(value: str) -> bool:
    return value[:1] in (*FORMULA_PREFIXES, "'")


def test_hostile_text_in_every_column_is_neutralised_and_round_trips(db_url, sqlite_url):
    store = UseCaseStore(db_url)
    store.create_production("EVIL", "Hostile text", actor="lead")
    items = []
    for n, hostile in enumerate((*HOSTILE, LONGEST)):
        document = {f.name: value_for(f.name, hostile) for f in FIELDS}
        # A digital replica: the written-approval level, so the reference is required.
        answers = parse_answers({**document, "involves": {"digital_replica": True}}, GUIDANCE)
        items.append(
            NewUse(
                answers=answers,
                assessment=ENGINE.assess(answers),
                id=f"h{n:02d}",
                status="approved",
                approval_ref=value_for("approval_ref", hostile),
            )
        )
    store.insert_uses("EVIL", items, GUIDANCE, actor="lead")
    stored = {item.id: store.get_use(item.id) for item in items}

    data = "".join(iter_csv(store, GUIDANCE)).encode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert len(rows) == len(items)
    checked = 0
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        record = stored[cells["id"]]
        for cell in row:  # every cell of the file, derived ones too
            assert not cell.startswith(FORMULA_PREFIXES), (record.id, cell[:40])
        for column in TEXT_COLUMNS:
            value = getattr(record, column)
            assert value, (record.id, column)  # every column really holds hostile text
            expected = "'" + value if needs_escape(value) else value
            assert cells[column] == expected, (record.id, column, cells[column][:40])
            checked += 1
    assert checked == len(items) * len(TEXT_COLUMNS)

    target = UseCaseStore(sqlite_url.replace("greenlight.db", "target.db"))
    target.create_production("EVIL", "Hostile text", actor="lead")
    result = import_csv(target, data, "EVIL", ENGINE, actor="importer")
    assert result.imported == len(items)
    for use_id, record in stored.items():
        back = target.get_use(use_id)
        assert back.approval_ref == ""  # read, not kept: an import starts the workflow afresh
        for column in (c for c in TEXT_COLUMNS if c != "approval_ref"):
            assert getattr(back, column) == getattr(record, column), (use_id, column)
    # And the database itself kept each value exactly as it was given.
    for item in items:
        record = stored[item.id]
        assert record.title == item.answers.title
        for name, value in item.answers.fields.items():
            assert getattr(record, name) == value, (item.id, name)
