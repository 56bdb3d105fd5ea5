"""The files imported into each production, known by the SHA-256 of their bytes, so the same
file is never logged twice without the importer saying so."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.store.database import conflict_insert
from greenlight.store.records import FileImport, ImportedFile, RepeatedImport, utc
from greenlight.store.rows import now_utc
from greenlight.store.tables import imported_files, productions

_IMPORTED = sa.select(
    productions.c.code,
    imported_files.c.sha256,
    imported_files.c.source_name,
    imported_files.c.imported_at,
    imported_files.c.imported_by,
    imported_files.c.uses,
).select_from(imported_files.join(productions, productions.c.id == imported_files.c.production_id))


def find_import(conn: Connection, production: str, sha256: str) -> ImportedFile | None:
    """The first import of the file with this SHA-256 into `production`, if any."""
    row = conn.execute(
        _IMPORTED.where(productions.c.code == production, imported_files.c.sha256 == sha256)
    ).first()
    if row is None:
        return None
    code, digest, name, at, by, count = row
    return ImportedFile(code, digest, name, utc(at), by, count)


def record_import(
    conn: Connection, production_id: int, production: str, file: FileImport, actor: str, uses: int
) -> None:
    """Record an import of `file` into a production, in the import's transaction;
    RepeatedImport if it was imported there before and the importer did not confirm it.

    The key decides, not a look first: of two sessions importing one file at once, the
    second waits on the first's row (PostgreSQL) or its write lock (SQLite), then finds it.
    """
    statement = (
        conflict_insert(conn.dialect)(imported_files)
        .values(
            production_id=production_id,
            sha256=file.sha256,
            source_name=file.source_name,
            imported_at=now_utc(),
            imported_by=actor,
            uses=uses,
        )
        .on_conflict_do_nothing()
        .returning(imported_files.c.sha256)  # (psycopg gives no rowcount for it)
    )
    if conn.execute(statement).first() is None and not file.allow_repeat:
        raise RepeatedImport(find_import(conn, production, file.sha256))
