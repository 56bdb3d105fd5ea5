"""The figures of a run: one table on the terminal and in bench/RESULTS.md, with the machine."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
LIBRARIES = ("streamlit", "pandas", "altair", "SQLAlchemy", "psycopg", "playwright")


@dataclass
class Figure:
    """One measured figure and its target; `ok` is None when it has no target (reported only)."""

    name: str
    measured: str
    target: str = "—"
    ok: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        return "—" if self.ok is None else ("pass" if self.ok else "MISS")


@dataclass
class Run:
    """Every figure of one `make bench`, in the order measured."""

    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    load_at_start: tuple[float, ...] = field(default_factory=os.getloadavg)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(f"  {figure.name}: {figure.measured} (target {figure.target}) {figure.verdict}")
        return figure

    def table(self) -> str:
        rows = [("figure", "measured", "target", "result")]
        rows += [(f.name, f.measured, f.target, f.verdict) for f in self.figures]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [
            "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
            for r in rows
        ]
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(lines)


def machine() -> list[str]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3

    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    lines = [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}",
        f"- Python {platform.python_version()} on {platform.platform()}",
        f"- SQLite {sqlite3.sqlite_version}; " + ", ".join(versions),
    ]
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, timeout=10)
        lines[-1] += f"; {pg.stdout.strip()}" if pg.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        chromium = subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=20
        )
        lines[-1] += f"; {chromium.stdout.strip()}" if chromium.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        pass
    return lines


# What stands between a figure and its target when it misses, measured when the work on
# issue 5 was done (see the commit messages for the profiles). Shown under "Floors".
FLOORS = {
    "CSV import": (
        "the floor is SQLite's own insert cost plus a few µs of Python a row, on a VM whose "
        "speed moves by half within the hour. On 2026-12-01 a use became two rows (its "
        "reasons and concerns a shared outcome; 21.3 s to 12.7 s side by side), then a "
        "smaller row (its answers a shared answer set: the uses table 432 bytes a row "
        "instead of 1.3 kB, the insert's write-ahead log 50 MB instead of 137 MB), and a "
        "file whose cells all pass is checked and read column by column. Side by side with "
        "the code before those last two, alternating, same file: 12.7/12.5/12.2 s against "
        "11.7/9.8/11.0 s. Phase timers of a 10.5 s run: reading and checking 3.3 s (csv "
        "parsing about 0.8 s, the file's 97,000 ids looked up 0.4 s, the column checks "
        "2.0 s), building the rows 0.8 s, counting the tallies 0.9 s, writing uses and "
        "history 3.0 s, upserting 170,000 tally rows 1.2 s, the commit with its WAL "
        "checkpoint about 0.8 s. Next steps: the tallies counted by SQLite from the rows "
        "just written instead of built and upserted from Python (2.1 s now), and the csv "
        "module's 0.8 s is a floor of its own."
    ),
    "rows [PostgreSQL]": (
        "our process does the same reading and building as on SQLite, and the server "
        "writes two rows a use with their indexes and foreign keys and upserts 170,000 "
        "tally rows, on the same two cores. Shared outcomes took it from 26.2 s to 16.4 s "
        "side by side; answer sets and the column checks since cut our process's share."
    ),
    "cold start": (
        "the floor is what the app imports and draws before its first page that hello world "
        "does not. cProfile of the first script run (1.3-1.6 s on 2026-12-01): importing "
        "SQLAlchemy 0.22-0.29 s, loading the guidance 0.17-0.27 s, set_page_config's "
        "image_to_url importing numpy and PIL for our icon file about 0.1-0.2 s, "
        "greenlight.ui's imports 0.17 s, a one-off module check of Streamlit's 0.11 s; "
        "after the run the browser fetches the scripts of our widgets (selectbox, text "
        "input, metric, page link), 0.3-0.4 s hello world does not wait for. Our modules "
        "are compiled at install now (with PYTHONDONTWRITEBYTECODE set they were compiled at "
        "every start, 0.08 s). Tried and left on a branch: st.App (experimental in "
        "Streamlit 1.67) with a lifespan that warms the imports, guidance and store in a "
        "thread while the browser loads: 1.53x to 1.37x side by side, but worse than "
        "without it in a load spike (the thread competes with Chromium for two cores), and "
        "it leans on two Streamlit internals and changes how the server stops."
    ),
    "CSV export": (
        "writing the rows with the csv module is most of both sides; ours also reads them "
        "from SQLite (per production, sorted by time) and renders each distinct set of "
        "answers once (to_csv starts from a frame already in memory)."
    ),
    "peak memory": (
        "both sides stream in fixed chunks, so both peaks are a few MiB whatever the size "
        "of the log; a ratio of two such small numbers moves with the allocator from run "
        "to run (pandas' own peak measured 3.7 to 5.9 MiB)."
    ),
    "batch assessment": (
        "the memoised path costs 6-8 µs a use on an idle core (124,000 to 174,000 uses/s "
        "measured); it falls below 100,000 only while another process holds the core."
    ),
    "overview warm": (
        "a warm run re-draws cached chart specs; what is left is Streamlit's own work per "
        "element, including a selectbox of every production (2,500 at 1M uses, 20 at 1k)."
    ),
}


def floors(run: Run) -> list[str]:
    """The floor notes of the figures that missed their target."""
    found = []
    for figure in run.figures:
        if figure.ok is False:
            keys = [key for key in FLOORS if key in figure.name]
            if keys:  # the most specific note that applies
                text = FLOORS[max(keys, key=len)]
                found.append(f"- **{figure.name}** ({figure.measured}): {text}")
    return found


def write_results(run: Run, seconds: float) -> None:
    """bench/RESULTS.md: the table, the date, the machine and the notes of this run."""
    passed = sum(f.ok is True for f in run.figures)
    targets = sum(f.ok is not None for f in run.figures)
    text = [
        "# Benchmark results",
        "",
        "Written by `make bench` (python -m bench); every run replaces this file. Timings are",
        "medians of repeated runs; every ratio is measured side by side in the same run.",
        "",
        f"Run of {run.started:%Y-%m-%d %H:%M} UTC, {seconds:.0f} s in all: "
        f"{passed} of {targets} targets met.",
        "",
        run.table(),
        "",
        "## Machine",
        "",
        *machine(),
        "- load average (1, 5, 15 min) at the start "
        + " ".join(f"{x:.2f}" for x in run.load_at_start)
        + ", at the end "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + " (other work shares these two cores)",
    ]
    notes = [f"- **{f.name}**: {f.note}" for f in run.figures if f.note] + run.notes
    if notes:
        text += ["", "## Notes", "", *notes]
    missed = floors(run)
    if missed:
        text += ["", "## Floors of the figures that missed", "", *missed]
    RESULTS.write_text("\n".join(text) + "\n", encoding="utf-8")
