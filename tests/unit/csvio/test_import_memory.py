"""Files within the app's upload limit (10 MB) that once took the server past 1 GB: an import
grows the process by less than about 100 MB, measured in a child process (its peak RSS)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LIMIT_MB = 100

CHILD = textwrap.dedent(
    """
    import resource, sys
    from greenlight.csvio import CsvImportError, import_csv
    from greenlight.policy import Engine, load_guidance
    from greenlight.store import UseCaseStore

    store = UseCaseStore(sys.argv[1])
    store.create_production("SM", "Saltmarsh", actor="lead")
    engine = Engine(load_guidance())
    kind = sys.argv[2]
    if kind == "blank-lines":
        data = b"title\\n" + b"\\n" * (9_900_000 - 6)
    else:
        data = b"title\\n" + b"a\\n" * 1_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        import_csv(store, data, "SM", engine, actor="ana")
        print("imported")
    except CsvImportError as exc:
        print(exc.problems[0].message)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(grown // 1024)
    """
)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("blank-lines", "the file has a header but no rows: there is nothing to import"),
        ("one-letter-titles", "the file has more than 100,000 rows"),
    ],
)
def test_a_large_file_is_refused_within_memory(tmp_path, monkeypatch, kind, message):
    monkeypatch.delenv("GREENLIGHT_IMPORT_MAX_ROWS", raising=False)
    url = f"sqlite:///{tmp_path / 'log.db'}"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, kind],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    said, grown_mb = done.stdout.splitlines()
    assert said.startswith(message)
    assert int(grown_mb) < LIMIT_MB, f"the import grew the process by {grown_mb} MB"
