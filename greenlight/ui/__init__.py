"""The one Streamlit-aware package: navigation, cached loaders, the store, shared widgets
(here), the assessment form (ui.form) and cached reads for the pages (ui.data).

Pages import from here and from the rest of greenlight/; nothing else in greenlight/ imports
streamlit. User text is only ever shown through st.text, dataframes or widget values, never
as Markdown or HTML.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from greenlight import workflow
from greenlight.policy import Assessment, Engine, Guidance, GuidanceError, load_guidance

# The form and the cached reads, for the pages as ui.<name>.
from greenlight.ui.data import (  # noqa: F401
    departments,
    overview_charts,
    overview_data,
    production_list,
    style_log,
)
from greenlight.ui.form import DRAFT_KEY, AssessmentForm, form_is_complete  # noqa: F401

T = TypeVar("T")

ACTOR_KEY = "actor"
PRODUCTION_KEY = "production"
# A production to select on the next run, before the sidebar draws its selectbox (a widget's
# value cannot change once it is drawn): one just made, or the one of a use opened to edit.
SELECT_KEY = "production:select"
KEPT_KEY = "production:kept"  # the current production, in a key no widget owns
FLASH_KEY = "flash"  # a message to toast on the next run (a toast before st.rerun is lost)
LOG_SELECTED_KEY = "log-selected"  # the use the log page shows in full
# (use id, status) the log page last drew the status form for: a different status on the next
# draw means the use moved meanwhile, and a change started in the old form was dropped.
LOG_STATUS_DRAWN_KEY = "log-status-drawn"


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    url_path: str
    default: bool = False


# The navigation, declared once: app.py builds st.navigation from it and the smoke tests
# run one test per entry. The scripts live in app_pages/, not pages/: Streamlit treats a
# pages/ folder as the old automatic navigation, and a first request straight to /log after a
# server start then ran the page without app.py (no sidebar, raw file names as navigation).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/home.py", "Home", ":material/home:", "home", default=True),
    PageSpec("app_pages/assess.py", "Self-assessment", ":material/fact_check:", "assess"),
    PageSpec("app_pages/log.py", "Use-case log", ":material/table_view:", "log"),
    PageSpec("app_pages/overview.py", "Risk overview", ":material/monitoring:", "overview"),
    PageSpec("app_pages/guidance.py", "Guidance", ":material/menu_book:", "guidance"),
)


def page(url_path: str) -> str:
    """The script path of a page, for st.page_link and st.switch_page."""
    return next(spec.path for spec in PAGES if spec.url_path == url_path)


def navigation() -> st.navigation:
    return st.navigation(
        [
            st.Page(
                spec.path,
                title=spec.title,
                icon=spec.icon,
                url_path=spec.url_path,
                default=spec.default,
            )
            for spec in PAGES
        ]
    )


# --- loaders --------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _guidance_and_engine(folder: str | None) -> tuple[Guidance, Engine]:
    guidance = load_guidance(folder)
    return guidance, Engine(guidance)


def guidance_and_engine() -> tuple[Guidance, Engine]:
    """The guidance set in use and its compiled engine; a readable error page if invalid."""
    try:
        return _guidance_and_engine(os.environ.get("GREENLIGHT_GUIDANCE_DIR"))
    except GuidanceError as exc:
        st.error(
            "The guidance files could not be loaded, so nothing can be assessed.",
            icon=":material/error:",
        )
        st.write("Fix these problems in the guidance folder, then reload the page:")
        st.code("\n".join(exc.problems), language=None)
        st.caption("`python -m greenlight check-guidance` shows the same list from a terminal.")
        st.stop()


@st.cache_resource(show_spinner="Opening the log...")
def _store(url: str | None):
    from greenlight.store import UseCaseStore

    store = UseCaseStore(url)
    if not store.has_productions():
        from greenlight.demo import seed_demo

        _, engine = guidance_and_engine()
        seed_demo(store, engine)
    return store


def _database_url() -> str | None:
    return os.environ.get("GREENLIGHT_DATABASE_URL") or None


def database_error_page(exc: BaseException, heading: str) -> None:
    """The page shown instead of a traceback when the database cannot be used; stops the run."""
    from greenlight.store import explain

    trouble = explain(exc, _database_url())
    st.error(heading, icon=":material/database_off:")
    st.text(trouble.what)
    st.markdown("**What to do**")
    st.text(trouble.to_do)
    st.caption("The error, for whoever looks after the database:")
    st.code(trouble.detail, language=None)
    st.stop()


def store():
    """The use-case store (one per process and database); a readable error page if it fails."""
    try:
        return _store(_database_url())
    except Exception as exc:  # any failure to open the database ends here, explained
        database_error_page(exc, "The use-case log could not be opened.")


@contextmanager
def database_errors() -> Iterator[None]:
    """Around a page: a database that fails part-way (a server gone, a file damaged or made
    read-only while the app runs) shows the explained error page, not a traceback."""
    import sqlalchemy as sa

    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        database_error_page(exc, "The use-case log could not be used.")


def guarded(action: Callable[[], T], *, success: str | None = None) -> T | None:
    """Run a write; show its error (a person can act on it) instead of a traceback."""
    import sqlalchemy as sa

    from greenlight.store import StoreError, TransitionError, explain

    try:
        result = action()
    except (StoreError, TransitionError, ValueError) as exc:
        st.error(str(exc), icon=":material/error:")
        return None
    except sa.exc.SQLAlchemyError as exc:  # rolled back: the write left nothing behind
        trouble = explain(exc, _database_url())
        st.error("Nothing was saved: the database refused the change.", icon=":material/error:")
        st.text(f"{trouble.what}\n{trouble.to_do}")
        return None
    if success:
        st.session_state[FLASH_KEY] = success  # shown by sidebar() on this run or the next
    return result


def show_flash() -> None:
    """Toast the message a write left (app.py calls this after the page; sidebar() on a rerun)."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.toast(message, icon=":material/check_circle:")


