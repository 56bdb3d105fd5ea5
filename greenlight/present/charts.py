"""Altair chart builders for the risk overview: an aggregated frame in, a chart out.

The contract every builder keeps:

* It takes a frame as ``store_queries`` returns it (grouped in SQL: one row per category and
  level, with a ``uses`` count) and the Guidance, from which every label and colour is read.
* The chart embeds only those rows, plus label columns derived from the declarations, so its
  Vega-Lite spec grows with the number of categories, never with the number of uses.
* An empty frame never raises: the builder returns ``empty_chart()``, a one-line text chart.
  A page that would rather show ``st.info`` checks ``is_empty(frame)`` first.
* Widths are ``"container"`` (autosize ``fit-x``; heights are the plot's own, BAR_STEP px per bar):
  show a chart with ``st.altair_chart(chart, width="stretch")``.

Levels are coloured by ``level_scale`` everywhere and stacked least serious first (at the
bottom or on the left). Long category names are truncated on the axis (``labelLimit``) and
shown in full in the tooltip, so the charts stay readable on a 390 px phone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import altair as alt
import pandas as pd

from greenlight.policy import Guidance
from greenlight.present.labels import (
    ANSWER_COLOURS,
    answer_labels,
    by_total,
    labelled,
    lookup_expr,
    ordered_labels,
    question_label,
    type_labels,
)
from greenlight.present.log_filters import rule_label
from greenlight.workflow import STATUSES

# Encodings are always channel objects (alt.X2(...), never "field:T"): Altair turns a plain
# string into a channel by searching its whole schema, which costs more than the chart.

NO_DEPARTMENT = "(none)"
OTHER_DEPARTMENTS = "({n} other departments)"
# Category labels are cut (with an ellipsis) at this many px: less on a narrow screen, so a
# 390 px phone keeps room for the bars. containerSize() is the chart's own width in the page.
NARROW_PX = 600
LABEL_LIMIT = {"expr": f"containerSize()[0] < {NARROW_PX} ? 110 : 240"}
# Legends sit under the chart; on a phone one entry a row, so none is cut off.
LEGEND_COLUMNS = {"expr": f"containerSize()[0] < {NARROW_PX} ? 1 : 0"}
BAR_STEP = 22  # px per bar on horizontal bar charts: height grows with the categories
TIMELINE_HEIGHT = 220
# Width fills the container; the height given is the plot's, with axes and legend added below
# (Streamlit's default, "fit", would squeeze the plot to make room for a phone's taller legend).
_FIT_WIDTH = {
    "width": "container",
    "autosize": alt.AutoSizeParams(type="fit-x", contains="padding"),
}
EMPTY_MESSAGE = "No uses match these filters yet."
# The selection a click on a bar makes, named in the spec; the overview reads the fields of
# the clicked bar from it (st.vega_lite_chart's selection_mode) to open the log filtered.
PICK = "pick"
# Past half a year of weeks, the overview's timeline counts months instead.
MAX_WEEKS = 26
Period = Literal["week", "month"]
_PERIOD_LENGTH = {"week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}
_PERIOD_AXIS = {"week": "%d %b", "month": "%b %Y"}
_PERIOD_TOOLTIP = {"week": "Week of %d %b %Y", "month": "%B %Y"}


def is_empty(frame: pd.DataFrame | None) -> bool:
    """True when there is nothing to chart: no frame, no rows, or no uses counted."""
    if frame is None or len(frame) == 0:
        return True
    return "uses" in frame.columns and int(frame["uses"].sum()) == 0


def empty_chart(message: str = EMPTY_MESSAGE) -> alt.Chart:
    """A chart that says there is nothing to show (what every builder returns for no data)."""
    return (
        alt.Chart(pd.DataFrame({"message": [message]}))
        .mark_text(align="left", x=0, baseline="middle", fontSize=14, color="#6b7280")
        .encode(text=alt.Text("message:N"), tooltip=alt.Tooltip("message:N", title="No data"))
        .properties(height=40, **_FIT_WIDTH)
    )


def level_scale(guidance: Guidance) -> alt.Scale:
    """The one colour scale of levels: their ids in order, mapped to their declared colours."""
    return alt.Scale(
        domain=[level.id for level in guidance.levels],
        range=[level.colour for level in guidance.levels],
    )


def level_legend(guidance: Guidance) -> alt.Legend:
    """A legend that shows each level's label (the data carries ids), in level order."""
    labels = {level.id: level.label for level in guidance.levels}
    return _legend("Level", labels)


def level_color(guidance: Guidance, *, legend: bool = True) -> alt.Color:
    """The colour encoding of the `level` column, shared by every level chart."""
    return alt.Color(
        "level:N",
        scale=level_scale(guidance),
        legend=level_legend(guidance) if legend else None,
    )


