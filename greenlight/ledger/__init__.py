"""The ledgers the registry answers from: the tool and vendor registry (tools.py).

Pure rules over plain records, importing only greenlight.policy; the store loads the records
and asks for their facts.
"""

from greenlight.ledger.tools import (
    OTHER,
    TERM_VALUES,
    TERMS,
    TOOL_STATES,
    TOOL_TIERS,
    Tool,
    ToolError,
    Workflow,
    add_months,
    check_steps,
    check_tool,
    reached_tools,
    tool_facts,
    weakest,
    workflow_tier,
)

__all__ = [
    "OTHER",
    "TOOL_STATES",
    "TERMS",
    "TERM_VALUES",
    "TOOL_TIERS",
    "Tool",
    "ToolError",
    "Workflow",
    "add_months",
    "check_steps",
    "check_tool",
    "reached_tools",
    "tool_facts",
    "weakest",
    "workflow_tier",
]
