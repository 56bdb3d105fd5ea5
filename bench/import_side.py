"""The CSV import figure in a process of its own: python -m bench.import_side URL CSV.

Imports the file into a new production of the store at URL and prints JSON: seconds (wall
clock), cpu_seconds (this process) and rows. A fresh process, as for the export figure, so
what the bench ran before (AppTest sessions and their threads, caches, a heap grown by a
million-use overview) shares neither its core nor its memory.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import workloads
from greenlight.policy import load_guidance
from greenlight.policy.engine import Engine


def main(argv: list[str]) -> None:
    url, source = argv[:2]
    data = Path(source).read_bytes()
    seconds, cpu, rows = workloads.import_seconds(url, data, Engine(load_guidance()))
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rows": rows}))


if __name__ == "__main__":
    main(sys.argv[1:])
