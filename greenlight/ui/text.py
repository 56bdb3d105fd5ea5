"""Text from people, files and URLs, made safe for Streamlit's Markdown elements.

st.error, st.warning, st.success, st.info, st.toast, st.caption and st.markdown all read
their body as Markdown (with Streamlit's directives: `:red[...]`, `:material/...:`, emoji
shortcodes, `$...$`). `as_text` escapes every ASCII punctuation mark with a backslash, which
CommonMark turns back into the mark itself, so the text renders literally: no heading, link,
image, HTML, directive or formula can come out of it. GitHub-style Markdown also links bare
addresses (`https://...`, `www.`, `name@host`) after the escapes are read, so a word joiner
(U+2060, invisible) goes inside each such start to keep it from matching.
"""

from __future__ import annotations

import re
import string

# Every ASCII punctuation mark: CommonMark lets a backslash escape any of them, and the
# escaped "/" also keeps Streamlit from rewriting ":material/" before it parses the text.
_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_JOINER = "\u2060"
# Where a bare address would begin to match, escaped as it is when this runs: the colon of
# "://" or "mailto:", an address's "@", and "www" before its dot.
_AUTOLINK = re.compile(r"(\\:(?=\\/\\/)|(?i:mailto)\\:|\\@|(?i:www)(?=\\\.))")


def as_text(value: object) -> str:
    """`value` as Markdown that renders exactly as the text (line breaks kept as breaks)."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(value))
    escaped = _AUTOLINK.sub(lambda m: m[1] + _JOINER, escaped)
    # A backslash before a line end is a hard break: the lines stay lines, not paragraphs.
    return _LINE_BREAK.sub("\\\\\n", escaped)


def plain(markdown: str) -> str:
    """The text `as_text` escaped (the reverse of as_text), for tests and logs."""
    text = markdown.replace("\\\n", "\n").replace(_JOINER, "")
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)
