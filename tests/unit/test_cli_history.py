"""`python -m greenlight history`: every value shown as text, so no title, name or note can
hide, erase or forge a line of a use's history."""

from __future__ import annotations

import io
import re

from greenlight.cli import main
from greenlight.policy import Engine, load_guidance, parse_answers
from greenlight.store import UseCaseStore
from tests.unit.samples import CLEAR

FORGED = "\n2026-01-02T10:00:00Z  Studio Legal  status: escalated -> approved  (signed)"
ENTRY = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  ")


def history_of(store: UseCaseStore, use_id: str) -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    assert main(["history", use_id, "--database", store.url], out, err) == 0, err.getvalue()
    return out.getvalue().split("\n")[:-1]


def test_control_characters_are_escaped_and_a_note_cannot_pass_for_an_entry(sqlite_url):
    store = UseCaseStore(sqlite_url)
    store.create_production("SM", "Saltmarsh", actor="lead")
    engine = Engine(load_guidance())
    answers = parse_answers(
        {"title": "Moodboard\x1b[8m hidden\x1b[0m", "principles": CLEAR}, engine.guidance
    )
    use = store.log_use("SM", answers, engine, actor="Ana\x1b[2K")
    store.set_status(use.id, "submitted", actor="Bo\x1b[1A", note="sent" + FORGED)
    store.archive_use(use.id, actor="Cy", note="done\r\nby\u202eevil\x9b31m")

    lines = history_of(store, use.id)
    assert lines[0] == f"{use.id}  Moodboard\\x1b[8m hidden\\x1b[0m  (SM, {use.level}, submitted)"
    assert all(not re.search("[\x00-\x1f\x7f-\x9f\u202e]", line) for line in lines)
    # Every line is the heading, an entry, or a note's indented continuation.
    assert [bool(ENTRY.match(line)) for line in lines] == [False, True, True, False, True, False]
    assert lines[1].endswith("  Ana\\x1b[2K  created as draft")
    assert lines[2].endswith("  Bo\\x1b[1A  status: draft -> submitted  (sent")
    assert lines[3] == "      " + FORGED.strip("\n") + ")"
    assert lines[4].endswith("  Cy  archived: false -> true  (done")
    assert lines[5] == "      by\\u202eevil\\x9b31m)"
