"""The one Streamlit-aware module: navigation, cached loaders, the store, shared widgets.

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
from greenlight.engine import Assessment, Engine
from greenlight.guidance import Guidance, GuidanceError, load_guidance

T = TypeVar("T")

ACTOR_KEY = "actor"
PRODUCTION_KEY = "production"
CREATED_KEY = "production:created"  # a production just made, selected on the next run
FLASH_KEY = "flash"  # a message to toast on the next run (a toast before st.rerun is lost)


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
    if not store.list_productions():
        from greenlight.demo import seed_demo

        _, engine = guidance_and_engine()
        seed_demo(store, engine)
    return store


def _database_url() -> str | None:
    return os.environ.get("GREENLIGHT_DATABASE_URL") or None


def database_error_page(exc: BaseException, heading: str) -> None:
    """The page shown instead of a traceback when the database cannot be used; stops the run."""
    from greenlight.db_errors import explain

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

    from greenlight.db_errors import explain
    from greenlight.store import StoreError, TransitionError

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


def sidebar(log) -> None:
    """The shared sidebar: the current production (with create) and the user's name."""
    show_flash()
    productions = production_list(log)
    codes = [p.code for p in productions]
    names = {
        p.code: p.name + (" (demo)" if p.is_demo and "demo" not in p.name.lower() else "")
        for p in productions
    }
    if created := st.session_state.pop(CREATED_KEY, None):
        st.session_state[PRODUCTION_KEY] = created  # before the selectbox is drawn
    if st.session_state.get(PRODUCTION_KEY) not in codes:
        real = [p.code for p in productions if not p.is_demo]
        st.session_state[PRODUCTION_KEY] = (real or codes or [None])[0]
    with st.sidebar:
        if codes:
            st.selectbox(
                "Production",
                codes,
                key=PRODUCTION_KEY,
                format_func=lambda code: f"{names[code]} · {code}",
                help="New uses are logged to this production; the log and home page show it.",
            )
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
                    st.session_state[CREATED_KEY] = made.code
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


# --- the assessment form ------------------------------------------------------------------------

DRAFT_KEY = "assess:draft"


def form_is_complete(fields: dict[str, str]) -> bool:
    """Whether the free text is enough to log (a title); warns when it is not."""
    if not fields.get("title", "").strip():
        st.warning("Give the use a title first (under *About this use*).", icon=":material/title:")
        return False
    return True


