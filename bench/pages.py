"""The overview and the log page, server side, in Streamlit's own runtime (AppTest)."""

from __future__ import annotations

import logging
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 300
WARM_RUNS = 5


@dataclass(frozen=True)
class OverviewTimes:
    """Seconds for the overview of every production, and the bytes of its charts."""

    first: float  # the first run on this database (nothing cached)
    warm: float  # median of WARM_RUNS reruns with everything cached
    cold_after_write: float  # the first run after a new use was logged
    chart_bytes: int  # the Vega-Lite messages (spec and data) the charts send to the browser
    charts: int


def _quiet() -> None:
    # AppTest warns about a missing ScriptRunContext on every session: harmless here.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def _app(url: str, production: str) -> AppTest:
    _quiet()
    os.environ["GREENLIGHT_DATABASE_URL"] = url
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["actor"] = "bench"
    at.session_state["production"] = production
    return at


def _timed(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"the page failed: {at.exception[0].value}")
    return seconds


def overview(url: str, production: str, log_one) -> OverviewTimes:
    """Open the overview, choose every production, time its runs; `log_one()` logs a use."""
    at = _app(url, production)
    at.run()
    at.switch_page("app_pages/overview.py")
    at.run()
    at.multiselect(key=f"overview-productions-{production}").set_value([])
    first = _timed(at)
    warm = statistics.median(_timed(at) for _ in range(WARM_RUNS))
    charts = at.get("vega_lite_chart")
    chart_bytes = sum(chart.proto.ByteSize() for chart in charts)
    log_one()
    cold = _timed(at)
    return OverviewTimes(first, warm, cold, chart_bytes, len(charts))


def overview_one_production(url: str, production: str) -> tuple[float, float]:
    """(first, warm) seconds of the overview of one production, as it opens by default."""
    at = _app(url, production)
    at.run()
    at.switch_page("app_pages/overview.py")
    first = _timed(at)
    warm = statistics.median(_timed(at) for _ in range(WARM_RUNS))
    return first, warm


def log_page(url: str, production: str) -> float:
    """Seconds to the first screen of the log page of `production` (median of 3 sessions)."""
    times = []
    for _ in range(3):
        at = _app(url, production)
        at.run()
        at.switch_page("app_pages/log.py")
        times.append(_timed(at))
        if not at.dataframe:
            raise RuntimeError("the log page showed no table")
    return statistics.median(times)