def level_chart(frame: pd.DataFrame, guidance: Guidance) -> alt.Chart:
    """Uses by level (DataFrame[level, uses]): a bar per declared level, least serious on top."""
    if is_empty(frame):
        return empty_chart()
    # Every declared level gets its bar, at zero if no use has it: the scale is always whole.
    missing = [level.id for level in guidance.levels if level.id not in set(frame["level"])]
    zeros = pd.DataFrame({"level": missing, "uses": [0] * len(missing)})
    data = _with_levels(pd.concat([frame[["level", "uses"]], zeros], ignore_index=True), guidance)
    order = ordered_labels(data, "level_label", [level.label for level in guidance.levels])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("level_label:N", sort=order, title=None, axis=_category_axis()),
            x=_uses_axis(),
            color=level_color(guidance, legend=False),
            tooltip=[
                alt.Tooltip("level_label:N", title="Level"),
                alt.Tooltip("uses:Q", title="Uses", format=","),
            ],
        )
        .add_params(_pick(["level"]))
        .properties(height=_bars_height(order, BAR_STEP * 1.5), **_FIT_WIDTH)
    )


def department_level_chart(frame: pd.DataFrame, guidance: Guidance, top: int = 12) -> alt.Chart:
    """Departments by level (DataFrame[department, level, uses]); past `top`, one bar for others."""
    if is_empty(frame):
        return empty_chart()
    data = _with_levels(frame, guidance)
    name = data["department"].fillna("").astype(str).str.strip()
    data["department"] = name.where(name != "", NO_DEPARTMENT)
    order = by_total(data, "department")
    if len(order) > top:  # departments are free text: a studio may have hundreds
        order, rest = order[:top], order[top:]
        folded = data[data["department"].isin(rest)]
        folded = folded.groupby(["level", "level_label", "level_rank"], as_index=False)["uses"]
        other = OTHER_DEPARTMENTS.format(n=len(rest))
        data = pd.concat(
            [data[data["department"].isin(order)], folded.sum().assign(department=other)],
            ignore_index=True,
        )
        order.append(other)
    return _stacked_bars(data, "department", "Department", order, guidance, "department")


def type_level_chart(frame: pd.DataFrame, guidance: Guidance) -> alt.Chart:
    """Use-case types by level (DataFrame[use_case_type, level, uses]), in declared order."""
    if is_empty(frame):
        return empty_chart()
    labels = type_labels(guidance)
    data = _with_levels(frame, guidance)
    data["type_label"] = labelled(data["use_case_type"], labels)
    order = ordered_labels(data, "type_label", list(labels.values()))
    return _stacked_bars(data, "type_label", "Use-case type", order, guidance, "use_case_type")


def status_level_chart(frame: pd.DataFrame, guidance: Guidance) -> alt.Chart:
    """Statuses by level (DataFrame[status, level, uses]), in workflow order."""
    if is_empty(frame):
        return empty_chart()
    labels = {status.id: status.label for status in STATUSES}
    data = _with_levels(frame, guidance)
    data["status_label"] = labelled(data["status"], labels)
    order = ordered_labels(data, "status_label", list(labels.values()))
    return _stacked_bars(data, "status_label", "Status", order, guidance, "status")


def reason_chart(frame: pd.DataFrame, guidance: Guidance, top: int = 10) -> alt.Chart:
    """The `top` rules that fire most (DataFrame[rule, level, section, uses]), by level."""
    if is_empty(frame):
        return empty_chart()
    totals = frame.groupby("rule", sort=False)["uses"].sum()
    ranked = sorted(totals.index, key=lambda rule: (-int(totals[rule]), str(rule)))[: max(top, 0)]
    data = _with_levels(frame[frame["rule"].isin(ranked)], guidance)
    rules = {rule.id: rule.text for rule in guidance.rules}
    sections = {section.id: section.title for section in guidance.sections}
    labels = {rule: rule_label(guidance, rule) for rule in ranked}
    data["rule_text"] = [rules.get(r, "(no longer in the guidance)") for r in data["rule"]]
    data["rule_name"] = [labels[r] for r in data["rule"]]
    data["section_title"] = labelled(data["section"], sections)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                "rule_name:N",
                sort=[labels[r] for r in ranked],
                title=None,
                axis=_category_axis(),
            ),
            x=_uses_axis(),
            color=level_color(guidance),
            order=_level_order(),
            tooltip=[
                alt.Tooltip("rule:N", title="Rule"),
                alt.Tooltip("rule_text:N", title="Reason"),
                alt.Tooltip("section_title:N", title="Guidance section"),
                alt.Tooltip("level_label:N", title="Level"),
                alt.Tooltip("uses:Q", title="Uses", format=","),
            ],
        )
        # The rule alone: its colour is the rule's level, not the level of the uses it fired for.
        .add_params(_pick(["rule"]))
        .properties(height=_bars_height(ranked), **_FIT_WIDTH)
    )


