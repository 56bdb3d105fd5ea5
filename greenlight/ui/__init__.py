"""The one Streamlit-aware package (shell, widgets, form, cached reads): pages import from
here and from greenlight's other faces; nothing else in greenlight/ imports streamlit."""

from greenlight.ui import (
    desk,
    guidance_view,
    links,
    log_detail,
    log_view,
    notices,
    overview,
    people_admin,
    state,
    talent_consents,
    talent_page,
    tool_forms,
    tools_page,
    writes,
)
from greenlight.ui.auth import (
    enter,
    identity,
    person,
    require_sign_in,
    say_mode,
    studio_mode,
    viewer,
)
from greenlight.ui.data import (
    attention_data,
    departments,
    overview_charts,
    overview_data,
    production_list,
    style_log,
)
from greenlight.ui.downloads import download_row, request_buttons
from greenlight.ui.form import (
    AssessmentForm,
    Pickers,
    form_is_complete,
    loaded_notice,
    log_this_use,
)
from greenlight.ui.headline import outcome_headline, show_headline
from greenlight.ui.registry import registry_facts, registry_pickers
from greenlight.ui.shell import (
    PAGES,
    actor,
    current_production,
    database_errors,
    guarded,
    guidance_and_engine,
    may,
    me,
    navigation,
    no_production_yet,
    page,
    pages_for,
    require_actor,
    select_production,
    show_flash,
    show_in_log,
    sidebar,
    store,
    who,
)
from greenlight.ui.state import keep
from greenlight.ui.sweeps import keep_registries_current
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
    "PAGES", "AssessmentForm", "actor", "as_text", "attention_data", "changelog",
    "current_production", "database_errors", "departments", "desk", "download_row", "enter",
    "form_is_complete", "guarded", "guidance_view", "guidance_and_engine", "identity", "keep",
    "keep_registries_current",
    "level_badge", "level_icon", "links", "loaded_notice", "log_detail", "log_this_use",
    "log_view", "may", "me", "navigation", "no_production_yet", "notices", "outcome_card",
    "outcome_headline", "overview", "overview_charts", "overview_data", "page", "pages_for",
    "people_admin", "person", "Pickers", "production_list", "registry_facts",
    "registry_pickers", "request_buttons", "require_actor",
    "require_sign_in", "say_mode", "section_link", "select_production", "show_flash", "show_headline",
    "show_in_log", "sidebar", "state", "status_badge", "store", "stored_assessment",
    "studio_mode", "style_log", "talent_consents", "talent_page", "tool_forms", "tools_page",
    "unreadable_notice", "viewer", "who", "writes",
]
# fmt: on
