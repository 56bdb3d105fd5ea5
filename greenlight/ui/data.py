"""Cached reads for the pages: the overview's aggregates and charts, productions, departments,
and the log table's colours. Each cache is keyed by the filter, the store's data version and
who reads (the signed-in person: one person never sees another's cached figures), so a write
invalidates exactly what it changed.

A signed-in person's reads are keyed by the log's whole data version, not their productions':
a grant or revocation bumps it, so what a person may see is never kept past a change of
their roles (the store reads roles per call; no cache here holds them).
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from greenlight import workflow
from greenlight.policy import Guidance
from greenlight.ui.auth import viewer


def _reader() -> tuple[object, tuple]:
    """The viewer for the store, and its part of a cache key ((): local mode)."""
    found = viewer()
    return found, (() if found is None else (found.issuer, found.subject))


def _version(log, reader: tuple, codes) -> int:
    return log.data_version(None if reader else (codes or None))


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
def _overview(url: str, key: tuple, version: int, reader: tuple, _log, _filter, _viewer) -> dict:
    # `key` (the filter as a tuple), `version` and `reader` make the cache key; a new write
    # bumps the version, so exactly the stale entries stop matching.
    return {
        "level": _log.counts_by_level(_filter, viewer=_viewer),
        "status": _log.counts_by_status_level(_filter, viewer=_viewer),
        "department": _log.counts_by_department_level(_filter, viewer=_viewer),
        "type": _log.counts_by_type_level(_filter, viewer=_viewer),
        "week": _log.counts_by_week_level(_filter, viewer=_viewer),
        "month": _log.counts_by_month_level(_filter, viewer=_viewer),
        "reason": _log.counts_by_reason(_filter, viewer=_viewer),
        "principle": _log.principle_concerns(_filter, viewer=_viewer),
    }


@st.cache_data(show_spinner=False, max_entries=64)
def _overview_charts(
    url: str,
    key: tuple,
    version: int,
    reader: tuple,
    guidance_key: tuple,
    _log,
    _filter,
    _viewer,
    _guidance,
) -> list[tuple[str, dict]]:
    from greenlight.present import charts

    data = _overview(url, key, version, reader, _log, _filter, _viewer)
    panels = charts.overview_panels(data, _guidance)
    return [(title, charts.vega_lite_spec(chart)) for title, chart in panels]


def overview_charts(log, scope, guidance: Guidance) -> list[tuple[str, dict]]:
    """The overview's charts as (title, Vega-Lite spec), built once per filter and data
    version: a rerun draws cached specs instead of building and validating seven charts."""
    from dataclasses import astuple

    found, reader = _reader()
    version = _version(log, reader, scope.productions)
    key = (guidance.id, guidance.version, id(guidance))
    return _overview_charts(
        log.url, astuple(scope), version, reader, key, log, scope, found, guidance
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _productions(url: str, version: int, reader: tuple, _log, _viewer) -> tuple:
    return tuple(_log.list_productions(_viewer))


def production_list(log) -> tuple:
    """The productions this person may see (store.list_productions), read again only after
    a write: the sidebar and the overview need the list on every rerun of every session."""
    found, reader = _reader()
    return _productions(log.url, log.data_version(), reader, log, found)


@st.cache_data(show_spinner=False, max_entries=256)
def _departments(url: str, codes: tuple, version: int, reader: tuple, _log, _viewer) -> list[str]:
    from greenlight.store import UseFilter

    return _log.distinct_values(
        "department", UseFilter(productions=codes, without_demo=not codes), viewer=_viewer
    )


def departments(log, codes: tuple[str, ...]) -> list[str]:
    """The departments among the live uses of these productions (all the person may see but
    the demo, when empty), cached."""
    found, reader = _reader()
    return _departments(log.url, codes, _version(log, reader, codes), reader, log, found)


def overview_data(log, scope) -> dict:
    """Every aggregate the overview draws, for a UseFilter, from the cache when unchanged."""
    from dataclasses import astuple

    found, reader = _reader()
    version = _version(log, reader, scope.productions)
    return _overview(log.url, astuple(scope), version, reader, log, scope, found)


AWAITING_SHOWN = 10  # the overview lists this many of the uses awaiting a decision
TABLE_ROWS = 50  # the table by production shows the productions that need attention most


@st.cache_data(show_spinner=False, max_entries=256)
def _attention(
    url: str, key: tuple, version: int, day: str, reader: tuple, _log, _filter, _viewer
) -> tuple:
    # `day` keys it too: the waits are counted in days, so a new day counts them again.
    from greenlight.present import production_table

    frame = _log.production_attention(_filter, viewer=_viewer)
    table = production_table(frame, datetime.now(UTC), top=TABLE_ROWS)
    return _log.awaiting_uses(_filter, AWAITING_SHOWN, viewer=_viewer), table, len(frame)


def attention_data(log, scope) -> tuple:
    """(the uses awaiting a decision longest first, the table by production as shown, how
    many productions it covers) for a UseFilter and the person reading, from the cache when
    nothing changed."""
    from dataclasses import astuple

    found, reader = _reader()
    version = _version(log, reader, scope.productions)
    today = datetime.now(UTC).date().isoformat()
    return _attention(log.url, astuple(scope), version, today, reader, log, scope, found)


TOOLS_SHOWN = 10  # the overview lists this many tools by uses, and at written approval


@st.cache_data(show_spinner=False, max_entries=128)
def _tool_figures(url: str, key: tuple, version: int, day: str, reader: tuple, _log, _filter,
                  _viewer) -> tuple:  # fmt: skip
    # `day` keys it too: a review falling past due moves its tool to unknown terms.
    return (
        _log.uses_by_tool(_filter, viewer=_viewer)[:TOOLS_SHOWN],
        _log.uses_by_tool_tier(_filter, viewer=_viewer),
        _log.tools_at_level(_filter, viewer=_viewer, limit=TOOLS_SHOWN),
    )


def tool_figures(log, scope) -> tuple:
    """(the tools named by the most uses, uses by tier, the tools most used at the
    written-approval level) for a UseFilter and the person reading, cached until a write."""
    from dataclasses import astuple

    found, reader = _reader()
    version = _version(log, reader, scope.productions)
    today = datetime.now(UTC).date().isoformat()
    return _tool_figures(log.url, astuple(scope), version, today, reader, log, scope, found)
