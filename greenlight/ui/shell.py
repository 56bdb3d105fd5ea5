"""The app's shell: the navigation, the cached guidance and store, the database error page,
guarded writes, the flash message, and the shared sidebar (production and name)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import streamlit as st

from greenlight.policy import GUIDANCE_ENV, Engine, Guidance, GuidanceError, load_guidance
from greenlight.ui.auth import identity, person, sign_out_button, sign_out_here
from greenlight.ui.data import production_list
from greenlight.ui.state import (
    ACTOR_KEY,
    FLASH_KEY,
    LOG_SELECTED_KEY,
    LOG_STATUS_DRAWN_KEY,
    ME_KEY,
    PRODUCTION_KEY,
    SELECT_KEY,
    recall,
    remember,
)
from greenlight.ui.text import as_text

if TYPE_CHECKING:
    from greenlight.store import Actor, PersonRecord

T = TypeVar("T")

# The server's log: what the database error page keeps from visitors (paths, hosts, the
# driver's words) goes here, for whoever runs the app.
log = logging.getLogger("greenlight")


# Who sees a page in the navigation, from the signed-in person's roles as read on this run
# (None: local mode, one person, who sees the pages meant for everyone, and the review desk:
# they record the studio's answers themselves). Hiding a page is not the protection: the
# store refuses what the person's roles do not allow.
EVERYONE, PEOPLE_MANAGERS, REVIEWERS = "everyone", "people managers", "reviewers"
TALENT_KEEPERS = "talent keepers"
AUDIENCES: dict[str, Callable[[PersonRecord | None], bool]] = {
    EVERYONE: lambda me: True,
    PEOPLE_MANAGERS: lambda me: me is not None and me.manages_people,
    REVIEWERS: lambda me: me is None or me.reviews,
    # A studio admin, or the lead or a reviewer of some production (consents are personal
    # data: the store lets no one else read the ledger).
    TALENT_KEEPERS: lambda me: (
        me is None
        or me.is_admin
        or any(g.production and me.may("talent", g.production) for g in me.grants)
    ),
}


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    url_path: str
    default: bool = False
    audience: str = EVERYONE  # AUDIENCES


# The navigation, declared once: app.py builds st.navigation from it and the smoke tests
# run one test per entry. The scripts live in app_pages/, not pages/: Streamlit treats a
# pages/ folder as the old automatic navigation, and a first request straight to /log after a
# server start then ran the page without app.py (no sidebar, raw file names as navigation).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/home.py", "Home", ":material/home:", "home", default=True),
    PageSpec("app_pages/assess.py", "Self-assessment", ":material/fact_check:", "assess"),
    PageSpec("app_pages/log.py", "Use-case log", ":material/table_view:", "log"),
    PageSpec("app_pages/overview.py", "Risk overview", ":material/monitoring:", "overview"),
    PageSpec(
        "app_pages/review.py", "Review desk", ":material/rate_review:", "review", audience=REVIEWERS
    ),
    PageSpec("app_pages/tools.py", "Tools", ":material/handyman:", "tools"),
    PageSpec(
        "app_pages/talent.py",
        "Talent",
        ":material/theater_comedy:",
        "talent",
        audience=TALENT_KEEPERS,
    ),
    PageSpec("app_pages/guidance.py", "Guidance", ":material/menu_book:", "guidance"),
    PageSpec(
        "app_pages/people.py", "People", ":material/group:", "people", audience=PEOPLE_MANAGERS
    ),
)


def pages_for(me: PersonRecord | None) -> tuple[PageSpec, ...]:
    """The pages this person sees in the navigation (None: local mode)."""
    return tuple(spec for spec in PAGES if AUDIENCES[spec.audience](me))


def page(url_path: str) -> str:
    """The script path of a page, for st.page_link and st.switch_page."""
    return next(spec.path for spec in PAGES if spec.url_path == url_path)


def navigation(me: PersonRecord | None = None) -> st.navigation:
    """The pages this person may open (`me`: their roles on this run; None in local mode)."""
    return st.navigation(
        [
            st.Page(
                spec.path,
                title=spec.title,
                icon=spec.icon,
                url_path=spec.url_path,
                default=spec.default,
            )
            for spec in pages_for(me)
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
        return _guidance_and_engine(os.environ.get(GUIDANCE_ENV))
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


def _database_url() -> str:
    """The URL the store opens: $GREENLIGHT_DATABASE_URL, secrets.toml or the default file."""
    from greenlight.store import resolve_database_url

    return resolve_database_url()


# What a visitor reads when the database fails: where the reason is, not the reason.
SERVER_LOG_SAYS_WHY = (
    "The server's log says why: ask whoever runs Greenlight to look there, "
    "and reload the page once they have fixed it."
)


def log_database_trouble(exc: BaseException, heading: str) -> None:
    """Write what went wrong with the database, and what to do, to the server's log."""
    from greenlight.store import explain

    trouble = explain(exc)  # resolves the URL itself, and survives a URL that is wrong
    log.error("%s %s What to do: %s (%s)", heading, trouble.what, trouble.to_do, trouble.detail)


