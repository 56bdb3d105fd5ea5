"""The registry's facts for uses: the tools and workflows their answers name, loaded with
two set-based queries whatever their number, and the use_tools rows that link them.

A production's own tools and workflows answer only for that production's uses; an id a
use may not name (another production's, or none at all) counts as unknown terms
(ledger.tool_facts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from greenlight.ledger import OTHER, Tool, Workflow, reached_tools, tool_facts
from greenlight.ledger.tools import TOOL_PREFIX, WORKFLOW_PREFIX
from greenlight.policy import Fact
from greenlight.store.tools.records import TOOL_SELECT, load_workflows, tool_of
from greenlight.store.tools.tables import tools, workflows

LINKS = "tools"  # the name of the answers' list of tool and workflow ids (Answers.links)


@dataclass
class Registry:
    """The tools and workflows some uses name, each with the production it belongs to
    (None: the studio's), and the facts worked out per production and links."""

    tools: dict[str, tuple[int | None, Tool]] = field(default_factory=dict)
    workflows: dict[str, tuple[int | None, Workflow]] = field(default_factory=dict)
    _facts: dict[tuple, tuple[Fact, ...]] = field(default_factory=dict)

    def facts(self, production_id: int, links: Sequence[str], day: date) -> tuple[Fact, ...]:
        """The facts for a use of this production naming `links`, on `day` (remembered)."""
        key = (production_id, tuple(links), day)
        found = self._facts.get(key)
        if found is None:
            mine = {None, production_id}
            flows = {k: w for k, (p, w) in self.workflows.items() if p in mine}
            kit = {k: t for k, (p, t) in self.tools.items() if p in mine}
            found = self._facts[key] = tool_facts(links, day, kit, flows)
        return found


def load_registry(conn: Connection, links: Iterable[str]) -> Registry:
    """The tools and workflows these links name, with every step of those workflows."""
    links = set(links) - {OTHER}
    registry = Registry()
    flow_ids = sorted(link for link in links if link.startswith(WORKFLOW_PREFIX))
    if flow_ids:
        found = load_workflows(conn, workflows.c.id.in_(flow_ids))
        owners = dict(
            conn.execute(
                sa.select(workflows.c.id, workflows.c.production_id).where(
                    workflows.c.id.in_(flow_ids)
                )
            ).all()
        )
        registry.workflows = {k: (owners[k], w) for k, w in found.items()}
    tool_ids = sorted(reached_tools(links, {k: w for k, (_, w) in registry.workflows.items()}))
    if tool_ids:
        rows = conn.execute(TOOL_SELECT.where(tools.c.id.in_(tool_ids)))
        registry.tools = {row.id: (row.production_id, tool_of(row)) for row in rows}
    return registry


def tool_facts_for(
    conn: Connection, production_id: int, links: Mapping[str, Sequence[str]], day: date
) -> tuple[Fact, ...]:
    """The registry's facts for one use of this production whose answers name `links`
    (Answers.links: the "tools" list); none for a use that names no tool."""
    named = tuple(links.get(LINKS, ()))
    if not named:
        return ()
    return load_registry(conn, named).facts(production_id, named, day)


def link_kind(link: str) -> str:
    """How use_tools records a link: tool, workflow or other."""
    if link == OTHER:
        return "other"
    return "workflow" if link.startswith(WORKFLOW_PREFIX) else "tool"


def use_tool_rows(use_id: str, links: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """The use_tools rows of a use whose answers name `links`."""
    return [
        {"use_id": use_id, "link_id": link, "kind": link_kind(link)}
        for link in dict.fromkeys(links.get(LINKS, ()))
    ]


def is_registry_id(text: str) -> bool:
    """Whether `text` has the shape of a tool or workflow id (or is the word other)."""
    return text == OTHER or text.startswith((TOOL_PREFIX, WORKFLOW_PREFIX))