def timeline_chart(frame: pd.DataFrame, guidance: Guidance, period: Period = "week") -> alt.Chart:
    """Uses per week or month by level (DataFrame[week|month, level, uses]), stacked bars."""
    if period not in _PERIOD_LENGTH:
        raise ValueError(f"period {period!r}: choose week or month")
    if is_empty(frame):
        return empty_chart()
    data = _with_levels(frame, guidance)
    start = pd.to_datetime(data[period].astype(str))
    # Each bar spans its own period exactly (a Vega-Lite timeUnit would start weeks on Sunday);
    # dates as YYYY-MM-DD, which Vega-Lite reads as UTC midnight, drawn on a UTC scale.
    data[period] = start.dt.strftime("%Y-%m-%d")
    data["period_end"] = (start + _PERIOD_LENGTH[period]).dt.strftime("%Y-%m-%d")
    data["period_label"] = start.dt.strftime(_PERIOD_TOOLTIP[period])
    return (
        alt.Chart(data)
        .transform_stack(
            stack="uses", groupby=[period], sort=[alt.SortField("level_rank")], as_=["y0", "y1"]
        )
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                f"{period}:T",
                title=None,
                scale=alt.Scale(type="utc"),
                axis=_time_axis(data[period], period),
            ),
            x2=alt.X2("period_end"),
            y=alt.Y("y0:Q", title="Uses", axis=alt.Axis(tickMinStep=1)),
            y2=alt.Y2("y1"),
            color=level_color(guidance),
            tooltip=[
                alt.Tooltip("period_label:N", title=period.capitalize()),
                alt.Tooltip("level_label:N", title="Level"),
                alt.Tooltip("uses:Q", title="Uses", format=","),
            ],
        )
        .add_params(_pick([period, "level"]))
        .properties(height=TIMELINE_HEIGHT, **_FIT_WIDTH)
    )


def overview_panels(data: Mapping[str, pd.DataFrame], guidance: Guidance) -> list:
    """The risk overview's charts, in page order, as (title, chart), from its aggregates."""
    period = timeline_period(data["week"])
    return [
        ("Uses by level", level_chart(data["level"], guidance)),
        ("Departments by level", department_level_chart(data["department"], guidance)),
        ("Kinds of use by level", type_level_chart(data["type"], guidance)),
        ("The reasons that fire most", reason_chart(data["reason"], guidance)),
        (f"Uses logged per {period}", timeline_chart(data[period], guidance, period)),
        ("Status by level", status_level_chart(data["status"], guidance)),
        ("Principles answered no or unsure", principle_chart(data["principle"], guidance)),
    ]


def vega_lite_spec(chart: alt.TopLevelMixin) -> dict:
    """A chart as the Vega-Lite spec st.vega_lite_chart draws, without Altair's default view
    size (Streamlit draws Altair charts with no theme of Altair's: the same picture)."""
    spec = chart.to_dict()
    view = spec.get("config", {}).get("view", {})
    for name in ("continuousWidth", "continuousHeight"):
        if view.get(name) == 300:  # Altair's default theme, not ours
            del view[name]
    if "config" in spec and not spec["config"].get("view", True):
        del spec["config"]["view"]

    if spec.get("config") == {}:
        del spec["config"]
    return spec


def period_days(start: object, period: Period) -> tuple[date, date]:
    """The first and last day of the timeline's bar that starts at `start`: a clicked bar's
    value, which the browser sends as milliseconds since 1970 (UTC) or as a date string."""
    if isinstance(start, int | float):
        first = datetime.fromtimestamp(start / 1000, UTC).date()
    else:
        first = date.fromisoformat(str(start)[:10])
    last = (pd.Timestamp(first) + _PERIOD_LENGTH[period]).date() - timedelta(days=1)
    return first, last


def timeline_period(weeks: pd.DataFrame, most_weeks: int = MAX_WEEKS) -> Period:
    """ "week" while the weekly counts (DataFrame[week, ...]) span at most `most_weeks` weeks,
    else "month": a long log stays readable, and its chart small, as months."""
    if is_empty(weeks):
        return "week"
    days = pd.to_datetime(weeks["week"].astype(str))
    return "week" if (days.max() - days.min()).days // 7 + 1 <= most_weeks else "month"


