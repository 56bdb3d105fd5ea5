"""The demo production: a realistic, clearly labelled log for a first run, removable in one step.

The uses live in data/demo.yaml. Their dates are relative (days into a ten-week demo that ends
on the day it is seeded), their levels are computed by the engine, and each one is walked to
its status through the real workflow, so the history timeline looks like a real one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenlight import workflow
from greenlight.policy import (
    FIELD_NAMES,
    Answers,
    AnswersError,
    YamlError,
    parse_answers,
    read_yaml,
)
from greenlight.store import NewUse

if TYPE_CHECKING:
    from greenlight.policy import Engine, Guidance
    from greenlight.store import UseCaseStore

DEMO_PATH = Path(__file__).resolve().parents[1] / "data" / "demo.yaml"
DEMO_ACTOR = "Greenlight demo"
_USE_KEYS = {"day", "answers", "status", "approval_ref", "note", *FIELD_NAMES}


class DemoError(ValueError):
    """The demo file is broken; str() lists every problem with the use it is in."""


@dataclass(frozen=True)
class DemoUse:
    day: int
    answers: Answers
    status: str
    approval_ref: str
    note: str


@dataclass(frozen=True)
class Demo:
    code: str
    name: str
    days: int
    uses: tuple[DemoUse, ...]


def load_demo(guidance: Guidance, path: Path | None = None) -> Demo:
    """Read and check data/demo.yaml (or `path`) against the guidance."""
    path = path or DEMO_PATH
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except (OSError, YamlError) as exc:
        raise DemoError(f"{path}: {exc}") from None
    problems: list[str] = []
    production = data.get("production") if isinstance(data, Mapping) else None
    if not isinstance(production, Mapping) or not {"code", "name"} <= set(production):
        raise DemoError(f"{path}: needs production: {{code, name}}, days and uses")
    days = int(data.get("days", 70))
    uses: list[DemoUse] = []
    for index, entry in enumerate(data.get("uses") or (), start=1):
        where = f"{path}: use {index}"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: expected a mapping")
            continue
        unknown = set(entry) - _USE_KEYS
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        document: dict[str, Any] = {name: entry[name] for name in FIELD_NAMES if name in entry}
        document.update(entry.get("answers") or {})
        try:
            answers = parse_answers(document, guidance)
        except AnswersError as exc:
            problems.extend(f"{where} ({entry.get('title')}): {p}" for p in exc.problems)
            continue
        day = entry.get("day")
        if not isinstance(day, int) or not 0 <= day < days:
            problems.append(f"{where}: day must be a whole number from 0 to {days - 1}")
            continue
        status = entry.get("status", workflow.DEFAULT_STATUS)
        if status not in workflow.status_ids():
            problems.append(f"{where}: unknown status {status!r}")
            continue
        uses.append(
            DemoUse(day, answers, status, str(entry.get("approval_ref", "")), entry.get("note", ""))
        )
    if problems:
        raise DemoError("\n".join(problems))
    return Demo(str(production["code"]), str(production["name"]), days, tuple(uses))


def status_path(status: str, level: str) -> tuple[str, ...]:
    """The statuses a use passes through after draft to reach `status` (a plausible route)."""
    if status == "draft":
        return ()
    if status in ("submitted", "withdrawn"):
        return ("submitted", status) if status != "submitted" else ("submitted",)
    if status == "approved" and level == "low":
        return ("submitted", "approved")
    return ("submitted", "escalated") + ((status,) if status != "escalated" else ())


def _new_use(index: int, use: DemoUse, demo: Demo, engine: Engine, now: datetime) -> NewUse:
    first_day = now.date() - timedelta(days=demo.days - 1)
    # Spread over a working day, the same way on every run.
    created = datetime.combine(first_day + timedelta(days=use.day), time(8), UTC)
    created = min(created + timedelta(minutes=(index * 97) % 540), now)
    assessment = engine.assess(use.answers)
    path = status_path(use.status, assessment.level)
    steps = []
    for number, target in enumerate(path, start=1):
        at = min(created + timedelta(days=number * (1 + index % 3), hours=number), now)
        steps.append((at, target, use.note if number == len(path) else ""))
    return NewUse(
        answers=use.answers,
        assessment=assessment,
        status=use.status,
        approval_ref=use.approval_ref,
        created_at=created,
        updated_at=steps[-1][0] if steps else created,
        note="demo data",
        steps=tuple(steps),
    )


def seed_demo(
    store: UseCaseStore, engine: Engine, *, path: Path | None = None, today: date | None = None
) -> int:
    """Create the demo production with its uses; return how many were logged (0: already there).

    Idempotent and atomic: a demo production that already holds uses (archived ones count),
    or a real production with the demo's code, is left as it is; two processes seeding one
    empty log at once seed it once (UseCaseStore.seed_demo_production).
    """
    demo, items = demo_uses(engine, path=path, today=today)
    return store.seed_demo_production(
        demo.code, demo.name, items, engine.guidance, actor=DEMO_ACTOR
    )


def demo_uses(
    engine: Engine, *, path: Path | None = None, today: date | None = None
) -> tuple[Demo, list[NewUse]]:
    """The demo and its uses, assessed and dated, ready for seed_demo_production."""
    demo = load_demo(engine.guidance, path)
    now = datetime.now(UTC)
    if today is not None:
        now = datetime.combine(today, time(18), UTC)
    return demo, [_new_use(i, use, demo, engine, now) for i, use in enumerate(demo.uses)]


def remove_demo(store: UseCaseStore, *, actor: str, confirm: bool = False) -> int:
    """Remove every demo production with its uses and history, if confirmed and it holds no
    real work; return how many uses went (a "demo removed" event records it)."""
    return store.remove_demo_productions(actor=actor, confirm=confirm)
