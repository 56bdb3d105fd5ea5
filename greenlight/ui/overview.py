"""The risk overview's parts that say where to look: the uses awaiting a decision, the table
by production, and the charts whose bars open the log filtered to them."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from greenlight import workflow
from greenlight.policy import Guidance
from greenlight.present import level_label, waiting_days
from greenlight.store import UseFilter
from greenlight.ui.data import AWAITING_SHOWN, attention_data, tool_figures
from greenlight.ui.links import link_params
from greenlight.ui.shell import page
from greenlight.ui.text import as_text
from greenlight.ui.widgets import level_icon

DRILLS_KEY = "overview-drills"  # how many bars this session clicked: a new key per chart after


def demo_note(productions, chosen: list[str]) -> None:
    """Say that "all productions" leaves the demo out (when there is a demo to leave out)."""
    demos = [p for p in productions if p.is_demo]
    if demos and not chosen:
        names = ", ".join(f"{p.name} · {p.code}" for p in demos)
        st.caption(
            as_text(
                f"All productions here leaves out the demo ({names}): choose it above to see "
                "its sample uses."
            )
        )


def awaiting(log, guidance: Guidance, scope: UseFilter, total: int) -> None:
    """What needs a decision now: the uses waiting longest, each a link to it in the log."""
    st.subheader("Needs a decision now")
    waiting, _, _ = attention_data(log, scope)
    if not waiting:
        st.success("No use is waiting for the studio's decision.", icon=":material/task_alt:")
        return
    now = datetime.now(UTC)
    shown = f"the {len(waiting)} waiting longest" if total > len(waiting) else "longest first"
    st.caption(f"{total:,} use(s) submitted or escalated, waiting for a decision; {shown}.")
    with st.container(border=True):
        for use in waiting:
            days = waiting_days(use.awaiting_since, now)
            row = st.container(horizontal=True, vertical_alignment="center", gap="small")
            row.page_link(
                page("log"),
                label=as_text(use.title),  # the title as text; the link is built from the id
                query_params={"use": use.id},
            )
            known = use.level in {level.id for level in guidance.levels}
            row.caption(
                (level_icon(guidance, use.level) + " " if known else "")
                + as_text(
                    f"{days} day{'s' if days != 1 else ''} waiting · "
                    f"{guidance.level(use.level).label if known else level_label(guidance, use.level)}"
                    f" · {workflow.status(use.status).label} "
                    f"· {use.production_name} ({use.production_code})"
                )
            )
    if total > AWAITING_SHOWN:
        st.page_link(
            page("log"),
            label=f"See all {total:,} awaiting a decision in the log",
            icon=":material/table_view:",
            query_params=link_params(
                statuses=workflow.OPEN_STATUSES,
                departments=scope.departments,
                date_from=scope.date_from,
                date_to=scope.date_to,
                productions=scope.productions,
            ),
        )


def by_production(log, scope: UseFilter) -> None:
    """With several productions: uses, written-approval uses, awaiting and the oldest wait of
    each, what needs attention first."""
    _, table, productions = attention_data(log, scope)
    if productions < 2:
        return
    st.subheader("By production")
    st.caption(
        "Longest wait first, then the most awaiting, then the most uses that need written "
        "approval."
        + (
            f" The {len(table)} that need attention most of {productions:,}."
            if productions > len(table)
            else ""
        )
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "Production": st.column_config.TextColumn(width="medium"),
            "Oldest wait (days)": st.column_config.NumberColumn(format="%d"),
        },
    )


def tools(log, guidance: Guidance, scope: UseFilter) -> None:
    """The uses that name registered tools: by the tier they count as (a use at its weakest
    tool), by tool, and the tools most used at the written-approval level."""
    from greenlight.ledger import TOOL_TIERS
    from greenlight.ui.tools_page import TIER_HELP, TIER_WORDS

    by_tool, by_tier, at_approval = tool_figures(log, scope)
    st.subheader("Tools")
    if not by_tool:
        st.caption(
            "No use in these filters names a tool from the registry yet: the Tools page "
            "lists the studio's tools, and the self-assessment picks them."
        )
        return
    st.caption(
        "Uses that name tools from the registry, each counted once at the weakest tier it "
        "names (a review past due, or a tool outside the registry, counts as unknown terms)."
    )
    for column, (tier, words) in zip(st.columns(len(TOOL_TIERS)), TOOL_TIERS.items(), strict=True):
        column.metric(TIER_WORDS[tier].capitalize(), f"{by_tier.get(tier, 0):,}", help=words)
    # The level the store's tools_at_level counts by default: written approval.
    approval = next((lv.label for lv in guidance.levels if lv.id == "approval"), "approval")
    left, right = st.columns(2, gap="large")
    for column, title, rows in (
        (left, "Uses by tool", by_tool),
        (right, f"Most used at {approval}", at_approval),
    ):
        with column.container(border=True):
            st.markdown(f"**{title}**")
            if not rows:
                st.caption(f"No use at {approval} names a tool.")
                continue
            st.dataframe(
                pd.DataFrame(
                    [(t.name, t.uses, TIER_WORDS.get(t.tier, t.tier)) for t in rows],
                    columns=["Tool or workflow", "Uses", "Tier"],
                ),
                hide_index=True,
                width="stretch",
                column_config={
                    "Tool or workflow": st.column_config.TextColumn(width="medium"),
                    "Tier": st.column_config.TextColumn(help=TIER_HELP),
                    "Uses": st.column_config.ProgressColumn(
                        format="%d", min_value=0, max_value=max(t.uses for t in rows), width="small"
                    ),
                },
            )


def chart(title: str, spec: dict, index: int, scope: UseFilter) -> None:
    """One chart in its box; a click on a bar of a chart that carries the selection opens
    the log filtered to that bar (st.vega_lite_chart's selections)."""
    from greenlight.present.charts import PICK

    st.markdown(f"**{title}**")
    if not any(param.get("name") == PICK for param in spec.get("params", ())):
        st.vega_lite_chart(spec=spec, width="stretch")
        return
    drills = st.session_state.get(DRILLS_KEY, 0)
    event = st.vega_lite_chart(
        spec=spec,
        width="stretch",
        on_select="rerun",
        selection_mode=PICK,
        key=f"overview-chart-{index}-{drills}",
    )
    picked = (event.selection.get(PICK) if event is not None else None) or []
    if picked:
        st.session_state[DRILLS_KEY] = drills + 1  # back on the overview, nothing picked
        st.switch_page(page("log"), query_params=_drill(picked[0], scope))
    st.caption("Click a bar to see its uses in the log.")


def _drill(bar: dict, scope: UseFilter) -> dict[str, list[str]]:
    """The log's filters for a clicked bar (its ids, level, rule, principle or period),
    within the overview's scope: its productions, departments and dates."""
    from greenlight.present import principle_value
    from greenlight.present.charts import NO_DEPARTMENT, period_days

    departments = list(scope.departments)
    department = bar.get("department")
    if isinstance(department, str):
        if department == NO_DEPARTMENT:
            departments = [""]
        elif not department.startswith("("):  # not the bar of the other departments
            departments = [department]
    date_from, date_to = scope.date_from, scope.date_to
    for period in ("week", "month"):
        if bar.get(period) is not None:  # a bar of the timeline: its days, within the range
            first, last = period_days(bar[period], period)
            date_from = max(first, date_from) if date_from else first
            date_to = min(last, date_to) if date_to else last
    principle = ()
    if "question_id" in bar and "answer" in bar:
        principle = [principle_value(str(bar["question_id"]), str(bar["answer"]))]
    return link_params(
        levels=[str(bar["level"])] if "level" in bar else (),
        statuses=[str(bar["status"])] if "status" in bar else (),
        types=[str(bar["use_case_type"])] if "use_case_type" in bar else (),
        reasons=[str(bar["rule"])] if "rule" in bar else (),
        principles=principle,
        date_from=date_from,
        date_to=date_to,
        departments=departments,
        productions=scope.productions,
    )