class AssessmentForm:
    """The questions as widgets, with answers kept across pages and loads in session state.

    Widget values live under `q:<question id>` and `f:<field>`; a mirror in DRAFT_KEY keeps them
    when the user visits another page (Streamlit drops the state of widgets not drawn) and lets
    *Load answers* and *re-assess* fill the form.
    """

    def __init__(self, guidance: Guidance, engine: Engine):
        self.guidance = guidance
        self.engine = engine
        self.state = st.session_state.setdefault(
            DRAFT_KEY, {"fields": {}, "answers": {}, "editing": None, "errors": []}
        )

    @property
    def editing(self) -> str | None:
        return self.state["editing"]

    @property
    def upload_errors(self) -> list[str]:
        return self.state["errors"]

    def _clear_widgets(self) -> None:
        for key in list(st.session_state):
            if isinstance(key, str) and key.startswith(("q:", "f:")):
                del st.session_state[key]

    def reset(self) -> None:
        self._clear_widgets()
        self.state.update(fields={}, answers={}, editing=None, errors=[])

    def load(self, answers, editing: str | None = None) -> None:
        """Fill the form from parsed answers (only the answers actually given)."""
        self._clear_widgets()
        self.state.update(
            fields={"title": answers.title, **answers.fields},
            answers={qid: answers.values[qid] for qid in answers.provided},
            editing=editing,
            errors=[],
        )

    def load_upload(self, loader, error_type) -> None:
        """on_change of the uploader: load the file, or keep the form and list the problems."""
        upload = st.session_state.get("assess-upload")
        if upload is None:
            return
        try:
            answers = loader(upload.getvalue(), self.guidance)
        except error_type as exc:
            self.state["errors"] = [str(problem) for problem in exc.problems]
            return
        self.load(answers, editing=self.editing)

    def render(self) -> tuple[dict[str, str], dict[str, str | bool]]:
        """Draw every field and every question that matters; return (fields, given answers)."""
        from greenlight.answers import FIELDS

        fields: dict[str, str] = {}
        st.subheader("About this use")
        short = [spec for spec in FIELDS if not spec.required and not spec.multiline]
        # Containers made in display order: required first, then pairs, then long text.
        places: dict[str, object] = {spec.name: st.container() for spec in FIELDS if spec.required}
        for pair in range(0, len(short), 2):  # a row of two at a time keeps the order on phones
            for column, spec in zip(st.columns(2), short[pair : pair + 2], strict=False):
                places[spec.name] = column
        places.update({s.name: st.container() for s in FIELDS if s.multiline and not s.required})
        ordered = sorted(FIELDS, key=lambda spec: list(places).index(spec.name))
        for spec in ordered:
            key = f"f:{spec.name}"
            if key not in st.session_state:
                st.session_state[key] = self.state["fields"].get(spec.name, "")
            where = places[spec.name]
            widget = where.text_area if spec.multiline else where.text_input
            fields[spec.name] = widget(
                spec.label + (" (required)" if spec.required else ""),
                key=key,
                max_chars=spec.max_length,
            )
            self.state["fields"][spec.name] = fields[spec.name]

        values = {q.id: q.default for q in self.guidance.questions}
        given: dict[str, str | bool] = {}
        groups = {group.id: group for group in self.guidance.groups}
        seen_group = seen_category = None
        for q in self.guidance.questions:
            if not self.engine.is_shown(q.id, values):
                continue
            if q.group != seen_group:
                seen_group = q.group
                group = groups.get(q.group)
                st.subheader(group.title if group else q.group)
                if group:
                    st.caption(group.help)
            if q.category and q.category != seen_category:
                seen_category = q.category
                st.markdown(f"**{self.guidance.section(q.category).title}**")
            value = self._widget(q)
            if value is None:
                self.state["answers"].pop(q.id, None)
            else:
                self.state["answers"][q.id] = value
                values[q.id] = given[q.id] = value
        return fields, given

    def _widget(self, q):
        key = f"q:{q.id}"
        remembered = self.state["answers"].get(q.id)
        if key not in st.session_state and remembered is not None:
            st.session_state[key] = remembered
        label = f"{q.number}. {q.label}" if q.number else q.label
        if q.kind == "boolean" and not q.report_missing:
            checked = st.checkbox(label, key=key, help=f"{q.help} Example: {q.example}", wrap=True)
            st.caption(q.help)
            return checked
        if q.kind == "category":
            return st.selectbox(
                label,
                q.values,
                index=None,
                key=key,
                format_func=q.label_of,
                placeholder="Choose the closest kind of use",
                help=f"{q.help} Example: {q.example}",
            )
        options = [True, False] if q.kind == "boolean" else list(q.values)
        if max(len(q.label_of(v)) for v in options) > 20:
            return st.radio(
                label,
                options,
                index=None,
                key=key,
                format_func=q.label_of,
                help=f"{q.help} Example: {q.example}",
            )
        return st.segmented_control(
            label, options, key=key, format_func=q.label_of, help=f"{q.help} Example: {q.example}"
        )


def _tint(hex_colour: str) -> str:
    return f"background-color: {hex_colour}22; color: {hex_colour}; font-weight: 600"


def style_log(guidance: Guidance, table):
    """The log table with level and status cells coloured as everywhere else in the app."""
    from greenlight.tables import level_label

    level_colours = {level_label(guidance, lv.id): lv.colour for lv in guidance.levels}
    status_colours = {s.label: s.colour for s in workflow.STATUSES}
    return table.style.map(lambda v: _tint(level_colours.get(v, "#64748b")), subset=["Level"]).map(
        lambda v: _tint(status_colours.get(v, "#64748b")), subset=["Status"]
    )


# --- the overview's aggregates, cached by filter and data version ------------------------------------


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
    from greenlight import charts

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
def _productions(url: str, version: int, _log) -> tuple:
    return tuple(_log.list_productions())


def production_list(log) -> tuple:
    """Every production (store.list_productions), read again only after a write: the sidebar
    and the overview need the list on every rerun of every session."""
    return _productions(log.url, log.data_version(), log)


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