# --- session: who and which production --------------------------------------------------------


def actor() -> str:
    """The user's name as typed in the sidebar ('' until given)."""
    return (st.session_state.get(ACTOR_KEY) or "").strip()


def require_actor() -> str | None:
    """The user's name, or a warning asking for it (every change records who made it)."""
    name = actor()
    if not name:
        st.warning(
            "Enter your name in the sidebar first: it is recorded with every change.",
            icon=":material/person:",
        )
        return None
    return name


def current_production() -> str | None:
    return st.session_state.get(PRODUCTION_KEY)


def keep(*keys: str) -> None:
    """Call before drawing the widgets with these keys: their values outlive a visit to
    another page. Streamlit drops a widget's value on a run that does not draw it, so each
    value is copied to a key no widget owns and put back when the widget is missing.

    The copy is of the value the run starts with. sidebar() keeps the production with its own
    copy, made after drawing, because it may change the value during the run (a production
    just made, or a use's opened to edit) before a page switches away."""
    for key in keys:
        kept = f"{key}:kept"
        if key in st.session_state:
            st.session_state[kept] = st.session_state[key]
        elif kept in st.session_state:
            st.session_state[key] = st.session_state[kept]


def show_in_log(use_id: str) -> None:
    """Have the log page show this use in full, as this session just saved it: a status the
    save changed (a re-assessment that reopens an approval) is no warning of a stale form."""
    st.session_state[LOG_SELECTED_KEY] = use_id
    st.session_state.pop(LOG_STATUS_DRAWN_KEY, None)


def select_production(code: str) -> None:
    """Make `code` the current production from the next run on (call st.rerun after)."""
    st.session_state[SELECT_KEY] = code


def sidebar(log) -> None:
    """The shared sidebar: the current production (with create) and the user's name."""
    show_flash()
    productions = production_list(log)
    codes = [p.code for p in productions]
    names = {
        p.code: p.name + (" (demo)" if p.is_demo and "demo" not in p.name.lower() else "")
        for p in productions
    }
    # The selectbox's own state is dropped when a page calls st.switch_page after drawing it
    # (saving a re-assessment goes to the log): the kept copy brings the choice back.
    chosen = (
        st.session_state.pop(SELECT_KEY, None)
        or st.session_state.get(PRODUCTION_KEY)
        or st.session_state.get(KEPT_KEY)
    )
    if chosen not in codes:
        real = [p.code for p in productions if not p.is_demo]
        chosen = (real or codes or [None])[0]
    st.session_state[PRODUCTION_KEY] = chosen
    with st.sidebar:
        if codes:
            st.selectbox(
                "Production",
                codes,
                key=PRODUCTION_KEY,
                format_func=lambda code: f"{names[code]} · {code}",
                help="New uses are logged to this production; the log and home page show it.",
            )
            st.session_state[KEPT_KEY] = st.session_state[PRODUCTION_KEY]
        else:
            st.info("No production yet: create one below.", icon=":material/movie:")
        with st.popover("New production", icon=":material/add:", width="stretch"):
            _new_production_form(log)
        st.text_input(
            "Your name",
            key=ACTOR_KEY,
            max_chars=120,
            placeholder="e.g. Sam Rivera, line producer",
            help="Recorded as the author of every use you log and every change you make.",
        )


