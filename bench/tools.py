"""The tool registry (issue 19): re-assessing every use of a tool after its tier changes, on
SQLite, while another writer logs uses; the other writer's waits are measured meanwhile.

The log: TOOL_USES uses of one production, nine in ten naming the tool, one in ten a vendor
workflow that contains it, a fifth of them approved (their level rises, so they reopen).
`python -m bench.tools` measures only this part (BENCH_TOOL_USES, default 100,000).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Figure, Run
from greenlight.policy import Engine, load_guidance, parse_answers
from greenlight.store import NewUse, UseCaseStore
from greenlight.store.database import dispose_engines

TOOL_USES = int(os.environ.get("BENCH_TOOL_USES", 100_000))
TARGET_RATE = 5_000  # uses/s
TARGET_WAIT = 1.0  # s, the longest another writer waits
WRITER_PAUSE = 0.02  # s between the other writer's uses
AT = datetime(2026, 12, 1, 10, tzinfo=UTC)


def _answers(guidance, tools: list[str], kind: int):
    doc = {
        "title": f"Use {kind}", "use_case_type": ("ideation", "background_element", "other")[kind % 3],
        "principles": {"outputs_original": "yes", "temporary_only": "yes",
                       "no_performance_replacement": "yes"},
        "context": {"final_deliverable": False, "vendor_pipeline": False,
                    "pipeline_meets_principles": "yes"},
        "tools": tools,
    }  # fmt: skip
    return parse_answers(doc, guidance)


def build(url: str, engine: Engine, size: int) -> tuple[UseCaseStore, str]:
    """The log at `url`: `size` uses naming one tool (or a workflow with it); its id."""
    store = UseCaseStore(url)
    store.create_production("BIG", "Big production", actor="bench")
    store.create_production("OTHER", "Another production", actor="bench")
    tool = store.add_tool("Studio Firefly", "enterprise", actor="bench", vendor="Adobe")
    chat = store.add_tool("Chat Pro", "no_training_terms", actor="bench", enterprise_secured="yes")
    flow = store.add_workflow("Crowd pipeline", "Pixel Co", [tool.id, chat.id], actor="bench")
    variants = [
        (_answers(engine.guidance, [flow.id] if k % 10 == 0 else [tool.id], k)) for k in range(30)
    ]
    assessed = [(a, engine.assess(a)) for a in variants]
    items = []
    for n in range(size):
        answers, assessment = assessed[n % len(assessed)]
        approved = n % 5 == 0
        items.append(
            NewUse(
                answers=answers,
                assessment=assessment,
                status="approved" if approved else "draft",
                # An approval carries the studio's reference and a note (the store's rule).
                approval_ref="WA-1" if approved else "",
                steps=((AT, "submitted", ""), (AT, "approved", "as assessed")) if approved else (),
            )  # fmt: skip
        )
    for start in range(0, size, 20_000):
        store.insert_uses("BIG", items[start : start + 20_000], engine.guidance, actor="bench")
    return store, tool.id


def _writer(store: UseCaseStore, engine: Engine, stop: threading.Event, waits: list) -> None:
    answers = _answers(engine.guidance, [], 1)
    while not stop.is_set():
        started = time.perf_counter()
        store.log_use("OTHER", answers, engine, actor="writer")
        waits.append(time.perf_counter() - started)
        time.sleep(WRITER_PAUSE)


def tool_figures(run: Run, folder: Path, size: int = TOOL_USES) -> None:
    """Build the log in `folder`, change the tool's tier, and add the figures to `run`."""
    engine = Engine(load_guidance())
    url = f"sqlite:///{folder / 'tools.db'}"
    started = time.perf_counter()
    store, tool_id = build(url, engine, size)
    print(f"  (log of {size:,} uses built in {time.perf_counter() - started:.0f} s)")
    waits: list[float] = []
    stop = threading.Event()
    other = threading.Thread(target=_writer, args=(store, engine, stop, waits))
    other.start()
    time.sleep(0.5)  # the writer's quiet baseline
    quiet = len(waits)
    started, cpu = time.perf_counter(), time.process_time()
    review = store.review_tool(tool_id, engine, actor="bench", tier="unknown")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    stop.set()
    other.join()
    result = review.result
    rate = result.checked / seconds
    during = waits[quiet:] or [0.0]
    run.add(
        Figure(
            f"re-assessing {result.checked:,} uses after one tool's tier changes (SQLite)",
            f"{rate:,.0f} uses/s",
            f"≥ {TARGET_RATE:,} uses/s",
            rate >= TARGET_RATE and result.checked == size,
            f"{seconds:.1f} s end to end ({cpu:.1f} s of CPU in this process, the other "
            f"writer's included: {result.checked / cpu:,.0f} uses per CPU second): "
            f"{result.level_changed:,} changed level, {result.reopened:,} approvals reopened, "
            "facts replaced for every use, tallies recounted; batches of 1,000 uses at most, "
            "smaller while one holds the log over 0.3 s; "
            f"load average {os.getloadavg()[0]:.1f} at the end",
        )
    )
    run.add(
        Figure(
            "another writer's longest wait meanwhile",
            f"{max(during):.3f} s",
            f"< {TARGET_WAIT:.0f} s",
            max(during) < TARGET_WAIT,
            f"{len(during)} uses logged to another production during the re-assessment, "
            f"median {statistics.median(during):.3f} s; before it, with no re-assessment, "
            f"median {statistics.median(waits[:quiet] or [0.0]):.3f} s",
        )
    )
    dispose_engines()


def main() -> None:
    run = Run()
    with tempfile.TemporaryDirectory(prefix="greenlight-tools-") as folder:
        tool_figures(run, Path(folder))
    print(run.table())
    for figure in run.figures:
        print(f"- {figure.name}: {figure.note}", file=sys.stdout)


if __name__ == "__main__":
    main()
