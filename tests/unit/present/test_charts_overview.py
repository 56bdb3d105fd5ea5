"""The overview's chart list and the specs the page caches (charts.overview_panels and
charts.vega_lite_spec), and the switch of its timeline from weeks to months."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from greenlight.policy import load_guidance
from greenlight.present import charts

GUIDANCE = load_guidance()


def weeks(count: int) -> pd.DataFrame:
    first = date(2026, 1, 5)
    return pd.DataFrame(
        {
            "week": [first + timedelta(weeks=n) for n in range(count)],
            "level": "low",
            "uses": 1,
        }
    )


@pytest.mark.parametrize(("count", "period"), [(1, "week"), (26, "week"), (27, "month")])
def test_the_timeline_counts_months_past_half_a_year(count, period):
    assert charts.timeline_period(weeks(count)) == period


def test_an_empty_log_keeps_weeks():
    assert charts.timeline_period(weeks(0)) == "week"


def _data(week_count: int) -> dict[str, pd.DataFrame]:
    week = weeks(week_count)
    month = (
        week.assign(month=[d.replace(day=1) for d in week["week"]])
        .groupby(["month", "level"], as_index=False)["uses"]
        .sum()
    )
    return {
        "level": pd.DataFrame({"level": ["low", "approval"], "uses": [3, 1]}),
        "status": pd.DataFrame({"status": ["draft"], "level": ["low"], "uses": [4]}),
        "department": pd.DataFrame({"department": ["Art"], "level": ["low"], "uses": [4]}),
        "type": pd.DataFrame({"use_case_type": ["ideation"], "level": ["low"], "uses": [4]}),
        "week": week,
        "month": month,
        "reason": pd.DataFrame(
            {"rule": ["r"], "level": ["escalate"], "section": ["s"], "uses": [2]}
        ),
        "principle": pd.DataFrame(
            {"question_id": ["principles.outputs_original"], "answer": ["no"], "uses": [1]}
        ),
    }


@pytest.mark.parametrize(("count", "title"), [(4, "per week"), (40, "per month")])
def test_the_overview_draws_seven_panels_in_page_order(count, title):
    panels = charts.overview_panels(_data(count), GUIDANCE)
    assert [t for t, _ in panels][:4] == [
        "Uses by level",
        "Departments by level",
        "Kinds of use by level",
        "The reasons that fire most",
    ]
    assert panels[4][0] == f"Uses logged {title}"
    assert len(panels) == 7


def test_a_cached_spec_is_the_chart_without_altairs_default_view_size():
    chart = charts.level_chart(_data(4)["level"], GUIDANCE)
    spec, plain = charts.vega_lite_spec(chart), chart.to_dict()
    assert "continuousWidth" not in spec.get("config", {}).get("view", {})
    plain.get("config", {}).get("view", {}).pop("continuousWidth", None)
    plain.get("config", {}).get("view", {}).pop("continuousHeight", None)
    for key in ("config",):
        if plain.get(key) == {"view": {}}:
            plain.pop(key)
    assert spec["datasets"] == plain["datasets"] and spec["encoding"] == plain["encoding"]
