"""`backup` and `restore`: a whole log to one file and back, every table exactly as it was,
from SQLite to either database; into an empty log only."""

from __future__ import annotations

import gzip
import io
import re

import pytest
import sqlalchemy as sa

from greenlight.cli import main
from greenlight.demo import seed_demo
from greenlight.policy import Engine, load_guidance, parse_answers
from greenlight.store import StoreError, UseCaseStore
from greenlight.store.tables import DATA_COUNTER, metadata
from tests.unit.samples import CLEAR

ENGINE = Engine(load_guidance())


def every_table(store: UseCaseStore) -> dict[str, list[tuple]]:
    """Every row of every table the store declares (tables added later too), in key order."""
    with store.engine.connect() as conn:
        found = {}
        for table in metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            found[table.name] = sorted((tuple(row) for row in rows), key=repr)
        return found


def a_lived_in_log(url: str) -> UseCaseStore:
    """A log with a demo production, a real one, archived uses, every status, references,
    several actors, reassessed uses and an import."""
    store = UseCaseStore(url)
    seed_demo(store, ENGINE)
    store.create_production("SM", "Saltmarsh", actor="lead")
    answers = parse_answers(
        {"title": "Key art\nline two", "use_case_type": "key_visual", "principles": CLEAR},
        ENGINE.guidance,
    )
    use = store.log_use("SM", answers, ENGINE, actor="Ana Ruiz")
    store.set_status(use.id, "submitted", actor="Bo", note="for review")
    store.set_status(use.id, "approved", actor="Studio Legal", approval_ref="WA-7", note="ok")
    store.archive_use(use.id, actor="Cy", note="done")
    letter = store.add_evidence("use", use.id, "letter.pdf", b"%PDF-1.7\n\x00\xff", actor="Cy")
    store.read_evidence(letter.id, viewer="Cy")
    from greenlight.csvio import import_csv

    import_csv(store, b"title,tool\r\nStoryboards,Boards AI\r\n", "SM", ENGINE, actor="Di")
    return store


def test_a_backup_restores_every_table_exactly(sqlite_url, db_url, tmp_path):
    source = a_lived_in_log(sqlite_url.replace("greenlight.db", "source.db"))
    before = every_table(source)
    assert all(
        before[name]
        for name in (
            "productions",
            "uses",
            "use_history",
            "imported_files",
            "evidence_files",
            "evidence_views",
        )
    )
    path = tmp_path / "log.backup"
    out, err = io.StringIO(), io.StringIO()
    assert main(["backup", "-o", str(path), "--database", source.url], out, err) == 0, err
    total = sum(map(len, before.values()))
    assert out.getvalue() == f"backed up the log to {path}: {total} rows\n"

    target = UseCaseStore(db_url)
    version = target.data_version()
    out, err = io.StringIO(), io.StringIO()
    assert main(["restore", str(path), "--database", db_url], out, err) == 0, err.getvalue()
    assert out.getvalue() == f"restored {total} rows from {path}\n"
    after = every_table(target)
    data = [row for row in after["counters"] if row[0] == DATA_COUNTER]
    assert data[0][1] > version  # the data version moved on
    for name, rows in before.items():
        if name == "schema_migrations":  # when each step ran differs by a little
            assert [row[:2] for row in after[name]] == [row[:2] for row in rows]
        else:
            assert after[name] == rows, name
    # New rows get new ids after the restored ones (PostgreSQL's sequences moved on).
    target.create_production("NEW", "New", actor="lead")
    answers = parse_answers({"title": "After"}, ENGINE.guidance)
    target.log_use("NEW", answers, ENGINE, actor="Ana")


def test_a_restore_is_refused_into_a_log_that_holds_anything(db_url, tmp_path):
    store = UseCaseStore(db_url)
    store.create_production("SM", "Saltmarsh", actor="lead")
    path = tmp_path / "log.backup"
    with path.open("wb") as handle:
        store.backup(handle)
    before = every_table(store)
    out, err = io.StringIO(), io.StringIO()
    assert main(["restore", str(path), "--database", db_url], out, err) == 2
    assert err.getvalue() == (
        f"error: {path}: the log is not empty (its productions table holds rows): a backup is "
        "restored into an empty log only; nothing was restored\n"
    )
    assert every_table(store) == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "not a Greenlight backup, or a damaged one"),
        (lambda data: b"id,title\r\n", "not a Greenlight backup, or a damaged one"),
        (
            lambda data: gzip.compress(gzip.decompress(data).rsplit(b"\n", 2)[0] + b"\n"),
            "the backup is incomplete (cut short?): nothing was restored",
        ),
        (
            lambda data: gzip.compress(
                gzip.decompress(data).replace(b'"schema":', b'"schema":9', 1)
            ),
            "the backup is of a log at schema 9",
        ),
    ],
    ids=["cut-short", "a-csv", "no-last-line", "another-schema"],
)
def test_a_damaged_backup_restores_nothing(sqlite_url, tmp_path, damage, message):
    source = a_lived_in_log(sqlite_url)
    buffer = io.BytesIO()
    source.backup(buffer)
    target = UseCaseStore(sqlite_url.replace("greenlight.db", "target.db"))
    before = every_table(target)
    with pytest.raises(StoreError, match=re.escape(message)):
        target.restore(io.BytesIO(damage(buffer.getvalue())))
    assert every_table(target) == before
