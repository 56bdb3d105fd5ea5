"""The self-assessment's headline: the level and the count of reasons, kept in view (sticky)
while the person scrolls through the questions, on a wide screen and on a phone alike."""

from __future__ import annotations

import streamlit as st

from greenlight.policy import Assessment, Guidance
from greenlight.ui.widgets import level_badge

HEADLINE_KEY = "outcome-headline"

# Static CSS, no text from anyone: Streamlit has no sticky container, so the keyed container
# (class st-key-<key>) is made to stick. What sticks is the layout wrapper Streamlit puts
# around it: a sticky box stays inside its parent, and the wrapper's parent is the page's
# whole column of elements. It sticks inside the main area's scroll box, under Streamlit's
# fixed header (3.75rem), which is see-through on a wide screen: the band above the headline
# (::before) hides what scrolls under the header. Its ancestors take the app's background by inheritance, which
# paints exactly what was behind them, so the headline is opaque in either theme without
# naming a colour. scroll-padding keeps a field the browser scrolls to (focus, Tab) from
# landing under the headline.
_STICKY = f'[data-testid="stLayoutWrapper"]:has(> .st-key-{HEADLINE_KEY})'
_CSS = f"""<style>
[data-testid="stMain"] {{ scroll-padding-top: 8rem; }}
.stApp :has(.st-key-{HEADLINE_KEY}) {{ background-color: inherit; }}
{_STICKY} {{
  position: sticky;
  top: 3.75rem;
  z-index: 99;
  background-color: inherit;
  padding: 0.4rem 0;
  border-bottom: 1px solid rgba(128, 128, 128, 0.3);
}}
{_STICKY}::before {{
  content: "";
  position: absolute;
  left: 0;
  right: 0;
  bottom: 100%;
  height: 3.75rem;
  background-color: inherit;
}}
</style>"""


def outcome_headline():
    """The headline's place (above the questions); fill it with show_headline once assessed."""
    st.html(_CSS)  # only a style tag: Streamlit adds it to the page without taking up space
    return st.container(key=HEADLINE_KEY, horizontal=True, vertical_alignment="center", gap="small")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def show_headline(place, guidance: Guidance, result: Assessment) -> None:
    """The level, the count of reasons and of open questions, and a link to the full outcome."""
    with place:
        st.markdown("**Outcome so far:**", width="content")
        level_badge(guidance, result.level)
        said = _count(len(result.raising), "reason", "reasons")
        if result.unanswered:
            said += " · " + _count(len(result.unanswered), "question open", "questions open")
        st.markdown(f"{said} · [see why](#outcome)", width="content")
