"""The tool and vendor registry's rules: tools with their reviewed data terms, vendors'
workflows of tools, and the facts they give an assessment (principles 2 and 3, the tool
terms, a tool the studio does not allow, a vendor's pipeline).

Pure: no database, no clock. The store loads the tools and workflows a use links to and
calls tool_facts(links, day, tools, workflows); greenlight.policy.resolve folds the facts
into the person's answers, riskiest first, so a registry answer never lowers theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from greenlight.policy import Fact

# Question ids the registry answers, declared once.
Q_NO_TRAINING = "principles.no_training_on_inputs"
Q_ENTERPRISE = "principles.enterprise_environment"
Q_TIER = "context.tool_tier"
Q_NOT_ALLOWED = "context.tool_not_allowed"
Q_PIPELINE = "context.vendor_pipeline"
QUESTIONS = (Q_NO_TRAINING, Q_ENTERPRISE, Q_TIER, Q_NOT_ALLOWED, Q_PIPELINE)

# Safest first: a workflow's tier is its weakest (latest in this order) step's.
TOOL_TIERS: dict[str, str] = {
    "enterprise": "enterprise agreement",
    "no_training_terms": "reviewed terms that forbid storing, reuse and training",
    "unknown": "unknown terms",
}
UNKNOWN_TIER = "unknown"
TOOL_STATES: dict[str, str] = {
    "approved": "approved for use",
    "under_review": "under review",
    "not_allowed": "not allowed",
}
NOT_ALLOWED, UNDER_REVIEW = "not_allowed", "under_review"
# A recorded data term: what the terms say the tool does with our inputs.
TERM_VALUES = ("yes", "no", "unknown")
TERMS: dict[str, str] = {
    "stores_inputs": "stores inputs",
    "reuses_inputs": "reuses inputs",
    "trains_on_inputs": "trains on inputs",
}
# `tools:` may name this word for a tool outside the registry (unknown terms).
OTHER = "other"
TOOL_PREFIX, WORKFLOW_PREFIX = "T-", "W-"
NAME_LENGTH, TEXT_LENGTH = 200, 500
MAX_STEPS = 20


class ToolError(ValueError):
    """A tool or workflow that is not valid; str() says what and how to fix it."""


@dataclass(frozen=True)
class Tool:
    """One registered tool and its reviewed data terms."""

    id: str
    name: str
    tier: str
    state: str = "approved"
    vendor: str = ""
    version: str = ""  # version or plan
    stores_inputs: str = "unknown"
    reuses_inputs: str = "unknown"
    trains_on_inputs: str = "unknown"
    retention: str = ""
    runs_in: str = ""  # where it runs, as the terms say
    enterprise_secured: str = "unknown"  # runs in an enterprise-secured environment
    reviewed_by: str = ""
    reviewed_on: date | None = None
    review_due: date | None = None
    production: str | None = None  # the code of the production it belongs to; None: studio
    state_note: str = ""  # why it is under review or not allowed

    def lapsed(self, day: date) -> bool:
        """Whether its review is past due on `day`."""
        return self.review_due is not None and self.review_due < day

    def tier_on(self, day: date) -> str:
        """The tier it counts as on `day`: unknown while under review or past its review."""
        if self.state == UNDER_REVIEW or self.lapsed(day):
            return UNKNOWN_TIER
        return self.tier

    def source(self, day: date) -> str:
        """Where its facts come from, in words: its tier and review, or why they lapsed."""
        if self.lapsed(day):
            return (
                f"{self.name}: review was due on {self.review_due.isoformat()}, so its "
                "terms count as unknown"
            )
        if self.state == UNDER_REVIEW:
            return f"{self.name}: under review, so its terms count as unknown"
        text = f"{self.name}: {TOOL_TIERS[self.tier]}"
        if self.reviewed_on:
            text += f", reviewed {self.reviewed_on.isoformat()}"
            if self.reviewed_by:
                text += f" by {self.reviewed_by}"
        return text


@dataclass(frozen=True)
class Workflow:
    """A vendor's workflow: registered tools in order."""

    id: str
    name: str
    vendor: str
    steps: tuple[str, ...]  # tool ids
    production: str | None = None


def check_tool(tool: Tool) -> Tool:
    """The tool if its values are valid; ToolError naming the first that is not."""
    if not tool.name.strip():
        raise ToolError("a tool needs a name")
    for label, text, limit in (
        ("name", tool.name, NAME_LENGTH),
        ("vendor", tool.vendor, NAME_LENGTH),
        ("version", tool.version, NAME_LENGTH),
        ("retention", tool.retention, TEXT_LENGTH),
        ("runs_in", tool.runs_in, TEXT_LENGTH),
        ("state note", tool.state_note, TEXT_LENGTH),
    ):
        if len(text) > limit:
            raise ToolError(f"the tool's {label} is longer than {limit} characters")
    _one_of("tier", tool.tier, TOOL_TIERS)
    _one_of("state", tool.state, TOOL_STATES)
    for name in (*TERMS, "enterprise_secured"):
        _one_of(name, getattr(tool, name), TERM_VALUES)
    if tool.reviewed_on and tool.review_due and tool.review_due < tool.reviewed_on:
        raise ToolError("the review due date is before the review")
    return tool


