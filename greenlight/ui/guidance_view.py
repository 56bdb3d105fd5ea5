"""The Guidance page's sections: each drawn with the words a search matched highlighted.

The highlight is Markdown around pieces of the guidance's own text; every piece, matched or
not, goes through as_text, so nothing typed in the search box (which only decides where the
pieces are cut) can become a link, a heading or a directive.
"""

from __future__ import annotations

import streamlit as st

from greenlight.policy import Guidance, Section
from greenlight.present import count_matches, marked_spans, section_shown
from greenlight.ui.text import as_text
from greenlight.ui.widgets import level_icon

# Our own static script, no text from anyone in it. A reason's link is often clicked far down
# the self-assessment, and Streamlit keeps the main area's scroll position across pages: the
# guidance opened as far down, and the section drawn at its top was out of view (a phone put
# it some 3,600 px above). So the main area is scrolled to its top before the section is drawn.
_SCROLL_TO_TOP = (
    "<script>document.querySelector('[data-testid=\"stMain\"]')?.scrollTo({top: 0});</script>"
)


def open_at_top() -> None:
    """Open the page at its top, wherever the previous page was scrolled."""
    st.html(_SCROLL_TO_TOP, unsafe_allow_javascript=True)


# Streamlit pads a coloured background on both sides, which leaves a gap between a matched
# word and the character after it ("consent ."): the highlight hugs the match instead.
# Only the Guidance page draws this style, and only while a search marks matches.
HIGHLIGHT_STYLE = (
    "<style>[data-testid='stMarkdownContainer'] span.stMarkdownColoredBackground "
    "{ padding-left: 0; padding-right: 0; }</style>"
)


def marked(text: str, words: tuple[str, ...]) -> str:
    """`text` as Markdown that shows it literally, with each match of `words` highlighted."""
    return "".join(
        f"**:orange-background[{as_text(piece)}]**" if hit else as_text(piece)
        for piece, hit in marked_spans(text, words)
    )


def _point(number: str | None, text: str, words: tuple[str, ...]) -> str:
    # A numbered point is that item of a numbered list: one marker, not "• 1.".
    return f"{number}. {marked(text, words)}" if number else f"- {marked(text, words)}"


def match_summary(guidance: Guidance, sections: tuple[Section, ...], words) -> None:
    """How many matches a search found, in how many sections."""
    matches = count_matches(
        (text for s in sections for text in section_shown(guidance, s).passages()), words
    )
    st.html(HIGHLIGHT_STYLE)
    st.caption(
        f"{matches} {'match' if matches == 1 else 'matches'} in {len(sections)} "
        f"{'section' if len(sections) == 1 else 'sections'}"
    )


def section_card(
    guidance: Guidance, section: Section, words: tuple[str, ...], *, expanded: bool
) -> None:
    """One section in an expander: its summary, points, checks, questions and readings."""
    shown = section_shown(guidance, section)
    arrow = "↳ " if section.parent else ""
    with st.expander(arrow + marked(section.title, words), expanded=expanded):
        st.caption(f"Source: {marked(section.cites, words)} · link: ?section={as_text(section.id)}")
        st.markdown(marked(shown.summary, words))
        if shown.points:
            st.markdown("\n".join(_point(number, text, words) for number, text in shown.points))
        if shown.rules:
            st.markdown("**What Greenlight checks here**")
            for level, text in shown.rules:
                st.markdown(f"{level_icon(guidance, level)} {marked(text, words)}")
        if shown.questions:
            st.markdown("**What Greenlight asks here**")
            st.markdown(
                "\n".join(
                    f"- {marked(label, words)}: {marked(help_, words)}"
                    for label, help_ in shown.questions
                )
            )
        for reading, why in shown.readings:
            st.markdown(f"**Our reading** - {marked(reading, words)}")
            st.caption(marked(why, words))
