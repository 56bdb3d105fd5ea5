"""The notification e-mails: who is told what, declared once per kind of event.

A message carries no more than the use's title, level, production and a link back: the
answers, reasons and names stay in Greenlight, behind sign-in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import quote

MAX_SUBJECT_TITLE = 120


@dataclass(frozen=True)
class NoticeKind:
    """One kind of event people are told about, and how the e-mail words it."""

    id: str
    subject: str  # with {title} and {decision}
    lead: str  # the first line of the body, with {decision}


NOTICE_KINDS: tuple[NoticeKind, ...] = (
    NoticeKind(
        "submitted",
        "Review requested: {title}",
        "A production submitted a use of generative AI for the studio's review.",
    ),
    NoticeKind(
        "escalated",
        "Escalated for your decision: {title}",
        "A use of generative AI was escalated and waits for the studio's decision.",
    ),
    NoticeKind(
        "decided",
        "{decision}: {title}",
        "The studio took a decision on a use you logged: {decision}.",
    ),
)
_KINDS = {kind.id: kind for kind in NOTICE_KINDS}


@dataclass(frozen=True)
class Notice:
    """One e-mail to one person about one use."""

    kind: str
    recipient: str
    use_id: str
    title: str
    level: str
    production: str
    link: str
    decision: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown notice kind {self.kind!r}; known: {', '.join(_KINDS)}")


def use_link(base_url: str, use_id: str) -> str:
    """The address of a use on the log page of the app served at `base_url`."""
    return f"{base_url.rstrip('/')}/log?use={quote(use_id, safe='')}"


def one_line(text: str, limit: int | None = None) -> str:
    """User text made safe for a header or a labelled line: control characters (line breaks
    included, which could start a header of their own) become spaces, runs of space one."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned or "(untitled)"


def compose(notice: Notice, sender: str) -> EmailMessage:
    """The plain-text e-mail for `notice`, from `sender`."""
    kind = _KINDS[notice.kind]
    decision = one_line(notice.decision)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.recipient
    message["Subject"] = kind.subject.format(
        title=one_line(notice.title, MAX_SUBJECT_TITLE), decision=decision
    )
    message.set_content(
        "\n".join(
            [
                kind.lead.format(decision=decision),
                "",
                f"Title: {one_line(notice.title)}",
                f"Level: {one_line(notice.level)}",
                f"Production: {one_line(notice.production)}",
                "",
                f"Open it in Greenlight (sign-in required): {notice.link}",
                "",
                "You receive this because of your role in Greenlight for this production.",
            ]
        )
    )
    return message