def database_error_page(exc: BaseException, heading: str) -> None:
    """The page shown instead of a traceback when the database cannot be used; stops the run.

    A visitor learns that the log cannot be used and where the reason is; the reason itself
    (a file's path, a server's host, the driver's error) goes only to the server's log.
    """
    log_database_trouble(exc, heading)
    st.error(heading, icon=":material/database_off:")
    st.text(SERVER_LOG_SAYS_WHY)
    sign_out_here()
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

    from greenlight.store import NotPermitted

    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        database_error_page(exc, "The use-case log could not be used.")
    except NotPermitted as exc:  # a role revoked while the page was open, say
        st.error(as_text(exc), icon=":material/lock:")
        sign_out_here()
        st.stop()


def guarded(action: Callable[[], T], *, success: str | None = None) -> T | None:
    """Run a write; show its error (a person can act on it) instead of a traceback."""
    import sqlalchemy as sa

    from greenlight.store import StoreError, TransitionError

    try:
        result = action()
    except (StoreError, TransitionError, ValueError) as exc:
        # The message may echo what was typed or a URL's ?use=: shown as text, never Markdown.
        st.error(as_text(exc), icon=":material/error:")
        return None
    except sa.exc.SQLAlchemyError as exc:  # rolled back: the write left nothing behind
        log_database_trouble(exc, "A change was not saved.")
        st.error("Nothing was saved: the database refused the change.", icon=":material/error:")
        st.text(SERVER_LOG_SAYS_WHY)
        return None
    if success:
        st.session_state[FLASH_KEY] = success  # shown by sidebar() on this run or the next
    return result


def show_flash() -> None:
    """Toast the message a write left (app.py calls this after the page; sidebar() on a rerun)."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.toast(as_text(message), icon=":material/check_circle:")


# --- session: who and which production --------------------------------------------------------


def who():
    """Who makes a change, as the store takes it: the signed-in person, else the typed name."""
    return person() or actor()


def actor() -> str:
    """Who is making changes, in words: the signed-in person's name in studio mode, else the
    name typed in the sidebar ('' until given)."""
    found = identity()
    if found is not None:
        return found.name
    return (st.session_state.get(ACTOR_KEY) or "").strip()


def me() -> PersonRecord | None:
    """The signed-in person with their roles as read on this run (None in local mode)."""
    return st.session_state.get(ME_KEY)


def may(action: str, production: str | None) -> bool:
    """Whether this person's roles allow `action` (store ACTIONS) on the production: what a
    page offers; the store checks again at every write. Always True in local mode."""
    found = me()
    return found is None or found.may(action, production or "")


def require_actor() -> Actor | None:
    """Who makes a change, as the store takes it: the signed-in person, else the typed name,
    or a warning asking for it (every change records who made it)."""
    found = person()
    if found is not None:
        return found
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


def show_in_log(use_id: str) -> None:
    """Have the log page show this use in full, as this session just saved it: a status the
    save changed (a re-assessment that reopens an approval) is no warning of a stale form."""
    st.session_state[LOG_SELECTED_KEY] = use_id
    st.session_state.pop(LOG_STATUS_DRAWN_KEY, None)


def select_production(code: str) -> None:
    """Make `code` the current production from the next run on (call st.rerun after)."""
    st.session_state[SELECT_KEY] = code


def no_production_yet() -> str:
    """What a person with no production to show reads, and what they can do about it."""
    found = me()
    if found is None or found.is_admin:
        return "No production yet. Create one with **New production** in the sidebar."
    return (
        "You have no role in any production yet: ask a studio admin, or the lead of the "
        "production you work on, to add you."
    )


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
    chosen = st.session_state.pop(SELECT_KEY, None) or recall(PRODUCTION_KEY)
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
            remember(PRODUCTION_KEY, st.session_state[PRODUCTION_KEY])
        else:
            below = me() is None or me().is_admin
            said = "No production yet: create one below." if below else no_production_yet()
            st.info(said, icon=":material/movie:")
        if me() is None or me().is_admin:  # the store allows no one else in studio mode
            with st.popover("New production", icon=":material/add:", width="stretch"):
                _new_production_form(log)
        _who_and_mode()


def _who_and_mode() -> None:
    """The mode the app runs in, said on every page, with who is recorded as making changes."""
    person = identity()
    if person is not None:
        st.caption(f"Signed in as {as_text(person.name)}")
        if person.email and person.email != person.name:
            st.caption(as_text(person.email))
        sign_out_button()
        return
    st.text_input(
        "Your name",
        key=ACTOR_KEY,
        max_chars=120,
        placeholder="e.g. Sam Rivera, line producer",
        help="Recorded as the author of every use you log and every change you make.",
    )
    st.caption(
        "Local mode, for one person on this machine: names are typed, not checked, and the "
        "history marks them so."
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
