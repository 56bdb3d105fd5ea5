"""The store tests' fixture log: answers of three kinds, fixed times, two productions."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from greenlight.demo import status_path
from greenlight.policy import load_guidance
from greenlight.policy.answers import parse_answers
from greenlight.policy.engine import Engine
from greenlight.store import (
    LocalAdministrator,
    UseCaseStore,
)
from tests.unit.samples import CLEAR

GUIDANCE = load_guidance()
ENGINE = Engine(GUIDANCE)
SAFE_CONTEXT = {"tool_tier": "enterprise", "final_deliverable": False, "vendor_pipeline": False}
KINDS = {
    # level low, no reasons
    "low": {"use_case_type": "ideation", "principles": CLEAR, "context": SAFE_CONTEXT},
    # level escalate: principle-3-unsure
    "escalate": {
        "use_case_type": "ideation",
        "principles": {**CLEAR, "enterprise_environment": "unsure"},
        "context": SAFE_CONTEXT,
    },
    # level approval: key-creative-element
    "approval": {
        "use_case_type": "key_visual",
        "principles": CLEAR,
        "involves": {"key_creative_element": True},
        "context": SAFE_CONTEXT,
    },
}


def answers(kind: str, title: str = "A use", **fields):
    return parse_answers({"title": title, **fields, **KINDS[kind]}, GUIDANCE)


# Only the command line, as the local administrator, dates a status change (set_status's at).
BOB = LocalAdministrator("bob")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


# (production, title, kind, department, created, status, extra fields)
FIXTURE_LOG = [
    ("A", "Moodboard", "low", "Art", at(1, 5), "approved", {}),
    ("A", "Storm previs", "escalate", "VFX", at(1, 6), "escalated", {"description": "animatic"}),
    ("A", "Creature design", "approval", "Art", at(1, 13), "approved", {}),
    ("A", "Crowd voices", "approval", "Sound", at(2, 2), "draft", {}),
    ("A", "Archived idea", "low", "Art", at(2, 3), "draft", {}),
    ("B", "Poster", "escalate", "Marketing", at(1, 7), "submitted", {"tool": "Image tool 100%"}),
    ("B", "Trailer", "low", "Marketing", at(2, 10), "draft", {"vendor": "North_light"}),
    ("B", "Dub voices", "approval", "Sound", at(2, 11), "declined", {}),
]


def build_log(store: UseCaseStore) -> dict[str, str]:
    """The fixture log: two productions, eight uses (one archived); title -> id."""
    store.create_production("A", "Alpha", actor="lead")
    store.create_production("B", "Bravo", actor="lead")
    ids = {}
    for code, title, kind, department, created, status, extra in FIXTURE_LOG:
        record = store.log_use(
            code,
            answers(kind, title, department=department, **extra),
            ENGINE,
            actor="ana",
            at=created,
        )
        for step in status_path(status, record.level):
            # An approval needs the studio's reference and a note, at every level.
            ref, note = ("WA-1", "approved as logged") if step == "approved" else (None, "")
            store.set_status(record.id, step, actor=BOB, approval_ref=ref, note=note, at=created)
        ids[title] = record.id
    store.archive_use(ids["Archived idea"], actor="ana")
    return ids


class StartsWith(str):
    """Equal to any text that starts with it (for one cell inside a compared tuple)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other.startswith(str(self))

    __hash__ = str.__hash__


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]