def principle_chart(frame: pd.DataFrame, guidance: Guidance) -> alt.Chart:
    """Principles answered no or unsure (DataFrame[question_id, answer, uses]), most first."""
    if is_empty(frame):
        return empty_chart()
    questions = guidance.questions_by_id
    data = frame.copy()
    data["uses"] = data["uses"].astype("int64")
    data["principle"] = [question_label(questions.get(qid), qid) for qid in data["question_id"]]
    answers = answer_labels(questions.get(qid) for qid in data["question_id"].unique())
    data["answer_label"] = labelled(data["answer"], answers)
    rank = {answer: i for i, answer in enumerate(ANSWER_COLOURS)}
    data["answer_rank"] = [rank.get(a, len(rank)) for a in data["answer"]]
    principles = by_total(data, "principle")
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("principle:N", sort=principles, title=None, axis=_category_axis()),
            x=_uses_axis(),
            color=alt.Color(
                "answer:N",
                scale=alt.Scale(domain=list(ANSWER_COLOURS), range=list(ANSWER_COLOURS.values())),
                legend=_legend("Answer", answers),
            ),
            order=alt.Order("answer_rank:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("principle:N", title="Principle"),
                alt.Tooltip("answer_label:N", title="Answer"),
                alt.Tooltip("uses:Q", title="Uses", format=","),
            ],
        )
        .add_params(_pick(["question_id", "answer"]))
        .properties(height=_bars_height(principles), **_FIT_WIDTH)
    )


# --- helpers -------------------------------------------------------------------------------


def _with_levels(frame: pd.DataFrame, guidance: Guidance) -> pd.DataFrame:
    """A copy of the frame with each level's label and rank (an undeclared level ranks last)."""
    data = frame.copy()
    data["uses"] = data["uses"].astype("int64")
    levels = {level.id: level for level in guidance.levels}
    data["level_label"] = [levels[v].label if v in levels else str(v) for v in data["level"]]
    data["level_rank"] = [levels[v].rank if v in levels else len(levels) for v in data["level"]]
    return data


def _legend(title: str, labels: Mapping[str, str]) -> alt.Legend:
    """A legend under the chart, labels from the declarations; wraps to fit a phone."""
    return alt.Legend(
        title=title,
        orient="bottom",
        columns=LEGEND_COLUMNS,
        labelExpr=lookup_expr(labels),
        symbolStrokeWidth=0,  # the timeline's bars have a white outline; their symbols need none
    )


def _category_axis() -> alt.Axis:
    return alt.Axis(labelLimit=LABEL_LIMIT, ticks=False)


def _time_axis(starts: pd.Series, period: Period) -> alt.Axis:
    """Ticks at the periods' own starts (Vega's weeks would start on Sunday), thinned to fit."""
    values = sorted(set(starts))
    return alt.Axis(values=values, format=_PERIOD_AXIS[period], labelOverlap=True, grid=False)


def _uses_axis() -> alt.X:
    return alt.X("uses:Q", title="Uses", stack="zero", axis=alt.Axis(tickMinStep=1))


def _level_order() -> alt.Order:
    return alt.Order("level_rank:Q", sort="ascending")


def _bars_height(categories: Sequence[str], step: float = BAR_STEP) -> float:
    """The plot height of horizontal bars, `step` px per category. A number, not
    alt.Step: with a width that fits the container, Vega-Lite logs 'Dropping "fit-y"
    because spec has discrete height' for a step height on every draw."""
    return step * max(len(categories), 1)


def _pick(fields: list[str]) -> alt.Parameter:
    """A click on a bar selects its values of `fields` (the overview opens the log on them)."""
    return alt.selection_point(name=PICK, fields=fields, on="click", clear=False)


def _stacked_bars(
    data: pd.DataFrame,
    column: str,
    title: str,
    order: list[str],
    guidance: Guidance,
    picked: str,
) -> alt.Chart:
    """Horizontal bars per category, stacked by level; the tooltip adds the category's total;
    a click selects the bar's `picked` value (an id, not its label) and level."""
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{column}:N", sort=order, title=None, axis=_category_axis()),
            x=_uses_axis(),
            color=level_color(guidance),
            order=_level_order(),
            tooltip=[
                alt.Tooltip(f"{column}:N", title=title),
                alt.Tooltip("level_label:N", title="Level"),
                alt.Tooltip("uses:Q", title="Uses", format=","),
                alt.Tooltip("total:Q", title=f"{title}, all levels", format=","),
            ],
        )
        .transform_joinaggregate(total="sum(uses)", groupby=[column])
        .add_params(_pick([picked, "level"]))
        .properties(height=_bars_height(order), **_FIT_WIDTH)
    )
