"""Hostile Markdown from a URL, a typed value or a file's name stays text in every message.

Each path that shows such text in a Markdown element (an error box, a success box, a
caption) is fed headings, links, images, HTML and Streamlit's directives; the element must
hold the text literally: every Markdown character escaped, and the text itself given back
when the escapes are read.
"""

from __future__ import annotations

import csv
import io
import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from greenlight.store import UseCaseStore
from greenlight.ui import PAGES
from greenlight.ui.text import as_text, plain

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = (
    "x'\n\n## h [Sign in](https://evil.example/login) ![t](https://evil.example/p.png) "
    "<img src=x onerror=alert(1)> :material/home: :red[red] **b** $x$ `c` | 1. > q"
)
# A Markdown or directive character not preceded by a backslash.
UNESCAPED = re.compile(r"(?<!\\)[" + re.escape(string.punctuation.replace("\\", "")) + "]")


def assert_literal(body: str, text: str) -> None:
    """`body` (a Markdown element's source) shows `text` literally (as it is, or quoted as
    the store quotes a value it refuses), with no Markdown or directive character left."""
    assert not UNESCAPED.search(body.replace("\\\n", "")), body
    shown = plain(body)
    assert text in shown or repr(text) in shown, (shown, text)


@pytest.fixture
def app(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'greenlight.db'}"
    monkeypatch.setenv("GREENLIGHT_DATABASE_URL", url)
    UseCaseStore(url).create_production("TST", "Test production", actor="fixture")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["actor"] = "Avery Tester"
    at.session_state["production"] = "TST"
    at.run()
    return at


def _page(at: AppTest, url_path: str) -> AppTest:
    at.switch_page(next(spec.path for spec in PAGES if spec.url_path == url_path))
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_use_id_from_the_url_is_shown_as_text(app):
    at = _page(app, "assess")
    at.query_params["use"] = HOSTILE
    at.run()
    assert not at.exception
    [error] = at.error
    assert_literal(error.value, HOSTILE)


def test_a_typed_production_code_is_shown_as_text(app):
    at = app
    form = [t for t in at.sidebar.text_input if t.label == "Code"]
    [code] = form
    code.input(HOSTILE[:32])
    [name] = [t for t in at.sidebar.text_input if t.label == "Name"]
    name.input("Hostile")
    [create] = [b for b in at.sidebar.get("form_submit_button") if b.label == "Create production"]
    create.click()
    at.run()
    assert not at.exception
    [error] = at.error
    assert_literal(error.value, HOSTILE[:32])


def test_an_imported_file_name_is_shown_as_text(app):
    at = _page(app, "log")
    name = HOSTILE.replace("\n", " ") + ".csv"
    at.file_uploader[0].set_value((name, b"title\r\nMoodboards\r\n", "text/csv"))
    at.run()
    [button] = [b for b in at.button if b.label == "Import into this production"]
    button.click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [success] = at.success
    before, after = "Imported 1 use(s) from ", "; each was re-assessed."
    assert success.value.startswith(before) and success.value.endswith(after), success.value
    assert_literal(success.value[len(before) : -len(after)], name)


def test_as_text_escapes_every_markdown_character():
    assert plain(as_text(HOSTILE)) == HOSTILE
    assert not UNESCAPED.search(as_text(HOSTILE).replace("\\\n", ""))
    # The directives Streamlit reads before Markdown: no ":material/" or ":red[" is left.
    assert ":material/" not in as_text(HOSTILE) and ":red[" not in as_text(HOSTILE)


def _listed_problems(at: AppTest) -> list[str]:
    """The import's problems as the page lists them (a Markdown list, each item's location in
    bold), each item's source without that markup; every file text in it must be escaped."""
    [listed] = [m.value for m in at.markdown if m.value.startswith("- **Row ")]
    items = listed.removeprefix("- **").split("\n- **")
    return [item.replace(":** ", "\\: ", 1) for item in items]


def _import(at: AppTest, name: str, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    at.file_uploader[0].set_value((name, out.getvalue().encode(), "text/csv"))
    at.run()
    [button] = [b for b in at.button if b.label == "Import into this production"]
    button.click()
    at.run()
    assert not at.exception


def test_import_problems_are_listed_whole_with_the_files_text_as_text(app):
    at = _page(app, "log")
    column = HOSTILE[:50]
    _import(at, "bad.csv", [["title", "Level", column], ["Moodboards", "low", ""]])
    [error] = at.error
    assert plain(error.value).startswith("Nothing was imported: 1 problem to fix")
    # Only the header is checked while it has an unknown column (Level is level: any case).
    [item] = _listed_problems(at)
    assert_literal(item, column.strip())
    shown = plain(item)
    assert shown.startswith(f"Row 1, column {column.strip()}: unknown column; the columns are ")
    assert shown.endswith(", created_at, created_by, updated_at, updated_by")

    header = ["Title", "Principles.Outputs_Original", "LEVEL"]
    _import(at, "answers.csv", [header, ["Moodboards", "Maybe", "low"], ["Art", HOSTILE, ""]])
    items = _listed_problems(at)
    for item in items:
        assert_literal(item, "principles.outputs_original")
    words = 'is not an answer here; write "Yes", "Unsure" or "No"'
    assert [plain(item) for item in items] == [
        f"Row 2, column principles.outputs_original: 'Maybe' {words}",
        f"Row 3, column principles.outputs_original: {HOSTILE[:37] + '...'!r} {words}",
    ]