def _one_of(label: str, value: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ToolError(f"{label} {value!r} is not one of {', '.join(allowed)}")


def check_steps(steps: Sequence[str]) -> tuple[str, ...]:
    """A workflow's steps (tool ids) if there are 1 to MAX_STEPS; ToolError otherwise."""
    steps = tuple(s.strip() for s in steps if s.strip())
    if not steps:
        raise ToolError("a workflow needs at least one step (a registered tool id)")
    if len(steps) > MAX_STEPS:
        raise ToolError(f"a workflow has at most {MAX_STEPS} steps")
    workflows = [s for s in steps if s.startswith(WORKFLOW_PREFIX)]
    if workflows:
        raise ToolError(f"a step is a tool, not a workflow: {workflows[0]}")
    return steps


def add_months(day: date, months: int) -> date:
    """`day` moved `months` later, on the last day of the month when it has fewer days."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def weakest(tiers: Iterable[str]) -> str:
    """The weakest of these tiers (unknown when there are none)."""
    order = list(TOOL_TIERS)
    return max(tiers, key=order.index, default=UNKNOWN_TIER)


def workflow_tier(workflow: Workflow, tools: Mapping[str, Tool], day: date) -> str:
    """A workflow's tier on `day`: its weakest step's (a step not registered is unknown)."""
    return weakest(tools[s].tier_on(day) if s in tools else UNKNOWN_TIER for s in workflow.steps)


def _training(tool: Tool, tier: str) -> tuple[str, str]:
    said = [words for name, words in TERMS.items() if getattr(tool, name) == "yes"]
    if said:
        return "no", f"its terms say it {' and '.join(said)}"
    if tier == UNKNOWN_TIER:
        return "unsure", ""
    return "yes", ""


def _enterprise(tool: Tool, tier: str) -> tuple[str, str]:
    if tool.enterprise_secured == "no":
        return "no", "it does not run in an enterprise-secured environment"
    if tier == UNKNOWN_TIER:
        return "unsure", ""
    if tier == "enterprise" or tool.enterprise_secured == "yes":
        return "yes", ""
    return "unsure", "no enterprise-secured environment is recorded"


def _tool_facts(tool: Tool, day: date, subject: str, prefix: str) -> list[Fact]:
    tier = tool.tier_on(day)
    source = prefix + tool.source(day)
    facts = [Fact(Q_TIER, tier, source, subject)]
    for question, (value, why) in (
        (Q_NO_TRAINING, _training(tool, tier)),
        (Q_ENTERPRISE, _enterprise(tool, tier)),
    ):
        facts.append(Fact(question, value, f"{source}; {why}" if why else source, subject))
    if tool.state == NOT_ALLOWED:
        because = f" ({tool.state_note})" if tool.state_note else ""
        facts.append(
            Fact(Q_NOT_ALLOWED, True, f"{prefix}{tool.name} is not allowed{because}", subject)
        )
    return facts


def _unknown_facts(subject: str, source: str) -> list[Fact]:
    return [
        Fact(Q_TIER, UNKNOWN_TIER, source, subject),
        Fact(Q_NO_TRAINING, "unsure", source, subject),
        Fact(Q_ENTERPRISE, "unsure", source, subject),
    ]


def tool_facts(
    links: Sequence[str],
    day: date,
    tools: Mapping[str, Tool],
    workflows: Mapping[str, Workflow],
) -> tuple[Fact, ...]:
    """The facts the registry gives a use that names these tools and workflows (ids, or
    OTHER), on `day`. `tools` holds every tool the links reach, steps of workflows
    included; an id it lacks (not registered, or another production's) counts as unknown
    terms. Each fact's source names the tool, and the workflow and step it came through."""
    facts: list[Fact] = []
    for link in links:
        if link == OTHER:
            facts += _unknown_facts(
                "tool:other", "a tool outside the registry: its terms are unknown"
            )
        elif link in workflows:
            facts += _workflow_facts(workflows[link], day, tools)
        elif link in tools:
            facts += _tool_facts(tools[link], day, f"tool:{link}", "")
        else:
            facts += _unknown_facts(
                f"tool:{link}", f"{link} is not in this production's tool registry"
            )
    return tuple(dict.fromkeys(facts))  # in order, each once


def _workflow_facts(workflow: Workflow, day: date, tools: Mapping[str, Tool]) -> list[Fact]:
    subject = f"workflow:{workflow.id}"
    by = f" ({workflow.vendor})" if workflow.vendor else ""
    facts = [Fact(Q_PIPELINE, True, f"{workflow.name}{by} is a vendor workflow", subject)]
    for n, step in enumerate(workflow.steps, 1):
        prefix = f"{workflow.name}, step {n}: "
        if step in tools:
            facts += _tool_facts(tools[step], day, f"tool:{step}", prefix)
        else:
            facts += _unknown_facts(f"tool:{step}", f"{prefix}{step} is not registered")
    return facts


def reached_tools(links: Iterable[str], workflows: Mapping[str, Workflow]) -> set[str]:
    """The tool ids these links reach: those named, and every step of the workflows named."""
    found: set[str] = set()
    for link in links:
        if link in workflows:
            found.update(workflows[link].steps)
        elif link.startswith(TOOL_PREFIX):
            found.add(link)
    return found
