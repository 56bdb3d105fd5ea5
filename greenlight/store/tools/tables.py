"""The tool and vendor registry's tables (schema 12), in `tables.metadata` beside the log's.

A tool is studio-wide (production_id empty) or a production's own; its reviewed data terms
are columns, so the re-assessment after a change finds its uses through `use_tools` alone.
Every change of a tool is a row of `tool_history` (who reviewed what, when). A workflow is
an ordered list of tools (`workflow_steps`, indexed by tool: the workflows a tool is in).
`use_tools` links a use to the tools and workflows its answers name, indexed both ways.
greenlight.store.tools reads and writes them; whatever creates or copies every table
(migrations, backup) imports this module too.
"""

from __future__ import annotations

import sqlalchemy as sa

from greenlight.store.tables import ID_LENGTH, NAME_LENGTH, _BigId, metadata

LINK_KINDS = ("tool", "workflow", "other")

tools = sa.Table(
    "tools",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),  # T-000001
    sa.Column(
        "production_id",
        sa.Integer,
        sa.ForeignKey("productions.id", ondelete="CASCADE"),
        nullable=True,
    ),  # fmt: skip
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("vendor", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("version", sa.String(NAME_LENGTH), nullable=False),  # version or plan
    sa.Column("tier", sa.String(32), nullable=False),  # ledger.TOOL_TIERS
    sa.Column("state", sa.String(32), nullable=False),  # ledger.TOOL_STATES
    sa.Column("stores_inputs", sa.String(16), nullable=False),  # ledger.TERM_VALUES
    sa.Column("reuses_inputs", sa.String(16), nullable=False),
    sa.Column("trains_on_inputs", sa.String(16), nullable=False),
    sa.Column("enterprise_secured", sa.String(16), nullable=False),
    sa.Column("retention", sa.Text, nullable=False),
    sa.Column("runs_in", sa.Text, nullable=False),
    sa.Column("state_note", sa.Text, nullable=False),
    sa.Column("reviewed_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("reviewed_on", sa.Date, nullable=True),
    sa.Column("review_due", sa.Date, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("row_version", sa.Integer, nullable=False),
    # The desk's "review due within N days" and the sweep walk this index.
    sa.Index(None, "review_due"),
    sa.Index(None, "production_id"),
)

# Every change of a tool: a field's old and new value, who and when (the review's audit).
tool_history = sa.Table(
    "tool_history",
    metadata,
    sa.Column("id", _BigId, primary_key=True, autoincrement=True),
    sa.Column(
        "tool_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("tools.id", ondelete="CASCADE"),
        nullable=False,
    ),  # fmt: skip
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("actor_kind", sa.String(16), nullable=False),
    sa.Column("person_id", sa.Integer, sa.ForeignKey("people.id"), nullable=True),
    sa.Column("field", sa.String(100), nullable=False),
    sa.Column("old_value", sa.Text, nullable=True),
    sa.Column("new_value", sa.Text, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Index(None, "tool_id", "id"),
)

workflows = sa.Table(
    "workflows",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),  # W-000001
    sa.Column(
        "production_id",
        sa.Integer,
        sa.ForeignKey("productions.id", ondelete="CASCADE"),
        nullable=True,
    ),  # fmt: skip
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("vendor", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(NAME_LENGTH), nullable=False),
    sa.Index(None, "production_id"),
)

workflow_steps = sa.Table(
    "workflow_steps",
    metadata,
    sa.Column(
        "workflow_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("workflows.id", ondelete="CASCADE"),
        primary_key=True,
    ),  # fmt: skip
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("tool_id", sa.String(ID_LENGTH), sa.ForeignKey("tools.id"), nullable=False),
    sa.Index(None, "tool_id", "workflow_id"),
)

# A use's links to the registry, as its answers' `tools:` list names them (kind: LINK_KINDS;
# "other" is a tool outside the registry). Read by use (the facts of one use) and by link
# (the uses a tool's change re-assesses).
use_tools = sa.Table(
    "use_tools",
    metadata,
    sa.Column(
        "use_id",
        sa.String(ID_LENGTH),
        sa.ForeignKey("uses.id", ondelete="CASCADE"),
        primary_key=True,
    ),  # fmt: skip
    sa.Column("link_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Index(None, "link_id", "use_id"),
)

REGISTRY_TABLES = (tools, tool_history, workflows, workflow_steps, use_tools)
