"""What an import may do, on SQLite and PostgreSQL: it follows the workflow (every use starts
as draft or submitted, history dated now), it takes at most GREENLIGHT_IMPORT_MAX_ROWS rows and
at least one, the same file is not imported twice unless confirmed, and bad cells are one
line naming the row and column; a refused file writes nothing, not even the data version."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from greenlight.csvio import MAX_ROWS_ENV, CsvImportError, import_csv
from greenlight.policy import Engine, load_guidance
from greenlight.store import EXPORT_EXTRAS, StoreError, UseCaseStore, UseFilter
from greenlight.store.tables import metadata, uses

ENGINE = Engine(load_guidance())
BACKDATED = (
    "title,use_case_type,status,approval_ref,created_at,created_by,updated_at\r\n"
    "Key art,key_visual,approved,WA-FORGED,2025-01-15T09:00:00Z,Studio Legal,"
    "2025-01-16T09:00:00Z\r\n"
)


@pytest.fixture
def store(db_url: str) -> UseCaseStore:
    store = UseCaseStore(db_url)
    store.create_production("SM", "Saltmarsh", actor="lead")
    return store


def dump(store: UseCaseStore) -> dict[str, list[str]]:
    """Every row of every table: equal dumps mean an unchanged database."""
    with store.engine.connect() as conn:
        return {
            table.name: sorted(repr(tuple(row)) for row in conn.execute(sa.select(table)))
            for table in metadata.sorted_tables
        }


def refused(store: UseCaseStore, data: bytes, **options) -> list[str]:
    """The problems of an import that must be refused, having checked it wrote nothing."""
    before, version = dump(store), store.data_version()
    with pytest.raises(CsvImportError) as caught:
        import_csv(store, data, "SM", ENGINE, actor="ana", **options)
    assert dump(store) == before and store.data_version() == version
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_an_import_starts_the_workflow_and_history_is_dated_now(store, status):
    started = datetime.now(UTC).replace(microsecond=0)
    result = import_csv(store, BACKDATED.encode(), "SM", ENGINE, actor="ana", status=status)
    assert result.status == status
    assert result.ignored == ("status", "approval_ref", "created_by", "updated_at")
    use = store.get_use(result.ids[0])
    assert (use.status, use.approval_ref, use.created_by, use.updated_by) == (
        status,
        "",
        "ana",
        "ana",
    )
    assert use.created_at == datetime(2025, 1, 15, 9, tzinfo=UTC)  # when the use was made
    assert use.updated_at >= started
    [created] = store.history(use.id)
    assert (created.field, created.new, created.actor) == ("created", status, "ana")
    assert created.at >= started  # the time of the write, never the file's


def test_an_import_cannot_start_a_use_further_on(store):
    assert refused(store, BACKDATED.encode(), status="approved") == [
        "row 1: an import starts its uses as draft or submitted, not 'approved'"
    ]


@pytest.mark.parametrize(
    "data",
    [b"title\r\n", b"title,department\r\n\r\n , \r\n\n", b"\xef\xbb\xbftitle\n\n\n"],
    ids=["header", "blank-rows", "bom-and-blank-lines"],
)
def test_a_file_without_rows_is_refused(store, data):
    assert refused(store, data) == [
        "row 1: the file has a header but no rows: there is nothing to import"
    ]


def test_no_uses_at_all_is_refused_by_the_store_too(store):
    version = store.data_version()
    with pytest.raises(StoreError, match="no uses to log"):
        store.insert_uses("SM", [], ENGINE.guidance, actor="ana")
    assert store.data_version() == version


def test_the_row_limit_is_checked_before_anything_is_written(store, monkeypatch):
    monkeypatch.setenv(MAX_ROWS_ENV, "3")
    rows = "".join(f"use {n}\r\n\r\n" for n in range(3))  # blank lines do not count
    assert import_csv(store, f"title\r\n{rows}".encode(), "SM", ENGINE, actor="a").imported == 3
    assert refused(store, f"title\r\n{rows}one more\r\n".encode()) == [
        "row 1: the file has more than 3 rows: the limit is 3 (GREENLIGHT_IMPORT_MAX_ROWS); "
        "split it"
    ]
    monkeypatch.setenv(MAX_ROWS_ENV, "lots")
    assert refused(store, b"title\r\nx\r\n") == [
        "row 1: GREENLIGHT_IMPORT_MAX_ROWS is 'lots': set it to a whole number of rows"
    ]


def test_the_default_row_limit_is_100_000(store, monkeypatch):
    monkeypatch.delenv(MAX_ROWS_ENV, raising=False)
    problems = refused(store, b"title\n" + b"a\n" * 100_001)
    assert problems == [
        "row 1: the file has more than 100,000 rows: the limit is 100,000 "
        "(GREENLIGHT_IMPORT_MAX_ROWS); split it"
    ]


def test_the_same_file_twice_is_refused_unless_confirmed(store):
    data = b"title,department\r\nMoodboard,Art\r\nStoryboard,Story\r\n"
    first = import_csv(store, data, "SM", ENGINE, actor="ana", source_name="week1.csv")
    [problem] = refused(store, data)
    assert problem.startswith("row 1: this file was imported into SM before, on ")
    assert "by ana (2 uses): nothing was written" in problem
    again = import_csv(store, data, "SM", ENGINE, actor="bo", allow_repeat=True)
    assert again.imported == 2 and set(again.ids).isdisjoint(first.ids)
    store.create_production("OT", "Other", actor="lead")
    assert import_csv(store, data, "OT", ENGINE, actor="ana").imported == 2
    recorded = store.imported_file("SM", __import__("hashlib").sha256(data).hexdigest())
    assert (recorded.source_name, recorded.imported_by, recorded.uses) == ("week1.csv", "ana", 2)


def test_two_sessions_importing_one_file_at_once_log_it_once(store):
    data = b"title\r\n" + b"".join(b"use %d\r\n" % n for n in range(300))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def session() -> None:
        barrier.wait()
        try:
            import_csv(store, data, "SM", ENGINE, actor="ana")
            outcomes.append("imported")
        except CsvImportError as exc:
            outcomes.append("repeat" if exc.repeat is not None else str(exc))

    threads = [threading.Thread(target=session) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["imported", "repeat"]
    assert store.count_uses() == 300


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            b"title,department\r\n\x00\r\nok,Art\r\n",
            "row 2, column title: holds a NUL character (0x00), which text may not; remove it",
        ),
        (
            b"title,department\r\nok,\x00\x00\r\n",
            "row 2, column department: holds a NUL character (0x00), which text may not; remove it",
        ),
        (
            b"title,created_at\r\nok,0001-01-01T00:30:00+01:00\r\n",
            "row 2, column created_at: '0001-01-01T00:30:00+01:00' is not a time like "
            "2026-01-31T09:30:00Z",
        ),
    ],
    ids=["nul-row", "nul-cell", "out-of-range-time"],
)
def test_bad_cells_are_one_line_naming_row_and_column(store, data, problem):
    assert refused(store, data) == [problem]


def test_the_store_starts_every_use_of_a_file_afresh(store):
    """The rule is the store's, so no other way in can skip it."""
    from greenlight.policy import parse_answers
    from greenlight.store import FileImport, NewUse

    answers = parse_answers({"title": "Key art"}, ENGINE.guidance)
    forged = NewUse(answers, ENGINE.assess(answers), status="approved", approval_ref="WA-1")
    version = store.data_version()
    with pytest.raises(StoreError, match="an imported use starts as draft or submitted"):
        store.insert_uses(
            "SM", [forged], ENGINE.guidance, actor="ana", file=FileImport("0" * 64, "x.csv")
        )
    assert store.data_version() == version and store.count_uses() == 0


def test_export_rows_by_name_and_by_default_every_column(store):
    import_csv(store, b"title,department\r\nMoodboard,Art\r\n", "SM", ENGINE, actor="ana")
    names = ("title", "production_name", "archived", "matrix_row")
    [row] = store.iter_export_rows(names=names)
    assert tuple(row) == ("Moodboard", "Saltmarsh", False, "")
    # Live and archived uses are read as two parts and merged: the same columns.
    [row] = store.iter_export_rows(UseFilter(archived=None), names=names)
    assert tuple(row) == ("Moodboard", "Saltmarsh", False, "")
    [row] = store.iter_export_rows()
    columns = dict(zip([*uses.c.keys(), *EXPORT_EXTRAS], row, strict=True))
    assert (columns["department"], columns["production"], columns["created_by"]) == (
        "Art",
        "SM",
        "ana",
    )
    with pytest.raises(StoreError, match="an export cannot read nope"):
        list(store.iter_export_rows(names=("title", "nope")))
