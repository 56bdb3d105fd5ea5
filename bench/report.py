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
        "the floor is Streamlit's frontend for a page with our widgets, plus what our first "
        "run cannot skip. On 2026-12-02, 10 alternating rounds on the 1M-use log: hello "
        "world 1.75 s; the home page's widgets drawn with no work (the figure beside) "
        "2.01 s, 1.15x; app.py 2.50 s, 1.43x. From the websocket opening to the page drawn "
        "that is 0.18, 0.42 and 0.89 s: the browser's part after the script is about 0.35 s "
        "for either page, and it barely overlaps the script, since both share two cores. "
        "Timers around app.py's steps in the real server (0.54 s of script): greenlight.ui's "
        "imports 60 ms; set_page_config 75-115 ms, Streamlit's image_to_url importing numpy "
        "and PIL for our icon file (without an icon of our own the browser fetches the "
        "page's Material icon from a font CDN); opening the store 210-230 ms, most of it "
        "importing SQLAlchemy; the sidebar 115-120 ms (2,500 productions listed in 17 ms, "
        "and Streamlit's one-off look at the call stack on the first element, 50-70 ms with "
        "1,000 modules loaded); the home page 40-75 ms, loading the guidance 40 ms of it. "
        "Cut already: SQLAlchemy's PostgreSQL dialect on SQLite (66 ms), a second production "
        "list, our modules compiled at install (80 ms). Tried and dropped: drawing widgets "
        "before the store opens so the browser fetches their scripts meanwhile (slower, for "
        "the same reason), and st.App with a warm-up thread (branch coldstart: 1.53x to "
        "1.37x, worse than without it under load, an experimental API)."
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
