"""Chart builders on small hand-made frames: encodings, embedded data, colours and labels."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from greenlight.policy import Guidance, load_guidance
from greenlight.present import charts, labels
from greenlight.workflow import STATUSES

ALT_GUIDANCE = Path(__file__).resolve().parents[2] / "fixtures" / "guidance-alt"


@pytest.fixture(scope="module")
def g() -> Guidance:
    return load_guidance()


def levels(g: Guidance) -> list[str]:
    return [level.id for level in g.levels]


def spec_of(chart: alt.Chart) -> dict:
    """The Vega-Lite spec (validated against the schema by to_dict)."""
    return chart.to_dict()


def rows_of(spec: dict) -> list[dict]:
    """The rows embedded in a single-view spec."""
    return spec["datasets"][spec["data"]["name"]]


# --- small frames, as store_queries returns them ---------------------------------------------


def by_level(column: str, values: list, level_ids: list[str], uses: list[int]) -> pd.DataFrame:
    """A frame of counts: the uses of each (value of `column`, level)."""
    return pd.DataFrame({column: values, "level": level_ids, "uses": uses})


def level_frame(g: Guidance) -> pd.DataFrame:
    low, escalate, approval = levels(g)
    return pd.DataFrame({"level": [low, escalate, approval], "uses": [5, 3, 2]})


def department_frame(g: Guidance) -> pd.DataFrame:
    low, escalate, approval = levels(g)
    return by_level(
        "department",
        ["", "", "VFX", "VFX", "Art department"],
        [low, approval, low, escalate, approval],
        [1, 1, 4, 3, 2],
    )


def type_frame(g: Guidance) -> pd.DataFrame:
    low, escalate, approval = levels(g)
    return by_level(
        "use_case_type",
        ["ideation", "background_element", "key_visual", "other"],
        [low, escalate, approval, escalate],
        [6, 2, 1, 3],
    )


def status_frame(g: Guidance) -> pd.DataFrame:
    low, escalate, approval = levels(g)
    return by_level(
        "status",
        ["approved", "draft", "draft", "submitted"],
        [approval, low, escalate, escalate],
        [2, 4, 1, 3],
    )


def reason_frame(g: Guidance) -> pd.DataFrame:
    picked = g.rules[:4]
    return pd.DataFrame(
        {
            "rule": [r.id for r in picked],
            "level": [r.level for r in picked],
            "section": [r.section for r in picked],
            "uses": [9, 7, 7, 1],
        }
    )


def week_frame(g: Guidance) -> pd.DataFrame:
    low, escalate, _ = levels(g)
    return by_level(
        "week",
        [date(2025, 1, 6), date(2025, 1, 6), date(2025, 1, 20)],
        [low, escalate, low],
        [2, 1, 4],
    )


def month_frame(g: Guidance) -> pd.DataFrame:
    frame = week_frame(g).rename(columns={"week": "month"})
    frame["month"] = [date(2025, 1, 1), date(2025, 1, 1), date(2025, 3, 1)]
    return frame


def principle_frame(g: Guidance) -> pd.DataFrame:
    numbered = sorted((q for q in g.questions if q.number), key=lambda q: q.number)
    return pd.DataFrame(
        {
            "question_id": [numbered[0].id, numbered[0].id, numbered[2].id],
            "answer": ["no", "unsure", "unsure"],
            "uses": [2, 5, 8],
        }
    )


@dataclass(frozen=True)
class Case:
    """One builder with a frame for it and what its spec must say."""

    name: str
    build: Callable[[pd.DataFrame, Guidance], alt.Chart]
    frame: Callable[[Guidance], pd.DataFrame]
    category: str  # the field on the category axis
    category_channel: str  # "y" for horizontal bars, "x" for the timeline
    colour: str = "level"
    tooltip: str = ""  # the tooltip's field naming the category, if not `category`
    value: str = "uses"  # the field of the bar's length (the timeline stacks in a transform)

    def __str__(self) -> str:
        return self.name


CASES = [
    Case("level", charts.level_chart, level_frame, "level_label", "y"),
    Case("department", charts.department_level_chart, department_frame, "department", "y"),
    Case("type", charts.type_level_chart, type_frame, "type_label", "y"),
    Case("status", charts.status_level_chart, status_frame, "status_label", "y"),
    Case("reason", charts.reason_chart, reason_frame, "rule_name", "y", tooltip="rule"),
    Case(
        "week", charts.timeline_chart, week_frame, "week", "x", tooltip="period_label", value="y0"
    ),
    Case(
        "month",
        lambda frame, g: charts.timeline_chart(frame, g, period="month"),
        month_frame,
        "month",
        "x",
        tooltip="period_label",
        value="y0",
    ),
    Case("principle", charts.principle_chart, principle_frame, "principle", "y", "answer"),
]
LEVEL_CASES = [case for case in CASES if case.colour == "level"]


# --- every builder ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_encodings(case: Case, g: Guidance):
    enc = spec_of(case.build(case.frame(g), g))["encoding"]
    value_channel = "x" if case.category_channel == "y" else "y"
    assert enc[case.category_channel]["field"] == case.category
    assert enc[case.category_channel]["type"] == ("temporal" if value_channel == "y" else "nominal")
    assert (enc[value_channel]["field"], enc[value_channel]["type"]) == (case.value, "quantitative")
    assert (enc["color"]["field"], enc["color"]["type"]) == (case.colour, "nominal")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_tooltip_on_every_mark_names_the_count(case: Case, g: Guidance):
    spec = spec_of(case.build(case.frame(g), g))
    tooltip = spec["encoding"]["tooltip"]
    assert {"field": "uses", "type": "quantitative", "title": "Uses", "format": ","} in tooltip
    assert tooltip[0]["field"] == (case.tooltip or case.category)
    # Every tooltip field is in the data, or the category's total (a joinaggregate transform).
    assert {t["field"] for t in tooltip} <= set(rows_of(spec)[0]) | {"total"}


@pytest.mark.parametrize("case", LEVEL_CASES, ids=str)
def test_level_colours_are_the_guidance_levels_in_order(case: Case, g: Guidance):
    color = spec_of(case.build(case.frame(g), g))["encoding"]["color"]
    assert color["scale"] == {
        "domain": [level.id for level in g.levels],
        "range": [level.colour for level in g.levels],
    }


@pytest.mark.parametrize("case", [c for c in LEVEL_CASES if c.name != "level"], ids=str)
def test_stacked_least_serious_first_with_level_labels_in_the_legend(case: Case, g: Guidance):
    spec = spec_of(case.build(case.frame(g), g))
    if case.value == "uses":
        order = spec["encoding"]["order"]
        assert order == {"field": "level_rank", "type": "quantitative", "sort": "ascending"}
    else:
        (stack,) = spec["transform"]
        assert stack["sort"] == [{"field": "level_rank"}]  # ascending is the default
        assert (stack["stack"], stack["as"]) == ("uses", ["y0", "y1"])
    for row in rows_of(spec):
        assert row["level_rank"] == g.level(row["level"]).rank
        assert row["level_label"] == g.level(row["level"]).label
    legend = spec["encoding"]["color"]["legend"]
    assert json.dumps({level.id: level.label for level in g.levels}) in legend["labelExpr"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_chart_carries_the_aggregated_rows_only(case: Case, g: Guidance):
    frame = case.frame(g)
    rows = rows_of(spec_of(case.build(frame, g)))
    assert sum(row["uses"] for row in rows) == frame["uses"].sum()
    nonzero = [row for row in rows if row["uses"]]
    assert len(nonzero) == len(frame)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_spec_size_depends_on_the_categories_never_on_the_counts(case: Case, g: Guidance):
    small = case.frame(g)
    huge = small.assign(uses=small["uses"] * 10**6)
    small_size = len(json.dumps(spec_of(case.build(small, g))))
    huge_size = len(json.dumps(spec_of(case.build(huge, g))))
    # Only the digits of the counts differ: six more for each count written in the data.
    assert huge_size - small_size == 6 * int((small["uses"] > 0).sum())


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("kind", ["no rows", "no columns", "zero uses", "None"])
def test_an_empty_frame_gives_the_empty_state(case: Case, g: Guidance, kind: str):
    columns = list(case.frame(g).columns)
    frame = {
        "no rows": pd.DataFrame(columns=columns),
        "no columns": pd.DataFrame(),
        "zero uses": case.frame(g).assign(uses=0),
        "None": None,
    }[kind]
    assert charts.is_empty(frame)
    spec = spec_of(case.build(frame, g))
    assert spec["mark"]["type"] == "text"
    assert rows_of(spec) == [{"message": charts.EMPTY_MESSAGE}]
    assert "tooltip" in spec["encoding"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_charts_fill_the_container_width_and_keep_their_height(case: Case, g: Guidance):
    spec = spec_of(case.build(case.frame(g), g))
    assert spec["width"] == "container"
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_is_empty_is_false_when_something_is_counted(g: Guidance):
    assert not charts.is_empty(level_frame(g))


# --- the shared level scale ------------------------------------------------------------------


@pytest.mark.parametrize("folder", [None, ALT_GUIDANCE], ids=["default", "alt"])
def test_level_scale_reads_the_declared_levels(folder):
    guidance = load_guidance(folder)
    scale = charts.level_scale(guidance).to_dict()
    assert scale["domain"] == [level.id for level in guidance.levels]
    assert scale["range"] == [level.colour for level in guidance.levels]


def test_another_guidance_brings_its_own_levels():
    other = load_guidance(ALT_GUIDANCE)
    fine, ask, stop = (level.id for level in other.levels)
    frame = pd.DataFrame({"status": ["draft", "draft"], "level": [stop, fine], "uses": [1, 2]})
    spec = spec_of(charts.status_level_chart(frame, other))
    assert spec["encoding"]["color"]["scale"]["domain"] == [fine, ask, stop]
    assert {row["level_label"] for row in rows_of(spec)} == {"Fine", "Stop"}


def test_label_expression_escapes_declared_text():
    tricky = {"a": 'He said "no" \\ then left', "b": "Ünïcode ✓"}
    text = labels.lookup_expr(tricky)
    literal = text[1 : text.index(")[datum.value]")]
    assert json.loads(literal) == tricky


# --- each chart's own behaviour --------------------------------------------------------------


def test_level_chart_shows_every_declared_level_in_order(g: Guidance):
    frame = level_frame(g).iloc[[2]]  # only the most serious level has uses
    spec = spec_of(charts.level_chart(frame, g))
    labels = [level.label for level in g.levels]
    assert spec["encoding"]["y"]["sort"] == labels
    assert {row["level_label"]: row["uses"] for row in rows_of(spec)} == dict(
        zip(labels, [0, 0, 2], strict=True)
    )
    assert spec["encoding"]["color"]["legend"] is None  # the axis already names the levels


def test_departments_sorted_by_total_with_none_for_empty(g: Guidance):
    spec = spec_of(charts.department_level_chart(department_frame(g), g))
    assert spec["encoding"]["y"]["sort"] == ["VFX", "(none)", "Art department"]
    assert {row["department"] for row in rows_of(spec)} == {"VFX", "(none)", "Art department"}
    assert spec["transform"] == [
        {
            "joinaggregate": [{"op": "sum", "field": "uses", "as": "total"}],
            "groupby": ["department"],
        }
    ]


def test_departments_past_top_share_one_bar(g: Guidance):
    low, _, approval = levels(g)
    frame = pd.DataFrame(
        {
            "department": [f"Dept {i:02}" for i in range(20)] + ["Dept 00"],
            "level": [low] * 20 + [approval],
            "uses": list(range(20, 0, -1)) + [5],
        }
    )
    spec = spec_of(charts.department_level_chart(frame, g, top=3))
    other = charts.OTHER_DEPARTMENTS.format(n=17)
    assert spec["encoding"]["y"]["sort"] == ["Dept 00", "Dept 01", "Dept 02", other]
    rows = rows_of(spec)
    assert sum(row["uses"] for row in rows) == frame["uses"].sum()
    assert [r["uses"] for r in rows if r["department"] == other] == [sum(range(1, 18))]


def test_type_labels_come_from_the_matrix_and_the_question(g: Guidance):
    spec = spec_of(charts.type_level_chart(type_frame(g), g))
    question = g.question(g.matrix_question)
    expected = [
        g.matrix_row("ideation").label,
        g.matrix_row("background_element").label,
        g.matrix_row("key_visual").label,
        question.label_of("other"),  # no matrix row: the answer's own label
    ]
    assert spec["encoding"]["y"]["sort"] == expected
    assert {row["type_label"] for row in rows_of(spec)} == set(expected)


def test_an_undeclared_type_is_shown_as_it_is_stored(g: Guidance):
    frame = pd.DataFrame({"use_case_type": ["retired_type"], "level": [levels(g)[0]], "uses": [1]})
    spec = spec_of(charts.type_level_chart(frame, g))
    assert spec["encoding"]["y"]["sort"] == ["retired_type"]


def test_statuses_in_workflow_order_with_their_labels(g: Guidance):
    spec = spec_of(charts.status_level_chart(status_frame(g), g))
    present = {"draft", "submitted", "approved"}
    assert spec["encoding"]["y"]["sort"] == [s.label for s in STATUSES if s.id in present]
    approved = next(s for s in STATUSES if s.id == "approved")
    assert approved.label in {row["status_label"] for row in rows_of(spec)}


def test_reason_chart_keeps_the_top_rules_with_their_text_and_section(g: Guidance):
    frame = reason_frame(g)
    spec = spec_of(charts.reason_chart(frame, g, top=3))
    ranked = [frame["rule"][0], *sorted(frame["rule"][1:3])]  # 9, then the two 7s by id
    # Each rule's short label from the guidance, never its id cut off.
    assert spec["encoding"]["y"]["sort"] == [g.rule(r).short for r in ranked]
    rows = rows_of(spec)
    assert [row["rule"] for row in rows] == list(frame["rule"][:3])
    for row in rows:
        rule = g.rule(row["rule"])
        assert row["rule_text"] == rule.text
        assert row["rule_name"] == rule.short
        assert row["section_title"] == g.section(rule.section).title
    titles = [t["title"] for t in spec["encoding"]["tooltip"]]
    assert titles == ["Rule", "Reason", "Guidance section", "Level", "Uses"]


def test_reason_chart_sums_a_rule_fired_at_two_levels(g: Guidance):
    rule = g.rules[0]
    frame = pd.DataFrame(
        {
            "rule": [g.rules[1].id, rule.id, rule.id, "gone-rule"],
            "level": [g.rules[1].level, levels(g)[1], levels(g)[2], levels(g)[0]],
            "section": [g.rules[1].section, rule.section, rule.section, "gone-section"],
            "uses": [5, 3, 3, 1],
        }
    )
    spec = spec_of(charts.reason_chart(frame, g, top=10))
    assert spec["encoding"]["y"]["sort"] == [
        "Originality unsure (P1)",
        "Recreates others' work (P1)",
        "Gone rule",  # a rule the guidance no longer has: its id in words
    ]
    assert [rule.id, g.rules[1].id] == ["principle-1-unsure", "principle-1-no"]
    gone = next(row for row in rows_of(spec) if row["rule"] == "gone-rule")
    assert (gone["rule_text"], gone["section_title"]) == (
        "(no longer in the guidance)",
        "gone-section",
    )


@pytest.mark.parametrize(
    ("period", "frame", "first", "label"),
    [
        ("week", week_frame, ("2025-01-06", "2025-01-13"), "Week of 06 Jan 2025"),
        ("month", month_frame, ("2025-01-01", "2025-02-01"), "January 2025"),
    ],
)
def test_timeline_bars_span_their_week_or_month(g: Guidance, period, frame, first, label):
    spec = spec_of(charts.timeline_chart(frame(g), g, period=period))
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["x2"]["field"], enc["y2"]["field"]) == (
        period,
        "period_end",
        "y1",
    )
    assert enc["x"]["scale"] == {"type": "utc"}  # dates are UTC midnights
    starts = sorted({row[period] for row in rows_of(spec)})
    assert enc["x"]["axis"]["values"] == starts  # ticks on the periods' own starts
    first_row = rows_of(spec)[0]
    assert (first_row[period], first_row["period_end"]) == first
    assert first_row["period_label"] == label
    assert spec["height"] == charts.TIMELINE_HEIGHT


def test_timeline_rejects_an_unknown_period(g: Guidance):
    with pytest.raises(ValueError, match="week or month"):
        charts.timeline_chart(week_frame(g), g, period="day")


def test_principles_numbered_from_the_guidance_with_two_fixed_colours(g: Guidance):
    frame = principle_frame(g)
    spec = spec_of(charts.principle_chart(frame, g))
    first, third = (g.question(qid) for qid in frame["question_id"].unique())
    expected = [f"{third.number}. {third.label}", f"{first.number}. {first.label}"]
    assert spec["encoding"]["y"]["sort"] == expected  # most answered no or unsure first
    color = spec["encoding"]["color"]
    assert color["scale"] == {
        "domain": list(charts.ANSWER_COLOURS),
        "range": list(charts.ANSWER_COLOURS.values()),
    }
    labels = {row["answer"]: row["answer_label"] for row in rows_of(spec)}
    assert labels == {"no": first.label_of("no"), "unsure": first.label_of("unsure")}
    assert spec["encoding"]["order"]["field"] == "answer_rank"


def test_long_category_labels_are_truncated_on_the_axis_and_whole_in_the_tooltip(g: Guidance):
    spec = spec_of(charts.principle_chart(principle_frame(g), g))
    assert spec["encoding"]["y"]["axis"]["labelLimit"] == charts.LABEL_LIMIT
    assert {"field": "principle", "type": "nominal", "title": "Principle"} in spec["encoding"][
        "tooltip"
    ]


@pytest.mark.parametrize(
    ("start", "period", "days"),
    [
        # As the browser sends a clicked bar's start: milliseconds since 1970, UTC midnight.
        (1763856000000, "week", (date(2025, 11, 23), date(2025, 11, 29))),
        ("2026-11-23", "week", (date(2026, 11, 23), date(2026, 11, 29))),
        ("2026-02-01", "month", (date(2026, 2, 1), date(2026, 2, 28))),
        ("2026-12-01T00:00:00", "month", (date(2026, 12, 1), date(2026, 12, 31))),
    ],
)
def test_a_timeline_bar_s_days(start, period, days):
    assert charts.period_days(start, period) == days


def test_every_overview_chart_selects_its_bars_by_ids_not_labels(g):
    """What a click selects is what the log filters by: ids, never the labels shown."""
    picks = {
        "level": ["level"],
        "reason": ["rule"],
        "principle": ["question_id", "answer"],
    }
    frames = {
        "level": pd.DataFrame({"level": ["low"], "uses": [1]}),
        "reason": pd.DataFrame(
            {"rule": ["key-creative-element"], "level": ["approval"], "section": ["x"], "uses": [1]}
        ),
        "principle": pd.DataFrame(
            {"question_id": ["principles.outputs_original"], "answer": ["no"], "uses": [1]}
        ),
    }
    builders = {
        "level": charts.level_chart,
        "reason": charts.reason_chart,
        "principle": charts.principle_chart,
    }
    for name, fields in picks.items():
        spec = charts.vega_lite_spec(builders[name](frames[name], g))
        (param,) = [p for p in spec["params"] if p["name"] == charts.PICK]
        assert param["select"]["fields"] == fields, name
