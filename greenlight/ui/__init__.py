"""The one Streamlit-aware package (shell, widgets, form, cached reads): pages import from
here and from greenlight's other faces; nothing else in greenlight/ imports streamlit."""

from greenlight.ui import desk, log_detail, log_view, notices, state, writes
from greenlight.ui.auth import identity, require_sign_in, studio_mode
from greenlight.ui.data import (
    departments,
    overview_charts,
    overview_data,
    production_list,
    style_log,
)
from greenlight.ui.downloads import download_row, request_buttons
from greenlight.ui.form import AssessmentForm, form_is_complete, log_this_use
from greenlight.ui.shell import (
    PAGES,
    actor,
    current_production,
    database_errors,
    enter,
    guarded,
    guidance_and_engine,
    navigation,
    page,
    person,
    require_actor,
    select_production,
    show_flash,
    show_in_log,
    sidebar,
    store,
    viewer,
    who,
)
from greenlight.ui.state import keep
from greenlight.ui.text import as_text
from greenlight.ui.widgets import (
    changelog,
    level_badge,
    level_icon,
    outcome_card,
    section_link,
    status_badge,
    stored_assessment,
    unreadable_notice,
)

# fmt: off
__all__ = [
    "PAGES", "AssessmentForm", "actor", "as_text", "changelog", "current_production", "database_errors",
    "departments", "download_row", "form_is_complete", "guarded", "guidance_and_engine",
    "enter", "person", "viewer", "who",
    "identity", "keep", "level_badge", "level_icon", "log_detail", "log_this_use", "log_view",
    "navigation", "outcome_card", "overview_charts", "overview_data", "page", "production_list",
    "request_buttons", "require_actor", "require_sign_in", "section_link", "select_production",
    "show_flash", "show_in_log", "sidebar", "state", "status_badge", "store", "stored_assessment",
    "studio_mode", "style_log", "unreadable_notice",
    "writes", "desk", "notices",
]
# fmt: on
