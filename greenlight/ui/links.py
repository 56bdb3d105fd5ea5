"""Links to the log page that carry its filters (from the overview's charts and lists) and
open one use (?use=ID): read once from the address, then kept in the session like the
filters a person sets."""

from __future__ import annotations

from datetime import date

import streamlit as st

from greenlight import workflow
from greenlight.policy import Guidance
from greenlight.present import principle_options
from greenlight.store import UseFilter
from greenlight.ui.auth import viewer
from greenlight.ui.shell import current_production, select_production
from greenlight.ui.state import LOG_SELECTED_KEY
from greenlight.ui.text import as_text

ARCHIVED_KEY = "log-archived"  # the log's own widget keys, which a link sets
PAGE_KEY = "log-page"
TEXT_KEY = "log-text"

# The productions the log lists instead of the sidebar's one, when opened from the overview
# on several: a tuple of codes, () for every production but the demo.
SCOPE_KEY = "log-scope"
URL_NOTE_KEY = "log-url-note"  # what a link's filters could not be used for, said once
# The log's address takes its filters: ?level=..&status=..&department=..&type=..&reason=..
# &principle=.. (each may repeat; a reason is a rule id, a principle "question_id:answer"),
# ?from=YYYY-MM-DD&to=YYYY-MM-DD (the days logged, inclusive), with ?production=CODE
# (repeated) or ?all=1 for the productions, and ?use=ID to open one use. A link sets the
# filters once; the address is then cleared.
URL_FILTERS = {
    "level": "log-levels",
    "status": "log-statuses",
    "department": "log-departments",
    "type": "log-types",
    "reason": "log-reasons",
    "principle": "log-principles",
}
URL_DATES = {"from": "log-date-from", "to": "log-date-to"}
URL_PRODUCTION, URL_ALL, URL_USE = "production", "all", "use"


def link_params(
    *,
    levels=(),
    statuses=(),
    departments=(),
    types=(),
    reasons=(),
    principles=(),
    date_from: date | None = None,
    date_to: date | None = None,
    productions: tuple[str, ...] = (),
) -> dict[str, list[str]]:
    """The query parameters of a link to the log with these filters, on these productions
    (none: every production but the demo)."""
    params = {
        "level": list(levels),
        "status": list(statuses),
        "department": list(departments),
        "type": list(types),
        "reason": list(reasons),
        "principle": list(principles),
        "from": [date_from.isoformat()] if date_from else [],
        "to": [date_to.isoformat()] if date_to else [],
    }
    params = {name: values for name, values in params.items() if values}
    if productions:
        params[URL_PRODUCTION] = list(productions)
    else:
        params[URL_ALL] = ["1"]
    return params


def from_url(log, guidance: Guidance) -> None:
    """Apply the filters or the use a link to the log names (URL_FILTERS), once, then clear
    the address and run the page again; unknown values are said, as text, and left out."""
    params = st.query_params
    names = set(params.keys())
    if not names & {*URL_FILTERS, *URL_DATES, URL_PRODUCTION, URL_ALL, URL_USE}:
        return
    ignored: list[str] = []
    if URL_USE in names:
        _open_use(log, params.get(URL_USE) or "", ignored)
    else:
        _apply_filters(log, guidance, params, ignored)
    if ignored:
        st.session_state[URL_NOTE_KEY] = "Left out of the link: " + "; ".join(ignored) + "."
    st.query_params.clear()
    st.rerun()


def _open_use(log, use_id: str, ignored: list[str]) -> None:
    from greenlight.store import NotPermitted

    try:
        record = log.get_use(use_id, viewer=viewer())
    except LookupError:
        ignored.append(f"no logged use has the id {use_id!r}")
        return
    except NotPermitted as exc:  # another production's: said without its title
        ignored.append(str(exc))
        return
    st.session_state.pop(SCOPE_KEY, None)
    st.session_state[LOG_SELECTED_KEY] = record.id
    if record.production_code != current_production():
        select_production(record.production_code)


def _apply_filters(log, guidance: Guidance, params, ignored: list[str]) -> None:
    kinds = guidance.matrix_kind
    known = {
        "level": [lv.id for lv in guidance.levels],
        "status": list(workflow.status_ids()),
        "type": list(kinds.values) if kinds else [],
        "department": None,  # checked against the scope's departments when drawn
        "reason": [rule.id for rule in guidance.rules],
        "principle": principle_options(guidance),
    }
    for name, key in URL_FILTERS.items():
        values = list(dict.fromkeys(params.get_all(name)))
        allowed = known[name]
        if allowed is not None:
            ignored.extend(f"{name} {v!r}" for v in values if v not in allowed)
            values = [v for v in values if v in allowed]
        st.session_state[key] = values
    for name, key in URL_DATES.items():
        st.session_state[key] = _day(params.get(name), name, ignored)
    st.session_state[TEXT_KEY] = ""
    st.session_state[ARCHIVED_KEY] = False
    st.session_state[PAGE_KEY] = 1
    codes = {p.code for p in log.list_productions()}
    chosen = list(dict.fromkeys(params.get_all(URL_PRODUCTION)))
    ignored.extend(f"production {c!r}" for c in chosen if c not in codes)
    chosen = [c for c in chosen if c in codes]
    if len(chosen) == 1:
        st.session_state.pop(SCOPE_KEY, None)
        if chosen[0] != current_production():
            select_production(chosen[0])
    elif chosen or URL_ALL in params:
        st.session_state[SCOPE_KEY] = tuple(chosen)


def _day(text: str | None, name: str, ignored: list[str]) -> date | None:
    """A YYYY-MM-DD day of the address, None when absent or not a day (said in `ignored`)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        ignored.append(f"{name} {text!r} (not a YYYY-MM-DD day)")
        return None


def scope(code: str) -> UseFilter:
    """The productions the log lists: the sidebar's, or those a link from the overview
    named (said in a box, with the button that goes back to the sidebar's production)."""
    if note := st.session_state.pop(URL_NOTE_KEY, None):
        st.warning(as_text(note), icon=":material/link_off:")
    chosen = st.session_state.get(SCOPE_KEY)
    if chosen is None:
        return UseFilter(productions=(code,))
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        if chosen:
            st.markdown(
                f"Opened from the risk overview: the uses of **{len(chosen)} productions**."
            )
        else:
            st.markdown(
                "Opened from the risk overview: the uses of **every production** (the demo "
                "left out)."
            )
        if st.button("Show only this production", icon=":material/filter_alt_off:"):
            st.session_state.pop(SCOPE_KEY, None)
            st.rerun()
    return UseFilter(productions=chosen, without_demo=not chosen)


def several(shown: UseFilter) -> bool:
    """Whether the filter lists more than one production."""
    return len(shown.productions) != 1
