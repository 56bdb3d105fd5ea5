"""The one Streamlit-aware package (shell, widgets, form, cached reads): pages import from
here and from greenlight's other faces; nothing else in greenlight/ imports streamlit."""

from greenlight.ui import state
from greenlight.ui.data import (
    departments,
    overview_charts,
    overview_data,
    production_list,
    style_log,
)
from greenlight.ui.form import AssessmentForm, form_is_complete
from greenlight.ui.shell import (
    PAGES,
    actor,
    current_production,
    database_errors,
    guarded,
    guidance_and_engine,
    navigation,
    page,
    require_actor,
    select_production,
    show_flash,
    show_in_log,
    sidebar,
    store,
)
from greenlight.ui.state import keep
from greenlight.ui.widgets import (
    changelog,
    level_badge,
    level_icon,
    outcome_card,
    section_link,
    status_badge,
)

# fmt: off
__all__ = [
    "PAGES", "AssessmentForm", "actor", "changelog", "current_production", "database_errors", "departments",
    "form_is_complete", "guarded", "guidance_and_engine", "keep", "level_badge", "level_icon",
    "navigation", "outcome_card", "overview_charts", "overview_data", "page", "production_list", "require_actor",
    "section_link", "select_production", "show_flash", "show_in_log", "sidebar", "state",
    "status_badge", "store", "style_log",
]
# fmt: on
