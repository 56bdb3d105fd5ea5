"""The export as a person reads it in a spreadsheet, and the same file imported back after a
person edited it there: labels beside ids, answers as words, columns in any order and case."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from greenlight.csvio import (
    BEFORE_ANSWERS,
    READER_COLUMNS,
    CsvImportError,
    answer_cells,
    answer_words,
    export_columns,
    format_time,
    import_csv,
    iter_csv,
    parse_time,
)
from greenlight.policy import load_guidance
from greenlight.store import UseCaseStore, UseFilter
from tests.unit.csvio.test_csvio import ENGINE, GUIDANCE, fixture_log, new_use

LIVE = UseFilter()
# What a person running an eye along the header meets first.
FIRST_COLUMNS = ["title", "level", "level_label", "status", "status_label", "department"]
# What an import starts afresh, so an export of the imported uses differs there.
AFRESH = {
    "id",
    "production",
    "production_name",
    "status",
    "status_label",
    "approval_ref",
    "created_by",
    "updated_at",
    "updated_by",
}


@pytest.fixture
def store(db_url: str) -> UseCaseStore:
    store = UseCaseStore(db_url)
    store.create_production("SM", "Saltmarsh", actor="lead")
    return store


@pytest.fixture
def target(sqlite_url: str) -> UseCaseStore:
    store = UseCaseStore(sqlite_url.replace("greenlight.db", "target.db"))
    store.create_production("SM", "Saltmarsh", actor="lead")
    return store


def read(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """An export read with the csv module: its header and a dict per row."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def write(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[row.get(name, "") for name in header] for row in rows])
    return out.getvalue().encode()


def export(store: UseCaseStore, f: UseFilter = LIVE) -> str:
    return "".join(iter_csv(store, GUIDANCE, f))


def test_a_reader_meets_title_level_status_and_department_first_and_labels_beside_ids(store):
    fixture_log(store)
    header, rows = read(export(store))
    assert header[: len(FIRST_COLUMNS)] == FIRST_COLUMNS
    assert header == export_columns(GUIDANCE)
    by_id = {row["id"]: row for row in rows}
    u1, u2, u3 = by_id["u1"], by_id["u2"], by_id["u3"]
    assert (u1["level"], u1["level_label"], u1["status"], u1["status_label"]) == (
        "low",
        "Low risk",
        "approved",
        "Approved",
    )
    assert u1["production_name"] == "Saltmarsh" and u1["created_by"] == u1["updated_by"] == "ana"
    # Answers as the form words them; a question not answered is an empty cell.
    assert (u1["principles.outputs_original"], u1["context.final_deliverable"]) == ("Yes", "No")
    assert u1["context.tool_tier"] == "Studio enterprise agreement"
    assert u1["use_case_type"] == "Ideation only: moodboards, reference images"
    assert u1["involves.digital_replica"] == "" and u1["archived"] == "No"
    # A sentence beside each rule id, in the same order, one to a line; a question left open
    # is said to be open, not answered.
    for row in (u2, u3):
        rules, sentences = row["reasons"].split(";"), row["reason_sentences"].split("\n")
        assert len(rules) == len(sentences) > 1
    assert u2["reason_sentences"].startswith("Principle 1 is not answered yet, so it counts as no")
    assert u3["reason_sentences"].split("\n")[0] == GUIDANCE.rule("digital-replica").text
    # Times to the second, in UTC, as ISO 8601 with a Z (u2 was made at 14:00:00.123456).
    assert (u2["created_at"], u2["updated_at"]) == ("2026-01-06T14:00:00Z",) * 2


def test_the_export_imports_back_exactly_its_reader_columns_ignored(store, target):
    fixture_log(store)
    text = export(store)
    result = import_csv(target, text.encode(), "SM", ENGINE, actor="ana")
    assert result.imported == 3 and result.relevelled == 0
    header, before = read(text)
    _, after = read(export(target))
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert {k: v for k, v in new.items() if k not in AFRESH} == {
            k: v for k, v in old.items() if k not in AFRESH
        }


