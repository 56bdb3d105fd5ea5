"""What the self-assessment reads from the studio's registries for the current production:
the pickers' choices and the facts the registries give for the answers on screen."""

from __future__ import annotations

from typing import Any

from greenlight.policy import Fact
from greenlight.ui.auth import viewer
from greenlight.ui.form import Pickers
from greenlight.ui.shell import guarded


def registry_pickers(log: Any, code: str | None) -> Pickers:
    """The performers and tools a use of production `code` may name (none without one)."""
    if code is None:
        return Pickers()
    who = viewer()
    performers = guarded(lambda: log.performer_picker(code, viewer=who)) or []
    tools = guarded(lambda: log.registry_choices(code, viewer=who)) or []
    return Pickers(
        performers=tuple((p.id, f"{p.name} ({p.id})") for p in performers),
        tools=tuple((c.id, tool_label(c)) for c in tools),
    )


def tool_label(choice: Any) -> str:
    """A tool or workflow as the picker lists it, short enough for its chip: name, the tier
    it counts as and its state ("Studio Firefly · enterprise agreement · approved")."""
    from greenlight.ui.tools_page import TIER_WORDS

    kind = "Workflow " if choice.kind == "workflow" else ""
    tier = TIER_WORDS.get(choice.tier, choice.tier)
    return f"{kind}{choice.name} · {tier} · {choice.state.replace('_', ' ')}"


def registry_facts(log: Any, code: str | None, answers: Any) -> tuple[Fact, ...]:
    """What the registries answer for these answers in production `code`, today."""
    if code is None or not any(answers.links.values()):
        return ()
    return guarded(lambda: log.ledger_facts(code, answers, viewer=viewer())) or ()
