"""Text from people, files and URLs, made safe for Streamlit's Markdown elements.

st.error, st.warning, st.success, st.info, st.toast, st.caption and st.markdown all read
their body as Markdown (with Streamlit's directives: `:red[...]`, `:material/...:`, emoji
shortcodes, `$...$`). `as_text` escapes every ASCII punctuation mark with a backslash, which
CommonMark turns back into the mark itself, so the text renders literally: no heading, link,
image, HTML, directive or formula can come out of it.
"""

from __future__ import annotations

import re
import string

# Every ASCII punctuation mark: CommonMark lets a backslash escape any of them, and the
# escaped "/" also keeps Streamlit from rewriting ":material/" before it parses the text.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def as_text(value: object) -> str:
    """`value` as Markdown that renders exactly as the text (line breaks kept as breaks)."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(value))
    # A backslash before a line end is a hard break: the lines stay lines, not paragraphs.
    return _LINE_BREAK.sub("\\\\\n", escaped)


def plain(markdown: str) -> str:
    """The text `as_text` escaped (the reverse of as_text), for tests and logs."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("\\\n", "\n"), flags=re.DOTALL)