def test_a_file_edited_in_a_spreadsheet_imports(store, target):
    """Columns moved and renamed in another case, answers typed as a person types them,
    reader columns edited or deleted: the same uses as the export's."""
    fixture_log(store)
    header, rows = read(export(store))
    for row in rows:
        row["level_label"] = "looks fine to me"  # a reader column, edited: ignored
        row["reason_sentences"] = "=1+1"  # even a formula
        row["production"] = row["id"] = ""  # imported as new uses
    words = {"Yes": ["yes", "TRUE", " Yes ", "YES"], "No": ["no", "FALSE", "No", "false"]}
    for index, row in enumerate(rows):
        for name in header:
            if row[name] in words:
                row[name] = words[row[name]][index % 4]
    rows[0]["context.tool_tier"] = "enterprise"  # an id still reads
    rows[2]["principles.no_performance_replacement"] = "UNSURE"
    rows[2]["context.replica_exception"] = "stays substantially as SCRIPTED, performed or recorded"
    edited = [name for name in header if name != "status_label"]  # a reader column deleted
    edited.reverse()
    shown = {"title": "Title", "requested_by": "Requested by", "level": "LEVEL"}
    renamed = [shown.get(name, name) for name in edited]
    data = write(renamed, [{shown.get(k, k): v for k, v in row.items()} for row in rows])
    result = import_csv(target, data, "SM", ENGINE, actor="ana")
    assert result.imported == 3 and result.relevelled == 0
    originals = {u.title: store.get_use(u.id) for u in store.list_uses(limit=10).rows}
    for use_id in result.ids:
        use = target.get_use(use_id)
        assert use.answers == originals[use.title].answers
        assert use.level == originals[use.title].level


def test_answers_it_cannot_read_name_the_words_it_can(store):
    data = write(
        ["title", "principles.outputs_original", "context.tool_tier", "involves.digital_replica"],
        [{"title": "A", "principles.outputs_original": "Maybe", "context.tool_tier": "Pro"}],
    )
    with pytest.raises(CsvImportError) as caught:
        import_csv(store, data, "SM", ENGINE, actor="ana")
    assert [str(p) for p in caught.value.problems] == [
        "row 2, column principles.outputs_original: 'Maybe' is not an answer here; write "
        '"Yes", "Unsure" or "No"',
        "row 2, column context.tool_tier: 'Pro' is not an answer here; write \"Studio "
        'enterprise agreement", "Other terms that exclude training on our data" or "Unknown '
        'or consumer terms"',
    ]


def test_a_header_in_another_case_twice_is_reported(store):
    data = b"title,Title,LEVEL\r\nA,B,low\r\n"
    with pytest.raises(CsvImportError) as caught:
        import_csv(store, data, "SM", ENGINE, actor="ana")
    assert [str(p) for p in caught.value.problems] == [
        "row 1, column Title: appears twice in the header; keep one"
    ]


@pytest.mark.parametrize("question", load_guidance().questions, ids=lambda q: q.id)
def test_every_answer_is_written_as_a_word_the_import_reads_back_as_it(question):
    cells = answer_cells(question)
    words = answer_words(question)
    for option in question.options:
        for spelling in (cells[option.value], cells[option.value].upper(), f" {option.label} "):
            read = words[spelling.strip().lower()]
            assert read == option.value and type(read) is type(option.value)
    if question.kind == "boolean":
        assert (cells[True], cells[False]) == ("Yes", "No")


def test_reader_columns_are_declared_before_the_answers_beside_their_ids():
    for column in READER_COLUMNS:
        assert column in BEFORE_ANSWERS
    at = BEFORE_ANSWERS.index
    assert at("level_label") == at("level") + 1 and at("status_label") == at("status") + 1
    assert at("reason_sentences") == at("reasons") + 1


def test_times_are_written_to_the_second_and_read_back():
    when = datetime(2026, 12, 4, 20, 19, 17, 489970, tzinfo=UTC)
    assert format_time(when) == "2026-12-04T20:19:17Z"
    for text in ("2026-12-04T20:19:17Z", "2026-12-04 20:19:17+00:00", "2026-12-04 20:19:17"):
        assert parse_time(text) == when.replace(microsecond=0)


def test_archived_uses_come_in_creation_order_among_the_live_ones(store):
    """An export of every use reads live and archived uses as two parts and merges them."""
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    uses = [
        new_use(f"m{n}", {"title": f"Use {n}", "use_case_type": "ideation"}, when=when)
        for n, when in enumerate(start + timedelta(minutes=7 * n) for n in range(9))
    ]
    # Two made in the same microsecond: the id breaks the tie.
    uses.append(new_use("m9", {"title": "Use 9", "use_case_type": "ideation"}, when=start))
    store.insert_uses("SM", uses, GUIDANCE, actor="ana")
    for use_id in ("m0", "m3", "m4", "m8"):
        store.archive_use(use_id, actor="ana")
    _, every = read(export(store, UseFilter(archived=None)))
    assert [row["id"] for row in every] == ["m0", "m9", *(f"m{n}" for n in range(1, 9))]
    assert [row["archived"] for row in every[:3]] == ["Yes", "No", "No"]
    _, live = read(export(store))
    assert [row["id"] for row in live] == ["m9", "m1", "m2", "m5", "m6", "m7"]
