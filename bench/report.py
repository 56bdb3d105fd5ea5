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
        "the floor is per-row Python plus SQLite's own insert cost. Since 2026-12-01 a use "
        "is two rows (the use and its history row; its reasons and principle concerns are "
        "a shared outcome), built column by column: side by side with the code before, "
        "same file, alternating, 21.3 s and 21.2 s became 12.7 s and 13.0 s (0.61x). Phase "
        "timers of a 12.8 s run: reading and checking the file 3.8-4.1 s (csv parsing "
        "0.55 s, the look-up of the file's ids 0.4 s, then about 30 µs a row for its id, "
        "times, status, free text and workflow state), building the rows 1.7 s, the uses' "
        "executemany 2.3 s (1.5 s of it SQLite's: the same rows through sqlite3 alone, "
        "97,000 rows of about 1.3 kB under three indexes and two foreign keys), the history "
        "rows 0.75 s, counting the tallies 0.8 s, upserting 170,000 tally rows 1.4 s, the "
        "commit with its WAL checkpoint 0.9 s. SQLite's share is about 4.5 s; the rest is "
        "about 80 µs of Python a row. The old code took 13.5 s in the fast hour of an "
        "earlier run and 21 s today on the same VM: 10 s is met only in fast hours. Next "
        "steps: the checks and rows done column by column, without a NewUse and an Answers "
        "object per row; or the Python half in a process beside the writer (a thread was "
        "tried: sqlite3 releases the GIL only for each row's step, so the two took turns)."
    ),
    "rows [PostgreSQL]": (
        "our process spends about 11 s of CPU (checking, building and sending the rows), "
        "and the server writes two rows a use with their indexes and foreign keys and "
        "upserts 170,000 tally rows (the rest of the wall clock, 6-8 s), on the same two "
        "cores. The move to shared outcomes took it from 26.2 s to 16.4 s side by side."
    ),
    "cold start": (
        "the floor is what the app imports and draws before its first page that hello world "
        "does not. pyinstrument of app.py's first run inside streamlit run (0.70 s before the "
        "changes of 2026-11-26's second session): importing SQLAlchemy 0.21 s, the store "
        "and its modules 0.09 s, the sidebar 0.09 s, greenlight.ui's imports 0.09 s, the "
        "home page 0.05 s; the emoji page icon (0.17 s), the PostgreSQL dialect (0.04 s) and "
        "PyYAML's pure-Python parser (0.03 s) are gone. A hello world that only imports the "
        "store and loads the guidance already costs 0.6 s more than hello world: the rest "
        "of the gap is the page itself (sidebar, navigation, metrics)."
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
