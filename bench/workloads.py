"""Import, batch assessment and re-assessment: the write-side figures."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import sqlalchemy as sa

from greenlight.csvio import import_csv, iter_csv
from greenlight.policy import DEFAULT_DIR, Guidance, load_guidance
from greenlight.policy.answers import FIELD_NAMES, document_of
from greenlight.policy.engine import Engine
from greenlight.store import UseCaseStore, UseFilter
from greenlight.store.tables import ANSWERS_OF_USES, answer_sets, uses

NEW_VERSION = "2099.1"


def newer_engine(folder: Path, guidance: Guidance) -> Engine:
    """The guidance one version on, with one rule made stricter (an unknown tool tier now
    needs written approval), compiled into a fresh engine with an empty memo."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in DEFAULT_DIR.iterdir():
        text = source.read_text(encoding="utf-8")
        if source.name == "guidance.yaml":
            text = text.replace(f'version: "{guidance.version}"', f'version: "{NEW_VERSION}"', 1)
        if source.name == "rules.yaml":
            text = text.replace(
                "  - id: tool-terms-unknown\n    level: escalate",
                "  - id: tool-terms-unknown\n    level: approval",
            )
        (folder / source.name).write_text(text, encoding="utf-8")
    return Engine(load_guidance(folder))


def import_file(store: UseCaseStore, guidance: Guidance) -> bytes:
    """The whole log of `store` as a CSV in the export format, without the production column."""
    text = "".join(iter_csv(store, guidance, UseFilter(archived=False)))
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows)
    drop = header.index("production")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in [header, *rows]:
        writer.writerow(row[:drop] + row[drop + 1 :])
    return out.getvalue().encode("utf-8")


def import_seconds(url: str, data: bytes, engine: Engine) -> tuple[float, float, int]:
    """Seconds (wall clock, and CPU of this process) to import a file into a new production
    of an empty store, and the rows imported."""
    store = UseCaseStore(url)
    store.create_production("IMPORT", "Imported", actor="bench")
    started, cpu = time.perf_counter(), time.process_time()
    result = import_csv(store, data, "IMPORT", engine, actor="bench", source_name="bench.csv")
    return time.perf_counter() - started, time.process_time() - cpu, result.imported


def stored_documents(url: str, limit: int) -> list[dict]:
    """Up to `limit` answers documents as the log holds them (free text and answer set)."""
    store = UseCaseStore(url)
    with store.engine.connect() as conn:
        query = sa.select(*(uses.c[name] for name in FIELD_NAMES), answer_sets.c.answers)
        rows = conn.execute(query.select_from(ANSWERS_OF_USES).limit(limit))
        return [document_of(row._mapping, row.answers) for row in rows]


def assessment_rate(documents: list[dict], engine: Engine) -> float:
    """Uses per second: each stored document read and assessed under `engine`
    (Engine.assess_document, the path the store's reassess takes; one thread,
    the engine's memo empty at the start)."""
    started = time.perf_counter()
    for document in documents:
        engine.assess_document(document)
    return len(documents) / (time.perf_counter() - started)


def reassess_rate(url: str, engine: Engine) -> tuple[float, int]:
    """Uses per second of UseCaseStore.reassess over the whole log, and how many it checked."""
    store = UseCaseStore(url)
    started = time.perf_counter()
    result = store.reassess(engine, actor="bench")
    return result.checked / (time.perf_counter() - started), result.checked
