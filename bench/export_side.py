"""One side of the CSV export figure, in a process of its own: python -m bench.export_side.

    python -m bench.export_side ours URL OUT     Greenlight's streamed export of every use
    python -m bench.export_side pandas CSV OUT   DataFrame.to_csv of the same cells

Prints JSON: seconds (wall clock), cpu_seconds (this process), and peak_bytes: how far the
process's resident memory rose above where it stood when the export began (the kernel's
high-water mark, reset just before; it counts every allocation, SQLite's and numpy's too).
The pandas side loads the cells our export wrote (every column as text) before its clock
starts: the floor is writing rows already in memory.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def main(argv: list[str]) -> None:
    mode, source, out = argv[:3]
    if mode == "ours":
        from greenlight.csvio import write_csv
        from greenlight.policy import load_guidance
        from greenlight.store import UseCaseStore, UseFilter

        store = UseCaseStore(source)
        guidance = load_guidance()

        every = UseFilter(archived=None)

        def export(f: UseFilter = every) -> None:
            with open(out, "w", encoding="utf-8", newline="") as handle:
                write_csv(store, guidance, handle, f)

        # First use of the store and the csv machinery, outside the measurement.
        export(UseFilter(productions=(store.list_productions()[0].code,)))

    else:
        import pandas as pd

        frame = pd.read_csv(source, dtype=str, keep_default_na=False, na_filter=False)

        def export() -> None:
            frame.to_csv(out, index=False, lineterminator="\r\n")

        frame.head(100).to_csv(out, index=False, lineterminator="\r\n")  # the same warm-up

    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark (VmHWM)
    before = _status("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    export()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _status("VmHWM") - before
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_bytes": peak}))


if __name__ == "__main__":
    main(sys.argv[1:])
