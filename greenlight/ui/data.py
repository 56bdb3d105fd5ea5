"""Cached reads for the pages: the overview's aggregates and charts, productions, departments,
and the log table's colours. Each cache is keyed by the filter and the store's data version,
so a write invalidates exactly what it changed."""

from __future__ import annotations

import streamlit as st

from greenlight import workflow
from greenlight.policy import Guidance


def _tint(hex_colour: str) -> str:
    return f"background-color: {hex_colour}22; color: {hex_colour}; font-weight: 600"


def style_log(guidance: Guidance, table):
    """The log table with level and status cells coloured as everywhere else in the app."""
    from greenlight.present import level_label

    level_colours = {level_label(guidance, lv.id): lv.colour for lv in guidance.levels}
    status_colours = {s.label: s.colour for s in workflow.STATUSES}
    return table.style.map(lambda v: _tint(level_colours.get(v, "#64748b")), subset=["Level"]).map(
        lambda v: _tint(status_colours.get(v, "#64748b")), subset=["Status"]
    )


@st.cache_data(show_spinner=False, max_entries=256)
def _overview(url: str, key: tuple, version: int, _log, _filter) -> dict:
    # `key` (the filter as a tuple) and `version` make the cache key; a new write bumps the
    # version, so exactly the stale entries stop matching.
    return {
        "level": _log.counts_by_level(_filter),
        "status": _log.counts_by_status_level(_filter),
        "department": _log.counts_by_department_level(_filter),
        "type": _log.counts_by_type_level(_filter),
        "week": _log.counts_by_week_level(_filter),
        "month": _log.counts_by_month_level(_filter),
        "reason": _log.counts_by_reason(_filter),
        "principle": _log.principle_concerns(_filter),
    }


@st.cache_data(show_spinner=False, max_entries=64)
def _overview_charts(
    url: str, key: tuple, version: int, guidance_key: tuple, _log, _filter, _guidance
) -> list[tuple[str, dict]]:
    from greenlight.present import charts

    data = _overview(url, key, version, _log, _filter)
    panels = charts.overview_panels(data, _guidance)
    return [(title, charts.vega_lite_spec(chart)) for title, chart in panels]


def overview_charts(log, scope, guidance: Guidance) -> list[tuple[str, dict]]:
    """The overview's charts as (title, Vega-Lite spec), built once per filter and data
    version: a rerun draws cached specs instead of building and validating seven charts."""
    from dataclasses import astuple

    version = log.data_version(scope.productions or None)
    key = (guidance.id, guidance.version, id(guidance))
    return _overview_charts(log.url, astuple(scope), version, key, log, scope, guidance)


@st.cache_resource(show_spinner=False, max_entries=16)
def _productions(url: str, version: int, who: tuple, _log, _viewer) -> tuple:
    return tuple(_log.list_productions(_viewer))


def production_list(log, viewer=None) -> tuple:
    """Every production `viewer` (store.Person; None on a local log) may see, read again only
    after a write: the sidebar and the overview need the list on every rerun of every
    session. Cached per person, so one person's list never reaches another."""
    who = () if viewer is None else (viewer.issuer, viewer.subject)
    return _productions(log.url, log.data_version(), who, log, viewer)


@st.cache_data(show_spinner=False, max_entries=256)
def _departments(url: str, codes: tuple, version: int, _log) -> list[str]:
    from greenlight.store import UseFilter

    return _log.distinct_values("department", UseFilter(productions=codes))


def departments(log, codes: tuple[str, ...]) -> list[str]:
    """The departments among the live uses of these productions (all when empty), cached."""
    return _departments(log.url, codes, log.data_version(codes or None), log)


def overview_data(log, scope) -> dict:
    """Every aggregate the overview draws, for a UseFilter, from the cache when unchanged."""
    from dataclasses import astuple

    version = log.data_version(scope.productions or None)
    return _overview(log.url, astuple(scope), version, log, scope)