def _new_production_form(log) -> None:
    with st.form("new-production", clear_on_submit=True, border=False):
        name = st.text_input("Name", max_chars=200, placeholder="The Lighthouse Keeper, season 1")
        code = st.text_input(
            "Code", max_chars=32, placeholder="LHK-S1", help="Letters, digits, - and _."
        )
        if st.form_submit_button("Create production", type="primary"):
            who = require_actor()
            if who:
                made = guarded(
                    lambda: log.create_production(code, name, actor=who),
                    success="Production created",
                )
                if made is not None:
                    select_production(made.code)
                    st.rerun()


# --- shared widgets ---------------------------------------------------------------------------

# Streamlit's named colours and their hues, for the nearest match to a declared hex colour.
_HUES = {"red": 0, "orange": 30, "yellow": 50, "green": 140, "blue": 210, "violet": 270}


def named_colour(hex_colour: str) -> str:
    """The Streamlit colour name closest in hue to a hex colour (badges take only names)."""
    import colorsys

    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.25:
        return "gray"
    degrees = hue * 360
    return min(
        _HUES, key=lambda name: min(abs(_HUES[name] - degrees), 360 - abs(_HUES[name] - degrees))
    )


def level_icon(guidance: Guidance, level_id: str) -> str:
    """A coloured Material icon for a level, as Markdown (renders without emoji fonts)."""
    level = guidance.level(level_id)
    return f":{named_colour(level.colour)}[:material/{level.icon}:]"


def level_badge(guidance: Guidance, level_id: str, container=st) -> None:
    level = guidance.level(level_id)
    container.badge(level.label, icon=f":material/{level.icon}:", color=named_colour(level.colour))


def status_badge(status_id: str, container=st) -> None:
    status = workflow.status(status_id)
    container.badge(
        status.label, icon=f":material/{status.icon}:", color=named_colour(status.colour)
    )


def section_link(guidance: Guidance, section_id: str, container=st) -> None:
    """A link to a guidance section (?section=ID); a note if this guidance has no such section."""
    if section_id not in {s.id for s in guidance.sections}:
        container.caption(f"Guidance section {section_id} (not in the current guidance)")
        return
    section = guidance.section(section_id)
    container.page_link(
        page("guidance"),
        label=f"Guidance: {section.title}",
        icon=":material/menu_book:",
        query_params={"section": section_id},
    )


def outcome_card(guidance: Guidance, result: Assessment) -> None:
    """The level, every reason with its guidance section, next actions, matrix row, gaps."""
    level = guidance.level(result.level)
    with st.container(border=True, key="outcome-card"):
        level_badge(guidance, result.level)
        st.markdown(f"**{level.meaning}**")
        row = guidance.matrix_row(result.matrix_row)
        st.caption(f"Use case matrix: {row.label if row else 'no matching row (other use)'}")
        if result.reasons:
            st.markdown(f"**Why** ({len(result.reasons)})")
            for reason in result.reasons:
                with st.container(border=False, key=f"reason-{reason.rule}"):
                    st.markdown(f"{level_icon(guidance, reason.level)} {reason.text}")
                    section_link(guidance, reason.section)
        else:
            st.markdown("**Why**: no rule raised this use above the lowest level.")
        st.markdown("**Next actions**")
        st.markdown("\n".join(f"{n}. {action}" for n, action in enumerate(result.actions, start=1)))
        if result.unanswered:
            st.warning(
                f"{len(result.unanswered)} question(s) not answered yet; each counts as the riskier "
                "answer until you answer it:\n\n"
                + "\n".join(f"- {guidance.question(qid).label}" for qid in result.unanswered),
                icon=":material/help:",
            )
        readings = [r for r in guidance.readings if r.id in result.readings]
        if readings:
            with st.expander("How the guidance was read for this outcome"):
                for reading in readings:
                    st.markdown(f"**{' '.join(reading.question.split())}**")
                    st.markdown(
                        f"{' '.join(reading.reading.split())} *{' '.join(reading.why.split())}*"
                    )
        st.caption(f"Guidance {result.guidance_id} {result.guidance_version}")
